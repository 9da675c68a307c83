// verify: what etcd's loader would make of a WAL directory, and whether raftroll may repair it.
//
// The etcd verdict replays what a node does at startup (elastickv and etcd alike): open the
// WAL for writing and ReadAll; on io.ErrUnexpectedEOF run wal.Repair once and ReadAll again.
//   clean    the first ReadAll succeeds
//   torn     it fails with an unexpected EOF and one Repair makes the second one succeed
//   corrupt  anything else
// On top of that, raftroll's own verdict refuses what etcd would "fix" by throwing data away.

import { type FileIdentity, joinPath, sameFile, type WalFiles } from '../base/files.js';
import { ByteCursor } from './cursor.js';
import { decodeSegment, FRAME_BYTES, type SegmentEnd } from './decoder.js';
import type { DecodeFailure } from './failure.js';
import {
  cloneLoaderState,
  type LoaderState,
  lastEntryIndex,
  newLoaderState,
  readAllRecord,
  repairRecord,
} from './loader.js';
import { findSequenceGap, type SegmentName, selectSegments } from './names.js';
import type { HardState, SnapshotRef } from './raftpb.js';
import { readRanged, scanTailOf } from './ranges.js';
import {
  addEntry,
  type EntryRange,
  MAX_RECORD_BYTES,
  parseRecordLike,
  type TailScan,
} from './tail.js';
import type { EtcdRules, EtcdVersion } from './versions.js';

export type EtcdVerdict = 'clean' | 'torn' | 'corrupt';

/**
 * raftroll's verdict:
 *   clean                 safe to start
 *   torn                  a torn final record with nothing but zeros after it: repairable
 *   torn-with-data-after  etcd would repair, but record-like data follows the cut: refused
 *   data-after-end        etcd loads it but silently zeroes record-like data after the end
 *   corrupt               etcd cannot load it, or raftroll cannot judge it safely
 */
export type Verdict = 'clean' | 'torn' | 'torn-with-data-after' | 'data-after-end' | 'corrupt';

export type HazardKind =
  | 'data-after-end'
  | 'stale-backup'
  | 'sequence-gap'
  | 'empty-segment'
  | 'ignored-file'
  | 'skipped-tail';

export interface Hazard {
  kind: HazardKind;
  message: string;
  segment?: string;
  offset?: number;
}

export interface Problem {
  /** The error etcd's loader reports (Go's error text, or a panic). */
  etcdError: string;
  kind: 'unexpected-eof' | 'error' | 'panic' | 'missing-file';
  segment: string;
  offset: number;
  recordIndex: number;
  detail: string;
}

export interface RepairPlan {
  segment: string;
  truncateAt: number;
  segmentSize: number;
  bytesDropped: number;
  nonZeroBytesDropped: number;
  /** Frames in the dropped range that parse as records, the torn one included when it parses. */
  recordsDropped: number;
  entriesDropped: EntryRange;
}

export interface DirReport {
  dir: string;
  etcdVersion: EtcdVersion;
  etcdVerdict: EtcdVerdict;
  verdict: Verdict;
  repairable: boolean;
  reason: string;
  segments: { name: string; size: number }[];
  problem?: Problem;
  repair?: RepairPlan;
  hazards: Hazard[];
  summary: {
    records: number;
    entries: { count: number; first: number | undefined; last: number | undefined };
    hardState: HardState | undefined;
    snapshots: number;
    bytes: number;
  };
  /** Identity of the last segment when it was read, so a repair can tell it did not change. */
  lastSegment?: { name: string; size: number; mtimeNs: string };
  /** Whether the sealed segments were taken as verified earlier, and if not, why not. */
  sealed?: { reused: number } | { reused: 0; why: string };
  /**
   * The snapshot records the read found, in order, and the last hard state's commit: what the
   * snapshot check needs, so that it does not read the log again.
   */
  snapshotRecords?: { records: SnapshotRef[]; commit: number };
}

/**
 * The sealed segments of a directory (every one but the last, which etcd no longer writes)
 * as ReadAll left them: read earlier, while the node was still running.
 */
export interface SealedPrefix {
  dir: string;
  etcdVersion: EtcdVersion;
  /** Each segment's identity, taken before it was read. */
  segments: FileIdentity[];
  /** ReadAll's state after the last of them. */
  state: LoaderState;
  hazards: Hazard[];
  /**
   * Each segment's SHA-256 as its host computed it once the read was done, for an identity
   * still the one taken before it: what a later run needs to trust these bytes without
   * reading them (see sealed-manifest.ts). Unset where the host could not say.
   */
  sha256?: string[];
}

export class WalInputError extends Error {
  override name = 'WalInputError';
}

/** The crc and metadata records that open every segment. */
const HEADER_RECORDS = 2;

interface Pass {
  end: SegmentEnd;
  segmentIndex: number;
  tail?: TailScan;
  tornRecord?: { recordLike: boolean; entryIndex: number | undefined };
}

/**
 * Verifies one WAL directory. Reads only. With `sealed`, the segments it covers are not read
 * again when they are byte for byte what was read (same names, sizes, mtimes and on-host
 * checksums); otherwise everything is read, so the verdict is never weaker.
 */
export async function verifyDir(
  files: WalFiles,
  dir: string,
  rules: EtcdRules,
  sealed?: SealedPrefix,
): Promise<DirReport> {
  const entries = await files.list(dir);
  const { segments, ignored } = selectSegments(entries.map((e) => e.name));
  if (segments.length === 0) {
    throw new WalInputError(
      `${dir}: no WAL segment files (expected names like 0000000000000000-0000000000000000.wal)`,
    );
  }
  const sizes = new Map(entries.map((e) => [e.name, e]));
  const hazards: Hazard[] = [];
  for (const name of ignored) {
    if (/\.wal\.broken(\.\d+)?$/.test(name)) {
      hazards.push({
        kind: 'stale-backup',
        segment: name,
        message: `${name} is a backup left by an earlier repair; keep it until the node is healthy, then remove it`,
      });
    } else if (!name.endsWith('.tmp')) {
      hazards.push({
        kind: 'ignored-file',
        segment: name,
        message: `${name} is not a WAL segment; etcd ignores it`,
      });
    }
  }
  const segs: { seg: SegmentName; size: number }[] = [];
  for (const seg of segments) {
    const e = sizes.get(seg.name)!;
    if (e.kind !== 'file') {
      throw new WalInputError(
        `${joinPath(dir, seg.name)}: expected a regular file, found a ${e.kind === 'dir' ? 'directory' : 'special file'}`,
      );
    }
    segs.push({ seg, size: e.size });
  }
  const last = segs[segs.length - 1]!;
  const lastStat = await files.stat(joinPath(dir, last.seg.name));

  const report: DirReport = {
    dir,
    etcdVersion: rules.version,
    etcdVerdict: 'clean',
    verdict: 'clean',
    repairable: false,
    reason: '',
    segments: segs.map((s) => ({ name: s.seg.name, size: s.size })),
    hazards,
    summary: {
      records: 0,
      entries: { count: 0, first: undefined, last: undefined },
      hardState: undefined,
      snapshots: 0,
      bytes: segs.reduce((n, s) => n + s.size, 0),
    },
    lastSegment: lastStat
      ? { name: last.seg.name, size: lastStat.size, mtimeNs: lastStat.mtimeNs }
      : undefined,
  };

  const empty = segs.filter((s) => s.size === 0);
  for (const s of empty) {
    hazards.push({
      kind: 'empty-segment',
      segment: s.seg.name,
      message: `${s.seg.name} is empty (0 bytes); etcd never writes an empty segment, so something truncated it`,
    });
  }

  const gap = findSequenceGap(segs.map((s) => s.seg));
  if (gap) {
    hazards.push({
      kind: 'sequence-gap',
      segment: gap.before,
      message: `segment sequence jumps from ${gap.after} to ${gap.before}; a segment is missing`,
    });
    report.etcdVerdict = 'corrupt';
    report.verdict = 'corrupt';
    report.problem = {
      etcdError: 'wal: file not found',
      kind: 'missing-file',
      segment: gap.before,
      offset: 0,
      recordIndex: 0,
      detail: `a segment between ${gap.after} and ${gap.before} is missing, so etcd refuses to open the log`,
    };
    report.reason = `segment missing before ${gap.before}; etcd will not open this log, and raftroll will not repair it`;
    return report;
  }

  // Pass 1: ReadAll from the first segment, or from the first one not verified before.
  const reuse = await sealedToReuse(files, dir, rules, segs, sealed);
  // Said only where an earlier read was offered: a plain verify has nothing to report here.
  if (sealed)
    report.sealed = reuse.prefix
      ? { reused: reuse.prefix.segments.length }
      : { reused: 0, why: reuse.why };
  const start = Number(segs[0]!.seg.index);
  const state = reuse.prefix ? cloneLoaderState(reuse.prefix.state) : newLoaderState(start);
  if (reuse.prefix) hazards.push(...reuse.prefix.hazards);
  let atLast: LoaderState | undefined;
  let pass: Pass | undefined;
  for (let i = reuse.prefix?.segments.length ?? 0; i < segs.length; i++) {
    const s = segs[i]!;
    const path = joinPath(dir, s.seg.name);
    if (i < segs.length - 1) {
      const end = await readSealedSegment(files, path, s.size, state, rules, hazards);
      if (end.kind === 'fail') {
        pass = { end, segmentIndex: i };
        break;
      }
      continue;
    }
    atLast = cloneLoaderState(state);
    const cursor = new ByteCursor(readRanged(files, path, 0, s.size));
    try {
      const end = await decodeSegment(cursor, s.size, true, state.decoder, rules, (rec) =>
        readAllRecord(state, rec, rules),
      );
      pass = { end, segmentIndex: i };
      await inspectTail(pass, files, path, cursor, s.size, rules);
    } finally {
      await cursor.close();
    }
  }
  report.summary.records = state.records;
  report.summary.entries = {
    count: state.entryRecords,
    first: state.firstEntryIndex,
    last: lastEntryIndex(state),
  };
  report.summary.hardState = state.hardState;
  report.summary.snapshots = state.snapshots;
  report.snapshotRecords = { records: state.snapshotRefs, commit: state.hardState?.commit ?? 0 };

  const end = pass!.end;
  const failedSeg = segs[pass!.segmentIndex]!;
  if (end.kind === 'end') {
    judgeCleanEnd(report, pass!, last.seg.name);
  } else {
    report.problem = problemOf(end.failure, failedSeg.seg.name);
    const startupRepairs = end.failure.kind === 'eof';
    if (!startupRepairs) {
      report.etcdVerdict = 'corrupt';
      report.verdict = 'corrupt';
      report.reason = `${failedSeg.seg.name} at offset ${end.failure.offset}: ${describe(end.failure)}; etcd will not load this log, and raftroll will not truncate it`;
    } else {
      await judgeTorn(report, files, dir, rules, segs, pass!, atLast!);
    }
  }
  if (empty.length > 0 && report.verdict !== 'corrupt') {
    report.verdict = 'corrupt';
    report.repairable = false;
    report.reason = `${empty.map((s) => s.seg.name).join(', ')} empty (0 bytes); raftroll cannot tell what was lost, so it will not judge or repair this log`;
  }
  return report;
}

/**
 * ReadAll over a segment that is not the last: decoded to its end, continuing `state`. A
 * zero length word ends it early for etcd, which never reads what follows; record-like data
 * there is noted as a hazard.
 */
export async function readSealedSegment(
  files: WalFiles,
  path: string,
  size: number,
  state: LoaderState,
  rules: EtcdRules,
  hazards: Hazard[],
): Promise<SegmentEnd> {
  const cursor = new ByteCursor(files.read(path, 0, size));
  try {
    const end = await decodeSegment(cursor, size, false, state.decoder, rules, (rec) =>
      readAllRecord(state, rec, rules),
    );
    if (end.kind === 'end' && end.reason === 'zero-frame') {
      const t = await scanTailOf(files, path, cursor, end.offset, size, rules);
      if (t.recordLike > 0) {
        const name = path.slice(path.lastIndexOf('/') + 1);
        hazards.push({
          kind: 'skipped-tail',
          segment: name,
          offset: end.offset,
          message: `${name}: ${t.recordLike} record-like frame(s) after the end marker at offset ${end.offset} are never read by etcd`,
        });
      }
    }
    return end;
  } finally {
    await cursor.close();
  }
}

/** The prefix to continue from, when every segment it covers is still exactly as it was read. */
async function sealedToReuse(
  files: WalFiles,
  dir: string,
  rules: EtcdRules,
  segs: { seg: SegmentName; size: number }[],
  sealed: SealedPrefix | undefined,
): Promise<{ prefix?: SealedPrefix; why: string }> {
  if (!sealed) return { why: 'no earlier read' };
  const n = sealed.segments.length;
  if (sealed.dir !== dir || sealed.etcdVersion !== rules.version)
    return { why: 'the earlier read was of another directory or under other rules' };
  if (!files.identify) return { why: `${files.where} cannot fingerprint files` };
  for (let i = 0; i < Math.min(n, segs.length); i++) {
    // A purged first segment changes where ReadAll starts, and so what it checks.
    if (segs[i]!.seg.name !== sealed.segments[i]!.name)
      return { why: `segment ${i} is now ${segs[i]!.seg.name}, was ${sealed.segments[i]!.name}` };
  }
  if (n === 0 || n >= segs.length)
    return { why: `the earlier read covered ${n} segment(s) of ${segs.length}` };
  const now = await files.identify(
    dir,
    sealed.segments.map((s) => s.name),
  );
  for (const was of sealed.segments) {
    if (!sameFile(was, now.get(was.name))) return { why: `${was.name} changed since it was read` };
  }
  return { prefix: sealed, why: '' };
}

async function inspectTail(
  pass: Pass,
  files: WalFiles,
  path: string,
  cursor: ByteCursor,
  size: number,
  rules: EtcdRules,
): Promise<void> {
  const end = pass.end;
  if (end.kind === 'end') {
    if (end.reason === 'zero-frame')
      pass.tail = await scanTailOf(files, path, cursor, end.offset, size, rules);
    return;
  }
  const f = end.failure;
  if (!f.frame) return; // the file ends inside the length word: nothing follows
  const extent = FRAME_BYTES + f.frame.recBytes + f.frame.padBytes;
  const trusted = f.frame.recBytes < MAX_RECORD_BYTES && f.offset + extent <= size;
  if (trusted) {
    // Does the torn record itself still parse as a record? (Its entry would be dropped.)
    if (await cursor.fill(extent)) {
      const rec = parseRecordLike(cursor.buf, cursor.pos, cursor.pos + extent, rules);
      pass.tornRecord = { recordLike: rec !== undefined, entryIndex: rec?.entryIndex };
    }
    pass.tail = await scanTailOf(files, path, cursor, f.offset + extent, size, rules);
  } else {
    // The length word cannot be trusted: look for records anywhere after it.
    pass.tail = await scanTailOf(files, path, cursor, f.offset + FRAME_BYTES, size, rules);
  }
}

function judgeCleanEnd(report: DirReport, pass: Pass, lastName: string): void {
  const t = pass.tail;
  if (!t || t.firstNonZero === undefined) {
    report.reason = 'etcd loads this log as it is';
    return;
  }
  if (t.recordLike > 0) {
    report.verdict = 'data-after-end';
    report.reason = `${lastName}: ${t.recordLike} record-like frame(s) (${t.entries.count} entries) lie after the end marker at offset ${t.from}; etcd would silently zero them when it opens the log`;
  } else {
    report.reason = `etcd loads this log; ${t.nonZeroBytes} stray non-zero byte(s) after its end (offset ${t.from}) hold no records and would be zeroed`;
  }
  report.hazards.push({
    kind: 'data-after-end',
    segment: lastName,
    offset: t.from,
    message: `${t.nonZeroBytes} non-zero byte(s) after the end of the log at offset ${t.from} (first at ${t.firstNonZero}), ${t.recordLike} of them record-like frames; etcd's write-mode open zeroes them without a word`,
  });
}

async function judgeTorn(
  report: DirReport,
  files: WalFiles,
  dir: string,
  rules: EtcdRules,
  segs: { seg: SegmentName; size: number }[],
  pass: Pass,
  atLast: LoaderState,
): Promise<void> {
  const failure = (pass.end as Extract<SegmentEnd, { kind: 'fail' }>).failure;
  const failedName = segs[pass.segmentIndex]!.seg.name;
  const last = segs[segs.length - 1]!;
  const lastPath = joinPath(dir, last.seg.name);

  // wal.Repair: only the last segment, with a fresh checksum.
  const repairCursor = new ByteCursor(readRanged(files, lastPath, 0, last.size));
  let repairEnd: SegmentEnd;
  try {
    const st = { crc: 0 };
    repairEnd = await decodeSegment(repairCursor, last.size, true, st, rules, (rec) =>
      repairRecord(st, rec),
    );
  } finally {
    await repairCursor.close();
  }
  let truncateAt: number | undefined;
  if (repairEnd.kind === 'fail') {
    const f = repairEnd.failure;
    if (f.kind !== 'eof') {
      report.etcdVerdict = 'corrupt';
      report.verdict = 'corrupt';
      report.reason = `etcd's loader hits an unexpected EOF in ${failedName} at offset ${failure.offset}, but wal.Repair fails on ${last.seg.name} at offset ${f.offset} (${describe(f)})`;
      return;
    }
    truncateAt = f.offset;
  }

  // The second ReadAll.
  let secondOk = false;
  if (pass.segmentIndex === segs.length - 1 && truncateAt !== undefined) {
    const s = cloneLoaderState(atLast);
    const cursor = new ByteCursor(readRanged(files, lastPath, 0, truncateAt));
    try {
      const end = await decodeSegment(cursor, truncateAt, true, s.decoder, rules, (rec) =>
        readAllRecord(s, rec, rules),
      );
      secondOk = end.kind === 'end';
    } finally {
      await cursor.close();
    }
  }
  if (!secondOk) {
    report.etcdVerdict = 'corrupt';
    report.verdict = 'corrupt';
    report.reason =
      pass.segmentIndex !== segs.length - 1
        ? `${failedName} (not the last segment) is cut short at offset ${failure.offset}; wal.Repair only mends the last segment, so etcd fails again after repairing ("WAL unrepairable after repair")`
        : `${failedName} at offset ${failure.offset}: etcd's repair does not make the log load ("WAL unrepairable after repair")`;
    return;
  }

  report.etcdVerdict = 'torn';
  const cut = truncateAt!;
  const t = pass.tail;
  const dropped: EntryRange = { count: 0, first: undefined, last: undefined };
  if (pass.tornRecord?.entryIndex !== undefined) addEntry(dropped, pass.tornRecord.entryIndex);
  if (t?.entries.first !== undefined) {
    for (const idx of [t.entries.first, t.entries.last!]) addEntry(dropped, idx);
    dropped.count = (pass.tornRecord?.entryIndex !== undefined ? 1 : 0) + t.entries.count;
  }
  report.repair = {
    segment: last.seg.name,
    truncateAt: cut,
    segmentSize: last.size,
    bytesDropped: last.size - cut,
    nonZeroBytesDropped: -1,
    recordsDropped: (pass.tornRecord?.recordLike ? 1 : 0) + (t?.recordLike ?? 0),
    entriesDropped: dropped,
  };
  if (failure.recordIndex < HEADER_RECORDS) {
    // etcd writes and syncs a segment's crc and metadata records before it uses the segment,
    // so a torn write cannot reach them. Damage there is something else; "repairing" it
    // would truncate the whole segment (a text file named *.wal would be emptied).
    report.verdict = 'corrupt';
    report.reason = `${last.seg.name}: the damage is in record ${failure.recordIndex} at offset ${failure.offset}, inside the segment's header that etcd syncs before use; that is not a torn write, and raftroll will not truncate the segment to ${cut} bytes`;
    return;
  }
  const extentTrusted =
    failure.frame !== undefined &&
    t !== undefined &&
    t.from === failure.offset + FRAME_BYTES + failure.frame.recBytes + failure.frame.padBytes;
  const dataAfter =
    t !== undefined && (extentTrusted ? t.firstNonZero !== undefined : t.recordLike > 0);
  report.repair.nonZeroBytesDropped = t?.nonZeroBytes ?? 0;
  if (cut !== failure.offset || dataAfter) {
    report.verdict = 'torn-with-data-after';
    report.reason = dataAfter
      ? `${last.seg.name}: etcd would truncate at offset ${cut}, but ${t!.recordLike} record-like frame(s) (${t!.entries.count} entries) and ${t!.nonZeroBytes} non-zero byte(s) follow the damaged record; that is not a torn tail, and truncating would drop them`
      : `${last.seg.name}: the loader fails at offset ${failure.offset} but wal.Repair would cut at ${cut}`;
    return;
  }
  report.verdict = 'torn';
  report.repairable = true;
  report.reason = `${last.seg.name}: the final record at offset ${cut} is torn (${failure.torn ?? 'unexpected EOF'}) and only zeros follow; truncating there drops ${last.size - cut} byte(s)`;
}

function problemOf(f: DecodeFailure, segment: string): Problem {
  return {
    etcdError: f.kind === 'panic' ? `panic: ${f.message}` : f.message,
    kind: f.kind === 'eof' ? 'unexpected-eof' : f.kind === 'panic' ? 'panic' : 'error',
    segment,
    offset: f.offset,
    recordIndex: f.recordIndex,
    detail: describe(f),
  };
}

export function describe(f: DecodeFailure): string {
  const what = f.kind === 'panic' ? `etcd would crash (${f.message})` : f.message;
  switch (f.torn) {
    case 'short-frame':
      return `${what}: the file ends inside a record's 8-byte length word`;
    case 'short-read':
      return `${what}: the record's length (${f.frame?.recBytes} + ${f.frame?.padBytes} padding) runs past the end of the file`;
    case 'zero-sector':
      return `${what}: the record fails its check and one of its 512-byte sectors is all zeros (a torn write)`;
    case 'proto-eof':
      return `${what}: the record's protobuf ends in the middle of a field`;
    default:
      return what;
  }
}
