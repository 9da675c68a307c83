// The job summary of a remediation: mode, reason and result, then one row per node drawn from
// the findings and the heal results only. Pure: the same result always gives the same text.

import type { Cancelled } from './cancel.js';
import { escapeMarkdown } from './markdown.js';
import { cancelledMarkdown, TAKE_OVER } from './rollout-summary.js';

/** What a row needs of a finding (a Diagnosis has more). */
export interface SummaryFinding {
  node: string;
  class: string;
  all: string[];
  action: string;
  why: string;
  /** The facts behind it in one line (role, lag, memory, disk, WAL, backups). */
  facts?: string;
}

/** What a row needs of a heal result (a HealResult). */
export interface SummaryAction {
  node: string;
  class: string;
  action: string;
  outcome: string;
  message: string;
}

export interface RemediationSummaryInput {
  result: string;
  mode: string;
  findings: SummaryFinding[];
  actions: SummaryAction[];
  /** Free text from whoever asked: untrusted, shown escaped and shortened. */
  reason?: string;
}

/** The longest reason shown; the report keeps all of it. */
export const REASON_LIMIT = 500;

function shorten(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit).join('')}…`;
}

const RESULT_LINE: Record<string, string> = {
  healthy: 'Nothing was wrong.',
  healed: 'Everything found was fixed.',
  attention: 'Something is still wrong and needs a person.',
  failed: 'A fix was tried and did not work, or the quorum guard refused it.',
};

function classes(f: SummaryFinding): string {
  const others = f.all.filter((c) => c !== f.class);
  return others.length > 0 ? `${f.class} (also ${others.join(', ')})` : f.class;
}

function outcome(a: SummaryAction | undefined, f: SummaryFinding | undefined, mode: string) {
  if (a) return `${a.outcome}${a.message ? `: ${a.message}` : ''}`;
  if (f && f.class !== 'healthy' && mode === 'diagnose') return 'not changed (diagnose)';
  return '';
}

export function remediationSummaryMarkdown(r: RemediationSummaryInput): string {
  const md = escapeMarkdown;
  const rows: string[] = [];
  const byNode = new Map(r.actions.map((a) => [a.node, a]));
  for (const f of r.findings) {
    const a = byNode.get(f.node);
    rows.push(
      `| ${md(f.node)} | ${md(classes(f))} | ${md(f.action)} | ${md(outcome(a, f, r.mode))} | ${md(f.why)} | ${md(f.facts ?? '')} |`,
    );
  }
  const found = new Set(r.findings.map((f) => f.node));
  for (const a of r.actions.filter((x) => !found.has(x.node))) {
    rows.push(
      `| ${md(a.node)} | ${md(a.class)} | ${md(a.action)} | ${md(outcome(a, undefined, r.mode))} |  |  |`,
    );
  }
  const reason = r.reason?.trim();
  return [
    `### raftroll remediation (${md(r.mode)}): ${md(r.result)}`,
    '',
    `**Mode:** ${md(r.mode)}${r.mode === 'diagnose' ? ' (read only: nothing was changed)' : ''}  `,
    `**Reason:** ${reason ? md(shorten(reason, REASON_LIMIT)) : '(none given)'}  `,
    `**Result:** ${md(r.result)}${RESULT_LINE[r.result] ? `: ${RESULT_LINE[r.result]}` : ''}`,
    '',
    '| node | class | action | outcome | why | facts |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The summary of a remediation the moment it is cancelled (see cancelledMarkdown). */
export function cancelledRemediationMarkdown(mode: string, c: Cancelled): string {
  return cancelledMarkdown(
    {
      title: `remediation (${mode})`,
      again: 'run the remediation again',
      finish: (node) => [[TAKE_OVER, `finishes ${node} as its journal says, then heals the rest`]],
    },
    c,
  );
}
