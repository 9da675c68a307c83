// Reading a file in ranges, for a last segment fetched over a slow link: most of it may be
// etcd's zero preallocation, which the reader never needs once the records end.

import type { WalFiles } from '../base/files.js';
import type { ByteCursor } from './cursor.js';
import { scanTail, type TailScan } from './tail.js';
import type { EtcdRules } from './versions.js';

/**
 * Bytes [start, end) of path: one stream, or, where files has a read window, one range after
 * another, each fetched only when the reader gets to it.
 */
export async function* readRanged(
  files: WalFiles,
  path: string,
  start: number,
  end: number,
): AsyncIterable<Uint8Array> {
  const w = files.readWindow;
  if (!w || w <= 0) {
    yield* files.read(path, start, end);
    return;
  }
  for (let a = start; a < end; ) {
    const sized = files.rangeEnd?.(path, a);
    const b = Math.min(sized !== undefined && sized > a ? sized : a + w, end);
    // A range's chunks may go back to a pool when its stream ends, while the cursor still
    // holds the last one and reads the next range: so each chunk is copied.
    for await (const chunk of files.read(path, a, b)) yield Buffer.from(chunk);
    a = b;
  }
}

/**
 * scanTail, except that a range the host proves all zeros is not read at all: that scan would
 * find nothing, so its result is known. Any doubt (some non-zero byte) reads it as before.
 */
export async function scanTailOf(
  files: WalFiles,
  path: string,
  cursor: ByteCursor,
  from: number,
  segmentSize: number,
  rules: EtcdRules,
): Promise<TailScan> {
  if (files.firstNonZero && from <= segmentSize) {
    const at = await files.firstNonZero(path, from, segmentSize);
    if (at === undefined) {
      return {
        from,
        firstNonZero: undefined,
        nonZeroBytes: 0,
        recordLike: 0,
        entries: { count: 0, first: undefined, last: undefined },
      };
    }
  }
  return scanTail(cursor, from, segmentSize, rules);
}
