// Is the member to be replaced really down? Removing a live member lowers the cluster's fault
// tolerance, so "down" must be seen, not assumed from an SSH connection that fails: a host whose
// sshd is gone (or that is cut off from us only) may still be voting. Raft itself is asked, from
// a healthy peer's host, through that peer's SSH connection (peers reach each other where we
// may not reach the old host at all).

import type { NodeView } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { NodeInput } from '../inventory/schema.js';
import { alreadyDown } from '../node/guards.js';
import { ElastickvClient } from '../raft/elastickv.js';
import type { RaftClient } from '../raft/engine.js';
import { EtcdClient } from '../raft/etcd.js';

/** Asks the old node's Raft endpoint for its status from `via`'s host; the error when none. */
async function probe(
  session: ClusterSession,
  via: NodeInput,
  old: NodeInput,
): Promise<string | undefined> {
  const inv = session.inv;
  const port = inv.engine === 'etcd' ? inv.ports.client! : inv.ports.admin!;
  const tunnel = await session.host(via).tunnel(old.host, port);
  const label = `node ${old.id} at ${old.host} (asked from ${via.id})`;
  const client: RaftClient =
    inv.engine === 'etcd'
      ? new EtcdClient(tunnel, label)
      : new ElastickvClient(tunnel, label, old.id);
  try {
    const s = await client.status(3000);
    return `${old.id} at ${old.host} answers Raft (${s.role}, term ${s.term}, applied ${s.appliedIndex})`;
  } catch {
    return undefined;
  } finally {
    await client.close().catch(() => {});
  }
}

/**
 * Why the old node may not be removed (it is live, or cannot be judged), or undefined when it
 * is down: its host answers and its container is stopped or gone and silent to Raft, or its
 * host does not answer and its Raft endpoint does not answer a healthy peer either.
 */
export async function oldMemberLive(
  session: ClusterSession,
  old: NodeInput,
  oldView: NodeView,
  peers: NodeView[],
): Promise<string | undefined> {
  if (oldView.reachable) {
    if (alreadyDown(oldView)) return undefined;
    return `${old.id} is running on ${old.host} (${oldView.raft ? `Raft ${oldView.raft.role}` : `container ${oldView.container?.state.status}`}); replace only replaces a dead node: stop it first, or roll it`;
  }
  const via = peers.find((v) => v.raft && v.reachable);
  if (!via)
    return `${old.id}'s host cannot be reached (${oldView.error}) and no healthy peer is left to ask whether it still answers Raft`;
  const node = session.inv.nodes.find((n) => n.id === via.id)!;
  const live = await probe(session, node, old).catch((e: Error) => {
    // The peer's own SSH connection failed: nothing was learned about the old node.
    return `cannot ask from ${via.id} whether ${old.id} still answers Raft: ${e.message}`;
  });
  return live
    ? `${live}, although its host cannot be reached over SSH (${oldView.error}); a member that still votes is not replaced: stop it first`
    : undefined;
}
