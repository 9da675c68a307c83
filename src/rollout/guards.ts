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

/** Whether a node is up at all: reachable, running, answering Raft. */
function down(v: NodeView): string | undefined {
  if (!v.reachable) return `${v.id} is unreachable (${v.error})`;
  if (!v.container) return `${v.id} has no container`;
  if (!v.container.state.running || v.container.state.restarting) {
    return `${v.id}'s container is ${v.container.state.status}${v.container.state.restarting ? ' (restarting)' : ''}`;
  }
  if (!v.raft) return `${v.id} does not answer Raft status (${v.raftError})`;
  return undefined;
}

function unhealthy(v: NodeView, t: Thresholds): string | undefined {
  const d = down(v);
  if (d) return d;
  if (v.lag === undefined) return `${v.id}'s lag is unknown (no leader seen)`;
  if (v.lag > t.maxLag) return `${v.id} trails the leader by ${v.lag} entries (max ${t.maxLag})`;
  return undefined;
}

/**
 * Before a node is touched: every other voter is up, the cluster has a leader, and every other
 * voter is within maxLag, so that taking this node down still leaves a working majority.
 * Returns why not, or undefined. A peer that is down is named first: a missing leader (or an
 * unknown lag) is often only its consequence.
 */
export function quorumGuard(target: string, views: NodeView[], t: Thresholds): string | undefined {
  const peers = views.filter((v) => v.id !== target);
  const risk = `taking ${target} down now could cost the cluster its majority`;
  for (const v of peers) {
    const why = down(v);
    if (why) return `peer ${why}; ${risk}`;
  }
  if (!views.some((v) => v.raft?.role === 'leader')) {
    return 'the cluster has no leader; nothing is touched while it elects or has lost quorum';
  }
  for (const v of peers) {
    const why = unhealthy(v, t);
    if (why) return `peer ${why}; ${risk}`;
  }
  return undefined;
}

/**
 * A node that is reachable but already out of the cluster's working set (no container, stopped,
 * or restarting) and silent to Raft: working on it takes nothing away from the majority, whatever
 * its peers' state. A restarting container that answers Raft may be voting between crashes.
 */
export function alreadyDown(v: NodeView | undefined): boolean {
  if (!v?.reachable || v.raft) return false;
  return !v.container?.state.running || v.container.state.restarting;
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
