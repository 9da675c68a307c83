// Heal (mode auto): the smallest safe fix per node, one node at a time, through the rollout's
// own per-node step, so every fix passes the same quorum guard, hands leadership over, checks
// the WAL (repairing only a torn tail), starts with the memory defaults and waits until the
// node has caught up. Corrupt logs are never truncated: they are reported with the way out,
// and re-seeded only when the caller opted in.

import { observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import { Events } from '../rollout/events.js';
import { DEFAULT_THRESHOLDS, Rollout, type RolloutOptions } from '../rollout/rollout.js';
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
   * automatically. not-reached: an earlier failure stopped the run first.
   */
  outcome: 'healed' | 'failed' | 'refused' | 'reported' | 'nothing-to-do' | 'not-reached';
  message: string;
}

const RESTARTS = new Set<Action>([
  'repair-and-restart',
  'recreate-with-defaults',
  'graceful-restart',
  'start',
]);

/** Nodes that are already down first (bringing them back can only add to the majority),
 * then running ones; the current leader last. */
export function healOrder(findings: Diagnosis[]): Diagnosis[] {
  const rank = (f: Diagnosis) => (f.down ? 0 : f.role === 'leader' ? 2 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

export async function heal(
  session: ClusterSession,
  findings: Diagnosis[],
  opts: {
    etcdVersion: string;
    thresholds?: Partial<RolloutOptions['thresholds']>;
    reseed?: boolean;
    events?: Events;
  },
): Promise<HealResult[]> {
  const results: HealResult[] = [];
  const events = opts.events ?? new Events();
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  let stopped: string | undefined;
  for (const f of healOrder(findings)) {
    const base = { node: f.node, class: f.class, action: f.action };
    const done = (r: HealResult) => {
      results.push(r);
      events.emit({ type: 'heal-result', at: Date.now(), node: f.node, result: r });
    };
    if (f.action === 'none') {
      done({ ...base, outcome: 'nothing-to-do', message: 'healthy' });
      continue;
    }
    if (stopped) {
      done({ ...base, outcome: 'not-reached', message: `not tried: ${stopped} failed first` });
      continue;
    }
    if (f.action === 'reseed' && opts.reseed) {
      const r = await reseed(session, f.node, {
        etcdVersion: opts.etcdVersion,
        thresholds,
        events,
      });
      done({ ...base, ...r });
      if (r.outcome === 'failed') stopped = f.node;
      continue;
    }
    if (!RESTARTS.has(f.action)) {
      const hint =
        f.action === 'reseed'
          ? ' The log was not touched. The safe path: remove the member, move its data directory aside, and add it back empty so it catches up from the leader (opt in with allow-reseed).'
          : '';
      done({ ...base, outcome: 'reported', message: `${f.why}.${hint}` });
      continue;
    }
    const node = session.inv.nodes.find((n) => n.id === f.node)!;
    const [view] = await observe(session, [node]);
    // The same image the node runs; the inventory's spec brings the memory defaults back.
    const image = view?.container?.image ?? session.inv.container.image;
    const r = await new Rollout(
      session.inv,
      session,
      {
        image,
        nodes: [f.node],
        force: true,
        allowDownTarget: true,
        etcdVersion: opts.etcdVersion,
        thresholds,
      },
      events,
    ).run();
    if (r.result === 'success') {
      done({ ...base, outcome: 'healed', message: `${f.action} done` });
    } else if (r.phase === 'guard') {
      // Nothing was touched; the next node may still be safe to heal (an already-down one).
      done({ ...base, outcome: 'refused', message: r.message ?? 'refused by the quorum guard' });
    } else {
      done({ ...base, outcome: 'failed', message: r.message ?? `${f.action} failed` });
      stopped = f.node;
    }
  }
  return results;
}
