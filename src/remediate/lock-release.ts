// A dead run's cluster lock, given back: what every host shows, what the node in flight is left
// as, and the release itself (its journal archived beside the data directory, never lost). One
// implementation for the CLI's `raftroll lock` and the remediation action's lock modes.

import { inFlight, type JournalEntry, walVerified } from '../cluster/journal.js';
import { ageText } from '../cluster/lease.js';
import { archiveJournal } from '../cluster/lock.js';
import { describeHolder, type HostLock } from '../cluster/lock-read.js';
import {
  type HostLockStatus,
  interruptedRuns,
  isHeld,
  lockLine,
  lockStatus,
} from '../cluster/lock-status.js';
import type { ClusterSession } from '../cluster/session.js';
import type { Inventory } from '../inventory/load.js';
import { previousName } from '../node/spec.js';
import * as containers from '../runtime/containers.js';
import { LABEL } from '../runtime/docker.js';

export /** What the node's host shows now, in the words an operator needs before releasing. */
async function nodeState(
  session: ClusterSession,
  inv: Inventory,
  e: JournalEntry,
): Promise<string> {
  const node = inv.nodes.find((n) => n.id === e.node);
  if (!node) return `${e.node} is not in the inventory: check that host by hand`;
  const host = session.host(node);
  const name = inv.container.name;
  const [cur, prev] = await Promise.all([
    containers.inspect(host, name).catch(() => undefined),
    containers.inspect(host, previousName(name)).catch(() => undefined),
  ]);
  const which = (fp?: string) =>
    fp && fp === e.new?.fingerprint ? 'new' : fp && fp === e.old?.fingerprint ? 'old' : 'unknown';
  const c = cur
    ? `${name} ${cur.state.running ? 'running' : 'stopped'} on ${cur.image} (${which(cur.labels[LABEL.fingerprint])} spec)`
    : `no ${name} container`;
  const p = prev
    ? `; ${previousName(name)} kept (${which(prev.labels[LABEL.fingerprint])} spec)`
    : '';
  const wal = walVerified(e) ? 'WAL verified before the run died' : 'WAL not verified';
  return `${e.node}: the run died at ${e.phase} (${e.at}): ${c}${p}; ${wal}`;
}

function statusJson(s: HostLockStatus) {
  const one = (l: HostLock) =>
    l.state === 'free'
      ? { state: 'free' }
      : {
          state: 'held',
          path: l.path,
          kind: l.owner.kind,
          holder: describeHolder(l),
          owner: l.owner.kind === 'lease' ? l.owner.owner : undefined,
          stale: l.stale,
          ageMs: l.lockAgeMs,
          heartbeatAgeMs: l.heartbeatAgeMs,
          inFlight: inFlight(l.entries),
          unreadableJournalLines: l.badLines.length,
        };
  return {
    node: s.node,
    address: s.address,
    reachable: s.reachable,
    error: s.error,
    lock: one(s.lock),
    sharedLock: one(s.shared),
  };
}

export interface LockReport {
  held: boolean;
  hosts: ReturnType<typeof statusJson>[];
  unknownNodes: string[];
  unreachable: string[];
  lines: string[];
}

/** Every host's lock, as data and as lines. */
export async function lockReport(session: ClusterSession): Promise<LockReport> {
  const inv = session.inv;
  const st = await lockStatus(session);
  const unknown = interruptedRuns(
    st,
    inv.nodes.map((n) => n.id),
  ).filter((r) => !r.known);
  const lines = st.map(lockLine);
  for (const r of unknown)
    lines.push(`the journal on ${r.host} names ${r.entry.node}, which is not in the inventory`);
  return {
    held: st.some(isHeld),
    hosts: st.map(statusJson),
    unknownNodes: unknown.map((r) => r.entry.node),
    unreachable: st.filter((s) => !s.reachable).map((s) => s.node),
    lines,
  };
}

export class ReleaseRefused extends Error {
  override name = 'ReleaseRefused';
}

/**
 * Releases the lock on every host; refuses (ReleaseRefused, nothing removed) while a holder is
 * live, a lock is not one this release wrote, or a host cannot be reached, unless `force`.
 * `say` hears each line as it happens.
 */
export async function releaseLock(
  session: ClusterSession,
  o: { force?: boolean; say: (line: string) => void },
): Promise<{ released: string[] }> {
  const inv = session.inv;
  const { say } = o;
  const st = await lockStatus(session);
  if (st.some((s) => !s.reachable))
    throw new ReleaseRefused(
      `cannot release: ${st
        .filter((s) => !s.reachable)
        .map((s) => `${s.node} (${s.error})`)
        .join(', ')} cannot be reached; a lock there would stay. Nothing was removed`,
    );
  if (!st.some(isHeld)) {
    say('the cluster lock is not held on any host: nothing to release');
    return { released: [] };
  }
  // Refuse first, everywhere, before anything is removed.
  for (const s of st)
    for (const l of [s.lock, s.shared]) {
      if (l.state !== 'held') continue;
      if (l.owner.kind === 'lease' && !l.stale && !o.force)
        throw new ReleaseRefused(
          `${s.node}: ${l.path} is held by a live run: ${describeHolder(l)}, heartbeat ${ageText(l.heartbeatAgeMs)} ago. Wait for it; --force breaks it (only if you know that run is gone)`,
        );
      if (l.owner.kind !== 'lease' && !o.force)
        throw new ReleaseRefused(
          `${s.node}: ${l.path} is ${l.owner.kind === 'old-format' ? "an earlier release's lock" : 'not a lock this release wrote'}: ${describeHolder(l)}. Check the nodes (raftroll diagnose), then release with --force. Nothing was removed`,
        );
    }
  for (const r of interruptedRuns(
    st,
    inv.nodes.map((n) => n.id),
  ))
    say(`in flight: ${await nodeState(session, inv, r.entry)}`);
  const released: string[] = [];
  for (const s of st) {
    const node = inv.nodes.find((n) => n.id === s.node)!;
    const host = session.host(node);
    for (const l of [s.lock, s.shared]) {
      if (l.state !== 'held') continue;
      const kept = await archiveJournal(host, l.path, inv.container.dataDir);
      if (kept) say(`${s.node}: journal kept as ${kept}`);
      await host.run(['rm', '-rf', '--', l.path]);
      say(`${s.node}: removed ${l.path} (held by ${describeHolder(l)})`);
      released.push(`${s.node}:${l.path}`);
    }
  }
  return { released };
}
