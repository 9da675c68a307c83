// What `raftroll diagnose|remediate` do once chosen: find what is wrong with each node and
// (mode auto) apply the smallest safe fix.

import { writeFile } from 'node:fs/promises';
import { finishCommand } from '../../cluster/lock-status.js';
import { ClusterSession } from '../../cluster/session.js';
import { Events, retryWarnings } from '../../events/events.js';
import { ganttMarkdown } from '../../events/gantt.js';
import { walRulesVersion } from '../../inventory/load.js';
import { startTimeoutMsOf, stopGraceOf } from '../../node/thresholds.js';
import { type Mode, remediate } from '../../remediate/remediate.js';
import { EXIT, ExitError, print } from '../exit.js';
import { onInterrupt } from '../interrupt.js';
import { value } from '../options.js';
import { printProgress } from '../progress.js';
import { inventoryAndNodes } from './inventory.js';

export type Opts = Record<string, string | boolean | undefined>;

export async function remediateAction(o: Opts, mode: Mode, findingsOnly: boolean): Promise<void> {
  const thresholds = {
    maxLag: value('maxLag', o.maxLag)!,
    memoryPressure: value('memoryPressure', o.memoryPressure)!,
    crashLoopRestarts: value('crashLoopRestarts', o.crashLoopRestarts)!,
  };
  const { inv, nodes } = await inventoryAndNodes(String(o.inventory), o.nodes);
  const rollout =
    mode === 'auto'
      ? {
          stabilizeMs: value('stabilize', o.stabilize)! * 1000,
          catchUpTimeoutMs: value('catchUpTimeout', o.catchUpTimeout)! * 1000,
          startTimeoutMs: startTimeoutMsOf(inv, value('startTimeout', o.startTimeout)),
          stopGraceSeconds: stopGraceOf(inv, value('stopGrace', o.stopGrace)),
        }
      : undefined;
  const etcdVersion = walRulesVersion(inv, o.etcd as string | undefined);
  const events = new Events();
  const session = await ClusterSession.open(inv, { onRetry: retryWarnings(events) });
  const interrupt = onInterrupt();
  const t0 = Date.now();
  try {
    if (!o.json) printProgress(events);
    const r = await remediate(session, nodes, {
      mode,
      etcdVersion,
      thresholds,
      rollout,
      reseed: !!o.allowReseed,
      events,
      signal: interrupt.signal,
      takeOverStale: !!o.takeOverStale,
    });
    const interrupted = r.interrupted.map((x) => ({
      ...x,
      command: x.known ? finishCommand(x, String(o.inventory)) : 'check that host by hand',
    }));
    if (o.jsonReport)
      await writeFile(String(o.jsonReport), `${JSON.stringify({ ...r, interrupted }, null, 2)}\n`, {
        mode: 0o600,
      });
    if (o.timeline)
      await writeFile(
        String(o.timeline),
        ganttMarkdown(`remediate (${mode})`, r.timeline, Date.now() - t0),
      );
    if (o.json) print(true, findingsOnly ? r.findings : { ...r, interrupted }, '');
    else {
      for (const x of interrupted)
        process.stdout.write(
          x.known
            ? `interrupted run: ${x.holder}${x.stale ? ' (gone: its lease is stale)' : ' (still alive)'} left ${x.entry.node} at ${x.entry.phase} since ${x.entry.at}; to finish: ${x.command}\n`
            : `interrupted run: the journal on ${x.host} names ${x.entry.node}, which is not in the inventory (at ${x.entry.phase}); check that host by hand\n`,
        );
      for (const f of r.finished)
        process.stdout.write(
          `finished ${f.node} (the run died at ${f.phase}): ${f.outcome}: ${f.message}\n`,
        );
      for (const d of r.findings)
        if (d.facts.staleBackups.length)
          process.stdout.write(`${d.node}: stale backups: ${d.facts.staleBackups.join(', ')}\n`);
      process.stdout.write(`${r.result}\n`);
    }
    if (interrupt.signal.aborted)
      throw new ExitError(
        EXIT.interrupted,
        'interrupted; the node being healed was finished first',
      );
    if (r.result !== 'healthy' && r.result !== 'healed') throw new ExitError(EXIT.failed, '');
  } finally {
    interrupt.dispose();
    await session.close();
  }
}
