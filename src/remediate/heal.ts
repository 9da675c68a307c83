// Heal (mode auto): the smallest safe fix per node, one node at a time, through the rollout's
// own per-node step, so every fix passes the same quorum guard, hands leadership over, checks
// the WAL (repairing only a torn tail), starts with the memory defaults and waits until the
// node has caught up. Corrupt logs are never truncated: they are reported with the way out,
// and re-seeded only when the caller opted in.

import { observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import { nodeSpec } from '../inventory/spec.js';
import { waitCaughtUp } from '../rollout/catch-up.js';
import { Events } from '../rollout/events.js';
import { DEFAULT_THRESHOLDS, Rollout, type RolloutOptions } from '../rollout/rollout.js';
import * as docker from '../runtime/docker.js';
import type { Action } from './classify.js';
import type { Diagnosis } from './diagnose.js';
import { reseed } from './reseed.js';

export interface HealResult {
  node: string;
  class: string;
  action: Action;
  /**
   * healed: fixed and caught up. failed: tried and did not work (the rollout's rollback rules
   * apply). refused: the guard said no, nothing was touched. reported: not something to fix
   * automatically. not-reached: an earlier failure, or an interruption, ended the run first.
   */
  outcome: 'healed' | 'failed' | 'refused' | 'reported' | 'nothing-to-do' | 'not-reached';
  message: string;
}

export interface HealOptions {
  etcdVersion: string;
  thresholds?: Partial<RolloutOptions['thresholds']>;
  reseed?: boolean;
  events?: Events;
  /** Set when the user asks to stop: the node being healed is finished, no other is begun. */
  signal?: AbortSignal;
}

/** The actions that start a node's container again (after the rollout's guard and WAL check). */
export const RESTARTS = new Set<Action>([
  'repair-and-restart',
  'recreate-with-defaults',
  'graceful-restart',
  'start',
]);

/**
 * Nodes that are already down first (bringing them back can only add to the majority), then
 * running ones, the current leader last; a re-seed at the very end, since it needs every other
 * member up.
 */
export function healOrder(findings: Diagnosis[]): Diagnosis[] {
  const rank = (f: Diagnosis) =>
    f.action === 'reseed' ? 3 : f.down ? 0 : f.role === 'leader' ? 2 : 1;
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

export async function heal(
  session: ClusterSession,
  findings: Diagnosis[],
  opts: HealOptions,
): Promise<HealResult[]> {
  const results: HealResult[] = [];
  const events = opts.events ?? new Events();
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  let stopped: string | undefined;
  for (const f of healOrder(findings)) {
    const base = { node: f.node, class: f.class, action: f.action };
    const done = (r: Pick<HealResult, 'outcome' | 'message'>) => {
      const result = { ...base, ...r };
      results.push(result);
      events.emit({ type: 'heal-result', at: Date.now(), node: f.node, result });
    };
    if (f.action === 'none') {
      done({ outcome: 'nothing-to-do', message: 'healthy' });
      continue;
    }
    if (stopped || opts.signal?.aborted) {
      const why = stopped ? `${stopped} failed first` : 'the run was interrupted';
      done({ outcome: 'not-reached', message: `not tried: ${why}` });
      continue;
    }
    try {
      const r = await healOne(session, f, { ...opts, events }, thresholds);
      done(r);
      if (r.outcome === 'failed') stopped = f.node;
    } catch (e) {
      // An unexpected error (a lost connection mid-step) still ends as a result, and ends the run.
      done({ outcome: 'failed', message: `${f.node}: ${(e as Error).message}` });
      stopped = f.node;
    }
  }
  return results;
}

async function healOne(
  session: ClusterSession,
  f: Diagnosis,
  opts: HealOptions,
  thresholds: RolloutOptions['thresholds'],
): Promise<Pick<HealResult, 'outcome' | 'message'>> {
  const events = opts.events!; // heal() always passes its own
  const node = session.inv.nodes.find((n) => n.id === f.node)!;
  const [view] = await observe(session, [node]);
  const c = view?.container;
  if (f.action === 'reseed' && opts.reseed) {
    const image = await sameImage(session, f.node, c, events);
    return reseed(session, f.node, { etcdVersion: opts.etcdVersion, thresholds, events, image });
  }
  if (f.action === 'wait') {
    // Lagging: nothing to restart; give it the catch-up time and say where it ended.
    try {
      const lag = await waitCaughtUp(session, f.node, thresholds, { startedAt: Date.now() });
      return { outcome: 'healed', message: `caught up on its own (lag ${lag})` };
    } catch (e) {
      return { outcome: 'reported', message: `still lagging: ${(e as Error).message}` };
    }
  }
  if (!RESTARTS.has(f.action)) {
    const hint =
      f.action === 'reseed'
        ? ' The log was not touched. The safe path: remove the member, move its data directory aside, and add it back empty so it catches up from the leader (opt in with allow-reseed).'
        : '';
    return { outcome: 'reported', message: `${f.why}.${hint}` };
  }
  // Only missing memory defaults need a new container (from the inventory, which has them);
  // every other fix starts the node's own container again, exactly as it was.
  const recreate =
    f.action === 'recreate-with-defaults' ||
    (f.all.includes('oom-killed') && !f.memoryDefaults.applied);
  // In place, the image is the one the container already has (present on its host by id).
  const image = recreate
    ? await sameImage(session, f.node, c, events)
    : (c?.imageId ?? session.inv.container.image);
  if (recreate) {
    const spec = nodeSpec(session.inv, node, { image });
    if (!spec.memory || !spec.env.GOMEMLIMIT)
      return {
        outcome: 'reported',
        message: `${f.why}. The inventory switches the memory defaults off, so recreating the container would not add them; set container.memory and GOMEMLIMIT in the inventory`,
      };
  }
  const r = await new Rollout(
    session.inv,
    session,
    {
      image,
      nodes: [f.node],
      force: true,
      allowDownTarget: true,
      lock: false,
      restartInPlace: !recreate,
      etcdVersion: opts.etcdVersion,
      thresholds,
    },
    events,
  ).run();
  if (r.result === 'success') return { outcome: 'healed', message: `${f.action} done` };
  // Refused: nothing was touched; the next node may still be safe to heal (an already-down one).
  if (r.phase === 'guard')
    return { outcome: 'refused', message: r.message ?? 'refused by the quorum guard' };
  return { outcome: 'failed', message: r.message ?? `${f.action} failed` };
}

/**
 * The image the node runs now, exactly: its tag while the tag still names the same image on the
 * host, else the image ID (a tag moved since the node started must not change its version).
 * The inventory's spec brings the memory defaults back.
 */
async function sameImage(
  session: ClusterSession,
  id: string,
  c: docker.ContainerInfo | undefined,
  events: Events,
): Promise<string> {
  if (!c) return session.inv.container.image;
  const node = session.inv.nodes.find((n) => n.id === id)!;
  const r = await session.host(node).run(docker.inspectImage(c.image), { allowFailure: true });
  if (r.code === 0 && r.stdout.trim() === c.imageId) return c.image;
  events.emit({
    type: 'warning',
    at: Date.now(),
    node: id,
    message: `${c.image} now names another image on ${id}'s host (or none); healing with the image it ran, ${c.imageId}`,
  });
  return c.imageId;
}
