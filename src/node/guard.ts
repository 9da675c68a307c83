// The guard step: the node must be seen clearly, the rest of the cluster must keep a working
// majority without it, every voter must be one the guard can see, and no old container from an
// interrupted run may hold the data directory.

import type { NodeView } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import * as containers from '../runtime/containers.js';
import * as docker from '../runtime/docker.js';
import { type NodeContext, phase } from './context.js';
import { StepError } from './errors.js';
import { alreadyDown, membershipGuard, quorumGuard } from './guards.js';

/** The leader's member list against the inventory (see membershipGuard). */
export async function membership(
  session: ClusterSession,
  views: NodeView[],
): Promise<string | undefined> {
  const leader = views.find((x) => x.raft?.role === 'leader');
  if (!leader) return 'the cluster has no leader';
  const node = session.inv.nodes.find((n) => n.id === leader.id)!;
  const members = await (await session.raft(node)).members().catch((e: Error) => e);
  if (members instanceof Error) return `cannot read the member list: ${members.message}`;
  return membershipGuard(members, session.inv.nodes);
}

function refuse(ctx: NodeContext, why: string): never {
  throw new StepError(
    `${ctx.id}: refused: ${why}. Nothing was touched on ${ctx.id}.`,
    ctx.id,
    'guard',
  );
}

/**
 * Passes or throws (phase guard, nothing touched). A target that is already down may be let
 * through while peers are down too when `allowDownTarget` is set: that cannot cost a working
 * member. Returns whether the target was already down.
 */
export async function guardNode(
  ctx: NodeContext,
  v: NodeView,
  views: NodeView[],
  allowDownTarget: boolean,
): Promise<boolean> {
  phase(ctx, 'guard');
  // A WAL is only read once the node's container is known to be stopped.
  if (!v.reachable) refuse(ctx, `${ctx.id} cannot be reached (${v.error})`);
  const wasDown = alreadyDown(v);
  if (!(allowDownTarget && wasDown)) {
    const why = quorumGuard(ctx.id, views, ctx.t) ?? (await membership(ctx.session, views));
    if (why) refuse(ctx, why);
  }
  // A leftover previous container from an interrupted run must not be running (it would hold
  // the data directory), and it must go before this run can keep its own.
  const leftover = await containers.inspect(ctx.host, ctx.prevName);
  if (leftover?.state.running || leftover?.state.restarting) {
    refuse(
      ctx,
      `${ctx.prevName} (left by an earlier run) is running on ${ctx.id} and may be using the data directory; stop it or remove it`,
    );
  }
  if (leftover) await ctx.host.run(docker.removeContainer(ctx.prevName));
  return wasDown;
}

/**
 * Whether the node leads right now (leadership may have moved since the observation). A node
 * let through as already down that answers Raft again may be voting: the full guard applies.
 */
export async function leadsNow(
  ctx: NodeContext,
  v: NodeView,
  letThroughDown: boolean,
): Promise<boolean> {
  const now = await (await ctx.session.raft(ctx.node)).status().catch(() => undefined);
  if (now && letThroughDown) {
    const fresh = quorumGuard(ctx.id, await ctx.views.get(), ctx.t);
    if (fresh) refuse(ctx, `${ctx.id} answers Raft again, and ${fresh}`);
  }
  return now?.role === 'leader' || (now === undefined && v.raft?.role === 'leader');
}
