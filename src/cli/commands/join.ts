// raftroll join: a fresh node of the inventory becomes a voting member. The options, the
// thresholds and the run with its report are shared with replace, which imports them from here.

import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ClusterSession } from '../../cluster/session.js';
import { Events, retryWarnings } from '../../events/events.js';
import { ganttMarkdown } from '../../events/gantt.js';
import { buildReport } from '../../events/report.js';
import { type Inventory, loadInventory, walRulesVersion } from '../../inventory/load.js';
import { changeMembership, joiningNode, type MembershipChange } from '../../membership/run.js';
import { withTag } from '../../node/spec.js';
import { DEFAULT_THRESHOLDS, startTimeoutMsOf, stopGraceOf } from '../../node/thresholds.js';
import { EXIT, ExitError } from '../exit.js';
import { clusterEtcdOption, flag, inventoryOption, value } from '../options.js';
import { printProgress } from '../progress.js';

export type Opts = Record<string, string | boolean | undefined>;

/** The options both commands take. */
export function membershipOptions(c: Command): Command {
  return c
    .addOption(inventoryOption().makeOptionMandatory())
    .requiredOption('--node <id>', 'the node (its id in the inventory)')
    .option('--image-tag <tag>', "the tag of the inventory's image to run (default: its own)")
    .option('--image <ref>', 'the full image reference to run (instead of --image-tag)')
    .addOption(flag('maxLag'))
    .addOption(flag('stopGrace'))
    .addOption(flag('startTimeout'))
    .addOption(flag('catchUpTimeout'))
    .addOption(flag('stabilize'))
    .addOption(clusterEtcdOption())
    .option('--json-report <file>', 'write the report as JSON to this file')
    .option('--timeline <file.md>', "write the node's phases as a Mermaid gantt chart")
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 refused or failed (the message says why and where things stand), 2 bad input.',
    );
}

export async function runMembership(
  inv: Inventory,
  change: MembershipChange,
  o: Opts,
): Promise<void> {
  if (o.image && o.imageTag)
    throw new ExitError(EXIT.usage, 'give --image or --image-tag, not both');
  const image = o.image
    ? String(o.image)
    : o.imageTag
      ? withTag(inv.container.image, String(o.imageTag))
      : inv.container.image;
  const thresholds = {
    ...DEFAULT_THRESHOLDS,
    maxLag: value('maxLag', o.maxLag)!,
    stopGraceSeconds: stopGraceOf(inv, value('stopGrace', o.stopGrace)),
    startTimeoutMs: startTimeoutMsOf(inv, value('startTimeout', o.startTimeout)),
    catchUpTimeoutMs: value('catchUpTimeout', o.catchUpTimeout)! * 1000,
    stabilizeMs: value('stabilize', o.stabilize)! * 1000,
  };
  const etcdVersion = walRulesVersion(inv, o.etcd as string | undefined);
  const events = new Events();
  printProgress(events);
  const session = await ClusterSession.open(inv, { onRetry: retryWarnings(events) });
  try {
    const r = await changeMembership(session, change, { image, etcdVersion, thresholds, events });
    const report = buildReport(events.log);
    if (o.jsonReport)
      await writeFile(
        String(o.jsonReport),
        `${JSON.stringify({ ...report, outcome: r.outcome }, null, 2)}\n`,
        { mode: 0o600 },
      );
    if (o.timeline)
      await writeFile(
        String(o.timeline),
        ganttMarkdown(
          `${change.kind} ${report.order.join(',')}`,
          report.timeline,
          report.durationMs,
        ),
      );
    process.stdout.write(`${r.outcome}: ${r.message}\n`);
    if (r.outcome === 'refused' || r.outcome === 'failed') throw new ExitError(EXIT.failed, '');
  } finally {
    await session.close();
  }
}

export function joinCommand(program: Command): void {
  membershipOptions(
    program
      .command('join')
      .description(
        'join a fresh node (a new host entry of the inventory): add it as a learner, start it with the joining flags, promote it once caught up, then redeploy it as a normal member; refused while any member is unhealthy or if it is a voter already',
      ),
  ).action(async (o: Opts) => {
    const inv = await loadInventory(String(o.inventory));
    const node = joiningNode(inv, String(o.node));
    await runMembership(inv, { kind: 'join', id: node.id }, o);
  });
}
