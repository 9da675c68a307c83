// A protobuf wire reader that fails exactly where etcd's generated Unmarshal code fails.
//
// Exactness matters more than elegance here: etcd's WAL decoder returns the Unmarshal error
// as it is, so an Unmarshal that stops with io.ErrUnexpectedEOF makes etcd call the record
// torn (and repair it), while any other error makes the WAL corrupt. Every branch below
// mirrors a branch of the gogo-generated code that etcd compiles in.

/** How a message failed to decode, in the terms etcd's loader distinguishes. */
export interface ProtoFailure {
  /** `eof`: io.ErrUnexpectedEOF; `error`: any other error; `panic`: the Go code would crash. */
  kind: 'eof' | 'error' | 'panic';
  message: string;
}

/**
 * Which generated code decodes the messages:
 * - gogo-recursive: etcd 3.4's older gogo output. Skips unknown groups by recursion and does
 *   not guard offset arithmetic, so an overflowing length makes Go panic.
 * - gogo-depth: gogo 1.3.2 (etcd 3.5, 3.6). Counts group depth, turns overflow into a
 *   "negative length" error.
 * - protobuf-go: google.golang.org/protobuf (etcd 3.7). Never reports io.ErrUnexpectedEOF,
 *   skips a known field sent with the wrong wire type as if it were unknown, and is stricter
 *   about field numbers, 10-byte varints and group ends.
 */
export type SkipStyle = 'gogo-recursive' | 'gogo-depth' | 'protobuf-go';

/** `repeated` is a repeated varint field, which may arrive plain or packed. */
export type WireKind = 'varint' | 'bytes' | 'repeated';

/** A 64-bit varint as two unsigned 32-bit halves, accumulated the way Go's shifts do. */
export interface Varint {
  lo: number;
  hi: number;
}

export interface FieldVisitor {
  varint(field: number, v: Varint): void;
  bytes(field: number, start: number, end: number): void;
}

const OVERFLOW: ProtoFailure = { kind: 'error', message: 'proto: integer overflow' };
const NEGATIVE: ProtoFailure = {
  kind: 'error',
  message: 'proto: negative length found during unmarshaling',
};
const EOF: ProtoFailure = { kind: 'eof', message: 'unexpected EOF' };
const TWO32 = 0x1_0000_0000;
const INT64_MAX_BIG = (1n << 63n) - 1n;

class Reader {
  i = 0;
  lo = 0;
  hi = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {
    this.i = start;
  }

  /** Reads a varint into lo/hi; returns a failure or undefined. */
  varint(): ProtoFailure | undefined {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift >= 64) return OVERFLOW;
      if (this.i >= this.end) return EOF;
      const b = this.buf[this.i++]!;
      const bits = b & 0x7f;
      if (shift < 32) {
        lo |= bits << shift;
        if (shift > 25) hi |= bits >>> (32 - shift);
      } else {
        hi |= bits << (shift - 32);
      }
      if (b < 0x80) break;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return undefined;
  }

  /** Go's `int` view of the last varint: negative when the top bit is set. */
  intValue(): number {
    return this.hi >= 0x8000_0000 ? -1 : this.hi * TWO32 + this.lo;
  }

  /** Whether `offset + <last varint as int>` overflows Go's int64. Exact, unlike floats. */
  addOverflows(offset: number): boolean {
    if (this.hi < 0x0020_0000) return false; // below 2^53: a sum with a file offset fits
    return ((BigInt(this.hi) << 32n) | BigInt(this.lo)) + BigInt(offset) > INT64_MAX_BIG;
  }
}

/**
 * Walks one message. `known` maps the message's field numbers to their wire kind; any other
 * field is skipped as the generated code skips it. Returns undefined on success.
 */
export function walkMessage(
  buf: Uint8Array,
  start: number,
  end: number,
  known: Readonly<Record<number, WireKind>>,
  style: SkipStyle,
  visit: FieldVisitor,
  name = 'message',
): ProtoFailure | undefined {
  if (style === 'protobuf-go') return walkProtobufGo(buf, start, end, known, visit);
  const r = new Reader(buf, start, end);
  const l = end - start;
  while (r.i < end) {
    const pre = r.i;
    const f = r.varint();
    if (f) return f;
    const wireType = r.lo & 7;
    // fieldNum is int32(wire >> 3): bits 3..34 of the tag, read as a signed 32-bit value.
    const fieldNum = (r.lo >>> 3) | (r.hi << 29) | 0;
    if (wireType === 4) {
      return { kind: 'error', message: `proto: ${name}: wiretype end group for non-group` };
    }
    if (fieldNum <= 0) {
      return { kind: 'error', message: `proto: ${name}: illegal tag ${fieldNum}` };
    }
    const kind = known[fieldNum];
    if (kind === 'varint') {
      if (wireType !== 0) {
        return {
          kind: 'error',
          message: `proto: wrong wireType = ${wireType} for field ${fieldNum}`,
        };
      }
      const v = r.varint();
      if (v) return v;
      visit.varint(fieldNum, { lo: r.lo, hi: r.hi });
    } else if (kind === 'bytes') {
      if (wireType !== 2) {
        return {
          kind: 'error',
          message: `proto: wrong wireType = ${wireType} for field ${fieldNum}`,
        };
      }
      const v = r.varint();
      if (v) return v;
      const byteLen = r.intValue();
      if (byteLen < 0) return NEGATIVE;
      const rel = r.i - start;
      if (r.addOverflows(rel)) {
        // The sum wraps negative in Go. The newer generator checks for that; the older one
        // slices with the negative bound and panics.
        return style === 'gogo-recursive'
          ? { kind: 'panic', message: 'runtime error: slice bounds out of range' }
          : NEGATIVE;
      }
      if (rel + byteLen > l) return EOF;
      visit.bytes(fieldNum, r.i, r.i + byteLen);
      r.i += byteLen;
    } else if (kind === 'repeated') {
      if (wireType === 0) {
        const v = r.varint();
        if (v) return v;
      } else if (wireType === 2) {
        const v = r.varint();
        if (v) return v;
        const packedLen = r.intValue();
        if (packedLen < 0 || r.addOverflows(r.i - start)) return NEGATIVE;
        const post = r.i + packedLen;
        if (post > end) return EOF;
        while (r.i < post) {
          const e = r.varint();
          if (e) return e;
        }
      } else {
        return {
          kind: 'error',
          message: `proto: wrong wireType = ${wireType} for field ${fieldNum}`,
        };
      }
    } else {
      const skipped =
        style === 'gogo-recursive' ? skipRecursive(buf, pre, end) : skipDepth(buf, pre, end);
      if (typeof skipped !== 'number') return skipped;
      if (skipped < 0) return NEGATIVE;
      if (pre - start + skipped > l) return EOF;
      r.i = pre + skipped;
    }
  }
  if (r.i > end) return EOF;
  return undefined;
}

/** The older generator's skip: groups by recursion, bounds left to the caller. */
function skipRecursive(buf: Uint8Array, start: number, end: number): number | ProtoFailure {
  const r = new Reader(buf, start, end);
  // The generated loop always returns from inside on its first tag.
  const f = r.varint();
  if (f) return f;
  const wireType = r.lo & 7;
  switch (wireType) {
    case 0: {
      const v = r.varint();
      if (v) return v;
      return r.i - start;
    }
    case 1:
      return r.i + 8 - start;
    case 2: {
      const v = r.varint();
      if (v) return v;
      const length = r.intValue();
      // The generated code adds before it checks the sign.
      if (length < 0) return NEGATIVE;
      return r.addOverflows(r.i - start) ? -1 : r.i - start + length;
    }
    case 3: {
      for (;;) {
        const groupStart = r.i;
        const g = r.varint();
        if (g) return g;
        if ((r.lo & 7) === 4) break;
        const next = skipRecursive(buf, groupStart, end);
        if (typeof next !== 'number') return next;
        // A wrapped length comes back negative and Go then indexes the slice with it.
        if (next < 0) return { kind: 'panic', message: 'runtime error: index out of range' };
        r.i = groupStart + next;
      }
      return r.i - start;
    }
    case 4:
      return r.i - start;
    case 5:
      return r.i + 4 - start;
    default:
      return { kind: 'error', message: `proto: illegal wireType ${wireType}` };
  }
}

/** The newer generator's skip: counts group depth and bounds-checks as it goes. */
function skipDepth(buf: Uint8Array, start: number, end: number): number | ProtoFailure {
  const r = new Reader(buf, start, end);
  let depth = 0;
  while (r.i < end) {
    const f = r.varint();
    if (f) return f;
    const wireType = r.lo & 7;
    switch (wireType) {
      case 0: {
        const v = r.varint();
        if (v) return v;
        break;
      }
      case 1:
        r.i += 8;
        break;
      case 2: {
        const v = r.varint();
        if (v) return v;
        const length = r.intValue();
        if (length < 0 || r.addOverflows(r.i - start)) return NEGATIVE;
        r.i += length;
        break;
      }
      case 3:
        depth++;
        break;
      case 4:
        if (depth === 0) return { kind: 'error', message: 'proto: unexpected end of group' };
        depth--;
        break;
      case 5:
        r.i += 4;
        break;
      default:
        return { kind: 'error', message: `proto: illegal wireType ${wireType}` };
    }
    if (depth === 0) return r.i - start;
  }
  return EOF;
}

/** A uint64 varint as a JS number (exact below 2^53, which every real Raft index is). */
export function toUint64(v: Varint): number {
  // A small integer stays one: a float would change the field it is stored in to a float
  // field, which throws away optimized code that assumed integers there.
  return v.hi === 0 ? v.lo : v.hi * TWO32 + v.lo;
}

/** Go's int64 equality against a small non-negative constant. */
export function int64Equals(v: Varint, n: number): boolean {
  return v.hi === 0 && v.lo === n;
}

// ---- google.golang.org/protobuf ----------------------------------------------------------

const DECODE: ProtoFailure = {
  kind: 'error',
  message: 'proto: cannot parse invalid wire-format data',
};
const MAX_FIELD = 2 ** 29 - 1;
const RECURSION_LIMIT = 10_000;

/** protowire.ConsumeVarint: at most 10 bytes, and the 10th may only be 0 or 1. */
function consumeVarint(r: Reader): boolean {
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < 10; k++) {
    if (r.i >= r.end) return false;
    const b = r.buf[r.i++]!;
    const shift = k * 7;
    const bits = b & 0x7f;
    if (k === 9 && b > 1) return false;
    if (shift < 32) {
      lo |= bits << shift;
      if (shift > 25) hi |= bits >>> (32 - shift);
    } else {
      hi |= bits << (shift - 32);
    }
    if (b < 0x80) {
      r.lo = lo >>> 0;
      r.hi = hi >>> 0;
      return true;
    }
  }
  return false;
}

/** The tag's field number, or -1 when it is outside what protobuf-go accepts. */
function tagNumber(r: Reader): number {
  if (r.hi >= 4) return -1; // tag >> 3 > MaxInt32
  return (r.lo >>> 3) + r.hi * 2 ** 29;
}

/** protowire.ConsumeFieldValue; returns false on any error. */
function consumeField(r: Reader, num: number, wireType: number, depth: number): boolean {
  switch (wireType) {
    case 0:
      return consumeVarint(r);
    case 1:
      r.i += 8;
      return r.i <= r.end;
    case 5:
      r.i += 4;
      return r.i <= r.end;
    case 2: {
      if (!consumeVarint(r)) return false;
      if (r.hi !== 0 || r.lo > r.end - r.i) return false;
      r.i += r.lo;
      return true;
    }
    case 3: {
      if (depth < 0) return false;
      for (;;) {
        if (!consumeVarint(r)) return false;
        const num2 = tagNumber(r);
        const type2 = r.lo & 7;
        if (num2 < 1) return false;
        if (type2 === 4) return num2 === num;
        if (!consumeField(r, num2, type2, depth - 1)) return false;
      }
    }
    default:
      return false;
  }
}

function walkProtobufGo(
  buf: Uint8Array,
  start: number,
  end: number,
  known: Readonly<Record<number, WireKind>>,
  visit: FieldVisitor,
): ProtoFailure | undefined {
  const r = new Reader(buf, start, end);
  while (r.i < end) {
    if (!consumeVarint(r)) return DECODE;
    const num = tagNumber(r);
    const wireType = r.lo & 7;
    if (num < 1 || num > MAX_FIELD) return DECODE;
    if (wireType === 4) return DECODE;
    const kind = known[num];
    if (kind === 'varint' && wireType === 0) {
      if (!consumeVarint(r)) return DECODE;
      visit.varint(num, { lo: r.lo, hi: r.hi });
    } else if (kind === 'bytes' && wireType === 2) {
      if (!consumeVarint(r)) return DECODE;
      if (r.hi !== 0 || r.lo > end - r.i) return DECODE;
      visit.bytes(num, r.i, r.i + r.lo);
      r.i += r.lo;
    } else if (kind === 'repeated' && wireType === 2) {
      if (!consumeVarint(r)) return DECODE;
      if (r.hi !== 0 || r.lo > end - r.i) return DECODE;
      const post = r.i + r.lo;
      while (r.i < post) {
        const sub = new Reader(buf, r.i, post);
        if (!consumeVarint(sub)) return DECODE;
        r.i = sub.i;
      }
    } else if (kind === 'repeated' && wireType === 0) {
      if (!consumeVarint(r)) return DECODE;
    } else if (!consumeField(r, num, wireType, RECURSION_LIMIT)) {
      // Unknown fields, and known ones with another wire type, are skipped alike.
      return DECODE;
    }
  }
  return undefined;
}
