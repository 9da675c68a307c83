// The record decoder: etcd's decodeRecord, one segment at a time, over a ByteCursor.
//
// A segment is a run of frames. Each frame is an 8-byte little-endian length word (low 56
// bits: record size; top bit set: the low 3 bits of the top byte give the zero padding that
// aligns the next frame to 8 bytes) followed by a walpb.Record and its padding. A zero length
// word means "nothing more in this segment" (preallocated space).

import { type Varint, walkMessage } from '../base/proto.js';
import { crc32cUpdate } from './crc32c.js';
import type { ByteCursor } from './cursor.js';
import type { DecodeFailure } from './failure.js';
import type { EtcdRules } from './versions.js';

export const FRAME_BYTES = 8;
export const SECTOR_BYTES = 512;

export const RecordType = {
  metadata: 1,
  entry: 2,
  state: 3,
  crc: 4,
  snapshot: 5,
} as const;

export interface DecodedRecord {
  /** walpb.Record.type as Go's int64 (two halves). */
  type: Varint;
  crc: number;
  buf: Uint8Array;
  dataStart: number;
  dataEnd: number;
  /** Whether the Data field was present (Go: non-nil), even if empty. */
  hasData: boolean;
  /** Frame offset in the segment. */
  offset: number;
  recordIndex: number;
  /** Bytes the frame occupies (length word, record, padding). */
  size: number;
}

export type SegmentEnd =
  | { kind: 'end'; offset: number; reason: 'zero-frame' | 'eof'; records: number }
  | { kind: 'fail'; failure: DecodeFailure; records: number };

/** Mutable decoder state that outlives one segment: the running checksum. */
export interface DecoderState {
  crc: number;
}

const RECORD_FIELDS = { 1: 'varint', 2: 'varint', 3: 'bytes' } as const;
const TWO32 = 0x1_0000_0000;

// Reused by every record: the visitor writes into it, the decoder reads it back.
const scratch = { typeLo: 0, typeHi: 0, crc: 0, dataStart: -1, dataEnd: -1 };
const recordVisitor = {
  varint(field: number, v: Varint) {
    if (field === 1) {
      scratch.typeLo = v.lo;
      scratch.typeHi = v.hi;
    } else {
      // Crc is a uint32 in Go: bits shifted past 31 are lost.
      scratch.crc = v.lo;
    }
  },
  bytes(_field: number, start: number, end: number) {
    scratch.dataStart = start;
    scratch.dataEnd = end;
  },
};

type Stop = Omit<DecodeFailure, 'offset' | 'recordIndex'>;

/** One segment's decoding in progress, shared by the fast loop and the careful path. */
interface Run {
  readonly cursor: ByteCursor;
  readonly segmentSize: number;
  readonly isLast: boolean;
  readonly state: DecoderState;
  readonly rules: EtcdRules;
  readonly onRecord: (rec: DecodedRecord) => Stop | undefined;
  /** One record object for the whole segment: onRecord must not keep it. */
  readonly rec: DecodedRecord;
  records: number;
  lastValidOff: number;
  /** What onRecord returned when it stopped the fast loop. */
  stop: Stop | undefined;
}

/**
 * Decodes one segment. onRecord sees every record that decodes and passes its checksum (the
 * buffer is only valid during the call); returning a failure stops the segment there.
 * The cursor is left at the failing frame, or at the zero frame / end of file.
 */
export async function decodeSegment(
  cursor: ByteCursor,
  segmentSize: number,
  isLast: boolean,
  state: DecoderState,
  rules: EtcdRules,
  onRecord: (rec: DecodedRecord) => Stop | undefined,
): Promise<SegmentEnd> {
  const run: Run = {
    cursor,
    segmentSize,
    isLast,
    state,
    rules,
    onRecord,
    rec: {
      type: { lo: 0, hi: 0 },
      crc: 0,
      buf: cursor.buf,
      dataStart: 0,
      dataEnd: 0,
      hasData: false,
      offset: 0,
      recordIndex: 0,
      size: 0,
    },
    records: 0,
    lastValidOff: cursor.offset,
    stop: undefined,
  };
  for (;;) {
    if (!decodeFast(run)) return fail(run, run.stop!);
    const end = await decodeOne(run);
    if (end) return end;
  }
}

/**
 * The common case, kept apart so the JIT optimizes it as a small, synchronous loop: frames
 * lying whole in the cursor's buffer, in the exact layout etcd writes, with good checksums.
 * It stops, without changing anything, at the first frame that is anything else (the end of
 * the buffer, a zero length word, a bad size, an unusual encoding, a checksum mismatch) and
 * leaves it to decodeOne, which judges it with every rule. The path through a good record
 * runs the same operations for every record, so no rarely taken branch inside the loop (one
 * the JIT has no type feedback for) throws the optimized code away when first reached.
 * Returns false when onRecord stopped the segment (run.stop says why).
 */
function decodeFast(run: Run): boolean {
  const { cursor, segmentSize, state, rules, onRecord, rec } = run;
  const buf = cursor.buf;
  const end = buf.length;
  let p = cursor.pos;
  let lastValidOff = run.lastValidOff;
  let records = run.records;
  let going = true;
  for (;;) {
    if (end - p < FRAME_BYTES) break;
    // Signed 32-bit arithmetic only, so that offsets stay small integers in the JIT's eyes; a
    // record of 2 GiB or more is left to decodeOne.
    const recBytes = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
    const hi = buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24);
    if ((recBytes | hi) === 0 || recBytes < 0 || (hi & 0xffffff) !== 0) break;
    // The padding size when the top bit is set, else 0, without a branch.
    const padBytes = (hi >>> 24) & 7 & (hi >> 31);
    if (rules.checkFrame(recBytes, padBytes, segmentSize, lastValidOff) !== undefined) break;
    const size = FRAME_BYTES + recBytes + padBytes;
    if (size > segmentSize - lastValidOff || size > end - p) break;
    const bodyStart = p + FRAME_BYTES;
    if (!canonicalRecord(buf, bodyStart, bodyStart + recBytes)) break;
    const hasData = scratch.dataStart >= 0;
    const dataStart = hasData ? scratch.dataStart : bodyStart;
    const dataEnd = hasData ? scratch.dataEnd : bodyStart;
    if (scratch.typeLo !== RecordType.crc) {
      const crc = crc32cUpdate(state.crc, buf, dataStart, dataEnd);
      if (crc !== scratch.crc) break;
      state.crc = crc;
    }
    rec.type.lo = scratch.typeLo;
    rec.type.hi = 0;
    rec.crc = scratch.crc;
    rec.buf = buf;
    rec.dataStart = dataStart;
    rec.dataEnd = dataEnd;
    rec.hasData = hasData;
    rec.offset = lastValidOff;
    rec.recordIndex = records;
    rec.size = size;
    const stop = onRecord(rec);
    if (stop !== undefined) {
      run.stop = stop;
      going = false;
      break;
    }
    p += size;
    lastValidOff += size;
    records++;
  }
  cursor.pos = p;
  run.lastValidOff = lastValidOff;
  run.records = records;
  return going;
}

function fail(run: Run, f: Stop): SegmentEnd {
  return {
    kind: 'fail',
    failure: { ...f, offset: run.lastValidOff, recordIndex: run.records },
    records: run.records,
  };
}

/**
 * etcd's decodeRecord for one frame, with every rule: reads more of the file when the frame
 * is not buffered whole, and says how the segment ends when it does. Returns undefined when
 * the frame was a good record, which onRecord has seen and the cursor has passed.
 */
async function decodeOne(run: Run): Promise<SegmentEnd | undefined> {
  const { cursor, segmentSize, isLast, state, rules, onRecord, rec } = run;
  const lastValidOff = run.lastValidOff;
  const records = run.records;
  if (cursor.available < FRAME_BYTES) await cursor.fill(FRAME_BYTES);
  const have = cursor.available;
  if (have === 0) return { kind: 'end', offset: lastValidOff, reason: 'eof', records };
  if (have < FRAME_BYTES) {
    return fail(run, { kind: 'eof', message: 'unexpected EOF', torn: 'short-frame' });
  }
  const b = cursor.buf;
  const p = cursor.pos;
  const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
  if (lo === 0 && hi === 0) {
    return { kind: 'end', offset: lastValidOff, reason: 'zero-frame', records };
  }
  // A small integer when it can be one: a float here would make the offsets computed from it
  // floats, and the JIT would throw away the fast loop's code, which assumed integers.
  const recBytes = (hi & 0xffffff) === 0 ? lo : (hi & 0xffffff) * TWO32 + lo;
  const padBytes = hi >= 0x8000_0000 ? (hi >>> 24) & 7 : 0;
  const remaining = segmentSize - lastValidOff - FRAME_BYTES;

  const sizeFailure = rules.checkFrame(recBytes, padBytes, segmentSize, lastValidOff);
  if (sizeFailure) return fail(run, { ...sizeFailure, frame: { recBytes, padBytes } });

  const need = recBytes + padBytes;
  if (need > remaining) {
    // ReadFull runs out of file: io.ErrUnexpectedEOF, whichever segment this is.
    return fail(run, shortRead(recBytes, padBytes));
  }
  if (cursor.available < FRAME_BYTES + need && !(await cursor.fill(FRAME_BYTES + need))) {
    // The file was shorter than its size said (it changed under us, or a short remote read).
    return fail(run, shortRead(recBytes, padBytes));
  }
  const buf = cursor.buf;
  const bodyStart = cursor.pos + FRAME_BYTES;
  const bodyEnd = bodyStart + recBytes;

  // Every etcd release resets the record before each Unmarshal: nothing carries over.
  scratch.typeLo = 0;
  scratch.typeHi = 0;
  scratch.crc = 0;
  scratch.dataStart = -1;
  scratch.dataEnd = -1;
  const protoFailure = canonicalRecord(buf, bodyStart, bodyEnd)
    ? undefined
    : walkMessage(buf, bodyStart, bodyEnd, RECORD_FIELDS, rules.skip, recordVisitor, 'Record');
  if (protoFailure) {
    if (
      protoFailure.kind !== 'panic' &&
      isLast &&
      isTorn(buf, bodyStart, bodyStart + need, lastValidOff + FRAME_BYTES)
    ) {
      return fail(run, zeroSector(recBytes, padBytes));
    }
    return fail(run, {
      ...protoFailure,
      torn: protoFailure.kind === 'eof' ? 'proto-eof' : undefined,
      frame: { recBytes, padBytes },
    });
  }
  const dataStart = scratch.dataStart < 0 ? bodyStart : scratch.dataStart;
  const dataEnd = scratch.dataStart < 0 ? bodyStart : scratch.dataEnd;
  const isCrcRecord = scratch.typeHi === 0 && scratch.typeLo === RecordType.crc;
  if (!isCrcRecord) {
    state.crc = crc32cUpdate(state.crc, buf, dataStart, dataEnd);
    if (scratch.crc !== state.crc) {
      if (isLast && isTorn(buf, bodyStart, bodyStart + need, lastValidOff + FRAME_BYTES)) {
        return fail(run, zeroSector(recBytes, padBytes));
      }
      return fail(run, {
        kind: 'error',
        message: 'walpb: crc mismatch',
        frame: { recBytes, padBytes },
      });
    }
  }
  rec.type.lo = scratch.typeLo;
  rec.type.hi = scratch.typeHi;
  rec.crc = scratch.crc;
  rec.buf = buf;
  rec.dataStart = dataStart;
  rec.dataEnd = dataEnd;
  rec.hasData = scratch.dataStart >= 0;
  rec.offset = lastValidOff;
  rec.recordIndex = records;
  rec.size = FRAME_BYTES + need;
  const stop = onRecord(rec);
  if (stop) return fail(run, stop);
  cursor.pos += FRAME_BYTES + need;
  run.lastValidOff += FRAME_BYTES + need;
  run.records++;
  return undefined;
}

// Failures build their objects only when they happen: the loop allocates nothing per record.
function shortRead(recBytes: number, padBytes: number): Stop {
  return {
    kind: 'eof',
    message: 'unexpected EOF',
    torn: 'short-read',
    frame: { recBytes, padBytes },
  };
}

function zeroSector(recBytes: number, padBytes: number): Stop {
  return {
    kind: 'eof',
    message: 'unexpected EOF',
    torn: 'zero-sector',
    frame: { recBytes, padBytes },
  };
}

/**
 * The exact layout etcd's encoder writes: type, crc and (optionally) data, each once, in that
 * order, with short varints, data ending where the record ends. Every generated decoder reads
 * such bytes identically, so they skip the general walk. Fills `scratch`; false otherwise.
 */
function canonicalRecord(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (end - i < 4 || b[i] !== 0x08 || b[i + 1]! >= 0x80 || b[i + 2] !== 0x10) return false;
  const type = b[i + 1]!;
  i += 3;
  let crc = 0;
  let mul = 1;
  for (let k = 0; ; k++) {
    if (k === 5 || i >= end) return false;
    const x = b[i++]!;
    if (k === 4 && x >= 0x10) return false;
    crc += (x & 0x7f) * mul;
    if (x < 0x80) break;
    mul *= 128;
  }
  let dataStart = -1;
  let dataEnd = -1;
  if (i < end) {
    if (b[i++] !== 0x1a) return false;
    let len = 0;
    let mul = 1;
    for (let k = 0; ; k++) {
      if (k === 4 || i >= end) return false;
      const x = b[i++]!;
      len += (x & 0x7f) * mul;
      if (x < 0x80) break;
      mul *= 128;
    }
    if (i + len !== end) return false;
    dataStart = i;
    dataEnd = end;
  }
  scratch.typeLo = type;
  scratch.typeHi = 0;
  scratch.crc = crc >>> 0;
  scratch.dataStart = dataStart;
  scratch.dataEnd = dataEnd;
  return true;
}

/**
 * etcd's torn-write rule: a record that fails to decode is torn when any of its 512-byte
 * sector pieces is all zeros, because a sector the disk never wrote reads back as zeros.
 * Only the last segment can hold a torn write.
 */
export function isTorn(buf: Uint8Array, start: number, end: number, fileOffset: number): boolean {
  let off = fileOffset;
  let i = start;
  while (i < end) {
    const chunkLen = Math.min(SECTOR_BYTES - (off % SECTOR_BYTES), end - i);
    let zero = true;
    for (let k = i; k < i + chunkLen; k++) {
      if (buf[k] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) return true;
    off += chunkLen;
    i += chunkLen;
  }
  return false;
}
