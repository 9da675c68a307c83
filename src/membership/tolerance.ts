// Fault tolerance as arithmetic: how many more voters a cluster may lose and keep its majority.
// The join and the replace check every membership they pass through against the one they
// start from, so "never lower the cluster's fault tolerance" is a rule that can be tested.

/** Votes needed to commit with `voters` voting members. */
export function quorum(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/** One membership on the way: voting members, and how many of them are up and caught up. */
export interface Membership {
  /** What this membership is, in words ("n3 removed"). */
  label: string;
  voters: number;
  healthy: number;
}

/** How many more healthy voters may fail before the majority is lost (negative: lost already). */
export function tolerance(m: Membership): number {
  return m.healthy - quorum(m.voters);
}

/**
 * The first membership of the path whose tolerance is below the first one's, or below zero,
 * with the reason; undefined when the path never lowers it.
 */
export function lowersTolerance(path: Membership[]): string | undefined {
  const start = path[0];
  if (!start) return undefined;
  const t0 = tolerance(start);
  if (t0 < 0)
    return `the cluster has no majority now (${start.healthy} of ${start.voters} voters healthy, ${quorum(start.voters)} needed)`;
  for (const m of path.slice(1)) {
    const t = tolerance(m);
    if (t < t0)
      return `${m.label} would leave ${m.healthy} of ${m.voters} voters healthy with ${quorum(m.voters)} needed: it could lose ${t < 0 ? 'its majority' : `only ${t} more`}, where now it may lose ${t0}`;
  }
  return undefined;
}

/**
 * The memberships a replacement passes through, in the order the replace takes them, from
 * `voters` members of which `healthy` are up (the old member is down, so not among them).
 *
 * The order is: the dead member is removed, then the new node joins as a learner, catches up
 * and is promoted. With 3 voters and 1 dead (2 of 3, tolerance 0):
 * - removing the dead member gives 2 of 2 (quorum 2, tolerance 0: not lower, and the same two
 *   nodes whose loss would cost the majority before);
 * - a learner has no vote, so adding it and letting it catch up leaves 2 of 2;
 * - promoting the caught-up learner gives 3 of 3 (tolerance 1).
 * Adding the learner first is not possible with etcd: its strict reconfiguration check (on by
 * default) refuses any member add, learners included, while a voter is unreachable. Promoting
 * before the removal (4 voters, 3 healthy, quorum 3) would keep tolerance 0 on paper but make
 * the fresh node one more of the members whose loss costs the majority. The removal cannot be
 * undone, so the new host is checked (reachable, no container, an empty data directory) before
 * it; a later failure removes the learner again and leaves the cluster on the healthy members.
 */
export function replacePath(voters: number, healthy: number, old: string): Membership[] {
  return [
    { label: 'now', voters, healthy },
    { label: `${old} removed`, voters: voters - 1, healthy },
    { label: 'the new node added as a learner', voters: voters - 1, healthy },
    { label: 'the learner promoted', voters, healthy: healthy + 1 },
  ];
}

/** The memberships a join passes through: a learner first, then one more voter. */
export function joinPath(voters: number, healthy: number): Membership[] {
  return [
    { label: 'now', voters, healthy },
    { label: 'the new node added as a learner', voters, healthy },
    { label: 'the learner promoted', voters: voters + 1, healthy: healthy + 1 },
  ];
}
