// The WAL read as it is done on a remote node: the sealed segments before the stop, then only
// what can have changed. For every fixture and mutation of the differential corpus, the verdict
// must be the one etcd's own loader reaches, whether the damage was there before the early
// read or came after it (then the changed segment is read again, and that read decides), and
// a repair must leave exactly the bytes wal.Repair leaves.

import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileIdentity } from '../../src/base/files.js';
import { LocalFiles } from '../../src/remote/local-files.js';
import { repairPath, verifyPath } from '../../src/wal/engine.js';
import { readSealed } from '../../src/wal/sealed.js';
import { decodeManifest, encodeManifest } from '../../src/wal/sealed-manifest.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, copyDir, dirDigest, tmp } from '../helpers/tmp.js';
import { createWal, type LoadResult, walref } from '../helpers/walref.js';
import { MUTATIONS } from './mutations.js';

const WINDOW = 64 * 1024;

/**
 * LocalFiles with what a remote host offers: ranged reads, and zero checks and fingerprints
 * computed "on the host" (here, without counting those bytes as read).
 */
class RemoteStyleFiles extends LocalFiles {
  bytesRead = 0;
  readonly readWindow = WINDOW;
  override async *read(path: string, start?: number, end?: number): AsyncIterable<Uint8Array> {
    for await (const chunk of super.read(path, start, end)) {
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }
  async firstNonZero(path: string, start: number, end: number): Promise<number | undefined> {
    const b = readFileSync(path);
    for (let i = start; i < end; i++) if (i >= b.length || b[i] !== 0) return i;
    return undefined;
  }
  async identify(dir: string, names: readonly string[]): Promise<Map<string, FileIdentity>> {
    const out = new Map<string, FileIdentity>();
    for (const name of names) {
      const p = join(dir, name);
      const st = statSync(p, { bigint: true });
      const fingerprint = `ctime ${st.ctimeNs} inode ${st.ino}`;
      // mtime to the second, as a file system with coarse timestamps keeps it: a write within
      // the same second leaves it as it was, and only the fingerprint can tell.
      const mtimeNs = ((st.mtimeNs / 1_000_000_000n) * 1_000_000_000n).toString();
      out.set(name, { name, size: Number(st.size), mtimeNs, fingerprint });
    }
    return out;
  }
}

const FIXTURES = [
  { name: 'one preallocated segment', entries: 400, entrySize: 200, segmentSize: 1_000_000 },
  { name: 'many small segments', entries: 1500, entrySize: 120, segmentSize: 48_000 },
  { name: 'batched large entries', entries: 300, entrySize: 1500, segmentSize: 96_000, batch: 7 },
];

const rules = rulesFor('3.4');
const fixtures = new Map<string, string>();

beforeAll(() => {
  for (const f of FIXTURES) {
    const dir = join(tmp(), 'wal');
    createWal(dir, f);
    fixtures.set(f.name, dir);
  }
});
afterAll(cleanupTmp);

/** Puts every file's mtime back, so that only the content tells a change. */
function keepTimes(dir: string): () => void {
  const times = readdirSync(dir).map((n) => [join(dir, n), statSync(join(dir, n))] as const);
  return () => {
    for (const [p, st] of times) if (existsSync(p)) utimesSync(p, st.atime, st.mtime);
  };
}

describe.each(FIXTURES.map((f) => f.name))('%s', (fixture) => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', async (_name, m) => {
    const src = fixtures.get(fixture)!;
    const early = copyDir(src, join(tmp(), 'wal'));
    const late = copyDir(src, join(tmp(), 'wal'));
    const theirs = copyDir(src, join(tmp(), 'wal'));
    const repaired = copyDir(src, join(tmp(), 'wal'));
    if (!m.apply(theirs)) return; // no target for this mutation in this fixture
    m.apply(early);
    m.apply(repaired);
    // The old path first: etcd's load opens the log for writing, which may change it.
    const full = (await verifyPath(new LocalFiles(), theirs, rules)).dirs[0]!;
    const etcd = walref<LoadResult>('load', theirs);

    // The damage was there before the early read.
    const files = new RemoteStyleFiles();
    const before = dirDigest(early);
    const sealedEarly = await readSealed(files, early, rules);
    const d1 = (await verifyPath(files, early, rules, sealedEarly)).dirs[0]!;
    expect(dirDigest(early), 'verify must not write').toEqual(before);
    expect({ etcd: d1.etcdVerdict, ours: d1.verdict }, d1.reason).toEqual({
      etcd: etcd.verdict,
      ours: full.verdict,
    });
    // The same report in every other respect (the copies differ only in where and when).
    const same = (d: typeof d1) => ({ ...d, sealed: undefined, dir: '', lastSegment: undefined });
    expect(same(d1)).toEqual(same(full));

    // The same early read kept in a record and taken back, as a later run takes it.
    const hashed = sealedEarly.map((p) => ({ ...p, sha256: p.segments.map(() => '0'.repeat(64)) }));
    const text = encodeManifest(hashed);
    if (text) {
      const kept = [...decodeManifest(text).values()];
      const d3 = (await verifyPath(new RemoteStyleFiles(), early, rules, kept)).dirs[0]!;
      expect({ etcd: d3.etcdVerdict, ours: d3.verdict }, d3.reason).toEqual({
        etcd: etcd.verdict,
        ours: full.verdict,
      });
      expect(same(d3)).toEqual(same(full));
      expect(d3.sealed).toEqual({ reused: kept[0]!.segments.length });
    }

    // The damage came after it, with every mtime put back: only the fingerprint (ctime) tells.
    const sealedLate = await readSealed(new RemoteStyleFiles(), late, rules);
    const restore = keepTimes(late);
    m.apply(late);
    restore();
    const d2 = (await verifyPath(new RemoteStyleFiles(), late, rules, sealedLate)).dirs[0]!;
    expect({ etcd: d2.etcdVerdict, ours: d2.verdict }, d2.reason).toEqual({
      etcd: etcd.verdict,
      ours: full.verdict,
    });
    const sealedChanged = Object.entries(dirDigest(late)).some(
      ([name, digest]) =>
        dirDigest(src)[name] !== digest && sealedLate[0]?.segments.some((s) => s.name === name),
    );
    if (sealedChanged) expect(d2.sealed).toMatchObject({ reused: 0 });

    if (etcd.verdict === 'torn') {
      expect(walref<{ ok: boolean }>('repair', repaired).ok).toBe(true);
      const r = await repairPath(files, early, rules, { allowLossy: true, sealed: sealedEarly });
      expect(r.after.verdict).toBe('clean');
      const seg = r.actions[0]!.segment;
      expect(readFileSync(join(early, seg)).equals(readFileSync(join(repaired, seg)))).toBe(true);
    }
  });
});

describe('what crosses the link', () => {
  it('after the early read: the last segment up to its records, plus at most one range', async () => {
    const dir = join(tmp(), 'wal');
    createWal(dir, { entries: 3000, entrySize: 200, segmentSize: 256_000 });
    const names = readdirSync(dir)
      .filter((n) => n.endsWith('.wal'))
      .sort();
    expect(names.length).toBeGreaterThanOrEqual(3);
    const before = new RemoteStyleFiles();
    const sealed = await readSealed(before, dir, rules);
    const sealedBytes = names.slice(0, -1).reduce((n, x) => n + statSync(join(dir, x)).size, 0);
    expect(before.bytesRead).toBe(sealedBytes);

    const after = new RemoteStyleFiles();
    const r = await verifyPath(after, dir, rules, sealed);
    expect(r.verdict).toBe('clean');
    expect(r.dirs[0]!.sealed).toEqual({ reused: names.length - 1 });
    const last = readFileSync(join(dir, names[names.length - 1]!));
    let nonZero = last.length;
    while (nonZero > 0 && last[nonZero - 1] === 0) nonZero--;
    expect(last.length - nonZero, 'the fixture must end in preallocation').toBeGreaterThan(WINDOW);
    expect(after.bytesRead).toBeGreaterThanOrEqual(nonZero);
    expect(after.bytesRead).toBeLessThanOrEqual(nonZero + WINDOW);

    // Without the early read, everything but the zeros after the last record.
    const cold = new RemoteStyleFiles();
    expect((await verifyPath(cold, dir, rules)).verdict).toBe('clean');
    expect(cold.bytesRead).toBeLessThanOrEqual(sealedBytes + nonZero + WINDOW);
    expect(cold.bytesRead).toBeGreaterThan(sealedBytes);
  });

  it('a purged first segment: everything left is read again', async () => {
    const dir = join(tmp(), 'wal');
    createWal(dir, { entries: 1500, entrySize: 120, segmentSize: 48_000 });
    const sealed = await readSealed(new RemoteStyleFiles(), dir, rules);
    const first = readdirSync(dir)
      .filter((n) => n.endsWith('.wal'))
      .sort()[0]!;
    rmSync(join(dir, first));
    const r = await verifyPath(new RemoteStyleFiles(), dir, rules, sealed);
    const full = await verifyPath(new LocalFiles(), dir, rules);
    expect(r.dirs[0]!.sealed).toMatchObject({ reused: 0, why: expect.stringMatching(/segment 0/) });
    expect(r.verdict).toBe(full.verdict);
  });
});
