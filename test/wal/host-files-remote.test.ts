// The remote side of the WAL read, run for real: HostFiles over a Host that executes its argv
// on this machine, so cmp, cksum and find answer as they do on a database host.

import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostFiles, identityStatCommand, zeroCheckCommand } from '../../src/remote/host-files.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { verifyPath } from '../../src/wal/engine.js';
import { readSealed } from '../../src/wal/sealed.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';
import { createWal } from '../helpers/walref.js';

afterAll(cleanupTmp);

const rules = rulesFor('3.4');

describe('on-host zero check', () => {
  it('finds the first non-zero byte of a range, or proves it all zeros', async () => {
    const p = join(tmp(), 'f');
    writeFileSync(p, Buffer.from([0x61, 0x62, 0x63, 0, 0, 0, 0, 0x78, 0, 0]));
    const files = new HostFiles(new LocalHost());
    expect(await files.firstNonZero(p, 3, 10)).toBe(7);
    expect(await files.firstNonZero(p, 3, 7)).toBeUndefined();
    expect(await files.firstNonZero(p, 8, 10)).toBeUndefined();
    expect(await files.firstNonZero(p, 0, 10)).toBe(0);
    // Past the end of the file: not provably zeros, so the caller reads from the start.
    expect(await files.firstNonZero(p, 8, 40)).toBe(8);
    expect(await new HostFiles(new LocalHost(), { everyByte: true }).firstNonZero(p, 3, 7)).toBe(3);
  });

  it('is one argv, with the range in bytes', () => {
    expect(zeroCheckCommand('/d/a.wal', 4096, 65536)).toEqual([
      'env',
      'LC_ALL=C',
      'cmp',
      '--bytes=61440',
      '--ignore-initial=4096:0',
      '--',
      '/d/a.wal',
      '/dev/zero',
    ]);
  });
});

describe('on-host fingerprints', () => {
  it('read no content: one find over all the segments', () => {
    expect(identityStatCommand(['/d/a.wal', '/d/b.wal'])).toEqual([
      'find',
      '/d/a.wal',
      '/d/b.wal',
      '-maxdepth',
      '0',
      '-printf',
      '%s %T@ %C@ %i %f\\0',
    ]);
  });

  it('tell an in-place change even when the mtime is put back', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.wal'), 'hello world');
    writeFileSync(join(dir, 'b.wal'), 'second');
    const files = new HostFiles(new LocalHost());
    const before = await files.identify(dir, ['a.wal', 'b.wal', 'missing.wal']);
    expect([...before.keys()].sort()).toEqual(['a.wal', 'b.wal']);
    expect(before.get('a.wal')).toMatchObject({ name: 'a.wal', size: 11 });
    const st = statSync(join(dir, 'a.wal'));
    writeFileSync(join(dir, 'a.wal'), 'hello wOrld');
    utimesSync(join(dir, 'a.wal'), st.atime, st.mtime);
    const after = await files.identify(dir, ['a.wal', 'b.wal']);
    expect(after.get('a.wal')!.size).toBe(11);
    expect(after.get('a.wal')!.fingerprint).not.toBe(before.get('a.wal')!.fingerprint);
    expect(after.get('b.wal')).toEqual(before.get('b.wal'));
  });
});

describe('a WAL read as on a remote node', () => {
  it('sealed before, then only the last segment up to its records plus one range', async () => {
    const dir = join(tmp(), 'wal');
    createWal(dir, { entries: 16_000, entrySize: 200, segmentSize: 3_000_000 });
    const names = readdirSync(dir)
      .filter((n) => n.endsWith('.wal'))
      .sort();
    expect(names.length).toBeGreaterThanOrEqual(2);
    const early = new HostFiles(new LocalHost());
    const sealed = await readSealed(early, dir, rules);
    expect(sealed[0]!.segments.map((s) => s.name)).toEqual(names.slice(0, -1));

    const late = new HostFiles(new LocalHost());
    const r = await verifyPath(late, dir, rules, sealed);
    expect(r.verdict).toBe('clean');
    expect(r.dirs[0]!.sealed).toEqual({ reused: names.length - 1 });
    const last = readFileSync(join(dir, names[names.length - 1]!));
    let nonZero = last.length;
    while (nonZero > 0 && last[nonZero - 1] === 0) nonZero--;
    expect(last.length - nonZero).toBeGreaterThan(2 ** 20);
    expect(late.bytesRead).toBeLessThanOrEqual(nonZero + 2 ** 20);

    // The old way, every byte after the stop: the same verdict, for all the bytes.
    const all = new HostFiles(new LocalHost(), { everyByte: true });
    const r2 = await verifyPath(all, dir, rules);
    expect(r2.verdict).toBe('clean');
    const total = names.reduce((n, x) => n + statSync(join(dir, x)).size, 0);
    expect(all.bytesRead).toBe(total);
  });
});
