// A cancelled workflow sends SIGINT, then SIGTERM a few seconds later, then kills the process.
// Either signal asks the run to begin no other node; the step in flight is finished if GitHub
// leaves it the time, and the next diagnosis shows whatever a kill left behind.
//
// The kill gives no warning, so the job summary is written the moment the first signal comes,
// and again at every phase the run reaches after it: whenever the kill lands, the summary names
// the node and phase the run had begun, as the node's journal (written before each phase) does.

import { renameSync, writeFileSync } from 'node:fs';
import * as core from '@actions/core';
import type { Events, Phase } from '../events/events.js';

/** Where a run stood: the node it was working on and the phase it had begun. */
export interface Where {
  node: string;
  phase: Phase;
  /** When the phase began (ms since the epoch). */
  since: number;
}

export interface Cancelled {
  /** The signals received, in order (GitHub: SIGINT, then SIGTERM). */
  signals: string[];
  /** When the first one came. */
  at: number;
  /** Undefined: no node had been begun. */
  where?: Where;
}

export interface CancelSummary {
  events: Events;
  /** The job summary for a run cancelled where `c` says. */
  render(c: Cancelled): string;
}

/**
 * Replaces the step's summary file in one step (a new file renamed over it), so a kill during
 * the write leaves the previous text rather than half of the new one.
 */
function writeSummaryNow(markdown: string): void {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  const next = `${path}.raftroll-${process.pid}`;
  try {
    writeFileSync(next, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
    renameSync(next, path);
  } catch (e) {
    core.warning(`could not write the job summary ${path}: ${(e as Error).message}`);
  }
}

export function cancelSignal(summary?: CancelSummary): AbortSignal {
  const abort = new AbortController();
  let where: Where | undefined;
  let ended = false;
  const signals: string[] = [];
  let at = 0;
  const write = () => {
    if (summary && signals.length && !ended)
      writeSummaryNow(summary.render({ signals, at, ...(where ? { where } : {}) }));
  };
  summary?.events.on((e) => {
    if (e.type === 'phase') {
      where = { node: e.node, phase: e.phase, since: e.at };
      write();
    }
    // From here on the action writes the summary of the whole run itself.
    if (e.type === 'rollout-end') ended = true;
  });
  const stop = (sig: string) => () => {
    signals.push(sig);
    at ||= Date.now();
    // Exit non-zero even if the node in flight was the last one and finishes cleanly.
    process.exitCode ||= 130;
    write();
    const current =
      !where || where.phase === 'done'
        ? 'no node is in flight'
        : `${where.node} (at ${where.phase}) is being finished, which GitHub may cut short`;
    core.warning(`${sig}: no further node will be started; ${current}`);
    abort.abort();
  };
  process.once('SIGINT', stop('SIGINT'));
  process.once('SIGTERM', stop('SIGTERM'));
  return abort.signal;
}
