#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  toUint64,
  walkMessage
} from "./chunk-X6X2WM6E.js";

// src/base/files.ts
var isSha256 = (h) => /^[0-9a-f]{64}$/.test(h);
function sameFile(was, now) {
  return !!now && now.size === was.size && now.mtimeNs === was.mtimeNs && now.fingerprint === was.fingerprint;
}
function joinPath(dir, name) {
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

// src/wal/cursor.ts
var EMPTY = Buffer.alloc(0);
var ByteCursor = class {
  /** The current window; valid bytes are buf[pos, buf.length). */
  buf = EMPTY;
  pos = 0;
  /** File offset of buf[0]. */
  base = 0;
  pending = [];
  done = false;
  it;
  constructor(chunks, startOffset = 0) {
    this.it = chunks[Symbol.asyncIterator]();
    this.base = startOffset;
  }
  get offset() {
    return this.base + this.pos;
  }
  get available() {
    return this.buf.length - this.pos;
  }
  /**
   * Makes at least n bytes available contiguously at pos, unless the stream ends first.
   * Returns whether n bytes are available.
   */
  async fill(n) {
    while (this.buf.length - this.pos < n) {
      const chunk = await this.nextChunk();
      if (!chunk) return false;
      const have = this.buf.length - this.pos;
      if (have === 0) {
        this.base += this.buf.length;
        this.buf = chunk;
        this.pos = 0;
        continue;
      }
      const need = n - have;
      const take = chunk.length <= need ? chunk : chunk.subarray(0, need);
      if (take !== chunk) this.pending.unshift(chunk.subarray(need));
      const joined = Buffer.allocUnsafe(have + take.length);
      joined.set(this.buf.subarray(this.pos), 0);
      joined.set(take, have);
      this.base += this.pos;
      this.buf = joined;
      this.pos = 0;
    }
    return true;
  }
  /** Moves forward n bytes, reading (and dropping) chunks as needed. Returns bytes skipped. */
  async skip(n) {
    let left = n;
    while (left > 0) {
      const have = this.buf.length - this.pos;
      if (have >= left) {
        this.pos += left;
        return n;
      }
      left -= have;
      this.pos = this.buf.length;
      if (!await this.fill(1)) return n - left;
    }
    return n;
  }
  async nextChunk() {
    const queued = this.pending.shift();
    if (queued) return queued;
    if (this.done) return void 0;
    for (; ; ) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        this.detach();
        return void 0;
      }
      if (r.value.length > 0) return r.value;
    }
  }
  /**
   * Once a stream has ended, its producer may reuse the memory of every chunk it handed out
   * (LocalFiles does), so the unread rest of the last one is copied. It is rarely more than
   * a few bytes: a segment usually ends in a zero length word or exactly at a record's end.
   */
  detach() {
    this.base += this.pos;
    this.buf = Uint8Array.prototype.slice.call(this.buf, this.pos);
    this.pos = 0;
  }
  /** Releases the underlying stream (closes the file or the remote reader). */
  async close() {
    this.pending = [];
    this.buf = EMPTY;
    this.pos = 0;
    if (!this.done) {
      this.done = true;
      await this.it.return?.();
    }
  }
};

// src/wal/crc32c.ts
import { createRequire } from "node:module";
var POLY = 2197175160;
var TABLES = (() => {
  const t02 = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? c >>> 1 ^ POLY : c >>> 1;
    t02[i] = c;
  }
  const tables = [t02];
  for (let s = 1; s < 8; s++) {
    const prev = tables[s - 1];
    const next = new Int32Array(256);
    for (let i = 0; i < 256; i++) next[i] = prev[i] >>> 8 ^ t02[prev[i] & 255];
    tables.push(next);
  }
  return tables;
})();
var [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
function loadNative() {
  if (process.env.RAFTROLL_PURE_JS_CRC === "1") return void 0;
  try {
    const req = createRequire(import.meta.url);
    const mod = req("@node-rs/crc32");
    const f = mod.crc32c;
    if (f && f(Buffer.from("123456789"), 0) === 3808858755) return f;
  } catch {
  }
  return void 0;
}
var native;
var loaded = false;
function nativeOnce() {
  loaded = true;
  native = loadNative();
  return native;
}
function crc32cUpdate(crc, buf, start = 0, end = buf.length) {
  if (end - start >= 384) {
    const f = loaded ? native : nativeOnce();
    if (f) return f(new Uint8Array(buf.buffer, buf.byteOffset + start, end - start), crc) >>> 0;
  }
  return crc32cTable(crc, buf, start, end);
}
function crc32cTable(crc, buf, start = 0, end = buf.length) {
  let c = ~crc;
  let i = start;
  const fast = end - (end - start & 7);
  while (i < fast) {
    const a = c ^ (buf[i] | buf[i + 1] << 8 | buf[i + 2] << 16 | buf[i + 3] << 24);
    c = t7[a & 255] ^ t6[a >>> 8 & 255] ^ t5[a >>> 16 & 255] ^ t4[a >>> 24] ^ t3[buf[i + 4]] ^ t2[buf[i + 5]] ^ t1[buf[i + 6]] ^ t0[buf[i + 7]];
    i += 8;
  }
  while (i < end) c = t0[(c ^ buf[i++]) & 255] ^ c >>> 8;
  return ~c >>> 0;
}

// src/wal/decoder.ts
var FRAME_BYTES = 8;
var SECTOR_BYTES = 512;
var RecordType = {
  metadata: 1,
  entry: 2,
  state: 3,
  crc: 4,
  snapshot: 5
};
var RECORD_FIELDS = { 1: "varint", 2: "varint", 3: "bytes" };
var TWO32 = 4294967296;
var scratch = { typeLo: 0, typeHi: 0, crc: 0, dataStart: -1, dataEnd: -1 };
var recordVisitor = {
  varint(field, v) {
    if (field === 1) {
      scratch.typeLo = v.lo;
      scratch.typeHi = v.hi;
    } else {
      scratch.crc = v.lo;
    }
  },
  bytes(_field, start, end) {
    scratch.dataStart = start;
    scratch.dataEnd = end;
  }
};
async function decodeSegment(cursor, segmentSize, isLast, state, rules, onRecord) {
  const run = {
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
      size: 0
    },
    records: 0,
    lastValidOff: cursor.offset,
    stop: void 0
  };
  for (; ; ) {
    if (!decodeFast(run)) return fail(run, run.stop);
    const end = await decodeOne(run);
    if (end) return end;
  }
}
function decodeFast(run) {
  const { cursor, segmentSize, state, rules, onRecord, rec } = run;
  const buf = cursor.buf;
  const end = buf.length;
  let p = cursor.pos;
  let lastValidOff = run.lastValidOff;
  let records = run.records;
  let going = true;
  for (; ; ) {
    if (end - p < FRAME_BYTES) break;
    const recBytes = buf[p] | buf[p + 1] << 8 | buf[p + 2] << 16 | buf[p + 3] << 24;
    const hi = buf[p + 4] | buf[p + 5] << 8 | buf[p + 6] << 16 | buf[p + 7] << 24;
    if ((recBytes | hi) === 0 || recBytes < 0 || (hi & 16777215) !== 0) break;
    const padBytes = hi >>> 24 & 7 & hi >> 31;
    if (rules.checkFrame(recBytes, padBytes, segmentSize, lastValidOff) !== void 0) break;
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
    if (stop !== void 0) {
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
function fail(run, f) {
  return {
    kind: "fail",
    failure: { ...f, offset: run.lastValidOff, recordIndex: run.records },
    records: run.records
  };
}
async function decodeOne(run) {
  const { cursor, segmentSize, isLast, state, rules, onRecord, rec } = run;
  const lastValidOff = run.lastValidOff;
  const records = run.records;
  if (cursor.available < FRAME_BYTES) await cursor.fill(FRAME_BYTES);
  const have = cursor.available;
  if (have === 0) return { kind: "end", offset: lastValidOff, reason: "eof", records };
  if (have < FRAME_BYTES) {
    return fail(run, { kind: "eof", message: "unexpected EOF", torn: "short-frame" });
  }
  const b = cursor.buf;
  const p = cursor.pos;
  const lo = (b[p] | b[p + 1] << 8 | b[p + 2] << 16 | b[p + 3] << 24) >>> 0;
  const hi = (b[p + 4] | b[p + 5] << 8 | b[p + 6] << 16 | b[p + 7] << 24) >>> 0;
  if (lo === 0 && hi === 0) {
    return { kind: "end", offset: lastValidOff, reason: "zero-frame", records };
  }
  const recBytes = (hi & 16777215) === 0 ? lo : (hi & 16777215) * TWO32 + lo;
  const padBytes = hi >= 2147483648 ? hi >>> 24 & 7 : 0;
  const remaining = segmentSize - lastValidOff - FRAME_BYTES;
  const sizeFailure = rules.checkFrame(recBytes, padBytes, segmentSize, lastValidOff);
  if (sizeFailure) return fail(run, { ...sizeFailure, frame: { recBytes, padBytes } });
  const need = recBytes + padBytes;
  if (need > remaining) {
    return fail(run, shortRead(recBytes, padBytes));
  }
  if (cursor.available < FRAME_BYTES + need && !await cursor.fill(FRAME_BYTES + need)) {
    return fail(run, shortRead(recBytes, padBytes));
  }
  const buf = cursor.buf;
  const bodyStart = cursor.pos + FRAME_BYTES;
  const bodyEnd = bodyStart + recBytes;
  scratch.typeLo = 0;
  scratch.typeHi = 0;
  scratch.crc = 0;
  scratch.dataStart = -1;
  scratch.dataEnd = -1;
  const protoFailure = canonicalRecord(buf, bodyStart, bodyEnd) ? void 0 : walkMessage(buf, bodyStart, bodyEnd, RECORD_FIELDS, rules.skip, recordVisitor, "Record");
  if (protoFailure) {
    if (protoFailure.kind !== "panic" && isLast && isTorn(buf, bodyStart, bodyStart + need, lastValidOff + FRAME_BYTES)) {
      return fail(run, zeroSector(recBytes, padBytes));
    }
    return fail(run, {
      ...protoFailure,
      torn: protoFailure.kind === "eof" ? "proto-eof" : void 0,
      frame: { recBytes, padBytes }
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
        kind: "error",
        message: "walpb: crc mismatch",
        frame: { recBytes, padBytes }
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
  return void 0;
}
function shortRead(recBytes, padBytes) {
  return {
    kind: "eof",
    message: "unexpected EOF",
    torn: "short-read",
    frame: { recBytes, padBytes }
  };
}
function zeroSector(recBytes, padBytes) {
  return {
    kind: "eof",
    message: "unexpected EOF",
    torn: "zero-sector",
    frame: { recBytes, padBytes }
  };
}
function canonicalRecord(b, start, end) {
  let i = start;
  if (end - i < 4 || b[i] !== 8 || b[i + 1] >= 128 || b[i + 2] !== 16) return false;
  const type = b[i + 1];
  i += 3;
  let crc = 0;
  let mul = 1;
  for (let k = 0; ; k++) {
    if (k === 5 || i >= end) return false;
    const x = b[i++];
    if (k === 4 && x >= 16) return false;
    crc += (x & 127) * mul;
    if (x < 128) break;
    mul *= 128;
  }
  let dataStart = -1;
  let dataEnd = -1;
  if (i < end) {
    if (b[i++] !== 26) return false;
    let len = 0;
    let mul2 = 1;
    for (let k = 0; ; k++) {
      if (k === 4 || i >= end) return false;
      const x = b[i++];
      len += (x & 127) * mul2;
      if (x < 128) break;
      mul2 *= 128;
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
function isTorn(buf, start, end, fileOffset) {
  let off = fileOffset;
  let i = start;
  while (i < end) {
    const chunkLen = Math.min(SECTOR_BYTES - off % SECTOR_BYTES, end - i);
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

// src/wal/raftpb.ts
var ENTRY_FIELDS = { 1: "varint", 2: "varint", 3: "varint", 4: "bytes" };
var STATE_FIELDS = { 1: "varint", 2: "varint", 3: "varint" };
var SNAPSHOT_FIELDS = { 1: "varint", 2: "varint", 3: "bytes" };
var SNAPSHOT_FIELDS_34 = { 1: "varint", 2: "varint" };
var entry = { term: 0, index: 0, type: 0 };
var entryVisitor = {
  varint(field, v) {
    if (field === 1) entry.type = v.lo | 0;
    else if (field === 2) entry.term = toUint64(v);
    else entry.index = toUint64(v);
  },
  bytes() {
  }
};
function decodeEntry(buf, start, end, style) {
  entry.term = 0;
  entry.index = 0;
  entry.type = 0;
  if (canonicalEntry(buf, start, end)) return entry;
  return walkMessage(buf, start, end, ENTRY_FIELDS, style, entryVisitor, "Entry") ?? entry;
}
var varintEnd = 0;
function shortVarint(b, i, end) {
  let v = 0;
  let mul = 1;
  for (let k = 0; k < 7 && i < end; k++) {
    const x = b[i++];
    v += (x & 127) * mul;
    if (x < 128) {
      varintEnd = i;
      return v;
    }
    mul *= 128;
  }
  return -1;
}
function canonicalEntry(b, start, end) {
  if (end - start < 6 || b[start] !== 8 || b[start + 1] >= 128 || b[start + 2] !== 16)
    return false;
  const term = shortVarint(b, start + 3, end);
  if (term < 0 || b[varintEnd] !== 24) return false;
  const index = shortVarint(b, varintEnd + 1, end);
  if (index < 0) return false;
  if (varintEnd < end) {
    if (b[varintEnd] !== 34) return false;
    const len = shortVarint(b, varintEnd + 1, end);
    if (len < 0 || varintEnd + len !== end) return false;
  }
  entry.type = b[start + 1];
  entry.term = term;
  entry.index = index;
  return true;
}
function decodeHardState(buf, start, end, style) {
  const s = { term: 0, vote: "0", commit: 0 };
  const f = walkMessage(
    buf,
    start,
    end,
    STATE_FIELDS,
    style,
    {
      varint(field, v) {
        if (field === 1) s.term = toUint64(v);
        else if (field === 2) s.vote = (BigInt(v.hi) << 32n | BigInt(v.lo)).toString();
        else s.commit = toUint64(v);
      },
      bytes() {
      }
    },
    "HardState"
  );
  return f ?? s;
}
function decodeSnapshotRef(buf, start, end, style, confState) {
  const s = { index: 0, term: 0 };
  let conf;
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
      }
    },
    "Snapshot"
  );
  if (f) return f;
  if (conf) {
    const c = checkConfState(buf, conf[0], conf[1], style);
    if (c) return c;
  }
  return s;
}
var CONF_FIELDS = {
  1: "repeated",
  2: "repeated",
  3: "repeated",
  4: "repeated",
  5: "varint"
};
function checkConfState(buf, start, end, style) {
  return walkMessage(buf, start, end, CONF_FIELDS, style, { varint() {
  }, bytes() {
  } }, "ConfState");
}
function isFailure(x) {
  return "kind" in x && "message" in x;
}

// src/wal/loader.ts
function newLoaderState(startIndex) {
  return {
    decoder: { crc: 0 },
    startIndex,
    startTerm: void 0,
    entsLen: 0,
    metadata: void 0,
    hardState: void 0,
    firstEntryIndex: void 0,
    records: 0,
    entryRecords: 0,
    snapshots: 0,
    snapshotMatched: false,
    snapshotRefs: []
  };
}
function cloneLoaderState(s) {
  return { ...s, decoder: { ...s.decoder }, snapshotRefs: [...s.snapshotRefs] };
}
function lastEntryIndex(s) {
  return s.entsLen > 0 ? s.startIndex + s.entsLen : void 0;
}
function typeNumber(rec) {
  return rec.type.hi === 0 && rec.type.lo <= 2147483647 ? rec.type.lo : void 0;
}
function readAllRecord(s, rec, rules) {
  s.records++;
  switch (typeNumber(rec)) {
    case RecordType.entry: {
      const e = decodeEntry(rec.buf, rec.dataStart, rec.dataEnd, rules.skip);
      if (isFailure(e)) return { kind: "panic", message: `mustUnmarshalEntry: ${e.message}` };
      s.entryRecords++;
      if (e.index > s.startIndex) {
        const up = e.index - s.startIndex - 1;
        if (up > s.entsLen) {
          return {
            kind: "error",
            message: `wal: slice bounds out of range (entry ${e.index} after ${s.startIndex + s.entsLen})`
          };
        }
        s.entsLen = up + 1;
        if (s.firstEntryIndex === void 0 || e.index < s.firstEntryIndex)
          s.firstEntryIndex = e.index;
      }
      return void 0;
    }
    case RecordType.state: {
      const h = decodeHardState(rec.buf, rec.dataStart, rec.dataEnd, rules.skip);
      if (isFailure(h)) return { kind: "panic", message: `mustUnmarshalState: ${h.message}` };
      s.hardState = h;
      return void 0;
    }
    case RecordType.metadata: {
      const data = rec.buf.subarray(rec.dataStart, rec.dataEnd);
      if (s.metadata !== void 0 && !bytesEqual(s.metadata, data)) {
        return { kind: "error", message: "wal: conflicting metadata found" };
      }
      if (!rec.hasData) s.metadata = void 0;
      else if (s.metadata === void 0) s.metadata = Uint8Array.prototype.slice.call(data);
      return void 0;
    }
    case RecordType.crc: {
      const running = s.decoder.crc;
      if (running !== 0 && rec.crc !== running)
        return { kind: "error", message: "wal: crc mismatch" };
      s.decoder.crc = rec.crc;
      return void 0;
    }
    case RecordType.snapshot: {
      const snap = decodeSnapshotRef(
        rec.buf,
        rec.dataStart,
        rec.dataEnd,
        rules.skip,
        rules.snapshotConfState
      );
      if (isFailure(snap)) return { kind: "panic", message: `unmarshal snapshot: ${snap.message}` };
      s.snapshots++;
      s.snapshotRefs.push({ index: snap.index, term: snap.term });
      if (snap.index === s.startIndex) {
        s.startTerm ??= snap.term;
        if (snap.term !== s.startTerm) return { kind: "error", message: "wal: snapshot mismatch" };
        s.snapshotMatched = true;
      }
      return void 0;
    }
    default:
      return { kind: "error", message: `unexpected block type ${typeLabel(rec)}` };
  }
}
function repairRecord(state, rec) {
  if (typeNumber(rec) === RecordType.crc) {
    if (state.crc !== 0 && rec.crc !== state.crc) {
      return { kind: "error", message: "wal: crc mismatch in crc record" };
    }
    state.crc = rec.crc;
  }
  return void 0;
}
function typeLabel(rec) {
  const v = BigInt(rec.type.hi) << 32n | BigInt(rec.type.lo);
  return BigInt.asIntN(64, v).toString();
}
function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// src/wal/names.ts
var HEX = /^[0-9a-fA-F]$/;
function parseSegmentName(name) {
  if (!name.endsWith(".wal")) return void 0;
  let i = 0;
  const hex = () => {
    while (name[i] === " " || name[i] === "	" || name[i] === "\r") i++;
    const start = i;
    while (i - start < 16 && i < name.length && HEX.test(name[i])) i++;
    if (i === start) return void 0;
    return BigInt(`0x${name.slice(start, i)}`);
  };
  const seq = hex();
  if (seq === void 0 || name[i] !== "-") return void 0;
  i++;
  const index = hex();
  if (index === void 0 || name.slice(i, i + 4) !== ".wal") return void 0;
  return { name, seq, index };
}
function findSequenceGap(segments) {
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1];
    const cur = segments[i];
    if (prev.seq !== 0n && prev.seq !== cur.seq - 1n) return { after: prev.name, before: cur.name };
  }
  return void 0;
}
function selectSegments(names) {
  const sorted = [...names].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  const segments = [];
  const ignored = [];
  for (const n of sorted) {
    const s = parseSegmentName(n);
    if (s) segments.push(s);
    else ignored.push(n);
  }
  return { segments, ignored };
}

// src/wal/tail.ts
var MAX_RECORD_BYTES = 10 * 1024 * 1024;
function addEntry(r, index) {
  r.count++;
  if (r.first === void 0 || index < r.first) r.first = index;
  if (r.last === void 0 || index > r.last) r.last = index;
}
var RECORD_FIELDS2 = { 1: "varint", 2: "varint", 3: "bytes" };
function parseRecordLike(buf, p, end, rules) {
  if (end - p < FRAME_BYTES) return void 0;
  const lo = (buf[p] | buf[p + 1] << 8 | buf[p + 2] << 16 | buf[p + 3] << 24) >>> 0;
  const hi = (buf[p + 4] | buf[p + 5] << 8 | buf[p + 6] << 16 | buf[p + 7] << 24) >>> 0;
  if ((hi & 16777215) !== 0 || lo === 0 || lo >= MAX_RECORD_BYTES) return void 0;
  const pad = (8 - lo % 8) % 8;
  if (hi >>> 24 !== (pad === 0 ? 0 : 128 | pad)) return void 0;
  const size = FRAME_BYTES + lo + pad;
  if (end - p < size) return void 0;
  let type = -1;
  let dataStart = -1;
  let dataEnd = -1;
  const f = walkMessage(
    buf,
    p + FRAME_BYTES,
    p + FRAME_BYTES + lo,
    RECORD_FIELDS2,
    rules.skip,
    {
      varint(field, v) {
        if (field === 1) type = v.hi === 0 ? v.lo : -1;
      },
      bytes(_field, s, e) {
        dataStart = s;
        dataEnd = e;
      }
    },
    "Record"
  );
  if (f || type < RecordType.metadata || type > RecordType.snapshot) return void 0;
  let entryIndex;
  if (type === RecordType.entry && dataStart >= 0) {
    const e = decodeEntry(buf, dataStart, dataEnd, rules.skip);
    if (isFailure(e)) return void 0;
    entryIndex = e.index;
  }
  return { size, entryIndex };
}
async function scanTail(cursor, from, segmentSize, rules) {
  const scan = {
    from,
    firstNonZero: void 0,
    nonZeroBytes: 0,
    recordLike: 0,
    entries: { count: 0, first: void 0, last: void 0 }
  };
  const note = (at, n) => {
    if (n === 0) return;
    scan.firstNonZero ??= at;
    scan.nonZeroBytes += n;
  };
  await cursor.skip(from - cursor.offset);
  let q = Math.min(segmentSize, Math.ceil(from / FRAME_BYTES) * FRAME_BYTES);
  if (q > from && await cursor.fill(q - from)) {
    note(from, countNonZero(cursor.buf, cursor.pos, cursor.pos + (q - from)));
  }
  while (q < segmentSize) {
    await cursor.skip(q - cursor.offset);
    if (cursor.available < FRAME_BYTES && !await cursor.fill(FRAME_BYTES)) {
      note(q, countNonZero(cursor.buf, cursor.pos, cursor.buf.length));
      break;
    }
    const buf = cursor.buf;
    const base = cursor.offset - cursor.pos;
    const i = firstNonZero(buf, cursor.pos);
    const word = Math.floor((base + i) / FRAME_BYTES) * FRAME_BYTES;
    if (word > q) {
      q = Math.min(word, segmentSize);
      continue;
    }
    const lenLo = readU32(buf, cursor.pos);
    if (lenLo > 0 && lenLo < MAX_RECORD_BYTES) await cursor.fill(FRAME_BYTES + lenLo + FRAME_BYTES);
    const rec = parseRecordLike(cursor.buf, cursor.pos, cursor.buf.length, rules);
    const step = rec ? rec.size : FRAME_BYTES;
    if (rec) {
      scan.recordLike++;
      if (rec.entryIndex !== void 0) addEntry(scan.entries, rec.entryIndex);
    }
    note(q, countNonZero(cursor.buf, cursor.pos, Math.min(cursor.buf.length, cursor.pos + step)));
    q += step;
  }
  return scan;
}
var ZEROS = new Uint8Array(64 * 1024);
function firstNonZero(buf, from) {
  let i = from;
  while (i < buf.length) {
    const n = Math.min(ZEROS.length, buf.length - i);
    if (Buffer.compare(buf.subarray(i, i + n), ZEROS.subarray(0, n)) !== 0) break;
    i += n;
  }
  while (i < buf.length && buf[i] === 0) i++;
  return i;
}
function readU32(buf, p) {
  if (p + 4 > buf.length) return 0;
  return (buf[p] | buf[p + 1] << 8 | buf[p + 2] << 16 | buf[p + 3] << 24) >>> 0;
}
function countNonZero(buf, start, end) {
  let n = 0;
  for (let i = start; i < end; i++) if (buf[i] !== 0) n++;
  return n;
}

// src/wal/ranges.ts
async function* readRanged(files, path, start, end) {
  const w = files.readWindow;
  if (!w || w <= 0) {
    yield* files.read(path, start, end);
    return;
  }
  for (let a = start; a < end; ) {
    const sized = files.rangeEnd?.(path, a);
    const b = Math.min(sized !== void 0 && sized > a ? sized : a + w, end);
    for await (const chunk of files.read(path, a, b)) yield Buffer.from(chunk);
    a = b;
  }
}
async function scanTailOf(files, path, cursor, from, segmentSize, rules) {
  if (files.firstNonZero && from <= segmentSize) {
    const at = await files.firstNonZero(path, from, segmentSize);
    if (at === void 0) {
      return {
        from,
        firstNonZero: void 0,
        nonZeroBytes: 0,
        recordLike: 0,
        entries: { count: 0, first: void 0, last: void 0 }
      };
    }
  }
  return scanTail(cursor, from, segmentSize, rules);
}

// src/wal/verify.ts
var WalInputError = class extends Error {
  name = "WalInputError";
};
var HEADER_RECORDS = 2;
async function verifyDir(files, dir, rules, sealed) {
  const entries = await files.list(dir);
  const { segments, ignored } = selectSegments(entries.map((e) => e.name));
  if (segments.length === 0) {
    throw new WalInputError(
      `${dir}: no WAL segment files (expected names like 0000000000000000-0000000000000000.wal)`
    );
  }
  const sizes = new Map(entries.map((e) => [e.name, e]));
  const hazards = [];
  for (const name of ignored) {
    if (/\.wal\.broken(\.\d+)?$/.test(name)) {
      hazards.push({
        kind: "stale-backup",
        segment: name,
        message: `${name} is a backup left by an earlier repair; keep it until the node is healthy, then remove it`
      });
    } else if (!name.endsWith(".tmp")) {
      hazards.push({
        kind: "ignored-file",
        segment: name,
        message: `${name} is not a WAL segment; etcd ignores it`
      });
    }
  }
  const segs = [];
  for (const seg of segments) {
    const e = sizes.get(seg.name);
    if (e.kind !== "file") {
      throw new WalInputError(
        `${joinPath(dir, seg.name)}: expected a regular file, found a ${e.kind === "dir" ? "directory" : "special file"}`
      );
    }
    segs.push({ seg, size: e.size });
  }
  const last = segs[segs.length - 1];
  const lastStat = await files.stat(joinPath(dir, last.seg.name));
  const report = {
    dir,
    etcdVersion: rules.version,
    etcdVerdict: "clean",
    verdict: "clean",
    repairable: false,
    reason: "",
    segments: segs.map((s) => ({ name: s.seg.name, size: s.size })),
    hazards,
    summary: {
      records: 0,
      entries: { count: 0, first: void 0, last: void 0 },
      hardState: void 0,
      snapshots: 0,
      bytes: segs.reduce((n, s) => n + s.size, 0)
    },
    lastSegment: lastStat ? { name: last.seg.name, size: lastStat.size, mtimeNs: lastStat.mtimeNs } : void 0
  };
  const empty = segs.filter((s) => s.size === 0);
  for (const s of empty) {
    hazards.push({
      kind: "empty-segment",
      segment: s.seg.name,
      message: `${s.seg.name} is empty (0 bytes); etcd never writes an empty segment, so something truncated it`
    });
  }
  const gap = findSequenceGap(segs.map((s) => s.seg));
  if (gap) {
    hazards.push({
      kind: "sequence-gap",
      segment: gap.before,
      message: `segment sequence jumps from ${gap.after} to ${gap.before}; a segment is missing`
    });
    report.etcdVerdict = "corrupt";
    report.verdict = "corrupt";
    report.problem = {
      etcdError: "wal: file not found",
      kind: "missing-file",
      segment: gap.before,
      offset: 0,
      recordIndex: 0,
      detail: `a segment between ${gap.after} and ${gap.before} is missing, so etcd refuses to open the log`
    };
    report.reason = `segment missing before ${gap.before}; etcd will not open this log, and raftroll will not repair it`;
    return report;
  }
  const reuse = await sealedToReuse(files, dir, rules, segs, sealed);
  if (sealed)
    report.sealed = reuse.prefix ? { reused: reuse.prefix.segments.length } : { reused: 0, why: reuse.why };
  const start = Number(segs[0].seg.index);
  const state = reuse.prefix ? cloneLoaderState(reuse.prefix.state) : newLoaderState(start);
  if (reuse.prefix) hazards.push(...reuse.prefix.hazards);
  let atLast;
  let pass;
  for (let i = reuse.prefix?.segments.length ?? 0; i < segs.length; i++) {
    const s = segs[i];
    const path = joinPath(dir, s.seg.name);
    if (i < segs.length - 1) {
      const end2 = await readSealedSegment(files, path, s.size, state, rules, hazards);
      if (end2.kind === "fail") {
        pass = { end: end2, segmentIndex: i };
        break;
      }
      continue;
    }
    atLast = cloneLoaderState(state);
    const cursor = new ByteCursor(readRanged(files, path, 0, s.size));
    try {
      const end2 = await decodeSegment(
        cursor,
        s.size,
        true,
        state.decoder,
        rules,
        (rec) => readAllRecord(state, rec, rules)
      );
      pass = { end: end2, segmentIndex: i };
      await inspectTail(pass, files, path, cursor, s.size, rules);
    } finally {
      await cursor.close();
    }
  }
  report.summary.records = state.records;
  report.summary.entries = {
    count: state.entryRecords,
    first: state.firstEntryIndex,
    last: lastEntryIndex(state)
  };
  report.summary.hardState = state.hardState;
  report.summary.snapshots = state.snapshots;
  report.snapshotRecords = { records: state.snapshotRefs, commit: state.hardState?.commit ?? 0 };
  const end = pass.end;
  const failedSeg = segs[pass.segmentIndex];
  if (end.kind === "end") {
    judgeCleanEnd(report, pass, last.seg.name);
  } else {
    report.problem = problemOf(end.failure, failedSeg.seg.name);
    const startupRepairs = end.failure.kind === "eof";
    if (!startupRepairs) {
      report.etcdVerdict = "corrupt";
      report.verdict = "corrupt";
      report.reason = `${failedSeg.seg.name} at offset ${end.failure.offset}: ${describe(end.failure)}; etcd will not load this log, and raftroll will not truncate it`;
    } else {
      await judgeTorn(report, files, dir, rules, segs, pass, atLast);
    }
  }
  if (empty.length > 0 && report.verdict !== "corrupt") {
    report.verdict = "corrupt";
    report.repairable = false;
    report.reason = `${empty.map((s) => s.seg.name).join(", ")} empty (0 bytes); raftroll cannot tell what was lost, so it will not judge or repair this log`;
  }
  return report;
}
async function readSealedSegment(files, path, size, state, rules, hazards) {
  const cursor = new ByteCursor(files.read(path, 0, size));
  try {
    const end = await decodeSegment(
      cursor,
      size,
      false,
      state.decoder,
      rules,
      (rec) => readAllRecord(state, rec, rules)
    );
    if (end.kind === "end" && end.reason === "zero-frame") {
      const t = await scanTailOf(files, path, cursor, end.offset, size, rules);
      if (t.recordLike > 0) {
        const name = path.slice(path.lastIndexOf("/") + 1);
        hazards.push({
          kind: "skipped-tail",
          segment: name,
          offset: end.offset,
          message: `${name}: ${t.recordLike} record-like frame(s) after the end marker at offset ${end.offset} are never read by etcd`
        });
      }
    }
    return end;
  } finally {
    await cursor.close();
  }
}
async function sealedToReuse(files, dir, rules, segs, sealed) {
  if (!sealed) return { why: "no earlier read" };
  const n = sealed.segments.length;
  if (sealed.dir !== dir || sealed.etcdVersion !== rules.version)
    return { why: "the earlier read was of another directory or under other rules" };
  if (!files.identify) return { why: `${files.where} cannot fingerprint files` };
  for (let i = 0; i < Math.min(n, segs.length); i++) {
    if (segs[i].seg.name !== sealed.segments[i].name)
      return { why: `segment ${i} is now ${segs[i].seg.name}, was ${sealed.segments[i].name}` };
  }
  if (n === 0 || n >= segs.length)
    return { why: `the earlier read covered ${n} segment(s) of ${segs.length}` };
  const now = await files.identify(
    dir,
    sealed.segments.map((s) => s.name)
  );
  for (const was of sealed.segments) {
    if (!sameFile(was, now.get(was.name))) return { why: `${was.name} changed since it was read` };
  }
  return { prefix: sealed, why: "" };
}
async function inspectTail(pass, files, path, cursor, size, rules) {
  const end = pass.end;
  if (end.kind === "end") {
    if (end.reason === "zero-frame")
      pass.tail = await scanTailOf(files, path, cursor, end.offset, size, rules);
    return;
  }
  const f = end.failure;
  if (!f.frame) return;
  const extent = FRAME_BYTES + f.frame.recBytes + f.frame.padBytes;
  const trusted = f.frame.recBytes < MAX_RECORD_BYTES && f.offset + extent <= size;
  if (trusted) {
    if (await cursor.fill(extent)) {
      const rec = parseRecordLike(cursor.buf, cursor.pos, cursor.pos + extent, rules);
      pass.tornRecord = { recordLike: rec !== void 0, entryIndex: rec?.entryIndex };
    }
    pass.tail = await scanTailOf(files, path, cursor, f.offset + extent, size, rules);
  } else {
    pass.tail = await scanTailOf(files, path, cursor, f.offset + FRAME_BYTES, size, rules);
  }
}
function judgeCleanEnd(report, pass, lastName) {
  const t = pass.tail;
  if (!t || t.firstNonZero === void 0) {
    report.reason = "etcd loads this log as it is";
    return;
  }
  if (t.recordLike > 0) {
    report.verdict = "data-after-end";
    report.reason = `${lastName}: ${t.recordLike} record-like frame(s) (${t.entries.count} entries) lie after the end marker at offset ${t.from}; etcd would silently zero them when it opens the log`;
  } else {
    report.reason = `etcd loads this log; ${t.nonZeroBytes} stray non-zero byte(s) after its end (offset ${t.from}) hold no records and would be zeroed`;
  }
  report.hazards.push({
    kind: "data-after-end",
    segment: lastName,
    offset: t.from,
    message: `${t.nonZeroBytes} non-zero byte(s) after the end of the log at offset ${t.from} (first at ${t.firstNonZero}), ${t.recordLike} of them record-like frames; etcd's write-mode open zeroes them without a word`
  });
}
async function judgeTorn(report, files, dir, rules, segs, pass, atLast) {
  const failure = pass.end.failure;
  const failedName = segs[pass.segmentIndex].seg.name;
  const last = segs[segs.length - 1];
  const lastPath = joinPath(dir, last.seg.name);
  const repairCursor = new ByteCursor(readRanged(files, lastPath, 0, last.size));
  let repairEnd;
  try {
    const st = { crc: 0 };
    repairEnd = await decodeSegment(
      repairCursor,
      last.size,
      true,
      st,
      rules,
      (rec) => repairRecord(st, rec)
    );
  } finally {
    await repairCursor.close();
  }
  let truncateAt;
  if (repairEnd.kind === "fail") {
    const f = repairEnd.failure;
    if (f.kind !== "eof") {
      report.etcdVerdict = "corrupt";
      report.verdict = "corrupt";
      report.reason = `etcd's loader hits an unexpected EOF in ${failedName} at offset ${failure.offset}, but wal.Repair fails on ${last.seg.name} at offset ${f.offset} (${describe(f)})`;
      return;
    }
    truncateAt = f.offset;
  }
  let secondOk = false;
  if (pass.segmentIndex === segs.length - 1 && truncateAt !== void 0) {
    const s = cloneLoaderState(atLast);
    const cursor = new ByteCursor(readRanged(files, lastPath, 0, truncateAt));
    try {
      const end = await decodeSegment(
        cursor,
        truncateAt,
        true,
        s.decoder,
        rules,
        (rec) => readAllRecord(s, rec, rules)
      );
      secondOk = end.kind === "end";
    } finally {
      await cursor.close();
    }
  }
  if (!secondOk) {
    report.etcdVerdict = "corrupt";
    report.verdict = "corrupt";
    report.reason = pass.segmentIndex !== segs.length - 1 ? `${failedName} (not the last segment) is cut short at offset ${failure.offset}; wal.Repair only mends the last segment, so etcd fails again after repairing ("WAL unrepairable after repair")` : `${failedName} at offset ${failure.offset}: etcd's repair does not make the log load ("WAL unrepairable after repair")`;
    return;
  }
  report.etcdVerdict = "torn";
  const cut = truncateAt;
  const t = pass.tail;
  const dropped = { count: 0, first: void 0, last: void 0 };
  if (pass.tornRecord?.entryIndex !== void 0) addEntry(dropped, pass.tornRecord.entryIndex);
  if (t?.entries.first !== void 0) {
    for (const idx of [t.entries.first, t.entries.last]) addEntry(dropped, idx);
    dropped.count = (pass.tornRecord?.entryIndex !== void 0 ? 1 : 0) + t.entries.count;
  }
  report.repair = {
    segment: last.seg.name,
    truncateAt: cut,
    segmentSize: last.size,
    bytesDropped: last.size - cut,
    nonZeroBytesDropped: -1,
    recordsDropped: (pass.tornRecord?.recordLike ? 1 : 0) + (t?.recordLike ?? 0),
    entriesDropped: dropped
  };
  if (failure.recordIndex < HEADER_RECORDS) {
    report.verdict = "corrupt";
    report.reason = `${last.seg.name}: the damage is in record ${failure.recordIndex} at offset ${failure.offset}, inside the segment's header that etcd syncs before use; that is not a torn write, and raftroll will not truncate the segment to ${cut} bytes`;
    return;
  }
  const extentTrusted = failure.frame !== void 0 && t !== void 0 && t.from === failure.offset + FRAME_BYTES + failure.frame.recBytes + failure.frame.padBytes;
  const dataAfter = t !== void 0 && (extentTrusted ? t.firstNonZero !== void 0 : t.recordLike > 0);
  report.repair.nonZeroBytesDropped = t?.nonZeroBytes ?? 0;
  if (cut !== failure.offset || dataAfter) {
    report.verdict = "torn-with-data-after";
    report.reason = dataAfter ? `${last.seg.name}: etcd would truncate at offset ${cut}, but ${t.recordLike} record-like frame(s) (${t.entries.count} entries) and ${t.nonZeroBytes} non-zero byte(s) follow the damaged record; that is not a torn tail, and truncating would drop them` : `${last.seg.name}: the loader fails at offset ${failure.offset} but wal.Repair would cut at ${cut}`;
    return;
  }
  report.verdict = "torn";
  report.repairable = true;
  report.reason = `${last.seg.name}: the final record at offset ${cut} is torn (${failure.torn ?? "unexpected EOF"}) and only zeros follow; truncating there drops ${last.size - cut} byte(s)`;
}
function problemOf(f, segment) {
  return {
    etcdError: f.kind === "panic" ? `panic: ${f.message}` : f.message,
    kind: f.kind === "eof" ? "unexpected-eof" : f.kind === "panic" ? "panic" : "error",
    segment,
    offset: f.offset,
    recordIndex: f.recordIndex,
    detail: describe(f)
  };
}
function describe(f) {
  const what = f.kind === "panic" ? `etcd would crash (${f.message})` : f.message;
  switch (f.torn) {
    case "short-frame":
      return `${what}: the file ends inside a record's 8-byte length word`;
    case "short-read":
      return `${what}: the record's length (${f.frame?.recBytes} + ${f.frame?.padBytes} padding) runs past the end of the file`;
    case "zero-sector":
      return `${what}: the record fails its check and one of its 512-byte sectors is all zeros (a torn write)`;
    case "proto-eof":
      return `${what}: the record's protobuf ends in the middle of a field`;
    default:
      return what;
  }
}

export {
  isSha256,
  sameFile,
  joinPath,
  ByteCursor,
  crc32cUpdate,
  RecordType,
  decodeSegment,
  decodeHardState,
  decodeSnapshotRef,
  isFailure,
  newLoaderState,
  cloneLoaderState,
  findSequenceGap,
  selectSegments,
  WalInputError,
  verifyDir,
  readSealedSegment
};
