// Heal (mode auto): the smallest safe fix per node, one node at a time, through the rollout's
// own per-node step, so every fix passes the same quorum guard, hands leadership over, checks
// the WAL (repairing only a torn tail), starts with the memory defaults and waits until the
// node has caught up. Corrupt logs are never truncated: they are reported with the way out.

import { observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import { Events } from '../rollout/events.js';
import { DEFAULT_THRESHOLDS, Rollout, type RolloutOptions } from '../rollout/rollout.js';
import type { Diagnosis } from './diagnose.js';

export interface HealResult {
  node: string;
  class: string;
  action: string;
  outcome: 'healed' | 'failed' | 'reported' | 'nothing-to-do';
  message: string;
}

const FIXABLE = new Set(['repair-and-restart', 'recreate-with-defaults', 'graceful-restart']);

export async function heal(
  session: ClusterSession,
  findings: Diagnosis[],
  opts: {
    etcdVersion: string;
    thresholds?: Partial<RolloutOptions['thresholds']>;
    events?: Events;
  },
): Promise<HealResult[]> {
  const results: HealResult[] = [];
  for (const f of findings) {
    const base = { node: f.node, class: f.class, action: f.action };
    if (f.action === 'none') {
      results.push({ ...base, outcome: 'nothing-to-do', message: 'healthy' });
      continue;
    }
    if (!FIXABLE.has(f.action)) {
      const hint =
        f.action === 'reseed'
          ? ' Never truncated. The safe path: remove the member, empty its data directory, and add it back so it catches up from the leader.'
          : '';
      results.push({ ...base, outcome: 'reported', message: `${f.why}.${hint}` });
      continue;
    }
    const node = session.inv.nodes.find((n) => n.id === f.node)!;
    const [view] = await observe(session, [node]);
    // The same image the node runs; the inventory's spec brings the memory defaults back.
    const image = view?.container?.image ?? session.inv.container.image;
    const events = opts.events ?? new Events();
    const r = await new Rollout(
      session.inv,
      session,
      {
        image,
        nodes: [f.node],
        force: true,
        etcdVersion: opts.etcdVersion,
        thresholds: { ...DEFAULT_THRESHOLDS, ...opts.thresholds },
      },
      events,
    ).run();
    results.push({
      ...base,
      outcome: r.result === 'success' ? 'healed' : 'failed',
      message: r.message ?? `${f.action} done`,
    });
    // One node at a time, and nothing more after a failure.
    if (r.result !== 'success') break;
  }
  return results;
}
