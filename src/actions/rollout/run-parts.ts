// What the roll and the membership modes of the rollout action share: the thresholds read from
// the inputs, and the report written out as outputs and a job summary.

import { writeFile } from 'node:fs/promises';
import * as core from '@actions/core';
import type { RolloutReport } from '../../events/report.js';
import type { Inventory } from '../../inventory/load.js';
import {
  DEFAULT_THRESHOLDS,
  type NodeThresholds,
  startTimeoutMsOf,
  stopGraceOf,
} from '../../node/thresholds.js';
import { rolloutSummaryMarkdown } from '../rollout-summary.js';
import type { RolloutSettings } from './inputs.js';

export function thresholdsOf(inv: Inventory, s: RolloutSettings): NodeThresholds {
  return {
    ...DEFAULT_THRESHOLDS,
    maxLag: s.maxLag,
    stopGraceSeconds: stopGraceOf(inv, s.stopGraceSeconds),
    startTimeoutMs: startTimeoutMsOf(inv, s.startTimeoutSeconds),
    catchUpTimeoutMs: s.catchUpTimeoutSeconds * 1000,
    stabilizeMs: s.stabilizeSeconds * 1000,
  };
}

/** The JSON report file, the step's outputs and the job summary (replacing any earlier one). */
export async function publishReport<R extends RolloutReport>(
  s: RolloutSettings,
  report: R,
): Promise<void> {
  await writeFile(s.reportPath, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  core.setOutput('result', report.result);
  core.setOutput('updated', String(report.totals.updated));
  core.setOutput('skipped', String(report.totals.skipped));
  core.setOutput('failed', String(report.totals.failed + report.totals.rolledBack));
  core.setOutput('report', s.reportPath);
  await core.summary.addRaw(rolloutSummaryMarkdown(report), true).write({ overwrite: true });
}
