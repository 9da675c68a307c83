// The rollout action: read inputs, run the same engine as `raftroll roll`, and render its events
// as log groups, annotations, outputs and a job summary.

import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import type { ClusterSession } from '../../cluster/session.js';
import { Events } from '../../events/events.js';
import { buildReport } from '../../events/report.js';
import { walRulesVersion } from '../../inventory/load.js';
import { withTag } from '../../node/spec.js';
import { Rollout } from '../../rollout/rollout.js';
import { cancelSignal } from '../cancel.js';
import { guardEnvironment } from '../github/branch-policy.js';
import { repoOf } from '../github/client.js';
import { DeploymentRecord, deploymentOutcome } from '../github/deployment.js';
import { inventoryFromInput } from '../inventory-input.js';
import { logEvents, openSession } from '../job-log.js';
import { cancelledSummaryMarkdown } from '../rollout-summary.js';
import { readSettings } from './inputs.js';
import { membershipPlan, runMembershipMode } from './membership.js';
import { publishReport, thresholdsOf } from './run-parts.js';

export async function run(): Promise<void> {
  let session: ClusterSession | undefined;
  try {
    const s = readSettings();
    const base = process.env.RUNNER_TEMP || tmpdir();
    const given = await inventoryFromInput(s.inventory, base);
    // Every mode holds the key that may change the nodes.
    await guardEnvironment(s.token, s.environment);
    const events = new Events();
    logEvents(events, (node) => `node ${node}`);
    if (s.mode !== 'roll') {
      const plan = membershipPlan(given, s);
      session = await openSession(plan.inv, s, base, events);
      await runMembershipMode(plan.inv, plan.change, s, session, events);
      return;
    }
    const inv = given;
    const image = s.image ?? withTag(inv.container.image, s.imageTag!);
    session = await openSession(inv, s, base, events);
    const signal = cancelSignal({
      events,
      render: (c) => cancelledSummaryMarkdown(image, c),
    });
    const gh = !s.dryRun && s.deployments ? repoOf(s.token, 'deployment record') : undefined;
    const deployment = gh
      ? await DeploymentRecord.start(gh, {
          environment: s.environment,
          ref: process.env.GITHUB_SHA || image,
          description: `raftroll roll to ${image}`,
          payload: { image, nodes: s.nodes ?? inv.nodes.map((n) => n.id), engine: inv.engine },
        })
      : undefined;
    await deployment?.status('in_progress', `rolling to ${image}`);
    // A cancelled run is usually killed before it ends: its deployment says so at the first
    // signal, rather than staying in progress.
    signal.addEventListener(
      'abort',
      () =>
        void deployment?.status(
          'error',
          'cancelled: no further node is started; the job summary says where it stopped',
        ),
      { once: true },
    );
    const result = await new Rollout(
      inv,
      session,
      {
        image,
        nodes: s.nodes,
        dryRun: s.dryRun,
        overrides: { memory: s.memory, defaultEnv: s.defaultEnv, extraEnv: s.extraEnv },
        etcdVersion: walRulesVersion(inv, s.etcdVersion),
        signal,
        thresholds: thresholdsOf(inv, s),
      },
      events,
    ).run();
    const report = buildReport(events.log);
    // Overwrites the summary a cancel wrote while the run went on.
    await publishReport(s, report);
    if (deployment) {
      const end = deploymentOutcome(report);
      await deployment.status(end.state, end.description);
    }
    if (result.result !== 'success') {
      const where = result.node
        ? `${result.node} failed${result.phase ? ` at ${result.phase}` : ''}`
        : 'rollout failed';
      // One annotation, titled with the node and phase (setFailed would add a second, untitled).
      core.error(result.message ?? 'the rollout failed', { title: `raftroll: ${where}` });
      process.exitCode = 1;
    }
  } catch (e) {
    core.setFailed(e instanceof Error ? e.message : String(e));
  } finally {
    await session?.close().catch((e: Error) => core.warning(`cleanup: ${e.message}`));
  }
}
