// The record of verified sealed segments, kept beside the data directory for the next run, run
// for real: HostFiles over a Host that executes its argv on this machine, so sha256sum and find
// answer as they do on a database host. A recorded segment is taken as read only while its
// identity and its SHA-256 on the host are still the recorded ones; otherwise it is read again.

import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeBase } from '../../src/node/context.js';
import { readBeforeStop } from '../../src/node/wal.js';
import { HostFiles } from '../../src/remote/host-files.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { verifyPath } from '../../src/wal/engine.js';
import { readSealed } from '../../src/wal/sealed.js';
import {
  decodeManifest,
  encodeManifest,
  MANIFEST_FORMAT,
  ManifestError,
  manifestPath,
} from '../../src/wal/sealed-manifest.js';
import type { SealedPrefix } from '../../src/wal/verify.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';
import { createWal } from '../helpers/walref.js';

afterAll(cleanupTmp);

const rules = rulesFor('3.4');
const files = () => new HostFiles(new LocalHost());
const walNames = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort();
const sizeOf = (dir: string, names: string[]) =>
  names.reduce((n, x) => n + statSync(join(dir, x)).size, 0);
const byDir = (ps: SealedPrefix[]) => new Map(ps.map((p) => [p.dir, p]));

function wal(segmentSize = 48_000): { dir: string; names: string[]; sealedBytes: number } {
  const dir = join(tmp(), 'wal');
  createWal(dir, { entries: 1500, entrySize: 120, segmentSize });
  const names = walNames(dir);
  expect(names.length, 'the fixture must have sealed segments').toBeGreaterThanOrEqual(4);
  return { dir, names, sealedBytes: sizeOf(dir, names.slice(0, -1)) };
}

describe('the record', () => {
  it('gives back exactly the prefixes it was made of', async () => {
    const { dir, names } = wal();
    const read = await readSealed(files(), dir, rules);
    expect(read).toHaveLength(1);
    // Each hash is the host's, of the file's bytes.
    expect(read[0]!.sha256).toEqual(
      names.slice(0, -1).map((n) =>
        createHash('sha256')
          .update(readFileSync(join(dir, n)))
          .digest('hex'),
      ),
    );
    expect(decodeManifest(encodeManifest(read)!)).toEqual(byDir(read));
  });

  it('is not used when it was changed, is of another format or is not JSON', async () => {
    const { dir } = wal();
    const text = encodeManifest(await readSealed(files(), dir, rules))!;
    const doc = JSON.parse(text);
    doc.dirs[0].state.records += 1;
    expect(() => decodeManifest(JSON.stringify(doc))).toThrow(/checksum does not match/);
    expect(() =>
      decodeManifest(text.replace(MANIFEST_FORMAT, 'raftroll sealed WAL segments 0')),
    ).toThrow(/format "raftroll sealed WAL segments 0", expected/);
    expect(() => decodeManifest(text.slice(0, 40))).toThrow(ManifestError);
    // A well-formed record whose fields are not what this build writes.
    const odd = JSON.parse(text);
    odd.dirs[0].state.records = '12';
    odd.sha256 = createHash('sha256').update(JSON.stringify(odd.dirs)).digest('hex');
    expect(() => decodeManifest(JSON.stringify(odd))).toThrow(/records is not an integer/);
  });

  it('lives beside the data directory, not in it', () => {
    expect(manifestPath('/var/lib/etcd')).toBe('/var/lib/.raftroll-sealed-etcd.json');
    expect(manifestPath('/data/kv/')).toBe('/data/.raftroll-sealed-kv.json');
  });
});

describe('a later read with the record', () => {
  it('reads none of the recorded segments, and the verdict after the stop is the same', async () => {
    const { dir, names } = wal();
    const first = await readSealed(files(), dir, rules);
    const later = files();
    const again = await readSealed(later, dir, rules, decodeManifest(encodeManifest(first)!));
    expect(later.bytesRead).toBe(0);
    expect(again).toEqual(first);
    const r = await verifyPath(files(), dir, rules, again);
    expect(r.verdict).toBe('clean');
    expect(r.dirs[0]!.sealed).toEqual({ reused: names.length - 1 });
  });

  it('reads on from it over the segments sealed since', async () => {
    const { dir, names } = wal();
    // Only the first three segments exist when the record is made (the third is the tail).
    const aside = join(tmp(), 'aside');
    mkdirSync(aside);
    for (const n of names.slice(3)) renameSync(join(dir, n), join(aside, n));
    const early = await readSealed(files(), dir, rules);
    expect(early[0]!.segments.map((s) => s.name)).toEqual(names.slice(0, 2));
    for (const n of names.slice(3)) renameSync(join(aside, n), join(dir, n));

    const later = files();
    const on = await readSealed(later, dir, rules, decodeManifest(encodeManifest(early)!));
    expect(later.bytesRead).toBe(sizeOf(dir, names.slice(2, -1)));
    const cold = await readSealed(files(), dir, rules);
    expect(on).toEqual(cold);
  });

  it('reads everything again when a recorded hash no longer matches (same identity)', async () => {
    const { dir, sealedBytes } = wal();
    const first = await readSealed(files(), dir, rules);
    // What rot on the disk looks like from here: the bytes differ, nothing else does.
    const rotten = first.map((p) => ({
      ...p,
      sha256: p.sha256!.map((h, i) => (i ? h : '0'.repeat(64))),
    }));
    const later = files();
    const again = await readSealed(later, dir, rules, decodeManifest(encodeManifest(rotten)!));
    expect(later.bytesRead).toBe(sealedBytes);
    expect(again).toEqual(first);
  });

  it('reads everything again when a recorded segment was written since, its mtime put back', async () => {
    const { dir, names, sealedBytes } = wal();
    const record = decodeManifest(encodeManifest(await readSealed(files(), dir, rules))!);
    const p = join(dir, names[1]!);
    const st = statSync(p);
    writeFileSync(p, readFileSync(p));
    utimesSync(p, st.atime, st.mtime);
    const later = files();
    await readSealed(later, dir, rules, record);
    expect(later.bytesRead).toBe(sealedBytes);
  });

  it('does not use a record of another directory or other rules', async () => {
    const { dir, sealedBytes } = wal();
    const first = await readSealed(files(), dir, rules);
    const other = decodeManifest(
      encodeManifest(first.map((p) => ({ ...p, etcdVersion: '3.5' as const })))!,
    );
    const later = files();
    await readSealed(later, dir, rules, other);
    expect(later.bytesRead).toBe(sealedBytes);
  });
});

describe('HostFiles', () => {
  it('hashes on the host with the identity taken after, and leaves a missing file out', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.wal'), 'abc');
    writeFileSync(join(dir, 'b c.wal'), Buffer.alloc(5000, 7));
    const f = files();
    const got = await f.contents(dir, ['a.wal', 'b c.wal', 'gone.wal']);
    const ids = await f.identify(dir, ['a.wal', 'b c.wal']);
    expect([...got.keys()]).toEqual(['a.wal', 'b c.wal']);
    for (const [name, c] of got) {
      const { sha256, ...id } = c;
      expect(id).toEqual(ids.get(name));
      expect(sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(dir, name)))
          .digest('hex'),
      );
    }
  });

  it('reads a small file, says when there is none, and replaces one whole', async () => {
    const p = join(tmp(), 'record.json');
    const f = files();
    expect(await f.readText(p)).toBeUndefined();
    await f.replaceText(p, 'one\n');
    await f.replaceText(p, 'two\n');
    expect(await f.readText(p)).toBe('two\n');
    expect(f.bytesRead).toBe(4);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(p, '..'))).toEqual(['record.json']);
  });
});

describe('the read before the stop', () => {
  const ctxFor = (dataDir: string) =>
    ({ host: new LocalHost(), dataDir, rules }) as unknown as NodeBase;
  const dataDirWithWal = () => {
    const dataDir = join(tmp(), 'data');
    createWal(join(dataDir, 'member', 'wal'), {
      entries: 1500,
      entrySize: 120,
      segmentSize: 48_000,
    });
    return dataDir;
  };

  it('writes the record, and a later one reads only the record', async () => {
    const dataDir = dataDirWithWal();
    const first = await readBeforeStop(ctxFor(dataDir));
    expect(first.notes).toBeUndefined();
    const text = readFileSync(manifestPath(dataDir), 'utf8');
    expect(first.bytes).toBeGreaterThan(text.length);
    const later = await readBeforeStop(ctxFor(dataDir));
    expect(later.bytes).toBe(text.length);
    expect(later.notes).toBeUndefined();
    expect(later.sealed).toEqual(first.sealed);
  });

  it('tells why a record was not used or not written, and reads all the same', async () => {
    const dataDir = dataDirWithWal();
    writeFileSync(manifestPath(dataDir), '{"format": 0');
    const bad = await readBeforeStop(ctxFor(dataDir));
    expect(bad.notes).toEqual([
      expect.stringMatching(/was not used \(not JSON\); they were read again/),
    ]);
    expect(bad.sealed).toHaveLength(1);
    decodeManifest(readFileSync(manifestPath(dataDir), 'utf8'));

    const blocked = dataDirWithWal();
    mkdirSync(manifestPath(blocked));
    const r = await readBeforeStop(ctxFor(blocked));
    expect(r.problem).toBeUndefined();
    expect(r.sealed).toHaveLength(1);
    expect(r.notes).toEqual([
      expect.stringMatching(/was not used \(.*Is a directory\)/),
      expect.stringMatching(
        /could not be written to .* is a directory\); the next run reads them again/,
      ),
    ]);
  });
});
