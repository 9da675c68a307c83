// Heal (mode auto): the smallest safe fix per node, one node at a time, through the node
// procedure the rollout uses too, so every fix passes the same quorum guard, hands leadership over, checks
// the WAL (repairing only a torn tail), starts with the memory defaults and waits until the
// node has caught up. Corrupt logs are never truncated: they are reported with the way out,
// and re-seeded only when the caller opted in.

import type { PhaseJournal } from '../cluster/journal.js';
import type { ClusterSession } from '../cluster/session.js';
import { Events, type NodeRow } from '../events/events.js';
import type { Action, Diagnosis, HealResult } from '../events/findings.js';
import { nodeSpec } from '../inventory/spec.js';
import { waitCaughtUp } from '../node/catch-up.js';
import { nodeContext, type RunContext } from '../node/context.js';
import { StepError } from '../node/errors.js';
import { replaceNode } from '../node/procedure.js';
import { withPrevious } from '../node/spec.js';
import { DEFAULT_THRESHOLDS, type NodeThresholds } from '../node/thresholds.js';
import { ClusterViews } from '../node/views.js';
import * as docker from '../runtime/docker.js';
import { rulesFor } from '../wal/versions.js';
import { reseed } from './reseed.js';

export interface HealOptions {
  etcdVersion: string;
  thresholds?: Partial<NodeThresholds>;
  reseed?: boolean;
  events?: Events;
  /** Set when the user asks to stop: the node being healed is finished, no other is begun. */
  signal?: AbortSignal;
  /** The lease's journal: each step is written there before it is taken. */
  journal?: PhaseJournal;
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
  const run: RunContext = {
    session,
    t: thresholds,
    rules: rulesFor(opts.etcdVersion),
    events,
    views: new ClusterViews(session),
    journal: opts.journal,
  };
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
      const r = await healOne(run, f, opts);
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
  run: RunContext,
  f: Diagnosis,
  opts: HealOptions,
): Promise<Pick<HealResult, 'outcome' | 'message'>> {
  const { session, events, t } = run;
  const node = session.inv.nodes.find((n) => n.id === f.node)!;
  const views = await run.views.get();
  const view = views.find((v) => v.id === f.node)!;
  const c = view.container;
  if (f.action === 'reseed' && opts.reseed) {
    const image = await sameImage(session, f.node, c, events);
    return reseed(run, f.node, image);
  }
  if (f.action === 'wait') {
    // Lagging: nothing to restart; give it the catch-up time and say where it ended.
    try {
      const lag = await waitCaughtUp(session, f.node, t, { startedAt: Date.now() });
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
  const spec = nodeSpec(session.inv, node, { image });
  if (recreate && (!spec.memory || !spec.env.GOMEMLIMIT))
    return {
      outcome: 'reported',
      message: `${f.why}. The inventory switches the memory defaults off, so recreating the container would not add them; set container.memory and GOMEMLIMIT in the inventory`,
    };
  const ctx = nodeContext(run, f.node, withPrevious(spec, c));
  events.emit({ type: 'phase', at: Date.now(), node: f.node, phase: 'observe' });
  const row: NodeRow = {
    node: f.node,
    result: 'updated',
    roleBefore: view.raft?.role ?? 'unknown',
    imageBefore: c?.image ?? 'none',
    imageAfter: image,
    wal: 'not checked',
    handover: 'not needed',
  };
  try {
    const done = await replaceNode(ctx, view, views, row, {
      allowDownTarget: true,
      inPlace: !recreate,
    });
    events.emit({ type: 'node-result', at: Date.now(), node: f.node, row: done });
    return { outcome: 'healed', message: `${f.action} done` };
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    if (e.row) events.emit({ type: 'node-result', at: Date.now(), node: f.node, row: e.row });
    // Refused: nothing was touched; the next node may still be safe to heal (an already-down one).
    if (e.phase === 'guard') return { outcome: 'refused', message: e.message };
    return { outcome: 'failed', message: e.message };
  }
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
