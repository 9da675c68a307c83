// The decisions made about one node from what is seen of the cluster, as pure functions: the
// quorum guard, the handover target, "is this node caught up", and who is a member.

import type { NodeView } from '../cluster/observe.js';
import type { Member } from '../raft/engine.js';

export interface Thresholds {
  /** Entries a node may trail the leader's commit index and still count as caught up. */
  maxLag: number;
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
    const seen = views.find((v) => v.raft?.leaderId)?.raft?.leaderId;
    if (seen)
      return `the cluster's leader (member ${seen}) is not a node of the inventory, so the guard cannot see it; add every member of the cluster to the inventory`;
    return 'the cluster has no leader; nothing is touched while it elects or has lost quorum';
  }
  // Everyone must follow the same leader: two claims, or followers still on an old one, are an
  // election in progress, and a majority counted now may not hold a moment later.
  const leaders = new Set(views.flatMap((v) => (v.raft?.leaderId ? [v.raft.leaderId] : [])));
  if (views.filter((v) => v.raft?.role === 'leader').length > 1 || leaders.size > 1) {
    const seen = views
      .filter((v) => v.raft)
      .map((v) => `${v.id} follows ${v.raft!.leaderId ?? 'none'} (term ${v.raft!.term})`)
      .join(', ');
    return `the nodes do not agree on the leader (${seen}); nothing is touched during an election`;
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

/** The host part of a peer address: `http://10.0.0.1:2380`, `10.0.0.1:50051`, `[fd00::1]:2380`. */
export function hostOf(address: string): string {
  const rest = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  const v6 = /^\[([^\]]+)\]/.exec(rest);
  if (v6) return v6[1]!;
  const colon = rest.lastIndexOf(':');
  return colon >= 0 ? rest.slice(0, colon) : rest;
}

/** Whether a member is this inventory node: by name, by id, or by the host of its address. */
export function isMemberOf(m: Member, n: { id: string; host: string }): boolean {
  return m.name === n.id || m.id === n.id || hostOf(m.address) === n.host.replace(/^\[|\]$/g, '');
}

/**
 * Voting members the inventory does not describe (by name, id or peer host). The quorum guard
 * sees only inventory nodes; a voter it cannot see may be down, so the majority cannot be vouched
 * for. Returns why not, or undefined.
 */
export function membershipGuard(
  members: Member[],
  nodes: { id: string; host: string }[],
): string | undefined {
  const unknown = members.filter((m) => m.voter && !nodes.some((n) => isMemberOf(m, n)));
  if (!unknown.length) return undefined;
  const list = unknown.map((m) => `${m.name || m.id} (${m.address})`).join(', ');
  return `the cluster has voting member(s) the inventory does not list: ${list}; the quorum guard cannot see them, so it cannot vouch for the majority. Add them to the inventory`;
}
