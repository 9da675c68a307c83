// The remote side of the WAL read, run for real: HostFiles over a Host that executes its argv
// on this machine, so cmp, cksum and find answer as they do on a database host.

import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostFiles, identityStatCommand, zeroCheckCommand } from '../../src/remote/host-files.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { repairPath, verifyPath } from '../../src/wal/engine.js';
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

/** A LocalHost that counts the commands it runs and the streams it opens: the round trips. */
class CountingHost extends LocalHost {
  commands: string[] = [];
  override run(argv: readonly string[], opts?: Parameters<LocalHost['run']>[1]) {
    this.commands.push(argv[0]!);
    return super.run(argv, opts);
  }
  override readStream(path: string, start?: number, end?: number) {
    this.commands.push('read');
    return super.readStream(path, start, end);
  }
}

describe('a survey of the data directory', () => {
  function tree(): string {
    const root = join(tmp(), 'data');
    const wal = join(root, 'n1', 'group-1', 'wal');
    createWal(wal, { entries: 16_000, entrySize: 200, segmentSize: 3_000_000 });
    mkdirSync(join(root, 'n1', 'group-1', 'snap'));
    writeFileSync(join(root, 'n1', 'group-1', 'snap', 'a name with spaces.snap'), 'x');
    return root;
  }

  it('answers stat, list, findWalDirs and identify as the host does, with no round trip', async () => {
    const root = tree();
    const wal = join(root, 'n1', 'group-1', 'wal');
    const snap = join(root, 'n1', 'group-1', 'snap');
    const plain = new HostFiles(new LocalHost());
    const host = new CountingHost();
    const surveyed = new HostFiles(host);
    await surveyed.survey(root);
    expect(host.commands).toEqual(['find']);
    const names = readdirSync(wal).sort();
    expect(await surveyed.findWalDirs(root)).toEqual(await plain.findWalDirs(root));
    for (const p of [root, wal, join(wal, names[0]!), join(snap, 'a name with spaces.snap')])
      expect(await surveyed.stat(p)).toEqual(await plain.stat(p));
    expect(await surveyed.stat(join(wal, 'missing.wal'))).toBeUndefined();
    const sort = (es: { name: string }[]) => [...es].sort((a, b) => a.name.localeCompare(b.name));
    expect(sort(await surveyed.list(wal))).toEqual(sort(await plain.list(wal)));
    expect(sort(await surveyed.list(snap))).toEqual(sort(await plain.list(snap)));
    expect(await surveyed.identify(wal, [...names, 'missing.wal'])).toEqual(
      await plain.identify(wal, [...names, 'missing.wal']),
    );
    expect(host.commands).toEqual(['find']);
  });

  it('is forgotten at the first write, and a partial one is not used', async () => {
    const root = tree();
    const wal = join(root, 'n1', 'group-1', 'wal');
    const last = readdirSync(wal).sort().at(-1)!;
    const files = new HostFiles(new LocalHost());
    await files.survey(root);
    await files.truncate(join(wal, last), 100);
    expect((await files.stat(join(wal, last)))!.size).toBe(100);

    const host = new CountingHost();
    const missing = new HostFiles(host);
    await missing.survey(join(root, 'nope'));
    expect(await missing.stat(join(root, 'nope'))).toBeUndefined();
    expect(host.commands).toEqual(['find', 'find']);
  });

  it('leaves a verify after the stop with the reads and one zero check', async () => {
    const root = tree();
    const wal = join(root, 'n1', 'group-1', 'wal');
    const sealed = await readSealed(new HostFiles(new LocalHost()), wal, rules);
    const host = new CountingHost();
    const r = await verifyPath(new HostFiles(host), root, rules, sealed);
    expect(r.verdict).toBe('clean');
    expect(r.dirs[0]!.sealed).toMatchObject({ reused: expect.any(Number) });
    // One survey, the last segment's records (in 1 MiB ranges), and cmp over its zeros.
    expect(host.commands.filter((c) => c !== 'read')).toEqual(['find', 'env']);
    expect(host.commands[0]).toBe('find');
    expect(host.commands.filter((c) => c === 'read').length).toBeGreaterThan(0);
  });
});

it('a repair looks at the segment as it is now, not as the survey saw it', async () => {
  const dir = join(tmp(), 'wal');
  createWal(dir, { entries: 200, entrySize: 100, segmentSize: 1_000_000 });
  const last = readdirSync(dir).sort().at(-1)!;
  const nonZero = readFileSync(join(dir, last));
  let end = nonZero.length;
  while (end > 0 && nonZero[end - 1] === 0) end--;
  // A torn tail: the last record cut short, as a kill in the middle of a write leaves it.
  truncateSync(join(dir, last), end - 5);
  const files = new HostFiles(new LocalHost());
  expect((await verifyPath(files, dir, rules)).verdict).toBe('torn');
  // Written after the survey, as a node that was not really stopped would write.
  writeFileSync(join(dir, last), Buffer.alloc(10, 1), { flag: 'a' });
  await expect(repairPath(files, dir, rules)).rejects.toThrow(/changed since it was verified/);
});
