// "Has this node caught up?" as a wait: used after every start, by the rollout and by the
// re-seed. A container that restarts or exits while we wait is crashing, not slow.

import { type NodeView, observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import { caughtUp, type Thresholds } from './guards.js';

export interface CatchUpTimings extends Thresholds {
  startTimeoutMs: number;
  catchUpTimeoutMs: number;
  stabilizeMs: number;
  pollMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until node `id` is caught up and stays so for the stabilization window; returns its
 * final lag. `also` adds a condition (e.g. "no longer a learner"); every observation of the
 * cluster is handed to `onViews` so the caller can reuse it.
 */
export async function waitCaughtUp(
  session: ClusterSession,
  id: string,
  t: CatchUpTimings,
  o: {
    startedAt: number;
    baselineRestarts?: number;
    also?: (v: NodeView) => string | undefined;
    onViews?: (views: NodeView[]) => void;
  },
): Promise<number> {
  let stableSince: number | undefined;
  let last = '';
  for (;;) {
    const views = await observe(session, session.inv.nodes);
    o.onViews?.(views);
    const v = views.find((x) => x.id === id)!;
    const c = v.container;
    if (c && (c.restartCount > (o.baselineRestarts ?? 0) || c.state.restarting)) {
      throw new Error(
        `the new container is crash-looping (restarted ${c.restartCount} time(s), last exit code ${c.state.exitCode})`,
      );
    }
    if (c && c.state.status === 'exited')
      throw new Error(`the new container exited with code ${c.state.exitCode}`);
    const why = caughtUp(v, t) ?? o.also?.(v);
    const now = Date.now();
    if (why === undefined) {
      stableSince ??= now;
      if (now - stableSince >= t.stabilizeMs) return v.lag!;
    } else {
      stableSince = undefined;
      last = why;
    }
    const limit = v.raft ? t.catchUpTimeoutMs : t.startTimeoutMs;
    if (now - o.startedAt > limit)
      throw new Error(`not caught up after ${Math.round((now - o.startedAt) / 1000)} s: ${last}`);
    await sleep(t.pollMs);
  }
}

/** The wait for this node, with every observation kept for the next step to reuse. */
export function catchUp(
  ctx: {
    session: ClusterSession;
    id: string;
    t: CatchUpTimings;
    views: { remember(v: NodeView[]): void };
  },
  startedAt: number,
  baselineRestarts = 0,
): Promise<number> {
  return waitCaughtUp(ctx.session, ctx.id, ctx.t, {
    startedAt,
    baselineRestarts,
    onViews: (views) => ctx.views.remember(views),
  });
}
