// The order a replace takes, checked as arithmetic: no membership on its way may leave the
// cluster able to lose fewer voters than it could when the replace began.

import { describe, expect, it } from 'vitest';
import {
  joinPath,
  lowersTolerance,
  type Membership,
  quorum,
  replacePath,
  tolerance,
} from '../../src/membership/tolerance.js';

/** Voters whose loss alone would cost the majority, at each membership (the fragile ones). */
const fragile = (path: Membership[]) => path.map((m) => (tolerance(m) === 0 ? m.healthy : 0));

describe('fault tolerance on the way', () => {
  it('counts quorum and tolerance', () => {
    expect([1, 2, 3, 4, 5].map(quorum)).toEqual([1, 2, 2, 3, 3]);
    expect(tolerance({ label: '', voters: 3, healthy: 3 })).toBe(1);
    expect(tolerance({ label: '', voters: 3, healthy: 2 })).toBe(0);
    expect(tolerance({ label: '', voters: 4, healthy: 3 })).toBe(0);
    expect(tolerance({ label: '', voters: 3, healthy: 1 })).toBe(-1);
  });

  it('replaces one dead member of three without lowering tolerance, ending at 3 of 3', () => {
    const path = replacePath(3, 2, 'n3');
    expect(path.map((m) => `${m.healthy}/${m.voters}`)).toEqual(['2/3', '2/2', '2/2', '3/3']);
    expect(path.map(tolerance)).toEqual([0, 0, 0, 1]);
    expect(lowersTolerance(path)).toBeUndefined();
  });

  it('never has more single points of failure than at the start (promoting first would)', () => {
    const chosen = replacePath(3, 2, 'n3');
    // The other order: promote the learner while the dead member is still a voter.
    const promoteFirst: Membership[] = [
      { label: 'now', voters: 3, healthy: 2 },
      { label: 'learner', voters: 3, healthy: 2 },
      { label: 'promoted', voters: 4, healthy: 3 },
      { label: 'removed', voters: 3, healthy: 3 },
    ];
    expect(Math.max(...fragile(chosen))).toBe(2);
    expect(Math.max(...fragile(promoteFirst))).toBe(3);
  });

  it('refuses a path through a membership with less tolerance, naming it', () => {
    // Removing a live member of a healthy three: 3/3 -> 2/2 loses the one failure it could take.
    const why = lowersTolerance([
      { label: 'now', voters: 3, healthy: 3 },
      { label: 'n3 removed', voters: 2, healthy: 2 },
    ]);
    expect(why).toContain('n3 removed would leave 2 of 2 voters healthy with 2 needed');
    expect(why).toContain('only 0 more, where now it may lose 1');
  });

  it('refuses a cluster that has no majority to begin with', () => {
    expect(lowersTolerance(replacePath(3, 1, 'n3'))).toContain('no majority now (1 of 3');
  });

  it('joins a fourth and a fifth node without lowering tolerance', () => {
    expect(joinPath(3, 3).map(tolerance)).toEqual([1, 1, 1]);
    expect(joinPath(4, 4).map(tolerance)).toEqual([1, 1, 2]);
    expect(lowersTolerance(joinPath(3, 3))).toBeUndefined();
  });
});
