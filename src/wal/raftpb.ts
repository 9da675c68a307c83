// The few raft messages a WAL carries, decoded as etcd's generated code decodes them. etcd
// unmarshals them with "must" helpers, so a record that passes its checksum but does not
// parse crashes the loader; we report that as corruption instead.

import {
  type ProtoFailure,
  type SkipStyle,
  toUint64,
  type Varint,
  walkMessage,
} from '../base/proto.js';

export interface EntryHeader {
  term: number;
  index: number;
  /** EntryType: 0 normal, 1 conf change, 2 conf change v2. */
  type: number;
}

export interface HardState {
  term: number;
  /** A member ID: 64 random bits, so kept exact as a decimal string. */
  vote: string;
  commit: number;
}

export interface SnapshotRef {
  index: number;
  term: number;
}

const ENTRY_FIELDS = { 1: 'varint', 2: 'varint', 3: 'varint', 4: 'bytes' } as const;
const STATE_FIELDS = { 1: 'varint', 2: 'varint', 3: 'varint' } as const;
const SNAPSHOT_FIELDS = { 1: 'varint', 2: 'varint', 3: 'bytes' } as const;
const SNAPSHOT_FIELDS_34 = { 1: 'varint', 2: 'varint' } as const;

const entry: EntryHeader = { term: 0, index: 0, type: 0 };
const entryVisitor = {
  varint(field: number, v: Varint) {
    if (field === 1) entry.type = v.lo | 0;
    else if (field === 2) entry.term = toUint64(v);
    else entry.index = toUint64(v);
  },
  bytes() {},
};

/** Decodes an Entry's header fields. The returned object is reused by the next call. */
export function decodeEntry(
  buf: Uint8Array,
  start: number,
  end: number,
  style: SkipStyle,
): EntryHeader | ProtoFailure {
  entry.term = 0;
  entry.index = 0;
  entry.type = 0;
  if (canonicalEntry(buf, start, end)) return entry;
  return walkMessage(buf, start, end, ENTRY_FIELDS, style, entryVisitor, 'Entry') ?? entry;
}

// Position after the last shortVarint call; a module variable avoids allocating a tuple
// per entry on the hot path.
let varintEnd = 0;

/** Reads a varint of at most 7 bytes (< 2^49) at i into varintEnd; -1 when it is not one. */
function shortVarint(b: Uint8Array, i: number, end: number): number {
  let v = 0;
  let mul = 1;
  for (let k = 0; k < 7 && i < end; k++) {
    const x = b[i++]!;
    v += (x & 0x7f) * mul;
    if (x < 0x80) {
      varintEnd = i;
      return v;
    }
    mul *= 128;
  }
  return -1;
}

/**
 * The layout etcd writes for an Entry: type, term, index, then data, each once and in order.
 * Any generated decoder reads it the same way, so it skips the general walk.
 */
function canonicalEntry(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 6 || b[start] !== 0x08 || b[start + 1]! >= 0x80 || b[start + 2] !== 0x10)
    return false;
  const term = shortVarint(b, start + 3, end);
  if (term < 0 || b[varintEnd] !== 0x18) return false;
  const index = shortVarint(b, varintEnd + 1, end);
  if (index < 0) return false;
  if (varintEnd < end) {
    if (b[varintEnd] !== 0x22) return false;
    const len = shortVarint(b, varintEnd + 1, end);
    if (len < 0 || varintEnd + len !== end) return false;
  }
  entry.type = b[start + 1]!;
  entry.term = term;
  entry.index = index;
  return true;
}

export function decodeHardState(
  buf: Uint8Array,
  start: number,
  end: number,
  style: SkipStyle,
): HardState | ProtoFailure {
  const s: HardState = { term: 0, vote: '0', commit: 0 };
  const f = walkMessage(
    buf,
    start,
    end,
    STATE_FIELDS,
    style,
    {
      varint(field, v) {
        if (field === 1) s.term = toUint64(v);
        else if (field === 2) s.vote = ((BigInt(v.hi) << 32n) | BigInt(v.lo)).toString();
        else s.commit = toUint64(v);
      },
      bytes() {},
    },
    'HardState',
  );
  return f ?? s;
}

/**
 * walpb.Snapshot: index and term, and from etcd 3.5 on a conf_state (field 3) that must parse
 * as a raftpb.ConfState; 3.4 skips field 3 as unknown.
 */
export function decodeSnapshotRef(
  buf: Uint8Array,
  start: number,
  end: number,
  style: SkipStyle,
  confState: boolean,
): SnapshotRef | ProtoFailure {
  const s: SnapshotRef = { index: 0, term: 0 };
  let conf: [number, number] | undefined;
  const f = walkMessage(
    buf,
    start,
    end,
    confState ? SNAPSHOT_FIELDS : SNAPSHOT_FIELDS_34,
    style,
    {
      varint(field, v) {
        if (field === 1) s.index = toUint64(v);
        else if (field === 2) s.term = toUint64(v);
      },
      bytes(_field, a, b) {
        conf = [a, b];
      },
    },
    'Snapshot',
  );
  if (f) return f;
  if (conf) {
    const c = checkConfState(buf, conf[0], conf[1], style);
    if (c) return c;
  }
  return s;
}

// raftpb.ConfState: voters, learners, voters_outgoing, learners_next (repeated uint64, plain
// or packed) and auto_leave (bool). Only whether it parses matters here.
const CONF_FIELDS = {
  1: 'repeated',
  2: 'repeated',
  3: 'repeated',
  4: 'repeated',
  5: 'varint',
} as const;

function checkConfState(
  buf: Uint8Array,
  start: number,
  end: number,
  style: SkipStyle,
): ProtoFailure | undefined {
  return walkMessage(buf, start, end, CONF_FIELDS, style, { varint() {}, bytes() {} }, 'ConfState');
}

export function isFailure(x: object): x is ProtoFailure {
  return 'kind' in x && 'message' in x;
}
