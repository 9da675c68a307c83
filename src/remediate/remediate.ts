// One entry point for every surface (CLI, action): diagnose read-only, then in mode auto heal
// one node at a time, and say in one word where the cluster stands afterwards.

import { lockCluster } from '../cluster/lock.js';
import type { ClusterSession } from '../cluster/session.js';
import { Events } from '../events/events.js';
import type { Diagnosis, HealResult } from '../events/findings.js';
import { phaseTimeline, type Timeline } from '../events/report.js';
import type { NodeInput } from '../inventory/schema.js';
import type { NodeThresholds } from '../node/thresholds.js';
import type { Thresholds } from './classify.js';
import { diagnose } from './diagnose.js';
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
  const unlock = o.mode === 'auto' ? await lockCluster(session, 'raftroll remediate') : undefined;
  let findings: Diagnosis[];
  let actions: HealResult[] = [];
  try {
    findings = await diagnose(session, nodes, o.thresholds, o.etcdVersion);
    for (const f of findings)
      events.emit({ type: 'finding', at: Date.now(), node: f.node, finding: f });
    if (o.mode === 'diagnose') {
      const result = findings.every((f) => f.class === 'healthy') ? 'healthy' : 'attention';
      return { result, mode: o.mode, findings, actions: [], timeline: [] };
    }
    actions = await heal(session, findings, {
      etcdVersion: o.etcdVersion,
      thresholds: { maxLag: o.thresholds.maxLag, ...o.rollout },
      reseed: o.reseed,
      events,
      signal: o.signal,
    });
  } finally {
    await unlock?.();
  }
  let result: RemediateResultKind;
  if (actions.some((a) => a.outcome === 'failed' || a.outcome === 'refused')) result = 'failed';
  else if (actions.some((a) => a.outcome === 'reported' || a.outcome === 'not-reached'))
    result = 'attention';
  else if (actions.some((a) => a.outcome === 'healed')) result = 'healed';
  else result = 'healthy';
  return { result, mode: o.mode, findings, actions, timeline: phaseTimeline(events.log, t0) };
}
