import { describe, expect, it } from 'vitest';
import { walReadText } from '../../src/events/report.js';
import { droppedText } from '../../src/node/wal.js';

describe('what a repair dropped, in words', () => {
  it('tells the torn record from the zero preallocation after it', () => {
    expect(droppedText(63_924_072, { nonZeroBytesDropped: 3_104 })).toBe(
      '3104 non-zero bytes dropped (the torn record); the other 63920968 of 63924072 were zeros (preallocation)',
    );
  });
  it('says only the record when nothing follows it', () => {
    expect(droppedText(512, { nonZeroBytesDropped: 512 })).toBe(
      '512 non-zero bytes dropped (the torn record)',
    );
  });
  it('falls back to the total when the plan does not know', () => {
    expect(droppedText(100, { nonZeroBytesDropped: -1 })).toBe('100 bytes dropped');
    expect(droppedText(100)).toBe('100 bytes dropped');
  });
});

describe('walReadText', () => {
  const row = {
    node: 'n1',
    result: 'updated' as const,
    roleBefore: 'follower',
    imageBefore: 'a',
    imageAfter: 'b',
    wal: 'clean',
    handover: 'not needed',
  };
  it('splits the bytes read at the stop', () => {
    expect(
      walReadText({ ...row, walBytesReadBeforeStop: 64 * 2 ** 20, walBytesRead: 3 * 2 ** 19 }),
    ).toBe('64.0 MiB read before the stop, 1.5 MiB after');
    expect(walReadText({ ...row, walBytesRead: 2 ** 20 })).toBe(
      '0.0 MiB read before the stop, 1.0 MiB after',
    );
  });
  it('says nothing when nothing was measured', () => {
    expect(walReadText(row)).toBeUndefined();
  });
});
