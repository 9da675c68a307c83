// The job summary of a rollout: one row per node and the totals, drawn from the report only.
// Node ids and images come from the inventory and messages carry remote output: all of it is
// escaped, since GitHub renders the summary as Markdown with HTML.

import type { Phase } from '../events/events.js';
import { ganttMarkdown } from '../events/gantt.js';
import type { RolloutReport } from '../events/report.js';
import type { Cancelled } from './cancel.js';
import { escapeMarkdown } from './markdown.js';

const cell = (s: string | number | undefined) => escapeMarkdown(String(s ?? ''));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const secs = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);

export function rolloutSummaryMarkdown(r: RolloutReport): string {
  const head = `### raftroll ${r.dryRun ? 'plan' : 'rollout'} to ${cell(r.image)}: ${cell(r.result)}`;
  const rows = r.nodes.map(
    (n) =>
      `| ${cell(n.node)} | ${cell(n.roleBefore)} | ${cell(n.imageBefore)} → ${cell(n.imageAfter)} | ${cell(n.wal)}${n.walBytesRead !== undefined ? ` (${mib(n.walBytesRead)} read)` : ''} | ${cell(n.handover)} | ${secs(n.downtimeMs)} | ${cell(n.finalLag)} | ${cell(n.result)}${n.message ? `: ${cell(n.message)}` : ''} |`,
  );
  const t = r.totals;
  return [
    head,
    '',
    r.message ? `> ${cell(r.message)}\n` : '',
    r.result === 'interrupted'
      ? 'Next: run the rollout again; nodes already at the image are skipped.\n'
      : '',
    '| node | role before | image | WAL | leader handover | down (stop → caught up) | final lag | result |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `**Totals:** ${t.updated} updated, ${t.skipped} skipped, ${t.failed + t.rolledBack} failed (${t.rolledBack} rolled back)${r.dryRun ? `, ${t.planned} planned` : ''} in ${secs(r.durationMs)}.`,
    '',
    ...(r.timeline.some((p) => p.phase !== 'observe' && p.phase !== 'done')
      ? ['### Timeline', '', ganttMarkdown(`rollout to ${r.image}`, r.timeline, r.durationMs)]
      : []),
  ].join('\n');
}

// Phases in which the node has not been touched yet: a kill leaves nothing half-done there.
const UNTOUCHED: ReadonlySet<Phase> = new Set(['observe', 'skip', 'guard', 'handover']);

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The summary of a rollout the moment it is cancelled, rewritten at each phase after: where it
 * stopped and what to run next. The same node and phase are the last line of that node's
 * journal, which is what `raftroll diagnose` reads.
 */
export function cancelledSummaryMarkdown(image: string, c: Cancelled): string {
  const w = c.where;
  const by = `${c.signals[0]}${c.signals.length > 1 ? ` (then ${c.signals.slice(1).join(', ')})` : ''}`;
  const roll = `raftroll roll --inventory <inventory> --image ${image} --take-over-stale`;
  const lines = [`### raftroll rollout to ${cell(image)}: cancelled`, ''];
  if (!w) {
    lines.push(
      `Cancelled by ${by} at ${iso(c.at)}, before any node was begun: no node was changed.`,
      '',
      `Next: run the rollout again. If this job was killed, its lock stays until it is taken over: ${cell(roll)}.`,
    );
    return lines.join('\n');
  }
  const node = cell(w.node);
  lines.push(
    `Cancelled by ${by} at ${iso(c.at)} while ${node} was at ${cell(w.phase)} (since ${iso(w.since)}).`,
    '',
  );
  if (w.phase === 'done')
    lines.push(
      `${node} had finished; no further node is started.`,
      '',
      `Next: run the rollout again; nodes already at the image are skipped. If this job was killed, its lock stays until it is taken over: ${cell(roll)}.`,
    );
  else if (UNTOUCHED.has(w.phase))
    lines.push(
      `${node} had not been stopped yet: nothing on it was changed, and no further node is started.`,
      '',
      `Next: run the rollout again. If this job was killed, its lock stays until it is taken over: ${cell(roll)}.`,
    );
  else
    lines.push(
      `No further node is started; ${node} is being finished, which the runner may cut short. If this job was killed first, ${node} is left at ${cell(w.phase)}, and the journal beside its data directory says so.`,
      '',
      'Next:',
      '',
      `- ${cell('raftroll diagnose --inventory <inventory>')}: names the node and phase left, and the command that finishes it;`,
      `- ${cell(roll)}: finishes ${node} as its journal says (starts the new container or puts the old one back), then rolls on;`,
      `- or ${cell('raftroll remediate --inventory <inventory> --mode auto --take-over-stale')}: finishes ${node} and heals the rest.`,
    );
  return lines.join('\n');
}
