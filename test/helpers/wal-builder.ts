// Hand-built WAL segments for cases etcd's writer never produces (a protobuf cut inside a
// record with a valid checksum, a wrong wire type, an 11 MiB record). Records are framed and
// check-summed the way etcd's encoder does; the checksum code is the one the differential
// tests prove against etcd.

import { crc32cUpdate } from '../../src/wal/crc32c.js';

export function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

export function field(num: number, wire: number, payload: number[] | Uint8Array): number[] {
  const tag = varint((num << 3) | wire);
  if (wire === 2) return [...tag, ...varint(payload.length), ...payload];
  return [...tag, ...payload];
}

export const T = { metadata: 1, entry: 2, state: 3, crc: 4, snapshot: 5 };

export function entryData(term: number, index: number, payload: Uint8Array): number[] {
  return [
    ...field(1, 0, varint(0)),
    ...field(2, 0, varint(term)),
    ...field(3, 0, varint(index)),
    ...field(4, 2, payload),
  ];
}

export function stateData(term: number, vote: number, commit: number): number[] {
  return [
    ...field(1, 0, varint(term)),
    ...field(2, 0, varint(vote)),
    ...field(3, 0, varint(commit)),
  ];
}

export interface RecordSpec {
  type: number;
  data?: number[] | Uint8Array;
  /** Replace the whole encoded walpb.Record (the checksum is still computed over `data`). */
  raw?: (crc: number) => number[];
}

export class SegmentBuilder {
  private parts: Uint8Array[] = [];
  private running = 0;
  offsets: number[] = [];
  private size = 0;

  constructor(prevCrc = 0, metadata = 'builder') {
    this.add({ type: T.crc });
    this.running = prevCrc;
    this.add({ type: T.metadata, data: Buffer.from(metadata) });
    this.add({ type: T.snapshot, data: [0x08, 0x00, 0x10, 0x00] });
  }

  add(r: RecordSpec): this {
    const data = r.data ? Uint8Array.from(r.data) : undefined;
    let crc: number;
    if (r.type === T.crc) {
      crc = this.running;
    } else {
      this.running = crc32cUpdate(this.running, data ?? new Uint8Array(0));
      crc = this.running;
    }
    const rec = r.raw
      ? r.raw(crc)
      : [
          ...field(1, 0, varint(r.type)),
          ...field(2, 0, varint(crc)),
          ...(data ? field(3, 2, data) : []),
        ];
    const pad = (8 - (rec.length % 8)) % 8;
    const frame = Buffer.alloc(8 + rec.length + pad);
    frame.writeUInt32LE(rec.length, 0);
    frame.writeUInt32LE(pad ? ((0x80 | pad) << 24) >>> 0 : 0, 4);
    Buffer.from(rec).copy(frame, 8);
    this.offsets.push(this.size);
    this.parts.push(frame);
    this.size += frame.length;
    return this;
  }

  entries(from: number, to: number, term = 1, size = 64): this {
    for (let i = from; i <= to; i++) {
      this.add({ type: T.entry, data: entryData(term, i, Buffer.alloc(size, i & 0xff)) });
      this.add({ type: T.state, data: stateData(term, 1, i) });
    }
    return this;
  }

  /** The segment, zero-filled to `preallocate` bytes as etcd's preallocation leaves it. */
  build(preallocate = 0): Buffer {
    const body = Buffer.concat(this.parts);
    return body.length >= preallocate
      ? body
      : Buffer.concat([body, Buffer.alloc(preallocate - body.length)]);
  }
}
