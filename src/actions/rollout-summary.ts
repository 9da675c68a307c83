// The job summary of a rollout: one row per node and the totals, drawn from the report only.
// Node ids and images come from the inventory and messages carry remote output: all of it is
// escaped, since GitHub renders the summary as Markdown with HTML.

import { ganttMarkdown } from '../events/gantt.js';
import type { RolloutReport } from '../events/report.js';
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
