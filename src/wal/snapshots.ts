// Snapshots, as well as the WAL: a log that loads can still fail the node at startup when the
// snapshot it starts from is missing or damaged. etcd (and elastickv, on etcd's packages) starts
// from the newest snapshot record in the WAL whose index is committed, loads the snap file of
// that term and index, and elastickv then restores the FSM snapshot the raft snapshot names.
// This checks those files the way those loaders read them, reading only what is needed.

import { type FileIdentity, joinPath, sameFile, type WalFiles } from '../base/files.js';
import { toUint64, walkMessage } from '../base/proto.js';
import { crc32cUpdate } from './crc32c.js';
import { ByteCursor } from './cursor.js';
import { type DecodedRecord, type DecoderState, decodeSegment, RecordType } from './decoder.js';
import type { DecodeFailure } from './failure.js';
import { selectSegments } from './names.js';
import { decodeHardState, decodeSnapshotRef, isFailure, type SnapshotRef } from './raftpb.js';
import type { EtcdRules } from './versions.js';

export interface SnapshotCheck {
  /** The directory that holds wal/, snap/ and (elastickv) fsm-snap/. */
  dir: string;
  /** The snapshot the node would start from: the newest committed snapshot record. */
  record: SnapshotRef | undefined;
  ok: boolean;
  /** Names the file and says what was expected, when not ok. */
  problem?: string;
  /** The snapshot files that were read and found sound. */
  files: string[];
  /** Why nothing was checked, when nothing could be. */
  skipped?: string;
}

export class SnapshotInputError extends Error {
  override name = 'SnapshotInputError';
}

/**
 * A snapshot file as it was read while the node still ran: its identity before the read, and
 * what the read found. After the stop the file is taken as read only while it is still the same
 * file, unchanged; an FSM snapshot can be gigabytes, too much to read while a node is down.
 */
export type EarlyFile =
  | { kind: 'snap'; identity: FileIdentity; snap: SnapFile }
  | { kind: 'fsm'; identity: FileIdentity; fsm: FsmRead };

/** The read before the stop, by path. */
export type EarlySnapshots = ReadonlyMap<string, EarlyFile>;

const hex16 = (n: number | bigint) => n.toString(16).padStart(16, '0');
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** etcd's snap file name: `%016x-%016x.snap`, term then index. */
export const snapFileName = (r: SnapshotRef) => `${hex16(r.term)}-${hex16(r.index)}.snap`;
/** elastickv's FSM snapshot file name: `%016x.fsm`, the index its token carries. */
export const fsmFileName = (index: bigint) => `${hex16(index)}.fsm`;

/**
 * The snapshot records of a WAL and the commit index of its last hard state, read the way
 * etcd's wal.ValidSnapshotEntries reads them: every segment from the first. Call it on a log
 * that has been verified clean (or repaired): a decode failure here means the log changed.
 */
export async function walSnapshotRecords(
  files: WalFiles,
  walDir: string,
  rules: EtcdRules,
): Promise<{ records: SnapshotRef[]; commit: number }> {
  const entries = await files.list(walDir);
  const { segments } = selectSegments(entries.map((e) => e.name));
  const sizes = new Map(entries.map((e) => [e.name, e.size]));
  const state: DecoderState = { crc: 0 };
  const records: SnapshotRef[] = [];
  let commit = 0;
  const onRecord = (
    rec: DecodedRecord,
  ): Omit<DecodeFailure, 'offset' | 'recordIndex'> | undefined => {
    if (rec.type.hi !== 0) return undefined;
    if (rec.type.lo === RecordType.crc) {
      // A fresh decoder has no running checksum yet; after that each crc record must match.
      if (state.crc !== 0 && rec.crc !== state.crc)
        return { kind: 'error', message: 'wal: crc mismatch' };
      state.crc = rec.crc;
    } else if (rec.type.lo === RecordType.state) {
      const h = decodeHardState(rec.buf, rec.dataStart, rec.dataEnd, rules.skip);
      if (isFailure(h)) return { kind: 'panic', message: `mustUnmarshalState: ${h.message}` };
      commit = h.commit;
    } else if (rec.type.lo === RecordType.snapshot) {
      const s = decodeSnapshotRef(
        rec.buf,
        rec.dataStart,
        rec.dataEnd,
        rules.skip,
        rules.snapshotConfState,
      );
      if (isFailure(s)) return { kind: 'panic', message: `unmarshal snapshot: ${s.message}` };
      records.push({ index: s.index, term: s.term });
    }
    return undefined;
  };
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i]!.name;
    const cursor = new ByteCursor(files.read(joinPath(walDir, name)));
    try {
      const end = await decodeSegment(
        cursor,
        sizes.get(name) ?? 0,
        i === segments.length - 1,
        state,
        rules,
        onRecord,
      );
      if (end.kind === 'fail')
        throw new SnapshotInputError(
          `${joinPath(walDir, name)} at offset ${end.failure.offset}: ${end.failure.message}, while reading its snapshot records; the log changed after it was verified: is the node still running?`,
        );
    } finally {
      await cursor.close();
    }
  }
  return { records, commit };
}

/**
 * The record a node starts from: of the snapshot records at or below the commit index (a record
 * above it may have been written before the crash that lost its hard state, and etcd ignores it),
 * the newest.
 */
export function startRecord(records: SnapshotRef[], commit: number): SnapshotRef | undefined {
  let best: SnapshotRef | undefined;
  for (const r of records) if (r.index <= commit && (!best || r.index >= best.index)) best = r;
  return best;
}

/**
 * Checks the snapshot files a node in `dir` (the directory holding wal/ and snap/) starts from,
 * given its start record. Index 0 needs no file. Otherwise snap/<term>-<index>.snap must be
 * readable by etcd's snap.Read (not empty, CRC-32C matching, raft snapshot metadata naming that
 * term and index); when its data is elastickv's snapshot token, fsm-snap/<index>.fsm must be
 * there, its big-endian CRC-32C footer must match the token and the payload before it.
 */
export async function checkSnapshotFiles(
  files: WalFiles,
  dir: string,
  record: SnapshotRef | undefined,
  early: EarlySnapshots = new Map(),
): Promise<SnapshotCheck> {
  const out: SnapshotCheck = { dir, record, ok: true, files: [] };
  if (!record || record.index === 0) return out;
  const fail = (problem: string) => ({ ...out, ok: false, problem });
  const where = `the WAL's newest committed snapshot record (index ${record.index}, term ${record.term})`;
  const snapPath = joinPath(joinPath(dir, 'snap'), snapFileName(record));
  const st = await files.stat(snapPath);
  if (!st)
    return fail(
      `${snapPath} does not exist; ${where} needs it, and the node cannot start without it`,
    );
  if (st.kind !== 'file') return fail(`${snapPath} is not a regular file; ${where} needs it`);
  if (st.size === 0)
    return fail(`${snapPath} is empty (0 bytes); expected the snapshot ${where} names`);
  const before = await unchanged(files, snapPath, early.get(snapPath));
  const snap = before?.kind === 'snap' ? before.snap : await readSnapFile(files, snapPath, st.size);
  if ('problem' in snap)
    return fail(`${snapPath}: ${snap.problem}; expected the snapshot ${where} names`);
  if (snap.index !== record.index || snap.term !== record.term)
    return fail(
      `${snapPath} holds the snapshot of index ${snap.index}, term ${snap.term}, not the one its name and ${where} give; etcd would not start from it`,
    );
  out.files.push(snapPath);
  const token = snap.token;
  if (!token) return out;
  if ('problem' in token) return fail(`${snapPath}: ${token.problem}`);
  const fsmPath = joinPath(joinPath(dir, 'fsm-snap'), fsmFileName(token.index));
  const fsmBefore = await unchanged(files, fsmPath, early.get(fsmPath));
  const fsmRead =
    fsmBefore?.kind === 'fsm' ? fsmBefore.fsm : await readFsmFile(files, fsmPath, token.crc);
  const fsm = fsmProblem(fsmRead, token.crc);
  if (fsm)
    return fail(
      `${fsmPath}: ${fsm}; the raft snapshot ${snapFileName(record)} names it (FSM snapshot index ${token.index}, CRC-32C ${hex8(token.crc)}) and elastickv cannot restore its state machine without it`,
    );
  out.files.push(fsmPath);
  const unsummed = 'unsummed' in fsmRead ? fsmRead.unsummed : undefined;
  if (unsummed !== undefined)
    out.skipped = `${fsmPath}: its footer matches the raft snapshot's token, but its ${unsummed} bytes of payload were not summed (more than ${FSM_SUM_LIMIT / 2 ** 20} MiB over the link); elastickv checks them when it restores`;
  return out;
}

/**
 * Finds the start record of the WAL in `<dir>/wal` and checks the files it needs. A WAL kept
 * elsewhere (etcd's --wal-dir) has no snapshot directory raftroll can find: it is skipped, and
 * `skipped` says so.
 */
export async function checkSnapshots(
  files: WalFiles,
  walDir: string,
  rules: EtcdRules,
  /** What the WAL's verification already read: given, the log is not read again. */
  known?: { records: SnapshotRef[]; commit: number },
  early?: EarlySnapshots,
): Promise<SnapshotCheck> {
  const dir = parentOfWal(walDir);
  if (dir === undefined)
    return {
      dir: walDir,
      record: undefined,
      ok: true,
      files: [],
      skipped: `${walDir} is not named "wal", so the snapshot directory beside it is unknown (etcd keeps member/wal and member/snap, elastickv <group>/wal and <group>/snap); its snapshots were not checked`,
    };
  const { records, commit } = known ?? (await walSnapshotRecords(files, walDir, rules));
  return checkSnapshotFiles(files, dir, startRecord(records, commit), early);
}

/** The directory holding wal/ (and so snap/), or undefined when the name is not "wal". */
export function parentOfWal(walDir: string): string | undefined {
  const trimmed = walDir.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  if (trimmed.slice(slash + 1) !== 'wal') return undefined;
  return slash <= 0 ? '/' : trimmed.slice(0, slash);
}

/** etcd's snap file names sort by term, then index: the last is the newest snapshot. */
const SNAP_NAME = /^[0-9a-f]{16}-[0-9a-f]{16}\.snap$/;

/**
 * Reads, while the node still runs, the newest snap file beside each WAL directory and the FSM
 * snapshot it names: the files a node restarted now would most likely start from. Anything
 * amiss only leaves a file out (the check after the stop reads it, and decides).
 */
export async function readSnapshotsEarly(
  files: WalFiles,
  walDirs: readonly string[],
): Promise<Map<string, EarlyFile>> {
  const out = new Map<string, EarlyFile>();
  if (!files.identify) return out;
  for (const walDir of walDirs) {
    const dir = parentOfWal(walDir);
    if (dir === undefined) continue;
    const snapDir = joinPath(dir, 'snap');
    const names = (await files.list(snapDir).catch(() => []))
      .filter((e) => e.kind === 'file' && SNAP_NAME.test(e.name))
      .map((e) => e.name)
      .sort();
    const newest = names.at(-1);
    if (!newest) continue;
    // Identities first: a file that changes after this is read again after the stop.
    const id = (await files.identify(snapDir, [newest])).get(newest);
    if (!id || id.size === 0) continue;
    const snapPath = joinPath(snapDir, newest);
    const snap = await readSnapFile(files, snapPath, id.size);
    out.set(snapPath, { kind: 'snap', identity: id, snap });
    if ('problem' in snap || !snap.token || 'problem' in snap.token) continue;
    const fsmDir = joinPath(dir, 'fsm-snap');
    const fsmName = fsmFileName(snap.token.index);
    const fid = (await files.identify(fsmDir, [fsmName])).get(fsmName);
    if (!fid) continue;
    const fsm = await readFsmFile(files, joinPath(fsmDir, fsmName));
    out.set(joinPath(fsmDir, fsmName), { kind: 'fsm', identity: fid, fsm });
  }
  return out;
}

/** The early read of path, when the file is still the one that was read. */
async function unchanged(
  files: WalFiles,
  path: string,
  early: EarlyFile | undefined,
): Promise<EarlyFile | undefined> {
  if (!early || !files.identify) return undefined;
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const now = (await files.identify(path.slice(0, slash) || '/', [name])).get(name);
  return sameFile(early.identity, now) ? early : undefined;
}

// ---- the snap file ------------------------------------------------------------------------

type Token = { index: bigint; crc: number } | { problem: string };
type SnapFile = { index: number; term: number; token?: Token } | { problem: string };

/** elastickv's raft snapshot Data when the FSM lives in fsm-snap/: "EKVT", version, index, crc. */
const TOKEN_BYTES = 17;
const TOKEN_MAGIC = [0x45, 0x4b, 0x56, 0x54]; // "EKVT"
/** SnapshotMetadata carries a ConfState and two numbers; anything bigger is not one. */
const MAX_METADATA_BYTES = 1 << 20;

/**
 * Reads snappb.Snapshot {crc = 1, data = 2} in one stream: the CRC-32C runs over the data as it
 * passes, and the raft snapshot inside it is parsed on the way, keeping only its metadata and
 * (when it is the 17-byte token) its data. A multi-gigabyte etcd snapshot costs one read and a
 * few bytes of memory.
 */
async function readSnapFile(files: WalFiles, path: string, size: number): Promise<SnapFile> {
  const s = new ProtoStream(new ByteCursor(files.read(path)));
  try {
    let crc: number | undefined;
    let inner: (InnerSnapshot & { crc: number; length: number }) | undefined;
    while (s.offset < size) {
      const { field, wire } = await s.tag(size);
      if (field === 1 && wire === 0) crc = Number(BigInt.asUintN(32, await s.varint(size)));
      else if (field === 2 && wire === 2) {
        const length = await s.length(size);
        s.crc = 0;
        s.crcOn = true;
        inner = { ...(await readInnerSnapshot(s, s.offset + length)), crc: s.crc, length };
        s.crcOn = false;
      } else await s.skipField(wire, size);
    }
    if (!inner || inner.length === 0 || !crc)
      return { problem: 'it holds no snapshot data or no checksum (etcd: "snap: empty snapshot")' };
    if (inner.crc !== crc)
      return {
        problem: `CRC-32C mismatch: the file records ${hex8(crc)}, its data sums to ${hex8(inner.crc)} (etcd: "snap: crc mismatch")`,
      };
    return { index: inner.index, term: inner.term, token: inner.token };
  } catch (e) {
    if (e instanceof StreamError) return { problem: e.message };
    throw e;
  } finally {
    await s.close();
  }
}

interface InnerSnapshot {
  index: number;
  term: number;
  token?: Token;
}

/** raftpb.Snapshot {data = 1, metadata = 2 {conf_state = 1, index = 2, term = 3}}. */
async function readInnerSnapshot(s: ProtoStream, end: number): Promise<InnerSnapshot> {
  const out: InnerSnapshot = { index: 0, term: 0 };
  while (s.offset < end) {
    const { field, wire } = await s.tag(end);
    if (field === 1 && wire === 2) {
      const n = await s.length(end);
      if (n === TOKEN_BYTES) out.token = decodeToken(await s.take(n));
      else {
        out.token = undefined;
        await s.skip(n);
      }
    } else if (field === 2 && wire === 2) {
      const n = await s.length(end);
      if (n > MAX_METADATA_BYTES)
        throw new StreamError(`the snapshot's metadata is ${n} bytes long, not a SnapshotMetadata`);
      const meta = await s.take(n);
      const f = walkMessage(
        meta,
        0,
        meta.length,
        { 1: 'bytes', 2: 'varint', 3: 'varint' },
        'gogo-depth',
        {
          varint(num, v) {
            if (num === 2) out.index = toUint64(v);
            else out.term = toUint64(v);
          },
          bytes() {},
        },
        'SnapshotMetadata',
      );
      if (f) throw new StreamError(`the snapshot's metadata does not parse (${f.message})`);
    } else await s.skipField(wire, end);
  }
  if (s.offset !== end) throw new StreamError('the raft snapshot overruns its data field');
  return out;
}

function decodeToken(b: Uint8Array): Token | undefined {
  if (!TOKEN_MAGIC.every((m, i) => b[i] === m)) return undefined; // legacy: the FSM inline
  if (b[4] !== 1)
    return {
      problem: `the snapshot token has version ${b[4]}; elastickv knows version 1 only`,
    };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { index: v.getBigUint64(5, false), crc: v.getUint32(13, false) };
}

// ---- the FSM snapshot file ----------------------------------------------------------------

/** An FSM snapshot file as read: the CRC-32C its payload sums to and its footer records, or why not. */
type FsmRead = { footer: number; unsummed?: number } | { problem: string };

/**
 * An FSM snapshot holds the whole state machine: above this size its payload is not summed over
 * the link (the footer is still matched against the token), and the check says so.
 */
export const FSM_SUM_LIMIT = 256 * 2 ** 20;

/**
 * Reads an .fsm file: its footer, then (unless the footer already differs from `expectCrc`) its
 * payload, which must sum to the footer.
 */
async function readFsmFile(files: WalFiles, path: string, expectCrc?: number): Promise<FsmRead> {
  const problem = (p: string) => ({ problem: p });
  const st = await files.stat(path);
  if (!st) return problem('it does not exist');
  if (st.kind !== 'file') return problem('it is not a regular file');
  if (st.size < 4)
    return problem(`it is ${st.size} bytes long, shorter than its 4-byte CRC-32C footer`);
  const footerBytes = await collect(files.read(path, st.size - 4, st.size), 4);
  if (footerBytes.length !== 4) return problem('its CRC-32C footer could not be read whole');
  const footer = new DataView(footerBytes.buffer, footerBytes.byteOffset, 4).getUint32(0, false);
  if (expectCrc !== undefined && footer !== expectCrc) return { footer };
  if (st.size - 4 > FSM_SUM_LIMIT) return { footer, unsummed: st.size - 4 };
  let crc = 0;
  let seen = 0;
  for await (const chunk of files.read(path, 0, st.size - 4)) {
    crc = crc32cUpdate(crc, chunk);
    seen += chunk.length;
  }
  if (seen !== st.size - 4)
    return problem(`it changed while it was read (${seen} of ${st.size - 4} bytes)`);
  if (crc !== footer)
    return problem(
      `its payload sums to CRC-32C ${hex8(crc)}, not the ${hex8(footer)} its footer records: the file is damaged`,
    );
  return { footer };
}

/** Why the .fsm file, as read, would fail elastickv's restore from a token with tokenCrc. */
function fsmProblem(r: FsmRead, tokenCrc: number): string | undefined {
  if ('problem' in r) return r.problem;
  if (r.footer !== tokenCrc)
    return `its footer records CRC-32C ${hex8(r.footer)}, but the raft snapshot's token says ${hex8(tokenCrc)}`;
  return undefined;
}

async function collect(chunks: AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array> {
  const out = new Uint8Array(max);
  let n = 0;
  for await (const c of chunks) {
    const take = Math.min(c.length, max - n);
    out.set(c.subarray(0, take), n);
    n += take;
  }
  return out.subarray(0, n);
}

// ---- a forward-only protobuf reader over a stream -----------------------------------------

class StreamError extends Error {}

/** Reads protobuf wire data from a stream, summing what it consumes while crcOn is set. */
class ProtoStream {
  crc = 0;
  crcOn = false;
  constructor(private readonly c: ByteCursor) {}

  get offset(): number {
    return this.c.offset;
  }

  private consume(n: number): void {
    if (this.crcOn) this.crc = crc32cUpdate(this.crc, this.c.buf, this.c.pos, this.c.pos + n);
    this.c.pos += n;
  }

  async varint(end: number): Promise<bigint> {
    const want = Math.min(10, end - this.offset);
    await this.c.fill(want);
    const { buf, pos } = this.c;
    const have = Math.min(this.c.available, want);
    let v = 0n;
    for (let k = 0; k < have; k++) {
      const b = buf[pos + k]!;
      v |= BigInt(b & 0x7f) << BigInt(7 * k);
      if (b < 0x80) {
        this.consume(k + 1);
        return v;
      }
    }
    throw new StreamError(
      `the file is cut or damaged at offset ${this.offset}: a number runs past its end`,
    );
  }

  async tag(end: number): Promise<{ field: number; wire: number }> {
    const t = await this.varint(end);
    const field = Number(t >> 3n);
    if (field < 1 || field > 2 ** 29 - 1)
      throw new StreamError(`the file is damaged at offset ${this.offset}: field number ${field}`);
    return { field, wire: Number(t & 7n) };
  }

  async length(end: number): Promise<number> {
    const at = this.offset;
    const n = await this.varint(end);
    if (n > BigInt(end - this.offset))
      throw new StreamError(
        `the file is cut or damaged: a field at offset ${at} claims ${n} bytes, more than remain`,
      );
    return Number(n);
  }

  async take(n: number): Promise<Uint8Array> {
    if (!(await this.c.fill(n)))
      throw new StreamError(
        `the file ends at offset ${this.offset + this.c.available}, inside a field`,
      );
    const out = Uint8Array.prototype.slice.call(this.c.buf, this.c.pos, this.c.pos + n);
    this.consume(n);
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.c.available === 0 && !(await this.c.fill(1)))
        throw new StreamError(`the file ends at offset ${this.offset}, ${left} bytes into a field`);
      const step = Math.min(left, this.c.available);
      this.consume(step);
      left -= step;
    }
  }

  async skipField(wire: number, end: number): Promise<void> {
    if (wire === 0) await this.varint(end);
    else if (wire === 1) await this.skip(8);
    else if (wire === 5) await this.skip(4);
    else if (wire === 2) await this.skip(await this.length(end));
    else throw new StreamError(`the file is damaged at offset ${this.offset}: wire type ${wire}`);
  }

  close(): Promise<void> {
    return this.c.close();
  }
}
