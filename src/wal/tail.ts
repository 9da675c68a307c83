// What lies after the point where etcd stops reading a segment. etcd treats everything after
// a zero length word as free space (and zeroes it when it opens the log for writing), and
// Repair drops everything after a torn record. Both are only harmless when that space holds
// nothing that looks like a record; this scanner finds out.

import { walkMessage } from '../base/proto.js';
import type { ByteCursor } from './cursor.js';
import { FRAME_BYTES, RecordType } from './decoder.js';
import { decodeEntry, isFailure } from './raftpb.js';
import type { EtcdRules } from './versions.js';

export const MAX_RECORD_BYTES = 10 * 1024 * 1024;

export interface TailScan {
  /** Where the scan started (file offset). */
  from: number;
  /** First non-zero byte at or after `from`. */
  firstNonZero: number | undefined;
  nonZeroBytes: number;
  /** Frames that parse as a walpb.Record of a known type, 8-byte aligned as etcd writes them. */
  recordLike: number;
  entries: EntryRange;
}

export interface EntryRange {
  count: number;
  first: number | undefined;
  last: number | undefined;
}

export function addEntry(r: EntryRange, index: number): void {
  r.count++;
  if (r.first === undefined || index < r.first) r.first = index;
  if (r.last === undefined || index > r.last) r.last = index;
}

const RECORD_FIELDS = { 1: 'varint', 2: 'varint', 3: 'bytes' } as const;

/**
 * Does the frame at buf[p] look like one etcd's encoder wrote? Returns the frame's total size
 * and the entry index it carries (if an entry), or undefined. Needs the whole frame buffered.
 */
export function parseRecordLike(
  buf: Uint8Array,
  p: number,
  end: number,
  rules: EtcdRules,
): { size: number; entryIndex: number | undefined } | undefined {
  if (end - p < FRAME_BYTES) return undefined;
  const lo = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
  const hi = (buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24)) >>> 0;
  if ((hi & 0xffffff) !== 0 || lo === 0 || lo >= MAX_RECORD_BYTES) return undefined;
  const pad = (8 - (lo % 8)) % 8;
  // The encoder sets the top byte to 0x80|pad exactly when it pads, and to 0 otherwise.
  if (hi >>> 24 !== (pad === 0 ? 0 : 0x80 | pad)) return undefined;
  const size = FRAME_BYTES + lo + pad;
  if (end - p < size) return undefined;
  let type = -1;
  let dataStart = -1;
  let dataEnd = -1;
  const f = walkMessage(
    buf,
    p + FRAME_BYTES,
    p + FRAME_BYTES + lo,
    RECORD_FIELDS,
    rules.skip,
    {
      varint(field, v) {
        if (field === 1) type = v.hi === 0 ? v.lo : -1;
      },
      bytes(_field, s, e) {
        dataStart = s;
        dataEnd = e;
      },
    },
    'Record',
  );
  if (f || type < RecordType.metadata || type > RecordType.snapshot) return undefined;
  let entryIndex: number | undefined;
  if (type === RecordType.entry && dataStart >= 0) {
    const e = decodeEntry(buf, dataStart, dataEnd, rules.skip);
    if (isFailure(e)) return undefined;
    entryIndex = e.index;
  }
  return { size, entryIndex };
}

/**
 * Scans [from, segmentSize) of the segment the cursor reads, which must not be past `from`.
 * Frames are looked for at 8-byte aligned file offsets, as etcd's encoder places them.
 */
export async function scanTail(
  cursor: ByteCursor,
  from: number,
  segmentSize: number,
  rules: EtcdRules,
): Promise<TailScan> {
  const scan: TailScan = {
    from,
    firstNonZero: undefined,
    nonZeroBytes: 0,
    recordLike: 0,
    entries: { count: 0, first: undefined, last: undefined },
  };
  const note = (at: number, n: number) => {
    if (n === 0) return;
    scan.firstNonZero ??= at;
    scan.nonZeroBytes += n;
  };
  await cursor.skip(from - cursor.offset);
  let q = Math.min(segmentSize, Math.ceil(from / FRAME_BYTES) * FRAME_BYTES);
  if (q > from && (await cursor.fill(q - from))) {
    note(from, countNonZero(cursor.buf, cursor.pos, cursor.pos + (q - from)));
  }
  while (q < segmentSize) {
    await cursor.skip(q - cursor.offset);
    if (cursor.available < FRAME_BYTES && !(await cursor.fill(FRAME_BYTES))) {
      note(q, countNonZero(cursor.buf, cursor.pos, cursor.buf.length));
      break;
    }
    const buf = cursor.buf;
    const base = cursor.offset - cursor.pos;
    const i = firstNonZero(buf, cursor.pos);
    const word = Math.floor((base + i) / FRAME_BYTES) * FRAME_BYTES;
    if (word > q) {
      // All zeros up to `word`: jump there; the next round reads the word itself.
      q = Math.min(word, segmentSize);
      continue;
    }
    const lenLo = readU32(buf, cursor.pos);
    if (lenLo > 0 && lenLo < MAX_RECORD_BYTES) await cursor.fill(FRAME_BYTES + lenLo + FRAME_BYTES);
    const rec = parseRecordLike(cursor.buf, cursor.pos, cursor.buf.length, rules);
    const step = rec ? rec.size : FRAME_BYTES;
    if (rec) {
      scan.recordLike++;
      if (rec.entryIndex !== undefined) addEntry(scan.entries, rec.entryIndex);
    }
    note(q, countNonZero(cursor.buf, cursor.pos, Math.min(cursor.buf.length, cursor.pos + step)));
    q += step;
  }
  return scan;
}

const ZEROS = new Uint8Array(64 * 1024);

/** Index of the first non-zero byte at or after `from`, or buf.length. memcmp does the bulk. */
function firstNonZero(buf: Uint8Array, from: number): number {
  let i = from;
  while (i < buf.length) {
    const n = Math.min(ZEROS.length, buf.length - i);
    if (Buffer.compare(buf.subarray(i, i + n), ZEROS.subarray(0, n)) !== 0) break;
    i += n;
  }
  while (i < buf.length && buf[i] === 0) i++;
  return i;
}

function readU32(buf: Uint8Array, p: number): number {
  if (p + 4 > buf.length) return 0;
  return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
}

function countNonZero(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (buf[i] !== 0) n++;
  return n;
}
