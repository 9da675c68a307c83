// raftroll's WAL verdicts against etcd's own code (etcd 3.4.23's wal package, driven by
// test/reference/walref): for every fixture and every mutation, the etcd verdict must be
// the one etcd's loader reaches, verify must not change a byte, and a repair must leave
// exactly the bytes wal.Repair leaves.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFiles } from '../../src/remote/local-files.js';
import { repairPath, verifyPath } from '../../src/wal/engine.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, copyDir, dirDigest, tmp } from '../helpers/tmp.js';
import { createWal, type LoadResult, walref } from '../helpers/walref.js';
import { MUTATIONS } from './mutations.js';

const FIXTURES = [
  { name: 'one preallocated segment', entries: 400, entrySize: 200, segmentSize: 1_000_000 },
  { name: 'many small segments', entries: 1500, entrySize: 120, segmentSize: 48_000 },
  { name: 'batched large entries', entries: 300, entrySize: 1500, segmentSize: 96_000, batch: 7 },
];

const rules = rulesFor('3.4');
const files = new LocalFiles();
const fixtures = new Map<string, string>();

beforeAll(() => {
  for (const f of FIXTURES) {
    const dir = join(tmp(), 'wal');
    createWal(dir, f);
    fixtures.set(f.name, dir);
  }
});
afterAll(cleanupTmp);

describe.each(FIXTURES.map((f) => f.name))('%s', (fixture) => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', async (_name, m) => {
    const src = fixtures.get(fixture)!;
    const ours = copyDir(src, join(tmp(), 'wal'));
    const theirs = copyDir(src, join(tmp(), 'wal'));
    const repaired = copyDir(src, join(tmp(), 'wal'));
    if (!m.apply(ours)) return; // no target for this mutation in this fixture
    m.apply(theirs);
    m.apply(repaired);

    const before = dirDigest(ours);
    const report = await verifyPath(files, ours, rules);
    expect(dirDigest(ours), 'verify must not write').toEqual(before);

    const etcd = walref<LoadResult>('load', theirs);
    const d = report.dirs[0]!;
    expect(
      { etcdVerdict: d.etcdVerdict },
      `etcd: ${JSON.stringify(etcd)}\nraftroll: ${d.reason}`,
    ).toEqual({ etcdVerdict: etcd.verdict });
    if (m.expect) expect(d.verdict, d.reason).toBe(m.expect);

    if (etcd.verdict === 'torn') {
      // wal.Repair's bytes versus ours (lossy allowed: etcd's repair is the lossy one).
      const mutated = dirDigest(repaired);
      expect(walref<{ ok: boolean }>('repair', repaired).ok).toBe(true);
      const r = await repairPath(files, ours, rules, { allowLossy: true });
      expect(r.after.verdict).toBe('clean');
      const seg = r.actions[0]!.segment;
      expect(readFileSync(join(ours, seg)).equals(readFileSync(join(repaired, seg)))).toBe(true);
      // The original is kept where etcd's own repair never writes.
      expect(r.actions[0]!.backup).toBe(`${ours}.raftroll-backup/${seg}.raftroll-backup`);
      expect(dirDigest(`${ours}.raftroll-backup`)[`${seg}.raftroll-backup`]).toBe(mutated[seg]);
      // Idempotent: a second repair finds nothing to do and writes nothing.
      const again = dirDigest(ours);
      const r2 = await repairPath(files, ours, rules);
      expect(r2.actions).toEqual([]);
      expect(dirDigest(ours)).toEqual(again);
    } else if (d.verdict !== 'clean') {
      // Nothing but a torn tail is ever repaired by default.
      await expect(repairPath(files, ours, rules)).rejects.toThrow(/refusing to repair/);
      expect(dirDigest(ours)).toEqual(before);
    }
  });
});
