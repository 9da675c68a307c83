// A read-only look at every node: reachability, container, memory settings and Raft position.
// Each fact is fetched on its own, so one broken node never hides the others.

import type { NodeInput } from '../inventory/schema.js';
import type { NodeStatus } from '../raft/engine.js';
import * as containers from '../runtime/containers.js';
import type { ContainerInfo } from '../runtime/docker.js';
import type { ClusterSession } from './session.js';

export interface NodeView {
  id: string;
  ssh: string;
  reachable: boolean;
  error?: string;
  container?: ContainerInfo;
  raft?: NodeStatus;
  raftError?: string;
  /** Entries the node's applied index trails the leader's commit index; undefined if unknown. */
  lag?: number;
}

export async function observe(session: ClusterSession, nodes: NodeInput[]): Promise<NodeView[]> {
  const views = await Promise.all(
    nodes.map(async (node): Promise<NodeView> => {
      const v: NodeView = { id: node.id, ssh: session.sshTarget(node), reachable: false };
      try {
        v.container = await containers.inspect(session.host(node), session.inv.container.name);
        v.reachable = true;
      } catch (e) {
        v.error = (e as Error).message;
        return v;
      }
      try {
        v.raft = await (await session.raft(node)).status();
      } catch (e) {
        v.raftError = (e as Error).message;
      }
      return v;
    }),
  );
  const leader = views.find((v) => v.raft?.role === 'leader')?.raft;
  for (const v of views) {
    if (leader && v.raft) v.lag = Math.max(0, leader.commitIndex - v.raft.appliedIndex);
  }
  return views;
}
