// The job summary of a rollout: one row per node and the totals, drawn from the report only.
// Node ids and images come from the inventory and messages carry remote output: all of it is
// escaped, since GitHub renders the summary as Markdown with HTML.

import type { Phase } from '../events/events.js';
import { ganttMarkdown } from '../events/gantt.js';
import { type RolloutReport, walReadText } from '../events/report.js';
import type { Cancelled } from './cancel.js';
import { escapeMarkdown } from './markdown.js';

const cell = (s: string | number | undefined) => escapeMarkdown(String(s ?? ''));
const secs = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);

export function rolloutSummaryMarkdown(r: RolloutReport): string {
  const head = `### raftroll ${r.dryRun ? 'plan' : 'rollout'} to ${cell(r.image)}: ${cell(r.result)}`;
  const rows = r.nodes.map(
    (n) =>
      `| ${cell(n.node)} | ${cell(n.roleBefore)} | ${cell(n.imageBefore)} → ${cell(n.imageAfter)} | ${cell(n.wal)}${walReadText(n) ? ` (${cell(walReadText(n))})` : ''} | ${cell(n.handover)} | ${secs(n.downtimeMs)} | ${cell(n.finalLag)} | ${cell(n.result)}${n.message ? `: ${cell(n.message)}` : ''} |`,
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

/** What a cancelled run's summary says in its own words; commands are plain text, escaped. */
export interface CancelWords {
  /** "rollout to registry/kv:1.4.2" */
  title: string;
  /** What to do when no node was left half-done. */
  again: string;
  /** The commands that finish a node a kill left half-done, each with what it does. */
  finish: (node: string) => [command: string, what: string][];
}

const DIAGNOSE = 'raftroll diagnose --inventory <inventory>';
export const TAKE_OVER = 'raftroll remediate --inventory <inventory> --mode auto --take-over-stale';

/**
 * The summary of a run the moment it is cancelled, rewritten at each phase after: where it
 * stopped and what to run next. The same node and phase are the last line of that node's
 * journal, which is what `raftroll diagnose` reads.
 */
export function cancelledMarkdown(words: CancelWords, c: Cancelled): string {
  const w = c.where;
  const by = `${c.signals[0]}${c.signals.length > 1 ? ` (then ${c.signals.slice(1).join(', ')})` : ''}`;
  const lines = [`### raftroll ${cell(words.title)}: cancelled`, ''];
  const lockStays = `If this job was killed, its lock stays until it is taken over: ${cell(TAKE_OVER)} (or ${cell(DIAGNOSE)} first).`;
  if (!w) {
    lines.push(
      `Cancelled by ${by} at ${iso(c.at)}, before any node was begun: no node was changed.`,
      '',
      `Next: ${cell(words.again)}. ${lockStays}`,
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
      `Next: ${cell(words.again)}. ${lockStays}`,
    );
  else if (UNTOUCHED.has(w.phase))
    lines.push(
      `${node} had not been stopped yet: nothing on it was changed, and no further node is started.`,
      '',
      `Next: ${cell(words.again)}. ${lockStays}`,
    );
  else
    lines.push(
      `No further node is started; ${node} is being finished, which the runner may cut short. If this job was killed first, ${node} is left at ${cell(w.phase)}, and the journal beside its data directory says so.`,
      '',
      'Next:',
      '',
      `- ${cell(DIAGNOSE)}: names the node and phase left, and the command that finishes it;`,
      ...words.finish(w.node).map(([cmd, what]) => `- ${cell(cmd)}: ${cell(what)};`),
    );
  return lines.join('\n');
}

export function cancelledSummaryMarkdown(image: string, c: Cancelled): string {
  return cancelledMarkdown(
    {
      title: `rollout to ${image}`,
      again: 'run the rollout again; nodes already at the image are skipped',
      finish: (node) => [
        [
          `raftroll roll --inventory <inventory> --image ${image} --take-over-stale`,
          `finishes ${node} as its journal says (starts the new container or puts the old one back), then rolls on`,
        ],
        [TAKE_OVER, `instead of the roll: finishes ${node} and heals the rest`],
      ],
    },
    c,
  );
}
