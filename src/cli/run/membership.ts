// What `raftroll join` and `raftroll replace` do once chosen: the membership change, its
// thresholds, and its report. Loaded only when one of them runs.

import { writeFile } from 'node:fs/promises';
import { ClusterSession } from '../../cluster/session.js';
import { Events, retryWarnings } from '../../events/events.js';
import { ganttMarkdown } from '../../events/gantt.js';
import { buildReport } from '../../events/report.js';
import { type Inventory, loadInventory, walRulesVersion } from '../../inventory/load.js';
import {
  changeMembership,
  joiningNode,
  type MembershipChange,
  movedInventory,
} from '../../membership/run.js';
import { withTag } from '../../node/spec.js';
import { DEFAULT_THRESHOLDS, startTimeoutMsOf, stopGraceOf } from '../../node/thresholds.js';
import { EXIT, ExitError } from '../exit.js';
import { value } from '../options.js';
import { printProgress } from '../progress.js';

export type Opts = Record<string, string | boolean | undefined>;

async function runMembership(inv: Inventory, change: MembershipChange, o: Opts): Promise<void> {
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

export async function joinAction(o: Opts): Promise<void> {
  const inv = await loadInventory(String(o.inventory));
  const node = joiningNode(inv, String(o.node));
  await runMembership(inv, { kind: 'join', id: node.id }, o);
}

export async function replaceAction(o: Opts): Promise<void> {
  const inv = await loadInventory(String(o.inventory));
  const moved = movedInventory(
    inv,
    String(o.node),
    String(o.host),
    o.ssh === undefined ? undefined : String(o.ssh),
  );
  await runMembership(moved.inv, { kind: 'replace', old: moved.old }, o);
  process.stdout.write(`update ${inv.source}: node ${moved.old.id} is now on ${o.host}\n`);
}
