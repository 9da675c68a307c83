// The remediation action: read inputs, run the same engine as `raftroll remediate`, and render
// its result as log lines, one annotation, outputs, a JSON report and a job summary.

import { chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import type { ClusterSession } from '../../cluster/session.js';
import { Events } from '../../events/events.js';
import { ganttMarkdown } from '../../events/gantt.js';
import { factsLine } from '../../events/report.js';
import { type Inventory, selectNodes, walRulesVersion } from '../../inventory/load.js';
import { startTimeoutMsOf, stopGraceOf } from '../../node/thresholds.js';
import { lockReport, ReleaseRefused, releaseLock } from '../../remediate/lock-release.js';
import { fixableNodes, type RemediateResult, remediate } from '../../remediate/remediate.js';
import { cancelSignal } from '../cancel.js';
import { repoOf } from '../github/client.js';
import { reportIncident } from '../github/incident.js';
import { inventoryFromInput } from '../inventory-input.js';
import { logEvents, oneLine, openSession } from '../job-log.js';
import { escapeMarkdown } from '../markdown.js';
import { cancelledRemediationMarkdown, remediationSummaryMarkdown } from '../remediate-summary.js';
import { readSettings } from './inputs.js';

/** The nodes still wrong after the run, with a word on each: what the failure annotation says. */
export function openItems(r: RemediateResult): string[] {
  if (r.mode === 'diagnose')
    return r.findings
      .filter((f) => f.class !== 'healthy')
      .map((f) => `${f.node}: ${f.class} (${f.action}): ${f.why}`);
  return r.actions
    .filter((a) => ['failed', 'refused', 'reported', 'not-reached'].includes(a.outcome))
    .map((a) => `${a.node}: ${a.class} ${a.outcome}: ${a.message}`);
}

/** A stable name for the cluster, for its incident issue: the engine and its members. */
export function clusterName(inv: Inventory): string {
  return `${inv.engine} ${[...inv.nodes.map((n) => n.id)].sort().join(',')}`;
}

function inputNodes(inv: Inventory, ids: string[] | undefined): Inventory['nodes'] {
  try {
    return selectNodes(inv, ids);
  } catch (e) {
    throw new Error(`input nodes: ${(e as Error).message}`);
  }
}

/** lock-status and release-lock: the same as `raftroll lock status|release`, as a step. */
async function lockMode(
  session: ClusterSession,
  mode: 'lock-status' | 'release-lock',
  force: boolean,
): Promise<void> {
  const status = await lockReport(session);
  for (const l of status.lines) core.info(l);
  const lines = [...status.lines];
  if (mode === 'release-lock') {
    try {
      const { released } = await releaseLock(session, {
        force,
        say: (l) => {
          core.info(l);
          lines.push(l);
        },
      });
      core.setOutput('released', released.join(','));
    } catch (e) {
      if (!(e instanceof ReleaseRefused)) throw e;
      core.error(e.message, { title: 'raftroll: lock not released' });
      lines.push(`refused: ${e.message}`);
      process.exitCode = 1;
    }
  }
  core.setOutput('lock-held', String(status.held));
  core.setOutput(
    'result',
    mode === 'lock-status'
      ? status.held
        ? 'held'
        : 'free'
      : process.exitCode
        ? 'refused'
        : 'released',
  );
  await core.summary
    .addRaw(
      `### raftroll ${mode}\n\n${lines.map((l) => `- ${escapeMarkdown(l)}`).join('\n')}\n`,
      true,
    )
    .write();
}

export async function run(): Promise<void> {
  let session: ClusterSession | undefined;
  try {
    const s = readSettings();
    const base = process.env.RUNNER_TEMP || tmpdir();
    const inv = await inventoryFromInput(s.inventory, base);
    const etcdVersion = walRulesVersion(inv, s.etcdVersion);
    const nodes = inputNodes(inv, s.nodes);
    core.info(`raftroll remediation, mode ${s.mode}, nodes ${nodes.map((n) => n.id).join(', ')}`);
    // Untrusted text: quoted on one line, so it can never start a workflow command.
    if (s.reason) core.info(`reason: ${JSON.stringify(s.reason)}`);
    const events = new Events();
    if (s.lockMode) {
      session = await openSession(inv, s, base, events);
      await lockMode(session, s.lockMode, s.forceRelease);
      return;
    }
    const closeGroup = logEvents(events, (node) => `heal ${node}`);
    session = await openSession(inv, s, base, events);
    const signal = cancelSignal({
      events,
      render: (c) => cancelledRemediationMarkdown(s.mode, c),
    });
    const startedAt = new Date();
    const r = await remediate(session, nodes, {
      mode: s.mode,
      etcdVersion,
      thresholds: {
        maxLag: s.maxLag,
        memoryPressure: s.memoryPressure,
        crashLoopRestarts: s.crashLoopRestarts,
      },
      rollout: {
        stabilizeMs: s.stabilizeSeconds * 1000,
        catchUpTimeoutMs: s.catchUpTimeoutSeconds * 1000,
        stopGraceSeconds: stopGraceOf(inv, s.stopGraceSeconds),
        startTimeoutMs: startTimeoutMsOf(inv, s.startTimeoutSeconds),
      },
      reseed: s.allowReseed,
      events,
      signal,
    });
    closeGroup();
    const report = {
      result: r.result,
      mode: r.mode,
      reason: s.reason ?? null,
      allowReseed: s.allowReseed,
      nodes: nodes.map((n) => n.id),
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      findings: r.findings,
      actions: r.actions,
      timeline: r.timeline,
    };
    await writeFile(s.reportPath, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
    await chmod(s.reportPath, 0o600); // an existing file keeps its mode otherwise
    core.setOutput('result', r.result);
    core.setOutput(
      'findings',
      JSON.stringify(
        r.findings.map((f) => ({
          node: f.node,
          class: f.class,
          all: f.all,
          action: f.action,
          why: f.why,
          facts: factsLine(f),
        })),
      ),
    );
    core.setOutput('actions', JSON.stringify(r.actions));
    const fix = fixableNodes(r.findings, s.allowReseed);
    core.setOutput('fixable', String(fix.length > 0));
    core.setOutput('fixable-nodes', fix.join(','));
    core.setOutput('report', s.reportPath);
    const summary = remediationSummaryMarkdown({
      result: r.result,
      mode: r.mode,
      reason: s.reason,
      findings: r.findings.map((f) => ({ ...f, facts: factsLine(f) })),
      actions: r.actions,
    });
    const chart = r.timeline.length
      ? `\n### Timeline\n\n${ganttMarkdown(`remediate (${r.mode})`, r.timeline, report.durationMs)}`
      : '';
    // Overwrites what a cancel wrote while the run went on.
    await core.summary.addRaw(summary + chart, true).write({ overwrite: true });
    if (s.incidentIssue) {
      const gh = repoOf(s.token, 'incident issue');
      const cluster = s.cluster ?? clusterName(inv);
      const done = gh
        ? await reportIncident(gh, {
            cluster,
            healthy: r.result === 'healthy',
            title: `raftroll: ${cluster} needs attention`,
            body: `${summary}${chart}\n\n[The run](${gh.runUrl})\n\n<details><summary>JSON report</summary>\n\n\`\`\`json\n${JSON.stringify(report, null, 2)}\n\`\`\`\n</details>\n`,
          })
        : { action: 'none' as const };
      core.setOutput('incident', done.action);
      if (done.number) core.setOutput('incident-number', String(done.number));
    }
    // A sweep that finds something goes red so someone is told; healthy and healed are green.
    if (r.result === 'failed' || r.result === 'attention') {
      const open = openItems(r);
      const title =
        r.result === 'failed'
          ? 'raftroll: remediation failed'
          : `raftroll: ${open.length} node${open.length === 1 ? '' : 's'} need${open.length === 1 ? 's' : ''} attention`;
      // One annotation, titled (setFailed would add a second, untitled).
      core.error(open.map(oneLine).join('\n') || `remediation result: ${r.result}`, { title });
      process.exitCode = 1;
    }
  } catch (e) {
    core.setFailed(e instanceof Error ? e.message : String(e));
  } finally {
    await session?.close().catch((e: Error) => core.warning(`cleanup: ${e.message}`));
  }
}
