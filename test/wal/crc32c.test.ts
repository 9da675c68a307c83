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
        fc.uint8Array({ maxLength: 3000 }),
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
});
