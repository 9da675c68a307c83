// What is done to one node, in order: guard, handover (if it leads), graceful stop, WAL check
// (a torn tail repaired, a corrupt log refused), start (a new container, or its own again),
// catch-up. A new container that does not come back gets the previous one back. The rollout
// and the heal both come through here.

import type { JournalEntry } from '../cluster/journal.js';
import type { NodeView } from '../cluster/observe.js';
import type { NodeRow, Phase } from '../events/events.js';
import type { AfterStop } from '../remote/read-ahead.js';
import * as containers from '../runtime/containers.js';
import * as docker from '../runtime/docker.js';
import { catchUp } from './catch-up.js';
import { journal, type NodeContext, phase, specRef, warn } from './context.js';
import { StepError } from './errors.js';
import { guardNode, leadsNow } from './guard.js';
import { handover } from './handover.js';
import { type PreStop, readsBeforeStop } from './pre-stop.js';
import { restartOriginal, rollback } from './rollback.js';
import { stopNode } from './stop.js';
import { checkWal, type EarlyRead, sendFirstReads, walFiles } from './wal.js';

export interface ReplaceOptions {
  /** A target that is already down may be worked on while peers are down too. */
  allowDownTarget?: boolean;
  /** Start the node's own container again (same image, env and overrides) instead of ctx.spec. */
  inPlace?: boolean;
  /** The reads before the stop, when the caller sent them out already (see readsBeforeStop). */
  pre?: PreStop;
  /**
   * Takes the work left once the new container has caught up (the previous container's
   * removal, the env file's, the `done` line) instead of waiting for it: the caller may look at
   * the next node meanwhile, and must wait for it before changing anything. It rejects when the
   * `done` line could not be written.
   */
  finishLater?: (finishing: Promise<void>) => void;
}

/**
 * Runs the procedure on a node seen as `v` (within `views`); fills and returns `row`. Throws
 * StepError with the node and phase on any failure, carrying the row once the node was stopped.
 */
export async function replaceNode(
  ctx: NodeContext,
  v: NodeView,
  views: NodeView[],
  row: NodeRow,
  o: ReplaceOptions = {},
): Promise<NodeRow> {
  const allowDown = !!o.allowDownTarget;
  // Before the guard, so that the time they take does not stand between the guard's checks and
  // the stop they allow; the guard's look for a leftover previous container goes beside them.
  const pre = o.pre ?? readsBeforeStop(ctx);
  const early = await pre.early;
  row.walBytesReadBeforeStop = early.bytes;
  if (early.problem) warn(ctx, early.problem);
  for (const note of early.notes ?? []) warn(ctx, note);
  // The new container's env file is written before the stop, so that its round trips do not
  // lengthen the downtime. Every way out below removes it.
  const prepared = o.inPlace && v.container ? undefined : containers.prepare(ctx.host, ctx.spec);
  // Its failure is met at the start, where it is awaited; until then it waits unobserved.
  prepared?.catch(() => {});
  // The journal names both containers from the first step on: a later run that finds this
  // node half-done knows what it ran and what it was going to run.
  const specs = {
    ...(v.container ? { old: specRef(ctx, v.container) } : {}),
    new: o.inPlace && v.container ? specRef(ctx, v.container) : specRef(ctx, ctx.spec),
  };
  let wasDown: boolean;
  let stoppedAt: number;
  let stop: Awaited<ReturnType<typeof stopNode>>;
  const files = walFiles(ctx);
  // The WAL step's first reads go out beside the stop of a running container and wait on its
  // host for it to be down: they cost no round trip after the stop. They count only if the run
  // stopped is the one seen running (no restart between), else they are sent again. Each is a
  // session on the host's one SSH connection, held through the stop: with the stop, the
  // survey and a heartbeat they must stay under sshd's default MaxSessions (10), or the stop
  // itself could be refused. More WAL directories than that allows read after the stop.
  const seen =
    v.container?.state.running &&
    !v.container.state.restarting &&
    early.tails.length <= GATED_DIRS_MAX
      ? v.container
      : undefined;
  try {
    wasDown = await guardNode(ctx, v, views, allowDown, pre.leftover);
    if (await leadsNow(ctx, v, allowDown && wasDown))
      row.handover = await handover(ctx, views, row);
    await journal(ctx, 'stop', specs);
    // The `wal` line goes in the stop's own command, after the container is down, where the
    // journal is on this node's host (the lease's is): a run that dies at `stop` or at `wal` is
    // finished alike (the old container is started again). Elsewhere it is written beside the
    // log's first reads. Either way checkWal writes nothing to the log (a repair) before the
    // line is down, and the phase is told once it is.
    const line = ctx.journal?.pending?.({ node: ctx.id, phase: 'wal', ...specs });
    stoppedAt = Date.now();
    // The stop's command first: its session is asked for before the reads' sessions.
    const stopping = stopNode(ctx, !!v.container, line?.host === ctx.host ? line : undefined);
    try {
      if (seen) sendFirstReads(files, ctx, early, afterStop(ctx));
    } catch {
      // Nothing sent, or part of it: the step asks the host itself, and meets the same trouble
      // there, after the stop, where a failure puts the node back.
      files.forget();
    }
    stop = await stopping;
  } catch (e) {
    files.forget();
    await discard(ctx, prepared);
    throw e;
  }
  const stopped = stop.info;
  if (!seen || !docker.stoppedAsSeen(seen, stopped)) {
    files.forget();
    // A run that restarted meanwhile may have changed where its records end: no hint then.
    sendFirstReads(files, ctx, seen ? withoutHints(early) : early);
  }

  const walFrom = Date.now();
  row.stopMs = walFrom - stoppedAt;
  const walLine = (
    stop.line === 'written'
      ? Promise.resolve()
      : stop.line instanceof Error
        ? Promise.reject(stop.line)
        : journal(ctx, 'wal', specs)
  ).then(() => phase(ctx, 'wal'));
  walLine.catch(() => {});
  try {
    row.wal = await checkWal(
      ctx,
      (n) => {
        row.walBytesRead = n;
        row.walMs = Date.now() - walFrom;
      },
      early,
      walLine,
      files,
    );
    await walLine;
  } catch (e) {
    // A corrupt log keeps the node stopped on purpose; anything else (no data directory, a
    // lost connection) must not leave a healthy node down. A node that was down already stays
    // down: its log was never judged, and it may be an empty directory that must not vote.
    // The `wal` line, if it is written at all, goes before any line below.
    await Promise.all([discard(ctx, prepared), walLine.catch(() => {})]);
    if (e instanceof StepError && e.phase === 'wal') {
      await journal(ctx, 'left-stopped', { detail: e.message }).catch(() => {});
      throw e;
    }
    const back = wasDown ? 'it was down before and stays down' : await restartOriginal(ctx);
    if (wasDown || back.startsWith('the original container was started again'))
      await journal(ctx, 'restored', { detail: back }).catch(() => {});
    throw new StepError(
      `${ctx.id}: the WAL check failed: ${(e as Error).message}; ${back}. The rollout stopped.`,
      ctx.id,
      'wal',
    );
  }

  if (o.inPlace && v.container) {
    // The same container, started again: its exact spec, image and env stay as they were.
    await journal(ctx, 'start', specs);
    phase(ctx, 'start', 'the same container again');
    await ctx.host.run(docker.startContainer(ctx.name));
    await journal(ctx, 'catch-up', specs);
    phase(ctx, 'catch-up');
    try {
      // Stopped since `stopped` was read: its restart count is still that one.
      row.finalLag = await catchUp(ctx, Date.now(), stopped?.restartCount ?? 0);
    } catch (e) {
      const message = `${ctx.id}: started again, but ${(e as Error).message}`;
      throw new StepError(`${message}. Nothing after ${ctx.id} was touched.`, ctx.id, 'catch-up', {
        ...row,
        result: 'failed',
        message,
        downtimeMs: Date.now() - stoppedAt,
      });
    }
    row.downtimeMs = Date.now() - stoppedAt;
    await journal(ctx, 'done', specs);
    phase(ctx, 'done');
    return row;
  }

  // From here on, any failure puts the previous container back.
  let at: Phase = 'start';
  let envGone: Promise<void> | undefined;
  try {
    // The `start` line goes ahead of the rename in the same command, where the journal is on
    // this node's host (the lease's is): the line is down before the step begins, and a run
    // that dies meanwhile finds the step's line or nothing of it. The phase is told once it is.
    const line = ctx.journal?.pending?.({ node: ctx.id, phase: 'start', ...specs });
    const together = line?.host === ctx.host ? line : undefined;
    if (!together) {
      await journal(ctx, 'start', specs);
      phase(ctx, 'start', ctx.spec.image);
    }
    // Renamed first, whatever became of the env file: a rollback finds the old container
    // under its previous name and puts it back. The rename and the run are one round trip.
    const startFrom = Date.now();
    const started = await containers.startPrepared(
      ctx.host,
      prepared!,
      v.container ? [ctx.name, ctx.prevName] : undefined,
      together,
    );
    row.startMs = Date.now() - startFrom;
    if (together) phase(ctx, 'start', ctx.spec.image);
    at = 'catch-up';
    // The wait only reads, so it starts beside its journal line (the phase is told once the
    // line is down). The env file goes once the wait is over: a command beside the wait's
    // samples would only slow them.
    const stopWaiting = new AbortController();
    const waiting = catchUp(ctx, Date.now(), 0, stopWaiting.signal, started.info);
    waiting.catch(() => {});
    try {
      await journal(ctx, 'catch-up', specs);
    } catch (e) {
      stopWaiting.abort();
      throw e;
    }
    phase(ctx, 'catch-up');
    row.finalLag = await waiting;
    row.downtimeMs = Date.now() - stoppedAt;
    envGone = discard(ctx, prepared);
  } catch (e) {
    await (envGone ?? discard(ctx, prepared));
    const why = (e as Error).message;
    // A journal that cannot be written must not stop the rollback: the entry before it already
    // says a replacement was under way.
    await journal(ctx, 'rollback', specs).catch(() => {});
    phase(ctx, 'rollback', why);
    let restored = false;
    const back = v.container
      ? await rollback(ctx).then(
          (m) => {
            restored = true;
            return m;
          },
          (r: Error) => `rollback failed too: ${r.message}`,
        )
      : 'there was no previous container to restore';
    if (restored) await journal(ctx, 'rolled-back', { detail: back }).catch(() => {});
    throw new StepError(
      `${ctx.id}: ${why}; ${back}. The rollout stopped; the nodes after ${ctx.id} were not touched.`,
      ctx.id,
      at,
      {
        ...row,
        result: v.container ? 'rolled-back' : 'failed',
        message: `${why}; ${back}`,
        downtimeMs: Date.now() - stoppedAt,
      },
    );
  }
  const finishing = finish(ctx, specs, envGone);
  if (!o.finishLater) {
    await finishing;
    return row;
  }
  finishing.catch(() => {});
  o.finishLater(finishing);
  return row;
}

/**
 * The previous container's removal and the `done` line, side by side and beside the env
 * file's removal: a run that dies between them leaves either a `catch-up` line on a caught-up
 * new container (the next run finishes it) or a stopped previous container (the next guard
 * removes it).
 */
async function finish(
  ctx: NodeContext,
  specs: Omit<JournalEntry, 'at' | 'run' | 'node' | 'phase'>,
  envGone: Promise<void> | undefined,
): Promise<void> {
  const [removed, unjournaled] = await Promise.all([
    ctx.host.run(docker.removeContainer(ctx.prevName), { allowFailure: true }),
    journal(ctx, 'done', specs).then(
      () => undefined,
      (e: unknown) => e,
    ),
    envGone,
  ]);
  if (unjournaled) throw unjournaled;
  if (removed.code !== 0 && !/No such container/i.test(removed.stderr))
    warn(ctx, `could not remove ${ctx.prevName}: ${removed.stderr.trim()}`);
  phase(ctx, 'done');
}

/**
 * The most WAL directories whose first reads go out beside the stop: a range and a check each,
 * plus the stop, the survey and a heartbeat, within sshd's default of 10 sessions.
 */
const GATED_DIRS_MAX = 3;

/** What was read before the stop, without where each last segment's records seemed to end. */
function withoutHints(early: EarlyRead): EarlyRead {
  return { ...early, tails: early.tails.map(({ path, size }) => ({ path, size })) };
}

/** Holds a command on the node's host until the container is down, for as long as a stop may take. */
function afterStop(ctx: NodeContext): AfterStop {
  const waitSeconds = ctx.t.stopGraceSeconds + 30;
  return {
    gate: (argv) => docker.afterStopped(ctx.name, waitSeconds, argv),
    timeoutMs: (waitSeconds + 30) * 1000,
  };
}

/**
 * Removes a prepared start's env file, whether or not the preparing succeeded; a file that
 * stays is a warning (a later run sweeps it), never a reason to undo a node. Never rejects.
 */
async function discard(
  ctx: NodeContext,
  p: Promise<containers.PreparedRun> | undefined,
): Promise<void> {
  const why = await p?.then(
    (r) => r.discard(),
    () => undefined,
  );
  if (why) warn(ctx, why);
}
