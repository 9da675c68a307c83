// The JSON report and the terminal's progress lines: two renderers of the same events.

import type { NodeRow, RolloutEvent } from './events.js';
import type { Diagnosis } from './findings.js';

export interface RolloutReport {
  result: 'success' | 'failure' | 'interrupted';
  image: string;
  dryRun: boolean;
  order: string[];
  startedAt: string;
  durationMs: number;
  message?: string;
  totals: { updated: number; skipped: number; failed: number; rolledBack: number; planned: number };
  nodes: NodeRow[];
  warnings: { node?: string; message: string }[];
  /** Each node's phases with their times (ms since the start). */
  timeline: Timeline;
}

export function buildReport(events: RolloutEvent[]): RolloutReport {
  const start = events.find((e) => e.type === 'rollout-start');
  const end = events.find((e) => e.type === 'rollout-end');
  const t0 = start?.at ?? 0;
  const rows = events.flatMap((e) => (e.type === 'node-result' ? [e.row] : []));
  const count = (r: NodeRow['result']) => rows.filter((x) => x.result === r).length;
  return {
    result: end?.type === 'rollout-end' ? end.result : 'failure',
    image: start?.type === 'rollout-start' ? start.image : '',
    dryRun: start?.type === 'rollout-start' ? start.dryRun : false,
    order: start?.type === 'rollout-start' ? start.order : [],
    startedAt: new Date(t0).toISOString(),
    durationMs: (end?.at ?? t0) - t0,
    message: end?.type === 'rollout-end' ? end.message : undefined,
    totals: {
      updated: count('updated'),
      skipped: count('skipped'),
      failed: count('failed'),
      rolledBack: count('rolled-back'),
      planned: count('planned'),
    },
    nodes: rows,
    warnings: events.flatMap((e) =>
      e.type === 'warning' ? [{ node: e.node, message: e.message }] : [],
    ),
    timeline: phaseTimeline(events, t0),
  };
}

export type Timeline = { node: string; phase: string; atMs: number; detail?: string }[];

/** Each node's phases with their times since t0 (ms). */
export function phaseTimeline(events: RolloutEvent[], t0: number): Timeline {
  return events.flatMap((e) =>
    e.type === 'phase' ? [{ node: e.node, phase: e.phase, atMs: e.at - t0, detail: e.detail }] : [],
  );
}

/** One progress line per event, as the CLI prints them. */
export function progressLine(e: RolloutEvent, t0: number): string | undefined {
  const at = `[${((e.at - t0) / 1000).toFixed(1).padStart(6)}s]`;
  switch (e.type) {
    case 'rollout-start':
      return `${at} ${e.dryRun ? 'plan' : 'roll'} ${e.image} over ${e.order.join(' -> ')}`;
    case 'pull':
      return `${at} ${e.node.padEnd(8)} image ${e.pulled ? 'pulled' : 'present'}`;
    case 'phase':
      return `${at} ${e.node.padEnd(8)} ${e.phase}${e.detail ? `: ${e.detail}` : ''}`;
    case 'warning':
      return `${at} ${(e.node ?? '').padEnd(8)} warning: ${e.message}`;
    case 'node-result': {
      const r = e.row;
      const down = r.downtimeMs !== undefined ? ` down ${(r.downtimeMs / 1000).toFixed(1)}s` : '';
      const read = walReadText(r);
      return `${at} ${r.node.padEnd(8)} ${r.result}: ${r.imageBefore} -> ${r.imageAfter}, was ${r.roleBefore}, WAL ${r.wal}${read ? ` (${read})` : ''}, handover ${r.handover}${down}${r.finalLag !== undefined ? `, lag ${r.finalLag}` : ''}${r.message ? ` (${r.message})` : ''}`;
    }
    case 'rollout-end':
      return `${at} ${e.result}${e.message ? `: ${e.message}` : ''}`;
    case 'finding':
      return `${at} ${e.node.padEnd(8)} ${e.finding.class} -> ${e.finding.action}: ${e.finding.why} [${factsLine(e.finding)}]`;
    case 'heal-result':
      return `${at} ${e.node.padEnd(8)} ${e.result.outcome}: ${e.result.message}`;
  }
}

const MiB = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;

/**
 * What the WAL step read from the host, split at the stop: the part before it cost no
 * downtime. Undefined when nothing was measured (a skipped node, a plan).
 */
export function walReadText(r: NodeRow): string | undefined {
  if (r.walBytesRead === undefined && r.walBytesReadBeforeStop === undefined) return undefined;
  const mib = (b: number | undefined) => `${((b ?? 0) / 2 ** 20).toFixed(1)} MiB`;
  return `${mib(r.walBytesReadBeforeStop)} read before the stop, ${mib(r.walBytesRead)} after`;
}

/** The facts behind a finding, in one line: what the summary table shows next to the class. */
export function factsLine(d: Diagnosis): string {
  const f = d.facts;
  const parts = [`${d.role}${f.lag !== undefined ? `, lag ${f.lag}` : ''}`];
  if (f.container) parts.push(f.container);
  if (f.memoryUsage !== undefined)
    parts.push(
      `memory ${MiB(f.memoryUsage)} of ${f.memoryLimit ? MiB(f.memoryLimit) : 'no limit'}`,
    );
  parts.push(`memory defaults ${d.memoryDefaults.applied ? 'on' : 'off'}`);
  if (f.diskFree !== undefined) parts.push(`${MiB(f.diskFree)} free on the data disk`);
  if (f.walVerdict) parts.push(`WAL ${f.walVerdict}`);
  if (f.staleBackups.length) parts.push(`stale backups: ${f.staleBackups.join(', ')}`);
  if (f.kernelOom?.length) parts.push(`${f.kernelOom.length} kernel OOM line(s)`);
  return parts.join('; ');
}
