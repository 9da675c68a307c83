// The snapshot check on files laid out as etcd's snap package and elastickv write them: a WAL
// whose snapshot records point at snap/<term>-<index>.snap, whose raft snapshot carries
// elastickv's 17-byte token naming fsm-snap/<index>.fsm with its CRC-32C footer.

import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostFiles } from '../../src/remote/host-files.js';
import { LocalFiles } from '../../src/remote/local-files.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { crc32cUpdate } from '../../src/wal/crc32c.js';
import { verifyPath } from '../../src/wal/engine.js';
import {
  checkSnapshotFiles,
  checkSnapshots,
  FSM_SUM_LIMIT,
  fsmFileName,
  readSnapshotsEarly,
  snapFileName,
  startRecord,
  walSnapshotRecords,
} from '../../src/wal/snapshots.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';
import { field, SegmentBuilder, T, varint } from '../helpers/wal-builder.js';

afterAll(cleanupTmp);

const rules = rulesFor('3.7');
const files = new LocalFiles();

const snapshotRecord = (index: number, term: number) => [
  ...field(1, 0, varint(index)),
  ...field(2, 0, varint(term)),
];

/** A one-segment WAL: entries 1..n (commit following them), snapshot records after some. */
function writeWal(dir: string, n: number, snapAt: { index: number; term: number }[]): void {
  const b = new SegmentBuilder();
  for (let i = 1; i <= n; i++) {
    b.entries(i, i);
    for (const s of snapAt.filter((x) => x.index === i))
      b.add({ type: T.snapshot, data: snapshotRecord(s.index, s.term) });
  }
  mkdirSync(join(dir, 'wal'), { recursive: true });
  writeFileSync(join(dir, 'wal', '0000000000000000-0000000000000000.wal'), b.build(4096));
}

function token(index: number, crc: number): Buffer {
  const t = Buffer.alloc(17);
  t.write('EKVT', 0, 'latin1');
  t[4] = 1;
  t.writeBigUInt64BE(BigInt(index), 5);
  t.writeUInt32BE(crc, 13);
  return t;
}

/** snappb.Snapshot {crc, data: raftpb.Snapshot {data, metadata {conf_state, index, term}}}. */
function snapFile(index: number, term: number, data: Uint8Array): Buffer {
  const conf = field(1, 0, varint(0x1234)); // voters: [0x1234]
  const meta = [...field(1, 2, conf), ...field(2, 0, varint(index)), ...field(3, 0, varint(term))];
  const inner = Buffer.concat([Buffer.from(field(1, 2, data)), Buffer.from(field(2, 2, meta))]);
  const crc = crc32cUpdate(0, inner);
  return Buffer.concat([
    Buffer.from(field(1, 0, varint(crc))),
    Buffer.from([...varint((2 << 3) | 2), ...varint(inner.length)]),
    inner,
  ]);
}

/** elastickv's .fsm file: the payload, then its CRC-32C, big-endian. */
function fsmFile(payload: Buffer): { bytes: Buffer; crc: number } {
  const crc = crc32cUpdate(0, payload);
  const footer = Buffer.alloc(4);
  footer.writeUInt32BE(crc, 0);
  return { bytes: Buffer.concat([payload, footer]), crc };
}

/** A group directory as elastickv leaves it, the newest snapshot at index 12 (term 2). */
function elastickvGroup(payload = Buffer.from('the state machine, restored at startup')) {
  const dir = tmp();
  writeWal(dir, 20, [
    { index: 6, term: 1 },
    { index: 12, term: 2 },
  ]);
  const fsm = fsmFile(payload);
  mkdirSync(join(dir, 'snap'));
  mkdirSync(join(dir, 'fsm-snap'));
  const snap = join(dir, 'snap', snapFileName({ index: 12, term: 2 }));
  writeFileSync(snap, snapFile(12, 2, token(12, fsm.crc)));
  const fsmPath = join(dir, 'fsm-snap', fsmFileName(12n));
  writeFileSync(fsmPath, fsm.bytes);
  return { dir, snap, fsm: fsmPath };
}

const check = (dir: string) => checkSnapshots(files, join(dir, 'wal'), rules);

describe('the snapshot a node starts from', () => {
  it('names etcd and elastickv files as they do', () => {
    expect(snapFileName({ term: 2, index: 12 })).toBe('0000000000000002-000000000000000c.snap');
    expect(fsmFileName(255n)).toBe('00000000000000ff.fsm');
  });

  it('is found in the WAL: the newest snapshot record at or below the commit index', async () => {
    const dir = tmp();
    writeWal(dir, 20, [
      { index: 6, term: 1 },
      { index: 12, term: 2 },
    ]);
    const r = await walSnapshotRecords(files, join(dir, 'wal'), rules);
    expect(r.commit).toBe(20);
    expect(r.records).toEqual([
      { index: 0, term: 0 },
      { index: 6, term: 1 },
      { index: 12, term: 2 },
    ]);
    expect(startRecord(r.records, r.commit)).toEqual({ index: 12, term: 2 });
    // A record above the commit index was written before a crash lost its hard state.
    expect(startRecord(r.records, 10)).toEqual({ index: 6, term: 1 });
  });

  it("takes the records from the WAL's own verification, and then reads no WAL segment", async () => {
    const g = elastickvGroup();
    const report = await verifyPath(files, g.dir, rules);
    const d = report.dirs[0]!;
    expect(d.snapshotRecords).toEqual(await walSnapshotRecords(files, join(g.dir, 'wal'), rules));
    const opened: string[] = [];
    const counting = Object.create(files) as typeof files;
    counting.read = (path: string, ...rest: unknown[]) => {
      opened.push(path);
      return (files.read as (...a: unknown[]) => AsyncIterable<Uint8Array>)(path, ...rest);
    };
    const c = await checkSnapshots(counting, d.dir, rules, d.snapshotRecords);
    expect(c.ok).toBe(true);
    expect(c.files).toEqual([g.snap, g.fsm]);
    expect(opened.filter((p) => p.endsWith('.wal'))).toEqual([]);
    // Without them, the check reads the log itself.
    opened.length = 0;
    await checkSnapshots(counting, d.dir, rules);
    expect(opened.filter((p) => p.endsWith('.wal'))).toHaveLength(1);
  });

  it('passes when the snap file and the FSM snapshot it names are present and sound', async () => {
    const g = elastickvGroup();
    const c = await check(g.dir);
    expect(c.problem).toBeUndefined();
    expect(c.ok).toBe(true);
    expect(c.record).toEqual({ index: 12, term: 2 });
    expect(c.files).toEqual([g.snap, g.fsm]);
  });

  it('streams a large FSM snapshot (several read chunks) and still finds one flipped byte', async () => {
    const payload = Buffer.alloc(3 * 2 ** 20 + 17, 7);
    const g = elastickvGroup(payload);
    expect((await check(g.dir)).ok).toBe(true);
    const bytes = readFileSync(g.fsm);
    bytes[2 * 2 ** 20 + 5]! ^= 1;
    writeFileSync(g.fsm, bytes);
    const c = await check(g.dir);
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(/payload sums to CRC-32C [0-9a-f]{8}, not the [0-9a-f]{8}.*damaged/);
  });

  it('needs nothing when the start record is index 0', async () => {
    const dir = tmp();
    writeWal(dir, 5, []);
    const c = await check(dir);
    expect(c).toMatchObject({ ok: true, record: { index: 0, term: 0 }, files: [] });
  });

  it('refuses a missing snap file, naming it', async () => {
    const g = elastickvGroup();
    rmSync(g.snap);
    const c = await check(g.dir);
    expect(c.ok).toBe(false);
    expect(c.problem).toContain(`${g.snap} does not exist`);
    expect(c.problem).toContain('index 12, term 2');
  });

  it('refuses a snap file whose CRC does not match its data', async () => {
    const g = elastickvGroup();
    const bytes = readFileSync(g.snap);
    bytes[bytes.length - 3]! ^= 0x40; // inside the metadata, covered by the checksum
    writeFileSync(g.snap, bytes);
    const c = await check(g.dir);
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(new RegExp(`^${g.snap}: CRC-32C mismatch`));
  });

  it('refuses an empty or cut snap file', async () => {
    const g = elastickvGroup();
    const bytes = readFileSync(g.snap);
    writeFileSync(g.snap, bytes.subarray(0, bytes.length - 4));
    expect((await check(g.dir)).problem).toMatch(/cut or damaged|ends at offset/);
    writeFileSync(g.snap, Buffer.alloc(0));
    expect((await check(g.dir)).problem).toContain('is empty (0 bytes)');
  });

  it('refuses a snap file whose metadata names another snapshot', async () => {
    const g = elastickvGroup();
    const fsm = readFileSync(g.fsm);
    writeFileSync(g.snap, snapFile(11, 2, token(12, fsm.readUInt32BE(fsm.length - 4))));
    const c = await check(g.dir);
    expect(c.ok).toBe(false);
    expect(c.problem).toContain('holds the snapshot of index 11, term 2');
  });

  it('refuses a missing FSM snapshot, naming it and the raft snapshot that needs it', async () => {
    const g = elastickvGroup();
    rmSync(g.fsm);
    const c = await check(g.dir);
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(
      new RegExp(
        `^${g.fsm}: it does not exist; the raft snapshot ${snapFileName({ index: 12, term: 2 })} names it`,
      ),
    );
  });

  it('refuses an FSM snapshot whose footer does not match the token, or that is too short', async () => {
    const g = elastickvGroup();
    const bytes = readFileSync(g.fsm);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(g.fsm, bytes);
    let c = await check(g.dir);
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(
      /footer records CRC-32C [0-9a-f]{8}, but the raft snapshot's token says/,
    );
    writeFileSync(g.fsm, bytes.subarray(0, 3));
    c = await check(g.dir);
    expect(c.problem).toContain('3 bytes long, shorter than its 4-byte CRC-32C footer');
  });

  it('checks only the snap file for etcd, whose snapshot data is the store, not a token', async () => {
    const dir = tmp();
    writeWal(dir, 20, [{ index: 12, term: 2 }]);
    mkdirSync(join(dir, 'snap'));
    const snap = join(dir, 'snap', snapFileName({ index: 12, term: 2 }));
    writeFileSync(snap, snapFile(12, 2, Buffer.from('{"Root":{"Key":"/"}}')));
    const c = await check(dir);
    expect(c).toMatchObject({ ok: true, files: [snap] });
  });

  it('skips a WAL directory not named wal, saying why', async () => {
    const dir = tmp();
    writeWal(dir, 3, []);
    const c = await checkSnapshots(files, dir, rules);
    expect(c.ok).toBe(true);
    expect(c.skipped).toContain('is not named "wal"');
  });

  it('refuses an unknown token version rather than guess', async () => {
    const g = elastickvGroup();
    const t = token(12, 0);
    t[4] = 2;
    writeFileSync(g.snap, snapFile(12, 2, t));
    const c = await checkSnapshotFiles(files, g.dir, { index: 12, term: 2 });
    expect(c.problem).toContain('token has version 2');
  });
});

describe('the snapshot files read before the stop', () => {
  const known = (dir: string) => walSnapshotRecords(files, join(dir, 'wal'), rules);

  it('are taken as read after the stop while unchanged: no snapshot byte crosses again', async () => {
    const g = elastickvGroup(Buffer.alloc(2 ** 20, 3));
    const early = await readSnapshotsEarly(new HostFiles(new LocalHost()), [join(g.dir, 'wal')]);
    expect([...early.keys()]).toEqual([g.snap, g.fsm]);
    const after = new HostFiles(new LocalHost());
    const c = await checkSnapshots(after, join(g.dir, 'wal'), rules, await known(g.dir), early);
    expect(c.ok).toBe(true);
    expect(c.files).toEqual([g.snap, g.fsm]);
    expect(after.bytesRead).toBe(0);
    // Without the early read, both files cross after the stop.
    const plain = new HostFiles(new LocalHost());
    await checkSnapshots(plain, join(g.dir, 'wal'), rules, await known(g.dir));
    expect(plain.bytesRead).toBeGreaterThan(2 ** 20);
  });

  it('reads again a file that changed after the early read, and that read decides', async () => {
    const g = elastickvGroup(Buffer.alloc(2 ** 20, 3));
    const early = await readSnapshotsEarly(new HostFiles(new LocalHost()), [join(g.dir, 'wal')]);
    const bytes = readFileSync(g.fsm);
    bytes[5]! ^= 1;
    writeFileSync(g.fsm, bytes);
    const c = await checkSnapshots(
      new HostFiles(new LocalHost()),
      join(g.dir, 'wal'),
      rules,
      await known(g.dir),
      early,
    );
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(/payload sums to CRC-32C [0-9a-f]{8}, not the [0-9a-f]{8}.*damaged/);
  });

  it('does not sum the payload of an FSM snapshot above the limit, matches its footer, and says so', async () => {
    const g = elastickvGroup();
    // A sparse file just over the limit, its footer the CRC the token names.
    const crc = 0x1234abcd;
    const big = join(g.dir, 'fsm-snap', fsmFileName(12n));
    writeFileSync(big, '');
    truncateSync(big, FSM_SUM_LIMIT + 5);
    const footer = Buffer.alloc(4);
    footer.writeUInt32BE(crc, 0);
    const fd = openSync(big, 'r+');
    writeSync(fd, footer, 0, 4, FSM_SUM_LIMIT + 1);
    closeSync(fd);
    writeFileSync(g.snap, snapFile(12, 2, token(12, crc)));
    const counted = new HostFiles(new LocalHost());
    const c = await checkSnapshotFiles(counted, g.dir, { index: 12, term: 2 });
    expect(c.problem).toBeUndefined();
    expect(c.ok).toBe(true);
    expect(c.skipped).toContain(`its ${FSM_SUM_LIMIT + 1} bytes of payload were not summed`);
    expect(counted.bytesRead).toBeLessThan(2 ** 20);
    // A footer that does not match the token is still refused.
    writeFileSync(g.snap, snapFile(12, 2, token(12, crc + 1)));
    const bad = await checkSnapshotFiles(counted, g.dir, { index: 12, term: 2 });
    expect(bad.ok).toBe(false);
    expect(bad.problem).toContain("but the raft snapshot's token says");
  });
});
