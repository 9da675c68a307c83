import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32cImplementation, crc32cTable, crc32cUpdate } from '../../src/wal/crc32c.js';

describe('CRC-32C', () => {
  it('matches the Castagnoli check value', () => {
    expect(crc32cTable(0, Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cUpdate(0, Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it(`native (${crc32cImplementation()}) and table agree, chained over any split`, () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000, size: 'max' }),
        fc.nat(),
        fc.nat({ max: 0xffffffff }),
        (bytes, cut, seed) => {
          const k = bytes.length ? cut % bytes.length : 0;
          const whole = crc32cTable(seed, bytes);
          expect(crc32cUpdate(crc32cUpdate(seed, bytes, 0, k), bytes, k)).toBe(whole);
          expect(crc32cTable(crc32cTable(seed, bytes, 0, k), bytes, k)).toBe(whole);
        },
      ),
    );
  });

  it('the table agrees with a bytewise reference on views at any offset of a shared buffer', () => {
    // Views into one larger buffer, at every alignment, as chunks and records are.
    const backing = Buffer.allocUnsafeSlow(8192);
    fc.assert(
      fc.property(
        // size 'max': fast-check keeps arrays short otherwise, and short ones skip the word loop.
        fc.uint8Array({ minLength: 1, maxLength: 4000, size: 'max' }),
        fc.nat({ max: 4000 }),
        fc.nat({ max: 0xffffffff }),
        (bytes, at, seed) => {
          backing.fill(0xa5);
          backing.set(bytes, at);
          const view = new Uint8Array(backing.buffer, backing.byteOffset + at, bytes.length);
          const cut = Math.floor(bytes.length / 3);
          const want = bytewise(seed, bytes);
          expect(crc32cTable(seed, view)).toBe(want);
          expect(crc32cTable(crc32cTable(seed, view, 0, cut), view, cut)).toBe(want);
          expect(crc32cUpdate(seed, view)).toBe(want);
        },
      ),
    );
  });
});

/** CRC-32C one bit at a time, straight from the definition. */
function bytewise(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}
