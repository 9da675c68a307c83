// The container a fresh member starts with to join a running cluster as a learner.
//
// etcd compares the joining member's --initial-cluster with the cluster's member list: the same
// number of members, each peer URL matched (names are not compared). The inventory's list is
// the wrong one whenever it differs from the cluster's (a replaced member still listed while its
// successor catches up, a node of the inventory not yet joined), so the list is built from the
// members themselves, the new one under its own name.

import type { Inventory } from '../inventory/load.js';
import { joiningSpec } from '../inventory/spec.js';
import type { Member } from '../raft/engine.js';
import { fingerprint, LABEL, type RunSpec } from '../runtime/docker.js';

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

/** `spec` with `flag`'s value set (replaced where given as `--flag v` or `--flag=v`, else added). */
function withFlag(args: string[], flag: string, value: string): string[] {
  const out: string[] = [];
  let set = false;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    const bare = a.replace(/^--?/, '');
    if (a.startsWith('-') && (bare === flag || bare.startsWith(`${flag}=`))) {
      if (!bare.includes('=')) k++;
      if (!set) out.push(`--${flag}`, value);
      set = true;
      continue;
    }
    out.push(a);
  }
  if (!set) out.push(`--${flag}`, value);
  return out;
}

/** The joining container: the inventory's spec with the engine's joining flags. */
export function joinSpec(
  inv: Pick<Inventory, 'engine'>,
  spec: RunSpec,
  members: Member[],
  id: string,
  address: string,
): RunSpec {
  const joining = joiningSpec(inv.engine, spec);
  if (inv.engine !== 'etcd') return joining;
  const out: RunSpec = {
    ...joining,
    args: withFlag(joining.args, 'initial-cluster', initialCluster(members, id, address)),
    labels: { ...joining.labels },
  };
  out.labels[LABEL.fingerprint] = fingerprint(out);
  return out;
}
