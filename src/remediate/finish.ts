// Finishing what an interrupted run left half-done on a node, as its journal says: start the new
// container it had created, or put the old one back. The journal decides which; the host only
// says whether the new container came to be. Every start comes after a WAL check, and nothing
// that runs is stopped unless every other member is up and caught up.

import { type FinishPlan, finishPlan, type JournalEntry, type Seen } from '../cluster/journal.js';
import { nodeSpec } from '../inventory/spec.js';
import { catchUp } from '../node/catch-up.js';
import { journal, type NodeContext, nodeContext, phase, type RunContext } from '../node/context.js';
import { quorumGuard } from '../node/guards.js';
import { rollback } from '../node/rollback.js';
import { checkWal } from '../node/wal.js';
import * as containers from '../runtime/containers.js';
import * as docker from '../runtime/docker.js';

export interface FinishResult {
  node: string;
  /** The journal's last step for the node, and when it was written. */
  phase: JournalEntry['phase'];
  at: string;
  plan: FinishPlan['kind'];
  outcome: 'finished' | 'failed' | 'reported';
  message: string;
}

const seenOf = (c: docker.ContainerInfo | undefined) =>
  c
    ? {
        fingerprint: c.labels[docker.LABEL.fingerprint],
        running: c.state.running && !c.state.restarting,
      }
    : undefined;

/** What is on the node's host now: its container and the kept previous one. */
export async function seeNode(ctx: NodeContext): Promise<Seen> {
  const [current, previous] = await Promise.all([
    containers.inspect(ctx.host, ctx.name),
    containers.inspect(ctx.host, ctx.prevName),
  ]);
  return { current: seenOf(current), previous: seenOf(previous) };
}

/** The context for a journal entry's node: the spec it was going to run, by its fingerprint. */
export function contextFor(run: RunContext, e: JournalEntry): NodeContext {
  const node = run.session.inv.nodes.find((n) => n.id === e.node)!;
  const spec = nodeSpec(run.session.inv, node, {
    image: e.new?.image ?? run.session.inv.container.image,
  });
  if (e.new?.fingerprint)
    spec.labels = { ...spec.labels, [docker.LABEL.fingerprint]: e.new.fingerprint };
  return nodeContext(run, e.node, spec);
}

export async function finishNode(run: RunContext, e: JournalEntry): Promise<FinishResult> {
  const base = { node: e.node, phase: e.phase, at: e.at };
  if (!run.session.inv.nodes.some((n) => n.id === e.node))
    return {
      ...base,
      plan: 'report',
      outcome: 'reported',
      message: `the journal names ${e.node}, which is not in the inventory: check that host by hand`,
    };
  const ctx = contextFor(run, e);
  const seen = await seeNode(ctx);
  const plan = finishPlan(e, seen);
  const done = (outcome: FinishResult['outcome'], message: string): FinishResult => ({
    ...base,
    plan: plan.kind,
    outcome,
    message,
  });
  if (plan.kind === 'report') return done('reported', plan.why);
  const specs = { ...(e.old ? { old: e.old } : {}), ...(e.new ? { new: e.new } : {}) };
  try {
    if (plan.kind === 'start-new') {
      await journal(ctx, 'catch-up', specs);
      phase(ctx, 'start', `finishing: ${plan.why}`);
      if (!seen.current?.running) {
        const wal = await checkWal(ctx);
        await ctx.host.run(docker.startContainer(ctx.name));
        phase(ctx, 'catch-up', `WAL ${wal}`);
      }
      await catchUp(ctx, Date.now());
      if (seen.previous) await ctx.host.run(docker.removeContainer(ctx.prevName));
      await journal(ctx, 'done', specs);
      phase(ctx, 'done');
      return done(
        'finished',
        `${plan.why}; ${e.new?.image ?? 'the new container'} runs and caught up`,
      );
    }
    // restore-old
    if (seen.current?.running && !seen.previous) {
      // The dead run never got as far as stopping it: only the wait is left.
      await journal(ctx, 'catch-up', specs);
      await catchUp(ctx, Date.now());
      await journal(ctx, 'restored', specs);
      return done('finished', `${plan.why}; it was still running, and is caught up`);
    }
    if (seen.current?.running) {
      const views = await run.views.get();
      const why = quorumGuard(e.node, views, run.t);
      if (why)
        return done(
          'reported',
          `${plan.why}, but that means stopping the running new container while ${why}; nothing was touched`,
        );
    }
    await journal(ctx, 'rollback', specs);
    phase(ctx, 'rollback', `finishing: ${plan.why}`);
    const back = await rollback(ctx);
    await journal(ctx, 'restored', { ...specs, detail: back });
    phase(ctx, 'done');
    return done('finished', `${plan.why}; ${back}`);
  } catch (x) {
    return done('failed', `${e.node}: finishing failed: ${(x as Error).message}`);
  }
}
