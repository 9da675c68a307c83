// raftroll lock status|release: the cluster lock on every host, what its journal shows in
// flight, and giving back a lock whose holder is gone (its journal archived, never lost).

import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { inFlight, type JournalEntry, walVerified } from '../../cluster/journal.js';
import { ageText } from '../../cluster/lease.js';
import { archiveJournal, describeHolder, type HostLock } from '../../cluster/lock.js';
import {
  type HostLockStatus,
  interruptedRuns,
  isHeld,
  lockLine,
  lockStatus,
} from '../../cluster/lock-status.js';
import { ClusterSession } from '../../cluster/session.js';
import type { Inventory } from '../../inventory/load.js';
import { previousName } from '../../node/spec.js';
import * as containers from '../../runtime/containers.js';
import { LABEL } from '../../runtime/docker.js';
import { EXIT, ExitError, print } from '../exit.js';
import { inventoryAndNodes, inventoryOption } from '../options.js';

type Opts = { inventory: string; json?: boolean; jsonReport?: string; force?: boolean };

async function report(o: Opts, value: unknown): Promise<void> {
  if (o.jsonReport)
    await writeFile(o.jsonReport, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/** What the node's host shows now, in the words an operator needs before releasing. */
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

async function statusAction(o: Opts): Promise<void> {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  try {
    const st = await lockStatus(session);
    const ids = inv.nodes.map((n) => n.id);
    const unknown = interruptedRuns(st, ids).filter((r) => !r.known);
    const value = {
      held: st.some(isHeld),
      hosts: st.map(statusJson),
      unknownNodes: unknown.map((r) => r.entry.node),
    };
    await report(o, value);
    const lines = st.map(lockLine);
    for (const r of unknown)
      lines.push(`the journal on ${r.host} names ${r.entry.node}, which is not in the inventory`);
    print(!!o.json, value, lines.join('\n'));
    if (st.some((s) => !s.reachable))
      throw new ExitError(EXIT.failed, 'some host could not be reached');
    if (value.held) throw new ExitError(EXIT.held, '');
  } finally {
    await session.close();
  }
}

async function releaseAction(o: Opts): Promise<void> {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    if (!o.json) process.stdout.write(`${l}\n`);
  };
  try {
    const st = await lockStatus(session);
    if (st.some((s) => !s.reachable))
      throw new ExitError(
        EXIT.failed,
        `cannot release: ${st
          .filter((s) => !s.reachable)
          .map((s) => `${s.node} (${s.error})`)
          .join(', ')} cannot be reached; a lock there would stay. Nothing was removed`,
      );
    if (!st.some(isHeld)) {
      say('the cluster lock is not held on any host: nothing to release');
      await report(o, { released: [], lines });
      if (o.json) print(true, { released: [], lines }, '');
      return;
    }
    // Refuse first, everywhere, before anything is removed.
    for (const s of st)
      for (const l of [s.lock, s.shared]) {
        if (l.state !== 'held') continue;
        if (l.owner.kind === 'lease' && !l.stale && !o.force)
          throw new ExitError(
            EXIT.failed,
            `${s.node}: ${l.path} is held by a live run: ${describeHolder(l)}, heartbeat ${ageText(l.heartbeatAgeMs)} ago. Wait for it; --force breaks it (only if you know that run is gone)`,
          );
        if (l.owner.kind !== 'lease' && !o.force)
          throw new ExitError(
            EXIT.failed,
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
    await report(o, { released, lines });
    if (o.json) print(true, { released, lines }, '');
  } finally {
    await session.close();
  }
}

export function lockCommand(program: Command): void {
  const lock = program
    .command('lock')
    .description('the cluster lock (a lease with a journal) on every host: status, release');
  lock
    .command('status')
    .description(
      'one line per host: held or free, holder, age, heartbeat age, and the node and phase its journal shows in flight',
    )
    .addOption(inventoryOption().makeOptionMandatory())
    .option('--json', 'print the status as JSON')
    .option('--json-report <file>', 'write the status as JSON to this file')
    .addHelpText(
      'after',
      '\nExit codes: 0 free on every host, 1 a host could not be reached, 2 bad input, 3 held.',
    )
    .action((o: Opts) => statusAction(o));
  lock
    .command('release')
    .description(
      'give back a lock whose holder is gone: says what state the node in flight is in first, keeps the journal beside the data directory',
    )
    .addOption(inventoryOption().makeOptionMandatory())
    .option(
      '--force',
      "also break a live holder's lock, an earlier release's lock or an unreadable one",
    )
    .option('--json', 'print what was done as JSON')
    .option('--json-report <file>', 'write what was done as JSON to this file')
    .addHelpText(
      'after',
      '\nExit codes: 0 released (or nothing to release), 1 refused (a live holder, an unreadable lock without --force, a host unreachable), 2 bad input.',
    )
    .action((o: Opts) => releaseAction(o));
}
