// What can be checked before the first node is stopped is checked before the first node is
// stopped: every node reachable, its data directory and the WAL directories its layout predicts
// present, and the guard's answer as the cluster stands now. `plan` fails on the same findings
// that make `roll` refuse.

import type { NodeView } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import { nodeGroups, predictedWalDirs } from '../inventory/groups.js';
import { membership } from '../node/guard.js';
import { quorumGuard } from '../node/guards.js';
import type { NodeThresholds } from '../node/thresholds.js';
import { HostFiles } from '../remote/host-files.js';
import type { RunSpec } from '../runtime/docker.js';

export interface Blocker {
  node: string;
  why: string;
}

/** Whether the data directory exists on the host, as a directory; why not otherwise. */
export async function dataDirProblem(
  session: ClusterSession,
  id: string,
): Promise<string | undefined> {
  const node = session.inv.nodes.find((n) => n.id === id)!;
  const dir = session.inv.container.dataDir;
  const r = await session
    .host(node)
    .run(['stat', '-L', '-c', '%F', '--', dir], { allowFailure: true });
  if (r.code !== 0)
    return `its data directory ${dir} does not exist on ${node.host} (or cannot be read): create it, or fix container.dataDir in the inventory`;
  if (r.stdout.trim() !== 'directory')
    return `its data directory ${dir} on ${node.host} is a ${r.stdout.trim()}, not a directory`;
  return undefined;
}

/**
 * The node's WAL layout on its host. A WAL directory the layout predicts but the host lacks is
 * an error: the node would start that group empty, and an empty member must not vote. A
 * group-<N> directory the inventory does not name is a warning: raftroll neither judges nor
 * guards a group it does not know.
 */
export async function walLayout(
  session: ClusterSession,
  id: string,
): Promise<{ errors: string[]; warnings: string[] }> {
  const inv = session.inv;
  const node = inv.nodes.find((n) => n.id === id)!;
  const files = new HostFiles(session.host(node));
  const { dirs, groupsRoot } = predictedWalDirs(inv, node);
  // One find answers every stat and listing below that lies in the data directory; one that
  // does not (an etcd --wal-dir elsewhere) is asked on its own.
  await files.survey(inv.container.dataDir);
  const errors: string[] = [];
  for (const d of dirs) {
    const st = await files.stat(d.dir);
    if (st?.kind === 'dir') continue;
    const which =
      d.group === undefined ? 'its WAL directory' : `group ${d.group}: its WAL directory`;
    errors.push(
      `${which} ${d.dir} ${st ? 'is not a directory' : 'does not exist'} on ${node.host}, where the ${inv.engine} layout puts it; the node would start ${d.group === undefined ? 'with an empty log' : 'that group with an empty log'}. Check container.dataDir${d.group === undefined ? '' : ' and the groups'} in the inventory, or restore the directory`,
    );
  }
  const warnings: string[] = [];
  if (groupsRoot && (await files.stat(groupsRoot))?.kind === 'dir') {
    const known = new Set((nodeGroups(inv).get(id) ?? []).map((g) => g.id));
    for (const e of await files.list(groupsRoot)) {
      const m = /^group-(\d+)$/.exec(e.name);
      if (e.kind !== 'dir' || !m || known.has(Number(m[1]))) continue;
      warnings.push(
        `${groupsRoot}/${e.name} on ${node.host} is a Raft group directory, but group ${m[1]} is not in the inventory (${known.size ? `groups ${[...known].join(',')}` : 'one group'}); raftroll neither checks its WAL before the start nor guards its quorum: add the group, or remove the directory if the group is gone`,
      );
    }
  }
  return { errors, warnings };
}

/** Files bind-mounted read-only (credentials, keys, TLS files) that the host lacks. */
export async function missingMounts(
  session: ClusterSession,
  id: string,
  spec: RunSpec,
): Promise<string[]> {
  const node = session.inv.nodes.find((n) => n.id === id)!;
  const sources = spec.volumes
    .map((v) => v.split(':'))
    .filter((p) => p.length >= 3 && p[2]!.split(',').includes('ro') && p[0]!.startsWith('/'))
    .map((p) => p[0]!);
  const readable = await Promise.all(
    sources.map(
      async (src) =>
        (await session.host(node).run(['test', '-r', src], { allowFailure: true })).code === 0,
    ),
  );
  return sources
    .filter((_, k) => !readable[k])
    .map(
      (src) =>
        `${src} (mounted read-only into the container) does not exist or is not readable on ${node.host}: put it there first, or the container cannot start`,
    );
}

/**
 * What each reachable node's host says against a roll: its data directory, its WAL layout and its
 * read-only mounts. Only reads, so a roll asks as soon as it knows who is reachable, before its
 * lock is taken; the answers are judged under it. Never rejects: a failure is the answer.
 */
export function askHosts(
  session: ClusterSession,
  ids: readonly string[],
  views: NodeView[],
  specOf: (id: string) => RunSpec,
  skip?: Set<string>,
): Map<string, Promise<string[] | Error>> {
  const out = new Map<string, Promise<string[] | Error>>();
  for (const id of ids) {
    const v = views.find((x) => x.id === id)!;
    if (skip?.has(id) || !v.reachable) {
      out.set(id, Promise.resolve([]));
      continue;
    }
    const asked = async (): Promise<string[]> => {
      const [dir, layout, mounts] = await Promise.all([
        dataDirProblem(session, id),
        // Without a data directory the layout's own failure says nothing more.
        walLayout(session, id).catch((e: Error) => e),
        missingMounts(session, id, specOf(id)),
      ]);
      if (dir) return [dir, ...mounts];
      if (layout instanceof Error) throw layout;
      return [...layout.errors, ...mounts];
    };
    out.set(
      id,
      asked().catch((e: Error) => e),
    );
  }
  return out;
}

/** Every reason, node by node in rollout order, that a roll would refuse now. */
export async function blockers(
  session: ClusterSession,
  order: string[],
  views: NodeView[],
  t: NodeThresholds,
  o: {
    /**
     * Nodes the roll would leave alone (already up to date): nothing of theirs is judged. While
     * it is still being found out, every reachable node's host is asked meanwhile.
     */
    skip: Set<string> | Promise<Set<string>>;
    /** Also ask the quorum guard (plan); a roll asks it node by node, right before each stop. */
    guard: boolean;
    /** The container each node is to run (its read-only mounts are checked). */
    specOf: (id: string) => RunSpec;
    /** The hosts' answers, when askHosts was sent already. */
    asked?: Map<string, Promise<string[] | Error>>;
  },
): Promise<Blocker[]> {
  // Each node's host is asked on its own connection, all at once; the answers (and failures)
  // are then read in rollout order, so the first blocker is the one the roll would meet first.
  const sent =
    o.asked ??
    askHosts(session, order, views, o.specOf, o.skip instanceof Set ? o.skip : undefined);
  const asked = Promise.all(order.map((id) => sent.get(id) ?? Promise.resolve([])));
  const [onHost, skip] = await Promise.all([asked, o.skip]);
  const found: Blocker[] = [];
  let members: Promise<string | undefined> | undefined;
  for (const [k, id] of order.entries()) {
    if (skip.has(id)) continue;
    const v = views.find((x) => x.id === id)!;
    if (!v.reachable) {
      found.push({ node: id, why: `${id} cannot be reached (${v.error})` });
      continue;
    }
    const mine = onHost[k]!;
    if (mine instanceof Error) throw mine;
    for (const why of mine) found.push({ node: id, why });
    if (!o.guard) continue;
    // One member list for all nodes: the views do not change while they are judged.
    let guard = quorumGuard(id, views, t);
    if (!guard) {
      members ??= membership(session, views);
      guard = await members;
    }
    if (guard) found.push({ node: id, why: guard });
  }
  return found;
}

/** The message a roll gives when it refuses for this reason. */
export const refusal = (b: Blocker) =>
  `${b.node}: refused: ${b.why}. Nothing was touched on ${b.node}.`;
