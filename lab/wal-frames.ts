// A plain walk over a WAL segment's frames (8-byte length word, record, padding), used by the
// lab's faults and the tests to aim damage at real records. Deliberately independent of the
// WAL engine under test.

export interface Frame {
  offset: number;
  recBytes: number;
  padBytes: number;
  /** Offset just past the record and its padding. */
  end: number;
}

export function frames(buf: Buffer): Frame[] {
  const out: Frame[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const lo = buf.readUInt32LE(off);
    const hi = buf.readUInt32LE(off + 4);
    if (lo === 0 && hi === 0) break;
    const recBytes = lo + (hi & 0xffffff) * 2 ** 32;
    const padBytes = hi & 0x80000000 ? (hi >>> 24) & 7 : 0;
    const end = off + 8 + recBytes + padBytes;
    if (end > buf.length) break;
    out.push({ offset: off, recBytes, padBytes, end });
    off = end;
  }
  return out;
}
