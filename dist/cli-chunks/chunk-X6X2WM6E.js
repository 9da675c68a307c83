#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);

// src/base/proto.ts
var OVERFLOW = { kind: "error", message: "proto: integer overflow" };
var NEGATIVE = {
  kind: "error",
  message: "proto: negative length found during unmarshaling"
};
var EOF = { kind: "eof", message: "unexpected EOF" };
var TWO32 = 4294967296;
var INT64_MAX_BIG = (1n << 63n) - 1n;
var Reader = class {
  constructor(buf, start, end) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.i = start;
  }
  buf;
  start;
  end;
  i = 0;
  lo = 0;
  hi = 0;
  /** Reads a varint into lo/hi; returns a failure or undefined. */
  varint() {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift >= 64) return OVERFLOW;
      if (this.i >= this.end) return EOF;
      const b = this.buf[this.i++];
      const bits = b & 127;
      if (shift < 32) {
        lo |= bits << shift;
        if (shift > 25) hi |= bits >>> 32 - shift;
      } else {
        hi |= bits << shift - 32;
      }
      if (b < 128) break;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return void 0;
  }
  /** Go's `int` view of the last varint: negative when the top bit is set. */
  intValue() {
    return this.hi >= 2147483648 ? -1 : this.hi * TWO32 + this.lo;
  }
  /** Whether `offset + <last varint as int>` overflows Go's int64. Exact, unlike floats. */
  addOverflows(offset) {
    if (this.hi < 2097152) return false;
    return (BigInt(this.hi) << 32n | BigInt(this.lo)) + BigInt(offset) > INT64_MAX_BIG;
  }
};
function walkMessage(buf, start, end, known, style, visit, name = "message") {
  if (style === "protobuf-go") return walkProtobufGo(buf, start, end, known, visit);
  const r = new Reader(buf, start, end);
  const l = end - start;
  while (r.i < end) {
    const pre = r.i;
    const f = r.varint();
    if (f) return f;
    const wireType = r.lo & 7;
    const fieldNum = r.lo >>> 3 | r.hi << 29 | 0;
    if (wireType === 4) {
      return { kind: "error", message: `proto: ${name}: wiretype end group for non-group` };
    }
    if (fieldNum <= 0) {
      return { kind: "error", message: `proto: ${name}: illegal tag ${fieldNum}` };
    }
    const kind = known[fieldNum];
    if (kind === "varint") {
      if (wireType !== 0) {
        return {
          kind: "error",
          message: `proto: wrong wireType = ${wireType} for field ${fieldNum}`
        };
      }
      const v = r.varint();
      if (v) return v;
      visit.varint(fieldNum, { lo: r.lo, hi: r.hi });
    } else if (kind === "bytes") {
      if (wireType !== 2) {
        return {
          kind: "error",
          message: `proto: wrong wireType = ${wireType} for field ${fieldNum}`
        };
      }
      const v = r.varint();
      if (v) return v;
      const byteLen = r.intValue();
      if (byteLen < 0) return NEGATIVE;
      const rel = r.i - start;
      if (r.addOverflows(rel)) {
        return style === "gogo-recursive" ? { kind: "panic", message: "runtime error: slice bounds out of range" } : NEGATIVE;
      }
      if (rel + byteLen > l) return EOF;
      visit.bytes(fieldNum, r.i, r.i + byteLen);
      r.i += byteLen;
    } else if (kind === "repeated") {
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
          kind: "error",
          message: `proto: wrong wireType = ${wireType} for field ${fieldNum}`
        };
      }
    } else {
      const skipped = style === "gogo-recursive" ? skipRecursive(buf, pre, end) : skipDepth(buf, pre, end);
      if (typeof skipped !== "number") return skipped;
      if (skipped < 0) return NEGATIVE;
      if (pre - start + skipped > l) return EOF;
      r.i = pre + skipped;
    }
  }
  if (r.i > end) return EOF;
  return void 0;
}
function skipRecursive(buf, start, end) {
  const r = new Reader(buf, start, end);
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
      if (length < 0) return NEGATIVE;
      return r.addOverflows(r.i - start) ? -1 : r.i - start + length;
    }
    case 3: {
      for (; ; ) {
        const groupStart = r.i;
        const g = r.varint();
        if (g) return g;
        if ((r.lo & 7) === 4) break;
        const next = skipRecursive(buf, groupStart, end);
        if (typeof next !== "number") return next;
        if (next < 0) return { kind: "panic", message: "runtime error: index out of range" };
        r.i = groupStart + next;
      }
      return r.i - start;
    }
    case 4:
      return r.i - start;
    case 5:
      return r.i + 4 - start;
    default:
      return { kind: "error", message: `proto: illegal wireType ${wireType}` };
  }
}
function skipDepth(buf, start, end) {
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
        if (depth === 0) return { kind: "error", message: "proto: unexpected end of group" };
        depth--;
        break;
      case 5:
        r.i += 4;
        break;
      default:
        return { kind: "error", message: `proto: illegal wireType ${wireType}` };
    }
    if (depth === 0) return r.i - start;
  }
  return EOF;
}
function toUint64(v) {
  return v.hi === 0 ? v.lo : v.hi * TWO32 + v.lo;
}
var DECODE = {
  kind: "error",
  message: "proto: cannot parse invalid wire-format data"
};
var MAX_FIELD = 2 ** 29 - 1;
var RECURSION_LIMIT = 1e4;
function consumeVarint(r) {
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < 10; k++) {
    if (r.i >= r.end) return false;
    const b = r.buf[r.i++];
    const shift = k * 7;
    const bits = b & 127;
    if (k === 9 && b > 1) return false;
    if (shift < 32) {
      lo |= bits << shift;
      if (shift > 25) hi |= bits >>> 32 - shift;
    } else {
      hi |= bits << shift - 32;
    }
    if (b < 128) {
      r.lo = lo >>> 0;
      r.hi = hi >>> 0;
      return true;
    }
  }
  return false;
}
function tagNumber(r) {
  if (r.hi >= 4) return -1;
  return (r.lo >>> 3) + r.hi * 2 ** 29;
}
function consumeField(r, num, wireType, depth) {
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
      for (; ; ) {
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
function walkProtobufGo(buf, start, end, known, visit) {
  const r = new Reader(buf, start, end);
  while (r.i < end) {
    if (!consumeVarint(r)) return DECODE;
    const num = tagNumber(r);
    const wireType = r.lo & 7;
    if (num < 1 || num > MAX_FIELD) return DECODE;
    if (wireType === 4) return DECODE;
    const kind = known[num];
    if (kind === "varint" && wireType === 0) {
      if (!consumeVarint(r)) return DECODE;
      visit.varint(num, { lo: r.lo, hi: r.hi });
    } else if (kind === "bytes" && wireType === 2) {
      if (!consumeVarint(r)) return DECODE;
      if (r.hi !== 0 || r.lo > end - r.i) return DECODE;
      visit.bytes(num, r.i, r.i + r.lo);
      r.i += r.lo;
    } else if (kind === "repeated" && wireType === 2) {
      if (!consumeVarint(r)) return DECODE;
      if (r.hi !== 0 || r.lo > end - r.i) return DECODE;
      const post = r.i + r.lo;
      while (r.i < post) {
        const sub = new Reader(buf, r.i, post);
        if (!consumeVarint(sub)) return DECODE;
        r.i = sub.i;
      }
    } else if (kind === "repeated" && wireType === 0) {
      if (!consumeVarint(r)) return DECODE;
    } else if (!consumeField(r, num, wireType, RECURSION_LIMIT)) {
      return DECODE;
    }
  }
  return void 0;
}

export {
  walkMessage,
  toUint64
};
