// A read-only look at every node: reachability, container, memory settings and Raft position.
// Each fact is fetched on its own, so one broken node never hides the others.

import type { NodeInput } from '../inventory/schema.js';
import type { NodeStatus } from '../raft/engine.js';
import * as containers from '../runtime/containers.js';
import type { ContainerInfo } from '../runtime/docker.js';
import type { ClusterSession } from './session.js';

/** One Raft group as one node sees it (elastickv runs several groups per node). */
export interface GroupView {
  id: number;
  raft?: NodeStatus;
  raftError?: string;
  /** Entries the node's applied index trails THIS group's leader's commit; undefined if unknown. */
  lag?: number;
}

export interface NodeView {
  id: string;
  ssh: string;
  reachable: boolean;
  error?: string;
  container?: ContainerInfo;
  /**
   * The node's Raft status. With several groups (elastickv), a summary that errs on the side of
   * caution: undefined (with raftError) when any group does not answer; else the status of a
   * group in an odd role (learner, candidate...) if there is one, else of the first group the
   * node leads, else of the group it trails most. So `role === 'leader'` means "leads some group".
   */
  raft?: NodeStatus;
  raftError?: string;
  /** Entries the node's applied index trails the leader's commit index (the most over all
   * groups); undefined if unknown for any group. */
  lag?: number;
  /** Per group, in group id order; absent for a single-group cluster (etcd). */
  groups?: GroupView[];
}

/** The Raft part of a view, read through the session's clients: one group, or each group. */
export async function observeRaft(
  session: ClusterSession,
  node: NodeInput,
): Promise<Pick<NodeView, 'raft' | 'raftError' | 'groups'>> {
  const gs = session.groups(node);
  if (!gs.length) {
    try {
      return { raft: await (await session.raft(node)).status() };
    } catch (e) {
      return { raftError: (e as Error).message };
    }
  }
  const groups = await Promise.all(
    gs.map(async (g): Promise<GroupView> => {
      try {
        return { id: g.id, raft: await (await session.raft(node, g.id)).status() };
      } catch (e) {
        return { id: g.id, raftError: (e as Error).message };
      }
    }),
  );
  return { groups };
}

const ODD_ROLES = new Set(['learner', 'candidate', 'shutdown', 'unknown']);

/** Fills v.raft, v.raftError and v.lag from v.groups (see NodeView.raft for the rule). */
export function summarizeGroups(v: NodeView): void {
  const gs = v.groups;
  if (!gs) return;
  const failed = gs.filter((g) => !g.raft);
  if (failed.length || !gs.length) {
    v.raft = undefined;
    v.raftError = failed.length
      ? failed.map((g) => `group ${g.id}: ${g.raftError}`).join('; ')
      : 'serves no Raft group';
    v.lag = undefined;
    return;
  }
  const lags = gs.map((g) => g.lag);
  v.lag = lags.some((l) => l === undefined) ? undefined : Math.max(...(lags as number[]));
  const worst = [...gs].sort((a, b) => (b.lag ?? Infinity) - (a.lag ?? Infinity))[0]!;
  const pick =
    gs.find((g) => ODD_ROLES.has(g.raft!.role)) ??
    gs.find((g) => g.raft!.role === 'leader') ??
    worst;
  v.raft = pick.raft;
  v.raftError = undefined;
}

/** Each node's lag against its group's leader, per group, then the node's summary. */
export function computeLags(views: NodeView[]): void {
  const single = views.filter((v) => !v.groups);
  const leader = single.find((v) => v.raft?.role === 'leader')?.raft;
  for (const v of single) {
    if (leader && v.raft) v.lag = Math.max(0, leader.commitIndex - v.raft.appliedIndex);
  }
  const ids = new Set(views.flatMap((v) => (v.groups ?? []).map((g) => g.id)));
  for (const id of ids) {
    const members = views.flatMap((v) => v.groups?.filter((g) => g.id === id) ?? []);
    // During an election two nodes may both claim a group; the newer term is the one that counts.
    const lead = members
      .filter((g) => g.raft?.role === 'leader')
      .sort((a, b) => b.raft!.term - a.raft!.term)[0]?.raft;
    for (const g of members) {
      g.lag = lead && g.raft ? Math.max(0, lead.commitIndex - g.raft.appliedIndex) : undefined;
    }
  }
  for (const v of views) summarizeGroups(v);
}

export async function observe(
  session: ClusterSession,
  nodes: NodeInput[],
  o: {
    /**
     * Only these nodes' containers are inspected (each is a command on its host); the others
     * get their Raft state alone, over the tunnels already open, and no container: such views
     * answer "is this node keeping pace" and must never stand for the cluster.
     */
    inspectOnly?: string;
  } = {},
): Promise<NodeView[]> {
  // A configuration error (group ids that differ between nodes) stops here, naming the node.
  for (const n of nodes) session.groups(n);
  const views = await Promise.all(
    nodes.map(async (node): Promise<NodeView> => {
      const v: NodeView = { id: node.id, ssh: session.sshTarget(node), reachable: false };
      if (o.inspectOnly !== undefined && o.inspectOnly !== node.id) {
        Object.assign(v, await observeRaft(session, node));
        v.reachable = !!(v.raft || v.groups?.some((g) => g.raft));
        return v;
      }
      try {
        v.container = await containers.inspect(session.host(node), session.inv.container.name);
        v.reachable = true;
      } catch (e) {
        v.error = (e as Error).message;
        return v;
      }
      Object.assign(v, await observeRaft(session, node));
      return v;
    }),
  );
  computeLags(views);
  return views;
}
