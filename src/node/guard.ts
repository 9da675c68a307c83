// The guard step: the node must be seen clearly, the rest of the cluster must keep a working
// majority without it, every voter must be one the guard can see, and no old container from an
// interrupted run may hold the data directory.

import type { NodeView } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { NodeInput } from '../inventory/schema.js';
import * as containers from '../runtime/containers.js';
import type { ContainerInfo } from '../runtime/docker.js';
import * as docker from '../runtime/docker.js';
import { type NodeBase, type NodeContext, phase } from './context.js';
import { StepError } from './errors.js';
import { alreadyDown, membershipGuard, perGroup, quorumCheck, quorumGuard } from './guards.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The leader's member list against the inventory (see membershipGuard), in every group. */
export async function membership(
  session: ClusterSession,
  views: NodeView[],
): Promise<string | undefined> {
  for (const [group, vs] of perGroup(views)) {
    const where = group === undefined ? '' : `Raft group ${group}: `;
    const leader = vs.find((x) => x.raft?.role === 'leader');
    if (!leader) return `${where}the cluster has no leader`;
    const node = session.inv.nodes.find((n) => n.id === leader.id)!;
    const members = await (await session.raft(node, group)).members().catch((e: Error) => e);
    if (members instanceof Error) return `${where}cannot read the member list: ${members.message}`;
    const why = membershipGuard(members, session.inv.nodes);
    if (why) return `${where}${why}`;
  }
  return undefined;
}

/**
 * The quorum guard, given a short election's time to end: a group without an agreed leader is
 * looked at again until `leaderWaitMs` has passed, rather than refused at once.
 */
async function quorumAfterElection(
  ctx: NodeContext,
  views: NodeView[],
): Promise<{ why?: string; views: NodeView[] }> {
  const limit = ctx.t.leaderWaitMs ?? DEFAULT_THRESHOLDS.leaderWaitMs!;
  const until = Date.now() + limit;
  let check = quorumCheck(ctx.id, views, ctx.t);
  while (check.why && check.electing && Date.now() < until) {
    await sleep(ctx.t.pollMs);
    views = await ctx.views.get();
    check = quorumCheck(ctx.id, views, ctx.t);
  }
  if (check.why && check.electing)
    return {
      why: `${check.why} (waited ${limit >= 1000 ? `${Math.round(limit / 1000)} s` : `${limit} ms`} for a leader)`,
      views,
    };
  return { why: check.why, views };
}

function refuse(ctx: NodeContext, why: string): never {
  throw new StepError(
    `${ctx.id}: refused: ${why}. Nothing was touched on ${ctx.id}.`,
    ctx.id,
    'guard',
  );
}

/**
 * The node's previous container, as an interrupted run may have left it: asked for before the
 * guard's other checks (it only reads), and awaited by the guard. Never rejects unobserved.
 */
export function leftoverPrevious(ctx: NodeBase): Promise<ContainerInfo | undefined> {
  const seen = containers.inspect(ctx.host, ctx.prevName);
  seen.catch(() => {});
  return seen;
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
  leftoverSeen: Promise<ContainerInfo | undefined> = leftoverPrevious(ctx),
): Promise<boolean> {
  phase(ctx, 'guard');
  // A WAL is only read once the node's container is known to be stopped.
  if (!v.reachable) refuse(ctx, `${ctx.id} cannot be reached (${v.error})`);
  const wasDown = alreadyDown(v);
  if (!(allowDownTarget && wasDown)) {
    const q = await quorumAfterElection(ctx, views);
    const why = q.why ?? (await membership(ctx.session, q.views));
    if (why) refuse(ctx, why);
  }
  // A leftover previous container from an interrupted run must not be running (it would hold
  // the data directory), and it must go before this run can keep its own.
  const leftover = await leftoverSeen;
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
 * Whether the node leads Raft group `group` right now (its only group when undefined): by
 * grpc.health.v1 where the node serves it (elastickv says SERVING on a group's listener while
 * that group leads) and by RaftAdmin Status. Health is refreshed on the server's own clock, so
 * it may trail a change of leader: either one saying "leader" counts, since missing a lead would
 * stop a leader without a handover. undefined when neither answers.
 */
export async function leadsGroup(
  session: ClusterSession,
  node: NodeInput,
  group: number | undefined,
): Promise<boolean | undefined> {
  const c = await session.raft(node, group).catch(() => undefined);
  if (!c) return undefined;
  const h = await c.health?.('RawKV').catch(() => undefined);
  if (h === 'serving') return true;
  const s = await c.status().catch(() => undefined);
  if (s) return s.role === 'leader';
  return h === 'not-serving' ? false : undefined;
}

/** The groups (undefined: the only one) the node leads now; where it cannot be asked, as seen. */
export async function ledGroups(
  session: ClusterSession,
  node: NodeInput,
  v: NodeView | undefined,
): Promise<(number | undefined)[]> {
  const groups = session.groups(node).map((g): number | undefined => g.id);
  const out: (number | undefined)[] = [];
  for (const g of groups.length ? groups : [undefined]) {
    const seen = g === undefined ? v?.raft : v?.groups?.find((x) => x.id === g)?.raft;
    if ((await leadsGroup(session, node, g)) ?? seen?.role === 'leader') out.push(g);
  }
  return out;
}

/**
 * Whether the node leads any group right now (leadership may have moved since the observation).
 * A node let through as already down that answers Raft again may be voting: the full guard
 * applies.
 */
export async function leadsNow(
  ctx: NodeContext,
  v: NodeView,
  letThroughDown: boolean,
): Promise<boolean> {
  if (letThroughDown) {
    const fresh = await ctx.views.get();
    const now = fresh.find((x) => x.id === ctx.id);
    if (now?.raft || now?.groups?.some((g) => g.raft)) {
      const why = quorumGuard(ctx.id, fresh, ctx.t);
      if (why) refuse(ctx, `${ctx.id} answers Raft again, and ${why}`);
    }
  }
  return (await ledGroups(ctx.session, ctx.node, v)).length > 0;
}
