// ByteCursor and the local reader share read buffers: a stream's chunks are reused once it has
// ended, so the cursor must not keep pointing into them.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFiles } from '../../src/remote/local-files.js';
import { ByteCursor } from '../../src/wal/cursor.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

const text = (c: ByteCursor) => Buffer.from(c.buf.subarray(c.pos)).toString();

describe('ByteCursor at the end of its stream', () => {
  it('keeps the unread bytes when the producer reuses its buffer afterwards', async () => {
    const shared = Buffer.from('0123456789');
    async function* chunks() {
      try {
        yield shared.subarray(0, 5);
        yield shared.subarray(5, 10);
      } finally {
        // As LocalFiles does: once the consumer has seen the end.
        setImmediate(() => shared.fill('x'));
      }
    }
    const c = new ByteCursor(chunks());
    expect(await c.fill(3)).toBe(true);
    await c.skip(7);
    expect(await c.fill(4)).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(shared.toString()).toBe('xxxxxxxxxx');
    expect(c.offset).toBe(7);
    expect(text(c)).toBe('789');
    await c.close();
  });

  it('keeps them while LocalFiles reuses the buffers for the next file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a'), 'first file');
    // Three chunks' worth, so every buffer the first read used is written again.
    writeFileSync(join(dir, 'b'), Buffer.alloc(5 << 19, 'S'));
    const files = new LocalFiles();
    const a = new ByteCursor(files.read(join(dir, 'a')));
    await a.skip(6);
    expect(await a.fill(100)).toBe(false);
    // Let the finished read hand its buffers back, then read another file into them.
    await new Promise((r) => setImmediate(r));
    const b = new ByteCursor(files.read(join(dir, 'b')));
    expect(await b.skip(5 << 19)).toBe(5 << 19);
    expect(await b.fill(1)).toBe(false);
    expect(text(a)).toBe('file');
    await a.close();
    await b.close();
  });

  it('hands out correct chunks from reused buffers, each valid until the second after it', async () => {
    const dir = tmp();
    const big = Buffer.alloc(5 * (1 << 20) + 12345);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >>> 16)) & 0xff;
    writeFileSync(join(dir, 'big'), big);
    const files = new LocalFiles();
    const ranges: [number, number | undefined][] = [
      [0, undefined],
      [1000, undefined],
      [(1 << 20) - 7, 3 * (1 << 20) + 5],
      [4 * (1 << 20), big.length + 999], // asks past the end of the file
    ];
    for (const [start, end] of ranges) {
      const parts: Buffer[] = [];
      let previous: { chunk: Uint8Array; at: number } | undefined;
      let at = start;
      for await (const chunk of files.read(join(dir, 'big'), start, end)) {
        // The chunk before this one has not been copied, and must still hold its bytes.
        if (previous) {
          const want = big.subarray(previous.at, previous.at + previous.chunk.length);
          expect(Buffer.from(previous.chunk).equals(want)).toBe(true);
        }
        parts.push(Buffer.from(chunk));
        previous = { chunk, at };
        at += chunk.length;
      }
      const want = big.subarray(start, Math.min(end ?? big.length, big.length));
      expect(Buffer.concat(parts).equals(want)).toBe(true);
      await new Promise((r) => setImmediate(r));
    }
  });
});
