// The order in which a rollout visits the nodes.

import type { NodeView } from '../cluster/observe.js';

/** The given order, with the current leader moved last (unless disabled). */
export function rolloutOrder(ids: string[], views: NodeView[], leaderLast = true): string[] {
  if (!leaderLast) return [...ids];
  const leader = views.find((v) => v.raft?.role === 'leader')?.id;
  return leader && ids.includes(leader) ? [...ids.filter((id) => id !== leader), leader] : [...ids];
}
