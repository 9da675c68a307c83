// "Has this node caught up?" as a wait: used after every start, by the rollout and by the
// re-seed. A container that restarts or exits while we wait is crashing, not slow.

import { type NodeView, observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { ContainerInfo } from '../runtime/docker.js';
import { caughtUp, perGroup, type Thresholds } from './guards.js';

export interface CatchUpTimings extends Thresholds {
  startTimeoutMs: number;
  catchUpTimeoutMs: number;
  /**
   * A minimum time the node must stay caught up, on top of STABLE_SAMPLES; 0 for none. A
   * user's own pause between nodes (ROLLING_DELAY_SECONDS) lands here.
   */
  stabilizeMs: number;
  pollMs: number;
}

/**
 * Consecutive observations that must find the node caught up and a follower of the leader
 * that answers as the leader. One sample can catch a node that reached the leader's index once and then fell
 * behind the live writes again, or that the leader has not yet heard from in this term;
 * three, a poll apart each, show it keeping pace with the leader. This is the only minimum:
 * a fixed sleep after that buys nothing the samples do not already show.
 */
export const STABLE_SAMPLES = 3;

/**
 * How far apart confirming samples start, at least. An observation of every node itself takes a
 * round trip per host, and that time counts towards the gap: over a link where it takes longer,
 * the next sample starts as soon as the last one has answered. On a fast network the samples
 * still span 2 × this of live writes. Waiting a full poll between them would only add downtime.
 */
export const CONFIRM_GAP_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** No node's id: an observation told to inspect only it inspects no container. */
const NO_NODE = '';

/**
 * Polls until node `id` is caught up and stays so for the stabilization window; returns its
 * final lag. `also` adds a condition (e.g. "no longer a learner"); `onViews` gets every
 * observation that starts a run of samples (the first, and each after a setback). An
 * observation holds every node's Raft state but only this node's container: while it waits,
 * the others' containers are not what it asks about, and each costs a command on its host.
 * Such views never stand for the cluster (see observe's inspectOnly).
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
    /** Ends the wait (it rejects) at its next observation. */
    signal?: AbortSignal;
    /**
     * The container as inspected right after its start: the first observation asks Raft alone
     * and carries this over, as a run's middle samples do.
     */
    started?: ContainerInfo;
  },
): Promise<number> {
  let stableSince: number | undefined;
  let samples = 0;
  let last = '';
  let seen: NodeView['container'] = o.started;
  let first = true;
  for (;;) {
    o.signal?.throwIfAborted();
    // The next observation is paced from when this one started.
    const askedAt = Date.now();
    // A run of samples starts and ends with the container inspected; the ones between ask only
    // Raft and carry the container over. A restart or an exit in between still shows at the
    // end (the restart count, the state), and each inspect is a command on the node's host.
    // The start's own inspect stands for the first one's.
    const between =
      (samples > 0 && samples < STABLE_SAMPLES - 1) || (first && o.started !== undefined);
    first = false;
    const views = await observe(session, session.inv.nodes, {
      inspectOnly: between ? NO_NODE : id,
    });
    o.signal?.throwIfAborted();
    // Only an observation that starts a run: a caller that takes the leader's commit index
    // from it (a re-seed's promotion floor) gets one the node reached by the run's end.
    if (samples === 0) o.onViews?.(views);
    const v = views.find((x) => x.id === id)!;
    if (between) v.container = seen;
    seen = v.container;
    const c = v.container;
    if (c && (c.restartCount > (o.baselineRestarts ?? 0) || c.state.restarting)) {
      throw new Error(
        `the new container is crash-looping (restarted ${c.restartCount} time(s), last exit code ${c.state.exitCode})`,
      );
    }
    if (c && c.state.status === 'exited')
      throw new Error(`the new container exited with code ${c.state.exitCode}`);
    const why = caughtUp(v, t) ?? followsLeader(views, id) ?? o.also?.(v);
    const now = Date.now();
    if (why === undefined) {
      stableSince ??= now;
      samples++;
      if (samples >= STABLE_SAMPLES && now - stableSince >= t.stabilizeMs) return v.lag!;
    } else {
      stableSince = undefined;
      samples = 0;
      last = why;
    }
    const limit = v.raft ? t.catchUpTimeoutMs : t.startTimeoutMs;
    if (now - o.startedAt > limit)
      throw new Error(`not caught up after ${Math.round((now - o.startedAt) / 1000)} s: ${last}`);
    const gap = samples > 0 ? Math.min(t.pollMs, CONFIRM_GAP_MS) : t.pollMs;
    const wait = askedAt + gap - Date.now();
    if (wait > 0) await sleep(wait);
  }
}

/**
 * In every Raft group, the leader's own status (in the same observation) is the leader this
 * node follows, in the same term, and the node is its follower (or learner: a re-seed waits
 * for a learner to catch up before promoting it). A node that leads a group itself is fine in
 * that group. How far behind it may be is caughtUp's test.
 */
export function followsLeader(views: NodeView[], id: string): string | undefined {
  for (const [group, gv] of perGroup(views)) {
    const where = group === undefined ? '' : `Raft group ${group}: `;
    const v = gv.find((x) => x.id === id);
    const leader = gv.find((x) => x.raft?.role === 'leader');
    if (!v?.raft) return `${where}no Raft status`;
    if (!leader?.raft) return `${where}no node answers as the leader`;
    if (leader.id === id) continue;
    if (v.raft.leaderId !== leader.raft.id || v.raft.term !== leader.raft.term)
      return `${where}follows ${v.raft.leaderId ?? 'no leader'} in term ${v.raft.term}, but ${leader.id} leads in term ${leader.raft.term}`;
    if (v.raft.role !== 'follower' && v.raft.role !== 'learner')
      return `${where}is ${v.raft.role}, not yet a follower of ${leader.id}`;
  }
  return undefined;
}

/**
 * The wait for this node in a node procedure; `started` is the container as its start's own
 * command inspected it, if it did.
 */
export function catchUp(
  ctx: { session: ClusterSession; id: string; t: CatchUpTimings },
  startedAt: number,
  baselineRestarts = 0,
  signal?: AbortSignal,
  started?: ContainerInfo,
): Promise<number> {
  return waitCaughtUp(ctx.session, ctx.id, ctx.t, {
    startedAt,
    baselineRestarts,
    signal,
    ...(started ? { started } : {}),
  });
}
