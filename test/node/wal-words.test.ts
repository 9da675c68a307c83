import { describe, expect, it } from 'vitest';
import { droppedText } from '../../src/node/wal.js';

describe('what a repair dropped, in words', () => {
  it('tells the torn record from the zero preallocation after it', () => {
    expect(droppedText(63_924_072, { nonZeroBytesDropped: 3_104 })).toBe(
      '3104 bytes of the torn record dropped, and 63920968 bytes of zero preallocation after it',
    );
  });
  it('says only the record when nothing follows it', () => {
    expect(droppedText(512, { nonZeroBytesDropped: 512 })).toBe(
      '512 bytes of the torn record dropped',
    );
  });
  it('falls back to the total when the plan does not know', () => {
    expect(droppedText(100, { nonZeroBytesDropped: -1 })).toBe('100 bytes dropped');
    expect(droppedText(100)).toBe('100 bytes dropped');
  });
});
