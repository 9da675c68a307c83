// What etcd's WAL.ReadAll does with each record once the decoder has accepted it, and what
// wal.Repair does with the last segment. Both run over decodeSegment; they differ only in
// what they check per record and in where their checksum starts.

import type { DecodedRecord, DecoderState } from './decoder.js';
import { RecordType } from './decoder.js';
import type { DecodeFailure } from './failure.js';
import {
  decodeEntry,
  decodeHardState,
  decodeSnapshotRef,
  type HardState,
  isFailure,
  type SnapshotRef,
} from './raftpb.js';
import type { EtcdRules } from './versions.js';

type Stop = Omit<DecodeFailure, 'offset' | 'recordIndex'>;

/** Everything ReadAll carries from record to record (and so from segment to segment). */
export interface LoaderState {
  decoder: DecoderState;
  /** Raft index of the snapshot the load starts from (see startIndexFor). */
  startIndex: number;
  startTerm: number | undefined;
  /** len(ents) in ReadAll: entries kept after overwrites. */
  entsLen: number;
  metadata: Uint8Array | undefined;
  hardState: HardState | undefined;
  firstEntryIndex: number | undefined;
  records: number;
  entryRecords: number;
  snapshots: number;
  snapshotMatched: boolean;
  /** Every snapshot record, in order: the snapshot check picks the one a node starts from. */
  snapshotRefs: SnapshotRef[];
}

export function newLoaderState(startIndex: number): LoaderState {
  return {
    decoder: { crc: 0 },
    startIndex,
    startTerm: undefined,
    entsLen: 0,
    metadata: undefined,
    hardState: undefined,
    firstEntryIndex: undefined,
    records: 0,
    entryRecords: 0,
    snapshots: 0,
    snapshotMatched: false,
    snapshotRefs: [],
  };
}

export function cloneLoaderState(s: LoaderState): LoaderState {
  return { ...s, decoder: { ...s.decoder }, snapshotRefs: [...s.snapshotRefs] };
}

/** Index of the last entry ReadAll would return. */
export function lastEntryIndex(s: LoaderState): number | undefined {
  return s.entsLen > 0 ? s.startIndex + s.entsLen : undefined;
}

function typeNumber(rec: DecodedRecord): number | undefined {
  return rec.type.hi === 0 && rec.type.lo <= 0x7fffffff ? rec.type.lo : undefined;
}

/** ReadAll's switch over one record. Returns the error ReadAll would return, if any. */
export function readAllRecord(
  s: LoaderState,
  rec: DecodedRecord,
  rules: EtcdRules,
): Stop | undefined {
  s.records++;
  switch (typeNumber(rec)) {
    case RecordType.entry: {
      const e = decodeEntry(rec.buf, rec.dataStart, rec.dataEnd, rules.skip);
      if (isFailure(e)) return { kind: 'panic', message: `mustUnmarshalEntry: ${e.message}` };
      s.entryRecords++;
      if (e.index > s.startIndex) {
        const up = e.index - s.startIndex - 1;
        if (up > s.entsLen) {
          return {
            kind: 'error',
            message: `wal: slice bounds out of range (entry ${e.index} after ${s.startIndex + s.entsLen})`,
          };
        }
        s.entsLen = up + 1;
        if (s.firstEntryIndex === undefined || e.index < s.firstEntryIndex)
          s.firstEntryIndex = e.index;
      }
      return undefined;
    }
    case RecordType.state: {
      const h = decodeHardState(rec.buf, rec.dataStart, rec.dataEnd, rules.skip);
      if (isFailure(h)) return { kind: 'panic', message: `mustUnmarshalState: ${h.message}` };
      s.hardState = h;
      return undefined;
    }
    case RecordType.metadata: {
      const data = rec.buf.subarray(rec.dataStart, rec.dataEnd);
      if (s.metadata !== undefined && !bytesEqual(s.metadata, data)) {
        return { kind: 'error', message: 'wal: conflicting metadata found' };
      }
      // ReadAll keeps the last record's Data; a record without one makes it nil again, and
      // the next metadata record is then not compared at all. A copy, because the record's
      // buffer is reused once the decoder moves on.
      if (!rec.hasData) s.metadata = undefined;
      else if (s.metadata === undefined) s.metadata = Uint8Array.prototype.slice.call(data);
      return undefined;
    }
    case RecordType.crc: {
      const running = s.decoder.crc;
      // A fresh decoder has checksum 0 and has nothing to compare against yet.
      if (running !== 0 && rec.crc !== running)
        return { kind: 'error', message: 'wal: crc mismatch' };
      s.decoder.crc = rec.crc;
      return undefined;
    }
    case RecordType.snapshot: {
      const snap = decodeSnapshotRef(
        rec.buf,
        rec.dataStart,
        rec.dataEnd,
        rules.skip,
        rules.snapshotConfState,
      );
      if (isFailure(snap)) return { kind: 'panic', message: `unmarshal snapshot: ${snap.message}` };
      s.snapshots++;
      s.snapshotRefs.push({ index: snap.index, term: snap.term });
      if (snap.index === s.startIndex) {
        // The loader's start snapshot comes from the snapshot directory, which a WAL check
        // cannot see; the first snapshot record at the start index stands in for it.
        s.startTerm ??= snap.term;
        if (snap.term !== s.startTerm) return { kind: 'error', message: 'wal: snapshot mismatch' };
        s.snapshotMatched = true;
      }
      return undefined;
    }
    default:
      return { kind: 'error', message: `unexpected block type ${typeLabel(rec)}` };
  }
}

/** wal.Repair's per-record check: only crc records are looked at. */
export function repairRecord(state: DecoderState, rec: DecodedRecord): Stop | undefined {
  if (typeNumber(rec) === RecordType.crc) {
    if (state.crc !== 0 && rec.crc !== state.crc) {
      return { kind: 'error', message: 'wal: crc mismatch in crc record' };
    }
    state.crc = rec.crc;
  }
  return undefined;
}

function typeLabel(rec: DecodedRecord): string {
  const v = (BigInt(rec.type.hi) << 32n) | BigInt(rec.type.lo);
  return BigInt.asIntN(64, v).toString();
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
