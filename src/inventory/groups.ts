// elastickv's Raft groups per node: each group has its own listener (RaftAdmin and Health), so
// every group is reached on its own port. They come from the inventory's `groups`, or from the
// `--raftGroups "1=host:port,2=host:port"` flag in the node's filled container args. etcd, and
// an elastickv node with a single group, have none: one listener on the admin (client) port.

import { type Inventory, InventoryError } from './load.js';
import type { NodeInput } from './schema.js';
import { nodeSpec } from './spec.js';

export interface RaftGroup {
  id: number;
  /** Where the group's listener is reached from the node's host (through its SSH tunnel). */
  host: string;
  port: number;
}

/** The value of `--raftGroups` (or `-raftGroups`, `--raftGroups=...`) in argv, if any. */
export function raftGroupsFlag(args: readonly string[]): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const m = /^--?raftGroups(?:=(.*))?$/.exec(args[k]!);
    if (!m) continue;
    return m[1] ?? args[k + 1] ?? '';
  }
  return undefined;
}

/** `1=host:port,2=host:port`, elastickv's --raftGroups syntax; sorted by group id. */
export function parseRaftGroups(value: string, where: string): RaftGroup[] {
  const bad = (what: string) =>
    new InventoryError(
      `${where}: --raftGroups "${value}": ${what}; expected "<group id>=<host>:<port>" separated by commas, e.g. "1=10.0.0.1:50051,2=10.0.0.1:50052"`,
    );
  const out: RaftGroup[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw bad(`"${part}" has no "="`);
    const idText = part.slice(0, eq).trim();
    if (!/^\d+$/.test(idText)) throw bad(`"${idText}" is not a group id (a whole number)`);
    const address = part.slice(eq + 1).trim();
    const colon = address.lastIndexOf(':');
    const portText = colon >= 0 ? address.slice(colon + 1) : '';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
      throw bad(`"${address}" has no port between 1 and 65535`);
    const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    if (!host) throw bad(`"${address}" has no host`);
    const id = Number(idText);
    if (out.some((g) => g.id === id)) throw bad(`group ${id} appears twice`);
    out.push({ id, host, port });
  }
  if (!out.length) throw bad('no group given');
  return out.sort((a, b) => a.id - b.id);
}

const ids = (gs: RaftGroup[]) => gs.map((g) => g.id).join(',');

/** One node's groups: the explicit list on the node's host, checked against --raftGroups. */
function groupsOfNode(inv: Inventory, node: NodeInput): RaftGroup[] {
  const where = `${inv.source}: node ${node.id}`;
  const explicit = inv.groups
    ?.map((g) => ({ id: g.id, host: node.host, port: g.port }))
    .sort((a, b) => a.id - b.id);
  if (explicit && new Set(explicit.map((g) => g.id)).size !== explicit.length)
    throw new InventoryError(`${inv.source}: groups: a group id appears twice; give each once`);
  if (inv.engine !== 'elastickv') {
    if (explicit?.length)
      throw new InventoryError(
        `${inv.source}: groups: only elastickv runs several Raft groups; remove groups for engine ${inv.engine}`,
      );
    return [];
  }
  const flag = raftGroupsFlag(nodeSpec(inv, node).args);
  const fromArgs = flag === undefined ? undefined : parseRaftGroups(flag, where);
  if (explicit && fromArgs && ids(explicit) !== ids(fromArgs))
    throw new InventoryError(
      `${where}: the inventory's groups (${ids(explicit)}) differ from the container's --raftGroups (${ids(fromArgs)}); give the same group ids in both, or drop groups`,
    );
  return fromArgs ?? explicit ?? [];
}

const cache = new WeakMap<Inventory, Map<string, RaftGroup[]>>();

/**
 * Every node's Raft groups, by node id (an empty list: one group on the admin port). Every node
 * must serve the same group ids: a group missing on one node has no majority raftroll can vouch
 * for, so a mismatch is an error naming the node.
 */
export function nodeGroups(inv: Inventory): Map<string, RaftGroup[]> {
  const known = cache.get(inv);
  if (known) return known;
  const out = new Map<string, RaftGroup[]>();
  let first: { id: string; groups: RaftGroup[] } | undefined;
  for (const node of inv.nodes) {
    const gs = groupsOfNode(inv, node);
    if (first && ids(gs) !== ids(first.groups)) {
      throw new InventoryError(
        `${inv.source}: node ${node.id} serves Raft groups ${ids(gs) || '(one, on the admin port)'} but node ${first.id} serves ${ids(first.groups) || '(one, on the admin port)'}; every node must run the same groups`,
      );
    }
    first ??= { id: node.id, groups: gs };
    out.set(node.id, gs);
  }
  cache.set(inv, out);
  return out;
}

/** The group ids every node serves; empty for a single-group cluster. */
export function groupIds(inv: Inventory): number[] {
  const first = nodeGroups(inv).values().next().value as RaftGroup[] | undefined;
  return (first ?? []).map((g) => g.id);
}

/** A WAL directory the engine's layout puts on a node's host; `group` for elastickv's groups. */
export interface PredictedWalDir {
  group?: number;
  dir: string;
}

/** The value of a `--flag value` or `--flag=value` argument (one or two dashes), if any. */
function flagValue(args: readonly string[], name: string): string | undefined {
  const re = new RegExp(`^--?${name}(?:=(.*))?$`);
  for (let k = 0; k < args.length; k++) {
    const m = re.exec(args[k]!);
    if (m) return m[1] ?? args[k + 1];
  }
  return undefined;
}

const join = (dir: string, ...names: string[]) => [dir.replace(/\/+$/, ''), ...names].join('/');

/**
 * Where a node keeps its WAL, as its engine lays it out under the data directory: etcd in
 * member/wal (or its --wal-dir); elastickv in <raftId>/group-<N>/wal per group when it runs more
 * than one data group (group 0, the reserved one, always has its own directory), and in
 * <raftId>/wal otherwise. `groupsRoot` is where elastickv's group-<N> directories live.
 */
export function predictedWalDirs(
  inv: Inventory,
  node: NodeInput,
): { dirs: PredictedWalDir[]; groupsRoot?: string } {
  const dataDir = inv.container.dataDir;
  if (inv.engine !== 'elastickv') {
    const walDir = flagValue(nodeSpec(inv, node).args, 'wal-dir');
    return { dirs: [{ dir: walDir || join(dataDir, 'member', 'wal') }] };
  }
  const root = join(dataDir, node.id);
  const groups = nodeGroups(inv).get(node.id) ?? [];
  if (groups.length === 0) return { dirs: [{ dir: join(root, 'wal') }], groupsRoot: root };
  const multi = groups.filter((g) => g.id !== 0).length > 1;
  return {
    dirs: groups.map((g) => ({
      group: g.id,
      dir: !multi && g.id !== 0 ? join(root, 'wal') : join(root, `group-${g.id}`, 'wal'),
    })),
    groupsRoot: root,
  };
}
