// The container a member starts with when its data directory is empty and it must join the
// running cluster as a learner rather than found a new one (a join, a replace, a re-seed).
//
// etcd compares the joining member's --initial-cluster with the cluster's member list: the same
// number of members, each peer URL matched (names are not compared). The inventory's list is
// the wrong one whenever it differs from the cluster's (a replaced member still listed while its
// successor catches up, a node of the inventory not yet joined), so the list is built from the
// members themselves, the new one under its own name.
//
// elastickv joins with --raftJoinAsLearner --raftJoinMembers "id=host:port,...": the members are
// only where the others listen until the log names them, and the flags exclude every way of
// founding a cluster (--raftBootstrap, --raftBootstrapMembers, --raftGroupPeers). elastickv
// accepts them with exactly one Raft group.

import type { Member } from '../raft/engine.js';
import { fingerprint, LABEL, type RunSpec } from '../runtime/docker.js';
import type { Inventory } from './load.js';

/** `name=peerURL,...` for etcd: every member, the joining one (at `address`) named `id`. */
export function initialCluster(members: Member[], id: string, address: string): string {
  const used = new Set([id]);
  const entries = [`${id}=${address}`];
  for (const m of members) {
    if (m.address === address) continue;
    // Another member may carry the same name (the one being replaced) or none (never started):
    // any name unique in this list will do, since etcd matches members by peer URL.
    let name = m.name && !used.has(m.name) ? m.name : `member-${m.id}`;
    while (used.has(name)) name = `${name}-${m.id}`;
    used.add(name);
    entries.push(`${name}=${m.address}`);
  }
  return entries.join(',');
}

/**
 * `raftId=host:port,...` for elastickv: the joining node first, then every other member once.
 * elastickv names members by raft id, so a member with the joining node's id (its own learner
 * entry, or an old self already removed) is the joining node.
 */
export function joinMembers(members: Member[], id: string, address: string): string {
  const others = members.filter((m) => m.id !== id && m.address !== address);
  return [`${id}=${address}`, ...others.map((m) => `${m.id}=${m.address}`)].join(',');
}

/** Flags dropped from the joining command line: [name, whether it takes a separate value]. */
const FOUNDING: Record<Inventory['engine'], [string, boolean][]> = {
  etcd: [
    ['initial-cluster-state', true],
    ['initial-cluster', true],
  ],
  // Go's flag package never takes a separate value for a boolean flag.
  elastickv: [
    ['raftBootstrap', false],
    ['raftBootstrapMembers', true],
    ['raftGroupPeers', true],
    ['raftJoinAsLearner', false],
    ['raftJoinMembers', true],
  ],
};

function without(args: readonly string[], flags: [string, boolean][]): string[] {
  const out: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    const m = /^--?([^=]+)(=.*)?$/.exec(a);
    const hit = m && flags.find(([f]) => f === m[1]);
    if (hit) {
      if (hit[1] && m[2] === undefined) k++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Why this engine cannot join a fresh node into a cluster of these groups, if it cannot. */
export function joinRefusal(engine: Inventory['engine'], groupIds: number[]): string | undefined {
  if (engine === 'elastickv' && groupIds.length > 1)
    return `the node runs ${groupIds.length} Raft groups (${groupIds.join(',')}), and elastickv lets a fresh node join only a single-group cluster (its --raftJoinMembers requires exactly one Raft group, and --raftGroupPeers would found new groups): there is no safe way to add it empty. Restore its data from a member's backup, or run the cluster with one group`;
  return undefined;
}

/**
 * The joining container: `spec` (the member's own) without the flags that found a cluster,
 * with the engine's joining flags built from the cluster's `members` as they are now (the
 * learner for `id` at `address` on the list or not), and fingerprinted as run.
 */
export function joiningSpec(
  inv: Pick<Inventory, 'engine'>,
  spec: RunSpec,
  members: Member[],
  id: string,
  address: string,
): RunSpec {
  const args = without(spec.args, FOUNDING[inv.engine]);
  if (inv.engine === 'etcd')
    args.push(
      '--initial-cluster',
      initialCluster(members, id, address),
      '--initial-cluster-state',
      'existing',
    );
  else args.push('--raftJoinAsLearner', '--raftJoinMembers', joinMembers(members, id, address));
  const out: RunSpec = { ...spec, args, labels: { ...spec.labels } };
  out.labels[LABEL.fingerprint] = fingerprint(out);
  return out;
}
