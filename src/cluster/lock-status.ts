// The cluster lock as every host sees it, read only: held or free, by whom, how fresh its
// heartbeat is, and what its journal shows in flight. `lock status`, `lock release` and
// `diagnose` all read it from here, and the interrupted run they report is derived from it.

import { inFlight, type JournalEntry } from './journal.js';
import { ageText } from './lease.js';
import { describeHolder, type HostLock, lockPath, readLock, sharedLockPath } from './lock-read.js';
import type { ClusterSession } from './session.js';

export interface HostLockStatus {
  node: string;
  address: string;
  reachable: boolean;
  error?: string;
  /** This cluster's lock on the host. */
  lock: HostLock;
  /** The one lock per parent directory of earlier releases. */
  shared: HostLock;
}

export async function lockStatus(session: ClusterSession): Promise<HostLockStatus[]> {
  const dataDir = session.inv.container.dataDir;
  return Promise.all(
    session.inv.nodes.map(async (node) => {
      const host = session.host(node);
      try {
        const [lock, shared] = await Promise.all([
          readLock(host, lockPath(dataDir)),
          readLock(host, sharedLockPath(dataDir)),
        ]);
        return { node: node.id, address: host.address, reachable: true, lock, shared };
      } catch (e) {
        const free = { state: 'free' } as const;
        const error = (e as Error).message;
        return {
          node: node.id,
          address: host.address,
          reachable: false,
          error,
          lock: free,
          shared: free,
        };
      }
    }),
  );
}

export const isHeld = (s: HostLockStatus) => s.lock.state === 'held' || s.shared.state === 'held';

/** A run that holds (or held) the lock and left a node in flight. */
export interface InterruptedRun {
  holder: string;
  /** Whether the holder is gone (its lease may be taken over). */
  stale: boolean;
  heartbeatAgeMs?: number;
  /** The host whose journal shows it. */
  host: string;
  entry: JournalEntry;
  /** In the inventory? A journal entry for an unknown node is reported, never acted on. */
  known: boolean;
  /** What a roll was taking the nodes to (from the owner record). */
  image?: string;
  purpose?: string;
}

export function interruptedRuns(statuses: HostLockStatus[], nodeIds: string[]): InterruptedRun[] {
  const out: InterruptedRun[] = [];
  for (const s of statuses) {
    const l = s.lock;
    if (l.state !== 'held') continue;
    const o = l.owner.kind === 'lease' ? l.owner.owner : undefined;
    for (const entry of inFlight(l.entries))
      out.push({
        holder: describeHolder(l),
        stale: l.stale,
        heartbeatAgeMs: l.heartbeatAgeMs,
        host: s.node,
        entry,
        known: nodeIds.includes(entry.node),
        ...(o?.image ? { image: o.image } : {}),
        ...(o ? { purpose: o.purpose } : {}),
      });
  }
  return out;
}

/** The one command that finishes an interrupted run (or says to wait for a live one). */
export function finishCommand(r: InterruptedRun, inventory: string): string {
  if (!r.stale) return `wait: the holder is alive (heartbeat ${ageText(r.heartbeatAgeMs)} ago)`;
  if (r.purpose?.startsWith('raftroll roll') && r.image)
    return `raftroll roll --inventory ${inventory} --image ${r.image} --take-over-stale`;
  return `raftroll remediate --inventory ${inventory} --mode auto --take-over-stale`;
}

/** One line per host, for `lock status`. */
export function lockLine(s: HostLockStatus): string {
  const at = `${s.node} (${s.address})`;
  if (!s.reachable) return `${at}: unreachable: ${s.error}`;
  const parts: string[] = [];
  for (const [what, l] of [
    ['lock', s.lock],
    ['old shared lock', s.shared],
  ] as const) {
    if (l.state !== 'held') continue;
    const kind =
      l.owner.kind === 'lease'
        ? l.stale
          ? 'stale'
          : 'live'
        : l.owner.kind === 'old-format'
          ? 'old-format'
          : 'unreadable';
    const flight = inFlight(l.entries)
      .map((e) => `${e.node} at ${e.phase} since ${e.at}`)
      .join(', ');
    parts.push(
      `${what} held (${kind}) by ${describeHolder(l)}, age ${ageText(l.lockAgeMs)}, heartbeat ${ageText(l.heartbeatAgeMs)} ago; in flight: ${flight || 'none'}${l.badLines.length ? `; ${l.badLines.length} unreadable journal line(s)` : ''}`,
    );
  }
  return `${at}: ${parts.length ? parts.join('; ') : 'free'}`;
}
