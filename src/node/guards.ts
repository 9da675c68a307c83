// The decisions made about one node from what is seen of the cluster, as pure functions: the
// quorum guard, the handover target, "is this node caught up", and who is a member.

import type { NodeView } from '../cluster/observe.js';
import type { Member, NodeStatus } from '../raft/engine.js';

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

/** The Raft group ids the views carry (none for a single-group cluster). */
export function groupIdsOf(views: NodeView[]): number[] {
  const ids = new Set(views.flatMap((v) => (v.groups ?? []).map((g) => g.id)));
  return [...ids].sort((a, b) => a - b);
}

/**
 * The views as seen in one Raft group: each node's raft, raftError and lag become that group's,
 * so the single-group rules below apply to it unchanged.
 */
export function projectGroup(views: NodeView[], id: number): NodeView[] {
  return views.map((v) => {
    const { groups, ...rest } = v;
    if (!groups) return rest;
    const g = groups.find((x) => x.id === id);
    return {
      ...rest,
      raft: g?.raft,
      raftError: g ? g.raftError : `does not serve Raft group ${id}`,
      lag: g?.lag,
    };
  });
}

/** The views one group at a time: [[undefined, views]] when there are no groups. */
export function perGroup(views: NodeView[]): [number | undefined, NodeView[]][] {
  const ids = groupIdsOf(views);
  if (!ids.length) return [[undefined, views]];
  return ids.map((id) => [id, projectGroup(views, id)]);
}

const inGroup = (id: number | undefined, why: string) =>
  id === undefined ? why : `Raft group ${id}: ${why}`;

export interface QuorumCheck {
  why?: string;
  /** The refusal is a missing or disputed leader only: it may pass once an election ends. */
  electing: boolean;
}

function quorumOfGroup(target: string, views: NodeView[], t: Thresholds): QuorumCheck {
  const peers = views.filter((v) => v.id !== target);
  const risk = `taking ${target} down now could cost the cluster its majority`;
  for (const v of peers) {
    const why = down(v);
    if (why) return { why: `peer ${why}; ${risk}`, electing: false };
  }
  if (!views.some((v) => v.raft?.role === 'leader')) {
    const seen = views.find((v) => v.raft?.leaderId)?.raft?.leaderId;
    if (seen)
      return {
        why: `the cluster's leader (member ${seen}) is not a node of the inventory, so the guard cannot see it; add every member of the cluster to the inventory`,
        electing: false,
      };
    return {
      why: 'the cluster has no leader; nothing is touched while it elects or has lost quorum',
      electing: true,
    };
  }
  // Everyone must follow the same leader: two claims, or followers still on an old one, are an
  // election in progress, and a majority counted now may not hold a moment later.
  const leaders = new Set(views.flatMap((v) => (v.raft?.leaderId ? [v.raft.leaderId] : [])));
  if (views.filter((v) => v.raft?.role === 'leader').length > 1 || leaders.size > 1) {
    const seen = views
      .filter((v) => v.raft)
      .map((v) => `${v.id} follows ${v.raft!.leaderId ?? 'none'} (term ${v.raft!.term})`)
      .join(', ');
    return {
      why: `the nodes do not agree on the leader (${seen}); nothing is touched during an election`,
      electing: true,
    };
  }
  for (const v of peers) {
    const why = unhealthy(v, t);
    if (why) return { why: `peer ${why}; ${risk}`, electing: false };
  }
  return { electing: false };
}

/**
 * The quorum guard over every Raft group (one for etcd), each judged on its own: the first
 * refusal, and whether every refusal seen is only an election that may end.
 */
export function quorumCheck(target: string, views: NodeView[], t: Thresholds): QuorumCheck {
  let electing: QuorumCheck | undefined;
  for (const [id, vs] of perGroup(views)) {
    const c = quorumOfGroup(target, vs, t);
    if (!c.why) continue;
    const out = { why: inGroup(id, c.why), electing: c.electing };
    if (!c.electing) return out;
    electing ??= out;
  }
  return electing ?? { electing: false };
}

/**
 * Before a node is touched: every other voter is up, the cluster has a leader, and every other
 * voter is within maxLag, so that taking this node down still leaves a working majority; with
 * several Raft groups, in every group. Returns why not, or undefined. A peer that is down is
 * named first: a missing leader (or an unknown lag) is often only its consequence.
 */
export function quorumGuard(target: string, views: NodeView[], t: Thresholds): string | undefined {
  return quorumCheck(target, views, t).why;
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

/**
 * Caught up: running, answering, sees a leader, within maxLag of the leader's commit; with
 * several Raft groups, in every group.
 */
export function caughtUp(v: NodeView | undefined, t: Thresholds): string | undefined {
  if (!v) return 'no observation';
  if (!v.container?.state.running || v.container.state.restarting)
    return `container ${v.container?.state.status ?? 'missing'}`;
  for (const [id, [p]] of perGroup([v])) {
    const why = caughtUpInGroup(p!, t);
    if (why) return inGroup(id, why);
  }
  return undefined;
}

function caughtUpInGroup(v: NodeView, t: Thresholds): string | undefined {
  if (!v.raft) return `raft status unavailable (${v.raftError ?? 'no answer'})`;
  if (!v.raft.leaderId) return 'no leader seen yet';
  if (v.lag === undefined) return 'lag unknown';
  if (v.lag > t.maxLag) return `trails by ${v.lag} entries`;
  return undefined;
}

export interface TransferTarget {
  view: NodeView;
  member: Member;
}

/**
 * Where one group's leadership may go, best first, and why the others may not: a healthy
 * follower (handoverCandidates) that is a voting member by the leader's configuration (a
 * learner reports itself a follower, so its suffrage is what tells), and whose log reaches the
 * leader's last snapshot (a node behind it would need the snapshot sent before it could lead).
 * `views` are one group's (projectGroup); `leader` is the leader's own status in that group.
 */
export function transferTargets(
  leaderId: string,
  views: NodeView[],
  members: Member[],
  leader: NodeStatus,
  t: Thresholds,
): { targets: TransferTarget[]; skipped: string[] } {
  const targets: TransferTarget[] = [];
  const skipped: string[] = [];
  const snap = leader.lastSnapshotIndex ?? 0;
  for (const view of handoverCandidates(leaderId, views, t)) {
    const member = members.find((m) => m.id === view.raft!.id || m.name === view.id);
    if (!member) skipped.push(`${view.id} is not in the leader's member list`);
    else if (!member.voter) skipped.push(`${view.id} is a learner (no vote)`);
    else if (snap > 0 && (view.raft!.lastLogIndex ?? -1) < snap)
      skipped.push(
        `${view.id}'s last log index ${view.raft!.lastLogIndex ?? 'unknown'} is below the leader's last snapshot index ${snap}`,
      );
    else targets.push({ view, member });
  }
  return { targets, skipped };
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
