// The `raftroll wal` commands as an operator runs them: the committed bundle (test/dist.test.ts
// proves it matches the sources), its exit codes, its JSON, and its messages for bad input.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frames } from '../helpers/frames.js';
import { cleanupTmp, copyDir, dirDigest, tmp } from '../helpers/tmp.js';
import { createWal } from '../helpers/walref.js';

const require = createRequire(import.meta.url);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

function raftroll(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let clean: string;
beforeAll(() => {
  clean = join(tmp(), 'wal');
  createWal(clean, { entries: 300, entrySize: 100, segmentSize: 30_000 });
});
afterAll(cleanupTmp);

function tornCopy(): string {
  const dir = copyDir(clean, join(tmp(), 'wal'));
  const last = readdirSync(dir).sort().at(-1)!;
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const fs = frames(readFileSync(join(dir, last)));
  const f = fs[fs.length - 1]!;
  truncateSync(join(dir, last), f.offset + 8 + 3);
  return dir;
}

describe('raftroll wal verify', () => {
  it('exits 0 on a clean log', () => {
    const r = raftroll('wal', 'verify', clean);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/clean/);
  });

  it('exits 3 on a torn tail, and --json has the verdicts and the dirs', () => {
    const r = raftroll('wal', 'verify', tornCopy(), '--json', '--etcd', '3.6');
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      etcdVersion: '3.6',
      etcdVerdict: 'torn',
      verdict: 'torn',
      repairable: true,
    });
    expect(j.dirs).toHaveLength(1);
    expect(j.dirs[0].repair.truncateAt).toBeGreaterThan(0);
  });

  it('judges every WAL directory below a data directory (elastickv keeps one per group)', () => {
    const data = tmp();
    copyDir(clean, join(data, 'n1/wal'));
    copyDir(clean, join(data, 'n1/group-2/wal'));
    const j = JSON.parse(raftroll('wal', 'verify', data, '--json').out);
    expect(j.dirs.map((d: { dir: string }) => d.dir)).toEqual([
      join(data, 'n1/group-2/wal'),
      join(data, 'n1/wal'),
    ]);
  });

  it.each([
    ['a missing path', () => join(tmp(), 'nope'), /does not exist/],
    [
      'a file instead of a directory',
      () => join(clean, readdirSync(clean)[0]!),
      /is not a directory/,
    ],
    ['a directory with no WAL', () => tmp(), /holds no WAL/],
  ])('names %s and exits 2', (_what, path, message) => {
    const p = path();
    const r = raftroll('wal', 'verify', p);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toContain(p);
  });

  it('calls a file that is not a WAL corrupt, naming it, and exits 4', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, '0000000000000000-0000000000000000.wal'),
      'this is a text file, not a log\n',
    );
    const r = raftroll('wal', 'verify', dir);
    expect(r.code).toBe(4);
    expect(r.out).toContain('0000000000000000-0000000000000000.wal');
  });

  it('refuses an empty segment, naming it', () => {
    const dir = copyDir(clean, join(tmp(), 'wal'));
    const last = readdirSync(dir).sort().at(-1)!;
    truncateSync(join(dir, last), 0);
    const r = raftroll('wal', 'verify', dir);
    expect(r.code).toBe(4);
    expect(r.out).toContain(`${last} empty (0 bytes)`);
  });

  it('names a segment that is not a regular file', () => {
    const dir = copyDir(clean, join(tmp(), 'wal'));
    mkdirSync(join(dir, '00000000000000ff-0000000000000000.wal'));
    const r = raftroll('wal', 'verify', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/00000000000000ff-0000000000000000\.wal: expected a regular file/);
  });

  it('rejects an unknown etcd version with exit 2', () => {
    const r = raftroll('wal', 'verify', clean, '--etcd', '3.9');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/3\.4, 3\.5, 3\.6, 3\.7/);
  });
});

describe('raftroll wal repair', () => {
  it('repairs a torn tail (backup first), then a second run writes nothing', () => {
    const dir = tornCopy();
    const r = raftroll('wal', 'repair', dir, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.actions).toHaveLength(1);
    expect(j.after.verdict).toBe('clean');
    expect(
      readdirSync(`${dir}.raftroll-backup`).some((n) => n.endsWith('.wal.raftroll-backup')),
    ).toBe(true);
    const after = dirDigest(dir);
    expect(raftroll('wal', 'repair', dir).code).toBe(0);
    expect(dirDigest(dir)).toEqual(after);
  });

  it('refuses a corrupt log with exit 4 and leaves every byte', () => {
    const dir = copyDir(clean, join(tmp(), 'wal'));
    const first = readdirSync(dir).sort()[0]!;
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const buf = readFileSync(join(dir, first));
    const f = frames(buf)[10]!;
    buf[f.end - 2] = buf[f.end - 2]! ^ 0xff;
    writeFileSync(join(dir, first), buf);
    const before = dirDigest(dir);
    const r = raftroll('wal', 'repair', dir);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/refusing to repair; nothing was written/);
    expect(r.err).toContain(first);
    expect(dirDigest(dir)).toEqual(before);
  });
});

describe('--help', () => {
  it.each([[[]], [['wal']], [['wal', 'verify']], [['wal', 'repair']]])(
    'raftroll %j --help exits 0',
    (args) => {
      const r = raftroll(...args, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: raftroll/);
    },
  );
});
