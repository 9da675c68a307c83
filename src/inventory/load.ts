// Reads an inventory file (YAML), validates it, and resolves it into a typed Inventory with
// each node's exact container spec. Errors name the file, the line and the field.

import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { parseSshTarget } from '../remote/ssh.js';
import { type InventoryInput, InventorySchema, type NodeInput } from './schema.js';

export class InventoryError extends Error {
  override name = 'InventoryError';
}

export const DEFAULT_MEMORY = '2500m';
export const DEFAULT_ENV: Record<string, string> = { GOMEMLIMIT: '1800MiB' };
export const DEFAULT_PORTS = {
  etcd: { client: 2379, peer: 2380 },
  elastickv: { admin: 50051, redis: 6379, dynamo: 8000 },
} as const;

export interface Inventory extends InventoryInput {
  /** The file it came from, for messages and relative paths. */
  source: string;
  ports: NonNullable<InventoryInput['ports']>;
}

function where(
  issue: z.core.$ZodIssue,
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
): string {
  const path = issue.path.map(String);
  // The deepest node that exists: a missing field is reported at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) {
      const { line } = lines.linePos(node.range[0]);
      return `line ${line}`;
    }
  }
  return 'top level';
}

export function parseInventory(text: string, source: string): Inventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new InventoryError(`${source}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const parsed = InventorySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const msgs = parsed.error.issues
      .slice(0, 5)
      .map(
        (i) =>
          `${source}, ${where(i, doc, lines)}: ${i.path.join('.') || '(document)'}: ${i.message}`,
      );
    throw new InventoryError(msgs.join('\n'));
  }
  const inv = parsed.data;
  checkNodes(inv, source);
  const base = dirname(source);
  const abs = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(base, p));
  return {
    ...inv,
    source,
    ssh: inv.ssh
      ? {
          ...inv.ssh,
          identityFile: abs(inv.ssh.identityFile),
          knownHostsFile: abs(inv.ssh.knownHostsFile),
        }
      : undefined,
    ports: { ...DEFAULT_PORTS[inv.engine], ...inv.ports },
  };
}

/**
 * An id as any file, socket or container name made from it would spell it: case folded and
 * everything but letters, digits, _ . - replaced. Two ids that agree here are refused, so no
 * such name can ever make two nodes one.
 */
export const safeIdForm = (id: string) => id.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');

/** The ssh target a node is reached at: its own, else the inventory's user at its host. */
export function sshTargetOf(inv: Pick<InventoryInput, 'ssh'>, node: NodeInput): string {
  if (node.ssh) return node.ssh;
  const user = inv.ssh?.user;
  return user ? `${user}@${node.host}` : node.host;
}

/**
 * Refuses nodes that could be taken for one another: ids equal or equal once made safe for
 * names, one address advertised by two nodes, one ssh destination for two nodes. Each error
 * names both nodes.
 */
export function checkNodes(inv: Pick<InventoryInput, 'nodes' | 'ssh'>, source: string): void {
  const seen = (what: string) => {
    const m = new Map<string, string>();
    return (key: string, id: string, shown: string, fix: string) => {
      const other = m.get(key);
      if (other !== undefined)
        throw new InventoryError(
          `${source}: nodes ${JSON.stringify(other)} and ${JSON.stringify(id)} have the same ${what} ${shown}: ${fix}`,
        );
      m.set(key, id);
    };
  };
  const ids = seen('id');
  const safeIds = seen('id once made safe for file and socket names,');
  const hosts = seen('host');
  const targets = seen('ssh destination');
  const port = inv.ssh?.port ?? 22;
  for (const n of inv.nodes) {
    ids(n.id, n.id, JSON.stringify(n.id), 'ids must be unique');
    safeIds(
      safeIdForm(n.id),
      n.id,
      JSON.stringify(safeIdForm(n.id)),
      'give ids that differ in letters, digits, _ . or -, not only in case or other characters',
    );
    hosts(n.host.toLowerCase(), n.id, n.host, 'each node needs its own address');
    const t = parseSshTarget(sshTargetOf(inv, n));
    targets(
      `${t.user ?? ''}@${t.host.toLowerCase()}:${port}`,
      n.id,
      sshTargetOf(inv, n),
      'each node must be reached on its own host',
    );
  }
}

export async function loadInventory(path: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InventoryError(
      `cannot read inventory ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return parseInventory(text, resolve(path));
}

/**
 * The etcd release whose WAL rules judge this cluster's logs: what the caller says, else the
 * inventory, else 3.7 for elastickv (the release it ships). For etcd itself there is no safe
 * guess: 3.4 calls corrupt some logs that 3.5+ repairs, so it must be said.
 */
export function walRulesVersion(inv: Inventory, explicit?: string): string {
  const v = explicit || inv.etcdVersion || (inv.engine === 'elastickv' ? '3.7' : undefined);
  if (!v) {
    throw new InventoryError(
      `${inv.source}: engine etcd: give etcdVersion (3.4, 3.5, 3.6 or 3.7) in the inventory, or --etcd: the WAL rules differ between releases`,
    );
  }
  return v;
}

/** Picks nodes by id, in the order given; an unknown id is an error, never a silent skip. */
export function selectNodes(inv: Inventory, ids: string[] | undefined): Inventory['nodes'] {
  if (!ids || ids.length === 0) return inv.nodes;
  return ids.map((id) => {
    const n = inv.nodes.find((x) => x.id === id);
    if (!n)
      throw new InventoryError(
        `node "${id}" is not in ${inv.source}: expected one of ${inv.nodes.map((x) => x.id).join(', ')}`,
      );
    return n;
  });
}
