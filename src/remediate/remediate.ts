// One entry point for every surface (CLI, action): diagnose read-only, then in mode auto heal
// one node at a time, and say in one word where the cluster stands afterwards.

import { type Lease, takeLease } from '../cluster/lock.js';
import { type InterruptedRun, interruptedRuns, lockStatus } from '../cluster/lock-status.js';
import type { ClusterSession } from '../cluster/session.js';
import { Events } from '../events/events.js';
import type { Diagnosis, HealResult } from '../events/findings.js';
import { phaseTimeline, type Timeline } from '../events/report.js';
import type { NodeInput } from '../inventory/schema.js';
import { DEFAULT_THRESHOLDS, type NodeThresholds } from '../node/thresholds.js';
import { ClusterViews } from '../node/views.js';
import { rulesFor } from '../wal/versions.js';
import type { Thresholds } from './classify.js';
import { diagnose } from './diagnose.js';
import { type FinishResult, finishNode } from './finish.js';
import { heal, RESTARTS } from './heal.js';

export type Mode = 'diagnose' | 'auto';

export interface RemediateOptions {
  mode: Mode;
  etcdVersion: string;
  /** What counts as lagging, memory pressure and a crash loop. */
  thresholds: Thresholds;
  /** Timings for the healing steps (the rollout's defaults where unset). */
  rollout?: Partial<NodeThresholds>;
  /** Opt-in: a corrupt-WAL node may be removed, emptied (its data kept aside) and re-added. */
  reseed?: boolean;
  events?: Events;
  /** Ctrl-C or a cancelled job: the node being healed is finished, no other is begun. */
  signal?: AbortSignal;
  /** mode auto: take over a stale lease and finish the node its journal shows in flight. */
  takeOverStale?: boolean;
}

/**
 * healthy: nothing was wrong. healed: everything found was fixed. attention: something is
 * still wrong (diagnose mode, or a finding auto does not fix). failed: a fix was tried and did
 * not work, or was refused by the guard.
 */
export type RemediateResultKind = 'healthy' | 'healed' | 'attention' | 'failed';

export interface RemediateResult {
  result: RemediateResultKind;
  mode: Mode;
  findings: Diagnosis[];
  actions: HealResult[];
  /** Every step taken, in order, with its time since the start (ms). */
  timeline: Timeline;
  /** Runs whose lock still holds a node in flight (diagnose reads every host's journal). */
  interrupted: InterruptedRun[];
  /** mode auto after a take-over: what was done to finish each node the journal showed. */
  finished: FinishResult[];
}

/** The nodes mode auto would try to change (not only report), in the findings' order. */
export function fixableNodes(findings: Diagnosis[], reseed: boolean): string[] {
  return findings
    .filter(
      (f) => RESTARTS.has(f.action) || f.action === 'wait' || (f.action === 'reseed' && reseed),
    )
    .map((f) => f.node);
}

export const DEFAULT_DIAGNOSE_THRESHOLDS: Thresholds = {
  maxLag: 1000,
  memoryPressure: 0.9,
  crashLoopRestarts: 3,
};

export async function remediate(
  session: ClusterSession,
  nodes: NodeInput[],
  o: RemediateOptions,
): Promise<RemediateResult> {
  const t0 = Date.now();
  const events = o.events ?? new Events();
  // One change at a time per cluster, whoever starts it. The findings a heal acts on are read
  // under the lock, so no other run can have changed the nodes since.
  const warn = (node: string | undefined, message: string) =>
    events.emit({ type: 'warning', at: Date.now(), node, message });
  const lease: Lease | undefined =
    o.mode === 'auto'
      ? await takeLease(session, 'raftroll remediate', {
          takeOverStale: o.takeOverStale,
          onWarning: warn,
        })
      : undefined;
  const ids = session.inv.nodes.map((n) => n.id);
  let findings: Diagnosis[];
  let actions: HealResult[] = [];
  let interrupted: InterruptedRun[] = [];
  const finished: FinishResult[] = [];
  try {
    if (lease) {
      for (const t of lease.takenOver)
        warn(
          t.node,
          `took over the stale lease of ${t.previous.purpose} (${t.previous.user}@${t.previous.host} pid ${t.previous.pid})`,
        );
      interrupted = lease.inherited().map((entry) => ({
        holder:
          lease.takenOver.find((t) => t.node === entry.node)?.previous.purpose ?? 'a gone run',
        stale: true,
        host: entry.node,
        entry,
        known: ids.includes(entry.node),
      }));
      const run = {
        session,
        t: { ...DEFAULT_THRESHOLDS, maxLag: o.thresholds.maxLag, ...o.rollout },
        rules: rulesFor(o.etcdVersion),
        events,
        views: new ClusterViews(session),
        journal: lease,
      };
      // The interrupted node first: until it is whole, the guard would refuse every other fix.
      for (const r of interrupted) {
        const f = await finishNode(run, r.entry);
        finished.push(f);
        warn(f.node, `interrupted run at ${f.phase}: ${f.outcome}: ${f.message}`);
      }
    } else interrupted = interruptedRuns(await lockStatus(session), ids);
    findings = await diagnose(session, nodes, o.thresholds, o.etcdVersion);
    for (const f of findings)
      events.emit({ type: 'finding', at: Date.now(), node: f.node, finding: f });
    if (o.mode === 'diagnose') {
      const result =
        findings.every((f) => f.class === 'healthy') && !interrupted.length
          ? 'healthy'
          : 'attention';
      return { result, mode: o.mode, findings, actions: [], timeline: [], interrupted, finished };
    }
    if (!finished.some((f) => f.outcome !== 'finished'))
      actions = await heal(session, findings, {
        etcdVersion: o.etcdVersion,
        thresholds: { maxLag: o.thresholds.maxLag, ...o.rollout },
        reseed: o.reseed,
        events,
        signal: o.signal,
        journal: lease,
      });
  } finally {
    const kept = await lease?.release();
    if (kept) warn(undefined, kept);
  }
  let result: RemediateResultKind;
  if (
    finished.some((f) => f.outcome === 'failed') ||
    actions.some((a) => a.outcome === 'failed' || a.outcome === 'refused')
  )
    result = 'failed';
  else if (finished.some((f) => f.outcome === 'reported')) result = 'attention';
  else if (actions.some((a) => a.outcome === 'reported' || a.outcome === 'not-reached'))
    result = 'attention';
  else if (actions.some((a) => a.outcome === 'healed') || finished.length) result = 'healed';
  else result = 'healthy';
  return {
    result,
    mode: o.mode,
    findings,
    actions,
    timeline: phaseTimeline(events.log, t0),
    interrupted,
    finished,
  };
}
