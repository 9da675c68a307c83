// The decisions a rollout makes from what it sees, as pure functions: the order, the quorum
// guard, the handover target, and "is this node caught up".

import type { NodeView } from '../cluster/observe.js';

export interface Thresholds {
  /** Entries a node may trail the leader's commit index and still count as caught up. */
  maxLag: number;
}

/** The given order, with the current leader moved last (unless disabled). */
export function rolloutOrder(ids: string[], views: NodeView[], leaderLast = true): string[] {
  if (!leaderLast) return [...ids];
  const leader = views.find((v) => v.raft?.role === 'leader')?.id;
  return leader && ids.includes(leader) ? [...ids.filter((id) => id !== leader), leader] : [...ids];
}

function unhealthy(v: NodeView, t: Thresholds): string | undefined {
  if (!v.reachable) return `${v.id} is unreachable (${v.error})`;
  if (!v.container) return `${v.id} has no container`;
  if (!v.container.state.running || v.container.state.restarting)
    return `${v.id}'s container is ${v.container.state.status}${v.container.state.restarting ? ' (restarting)' : ''}`;
  if (!v.raft) return `${v.id} does not answer Raft status (${v.raftError})`;
  if (v.lag === undefined) return `${v.id}'s lag is unknown (no leader seen)`;
  if (v.lag > t.maxLag) return `${v.id} trails the leader by ${v.lag} entries (max ${t.maxLag})`;
  return undefined;
}

/**
 * Before a node is touched: the cluster has a leader and every other voter is healthy and
 * within maxLag, so that taking this node down still leaves a working majority.
 * Returns why not, or undefined.
 */
export function quorumGuard(target: string, views: NodeView[], t: Thresholds): string | undefined {
  const leader = views.find((v) => v.raft?.role === 'leader');
  if (!leader)
    return 'the cluster has no leader; nothing is touched while it elects or has lost quorum';
  for (const v of views) {
    if (v.id === target) continue;
    const why = unhealthy(v, t);
    if (why) return `peer ${why}; taking ${target} down now could cost the cluster its majority`;
  }
  return undefined;
}

/** Handover candidates: healthy followers, most caught-up first (never a stale one). */
export function handoverCandidates(leaderId: string, views: NodeView[], t: Thresholds): NodeView[] {
  return views
    .filter(
      (v) => v.id !== leaderId && v.raft?.role === 'follower' && unhealthy(v, t) === undefined,
    )
    .sort((a, b) => b.raft!.appliedIndex - a.raft!.appliedIndex || a.lag! - b.lag!);
}

/** Caught up: running, answering, sees a leader, within maxLag of the leader's commit. */
export function caughtUp(v: NodeView | undefined, t: Thresholds): string | undefined {
  if (!v) return 'no observation';
  if (!v.container?.state.running || v.container.state.restarting)
    return `container ${v.container?.state.status ?? 'missing'}`;
  if (!v.raft) return `raft status unavailable (${v.raftError ?? 'no answer'})`;
  if (!v.raft.leaderId) return 'no leader seen yet';
  if (v.lag === undefined) return 'lag unknown';
  if (v.lag > t.maxLag) return `trails by ${v.lag} entries`;
  return undefined;
}
