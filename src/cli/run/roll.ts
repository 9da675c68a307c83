// What `raftroll plan|roll` do once chosen: the rolling update under the cluster lease.

import { readFile, writeFile } from 'node:fs/promises';
import { type Lease, takeLease } from '../../cluster/lock.js';
import { ClusterSession } from '../../cluster/session.js';
import { Events, retryWarnings } from '../../events/events.js';
import { ganttMarkdown } from '../../events/gantt.js';
import { buildReport } from '../../events/report.js';
import { loadInventory, selectNodes, walRulesVersion } from '../../inventory/load.js';
import { inventoryFromScriptEnv } from '../../inventory/script-env.js';
import { withTag } from '../../node/spec.js';
import {
  DEFAULT_THRESHOLDS,
  type NodeThresholds,
  startTimeoutMsOf,
  stopGraceOf,
} from '../../node/thresholds.js';
import { ClusterViews } from '../../node/views.js';
import { finishNode } from '../../remediate/finish.js';
import { Rollout } from '../../rollout/rollout.js';
import { rulesFor } from '../../wal/versions.js';
import { EXIT, ExitError } from '../exit.js';
import { onInterrupt } from '../interrupt.js';
import { splitIds, value } from '../options.js';
import { printProgress } from '../progress.js';

export type Opts = Record<string, string | boolean | undefined>;

/** --extra-env or --extra-env-file (one of them): KEY=VALUE lines, or undefined. */
async function extraEnvOf(o: Opts): Promise<string | undefined> {
  if (o.extraEnv !== undefined && o.extraEnvFile !== undefined)
    throw new ExitError(EXIT.usage, 'give --extra-env or --extra-env-file, not both');
  if (o.extraEnvFile === undefined) return o.extraEnv as string | undefined;
  const file = String(o.extraEnvFile);
  return readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new ExitError(
      EXIT.usage,
      `--extra-env-file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}; expected a file of KEY=VALUE lines`,
    );
  });
}

/**
 * --take-over-stale: take the lease over from a run that is gone (never a live one), and finish
 * the node its journal shows in flight before the rollout goes on. Returns the lease to roll
 * under, or throws with where things stand.
 */
async function takeOverAndFinish(
  session: ClusterSession,
  image: string,
  events: Events,
  t: NodeThresholds,
  etcdVersion: string,
): Promise<Lease> {
  const warn = (node: string | undefined, message: string) =>
    events.emit({ type: 'warning', at: Date.now(), node, message });
  const lease = await takeLease(session, `raftroll roll ${image}`, {
    takeOverStale: true,
    image,
    onWarning: warn,
  });
  for (const x of lease.takenOver)
    process.stdout.write(
      `took over the stale lease on ${x.node} of ${x.previous.purpose} by ${x.previous.user}@${x.previous.host} pid ${x.previous.pid} (since ${x.previous.takenAt})\n`,
    );
  const run = {
    session,
    t,
    rules: rulesFor(etcdVersion),
    events,
    views: new ClusterViews(session),
    journal: lease,
  };
  for (const e of lease.inherited()) {
    const f = await finishNode(run, e);
    process.stdout.write(
      `finishing ${f.node} (the run died at ${f.phase}): ${f.outcome}: ${f.message}\n`,
    );
    if (f.outcome !== 'finished') {
      const kept = await lease.release();
      throw new ExitError(
        EXIT.failed,
        `${f.node} could not be finished, so the rollout did not go on${kept ? `; ${kept}` : ''}`,
      );
    }
  }
  return lease;
}

export async function rollAction(name: 'plan' | 'roll', o: Opts): Promise<void> {
  if (!o.inventory === !o.fromScriptEnv)
    throw new ExitError(EXIT.usage, 'give --inventory <file> or --from-script-env (one of them)');
  const fromEnv = o.fromScriptEnv ? inventoryFromScriptEnv(process.env) : undefined;
  const inv = fromEnv?.inv ?? (await loadInventory(String(o.inventory)));
  if (!o.image && !o.imageTag && fromEnv && process.env.IMAGE) o.image = process.env.IMAGE;
  if (!o.image && !o.imageTag)
    throw new ExitError(EXIT.usage, 'give --image-tag <tag> or --image <ref>');
  const image = o.image ? String(o.image) : withTag(inv.container.image, String(o.imageTag));
  const nodes =
    !o.nodes && fromEnv
      ? fromEnv.order
      : o.nodes
        ? selectNodes(inv, splitIds(o.nodes)).map((n) => n.id)
        : undefined;
  // A flag wins, then what the script's variables say, then raftroll's defaults.
  const script = fromEnv?.thresholds ?? {};
  const thresholds = {
    ...DEFAULT_THRESHOLDS,
    ...(script.handoverTimeoutMs ? { handoverTimeoutMs: script.handoverTimeoutMs } : {}),
    ...(script.leaderWaitMs ? { leaderWaitMs: script.leaderWaitMs } : {}),
    maxLag:
      o.maxLag === undefined && script.maxLag !== undefined
        ? script.maxLag
        : value('maxLag', o.maxLag)!,
    stopGraceSeconds: stopGraceOf(inv, value('stopGrace', o.stopGrace)),
    startTimeoutMs:
      o.startTimeout === undefined && script.startTimeoutMs
        ? script.startTimeoutMs
        : startTimeoutMsOf(inv, value('startTimeout', o.startTimeout)),
    catchUpTimeoutMs: value('catchUpTimeout', o.catchUpTimeout)! * 1000,
    stabilizeMs:
      o.stabilize === undefined && script.stabilizeMs !== undefined
        ? script.stabilizeMs
        : value('stabilize', o.stabilize)! * 1000,
  };
  for (const w of fromEnv?.warnings ?? []) process.stderr.write(`raftroll: warning: ${w}\n`);
  for (const n of fromEnv?.notes ?? []) process.stdout.write(`note: ${n}\n`);
  const overrides = {
    memory: (o.memory as string | undefined) ?? fromEnv?.overrides.memory,
    defaultEnv: (o.defaultEnv as string | undefined) ?? fromEnv?.overrides.defaultEnv,
    extraEnv: (await extraEnvOf(o)) ?? fromEnv?.overrides.extraEnv,
  };
  const events = new Events();
  printProgress(events);
  const interrupt = onInterrupt();
  const session = await ClusterSession.open(inv, { onRetry: retryWarnings(events) });
  try {
    const etcdVersion = walRulesVersion(inv, o.etcd as string | undefined);
    const lease =
      o.takeOverStale && name === 'roll'
        ? await takeOverAndFinish(session, image, events, thresholds, etcdVersion)
        : undefined;
    const r = await new Rollout(
      inv,
      session,
      {
        image,
        nodes,
        dryRun: name === 'plan',
        overrides,
        leaderLast: o.leaderLast !== false,
        etcdVersion,
        thresholds,
        signal: interrupt.signal,
        lease,
      },
      events,
    ).run();
    if (name === 'plan') {
      for (const row of r.rows) {
        process.stdout.write(
          `\n${row.node} (${row.roleBefore}): ${row.message}\n${(row.actions ?? []).map((a) => `    ${a}`).join('\n')}\n`,
        );
      }
    }
    const report = buildReport(events.log);
    if (o.jsonReport)
      await writeFile(String(o.jsonReport), `${JSON.stringify(report, null, 2)}\n`, {
        mode: 0o600,
      });
    if (o.timeline)
      await writeFile(
        String(o.timeline),
        ganttMarkdown(`${name} ${report.image}`, report.timeline, report.durationMs),
      );
    if (r.result === 'interrupted')
      throw new ExitError(EXIT.interrupted, r.message ?? 'interrupted');
    if (r.result !== 'success') throw new ExitError(EXIT.failed, r.message ?? 'the rollout failed');
  } finally {
    interrupt.dispose();
    await session.close();
  }
}
