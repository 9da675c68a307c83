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

  it('hands out correct chunks from reused buffers, read after read', async () => {
    const dir = tmp();
    const big = Buffer.alloc(3 * (1 << 20) + 12345);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >>> 16)) & 0xff;
    writeFileSync(join(dir, 'big'), big);
    const files = new LocalFiles();
    for (let round = 0; round < 3; round++) {
      const parts: Buffer[] = [];
      // Copies, because a chunk is only valid until the second one after it is asked for.
      for await (const chunk of files.read(join(dir, 'big'), round * 1000))
        parts.push(Buffer.from(chunk));
      expect(Buffer.concat(parts).equals(big.subarray(round * 1000))).toBe(true);
      await new Promise((r) => setImmediate(r));
    }
  });
});
