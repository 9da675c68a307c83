// A join or a replace as one run: under the cluster lock, as a roll runs, with the lock kept
// when the redeploy left the node half-done.

import { takeLease } from '../cluster/lock.js';
import type { ClusterSession } from '../cluster/session.js';
import { checkNodes, type Inventory, InventoryError } from '../inventory/load.js';
import type { NodeInput } from '../inventory/schema.js';
import { joinNode, type MembershipOptions, type MembershipOutcome, replaceMember } from './join.js';

export type MembershipChange = { kind: 'join'; id: string } | { kind: 'replace'; old: NodeInput };

/** The node to join must be a host entry of the inventory; its id as given, or an error. */
export function joiningNode(inv: Inventory, id: string): NodeInput {
  const node = inv.nodes.find((n) => n.id === id);
  if (!node)
    throw new InventoryError(
      `node "${id}" is not in ${inv.source}: add a host entry for it (id, host, ssh) first, then join it (nodes: ${inv.nodes.map((n) => n.id).join(', ')})`,
    );
  return node;
}

const HOST = /^(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])$/;

/**
 * The inventory with node `id` on `host` (its ssh target moved with it, keeping the user), and
 * the node as it was. The new host must be an address no other node has.
 */
export function movedInventory(
  inv: Inventory,
  id: string,
  host: string,
  ssh?: string,
): { inv: Inventory; old: NodeInput } {
  const old = joiningNode(inv, id);
  if (!HOST.test(host))
    throw new InventoryError(
      `the new host "${host}" is not a host name or IP address (an IPv6 address goes in brackets)`,
    );
  const user = old.ssh?.includes('@') ? old.ssh.slice(0, old.ssh.lastIndexOf('@')) : undefined;
  const moved: NodeInput = {
    ...old,
    host,
    ...(ssh !== undefined
      ? { ssh }
      : old.ssh !== undefined
        ? { ssh: user ? `${user}@${host}` : host }
        : {}),
  };
  const out = { ...inv, nodes: inv.nodes.map((n) => (n.id === id ? moved : n)) };
  checkNodes(out, `${inv.source} with ${id} moved to ${host}`);
  return { inv: out, old };
}

export async function changeMembership(
  session: ClusterSession,
  change: MembershipChange,
  o: MembershipOptions,
): Promise<MembershipOutcome> {
  const id = change.kind === 'join' ? change.id : change.old.id;
  const lease = await takeLease(session, `raftroll ${change.kind} ${id}`, {
    onWarning: (node, message) => o.events.emit({ type: 'warning', at: Date.now(), node, message }),
  });
  let r: MembershipOutcome | undefined;
  try {
    r =
      change.kind === 'join'
        ? await joinNode(session, id, { ...o, journal: lease })
        : await replaceMember(session, change.old, { ...o, journal: lease });
    return r;
  } finally {
    const kept = await lease.release();
    if (kept && r) r.message = `${r.message}; ${kept}`;
  }
}
