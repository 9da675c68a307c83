// The handover step: a leader passes leadership to the most caught-up healthy follower before
// it stops, so the cluster does not wait out an election timeout. With several Raft groups
// (elastickv), every group the node leads is handed over on its own, to a voter of that group.

import type { NodeView } from '../cluster/observe.js';
import type { GroupHandover, NodeRow } from '../events/events.js';
import type { NodeStatus } from '../raft/engine.js';
import { type NodeContext, phase, warn } from './context.js';
import { StepError } from './errors.js';
import { ledGroups } from './guard.js';
import { projectGroup, transferTargets } from './guards.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How soon a lead that only health still reports is asked about again. */
const HEALTH_RECHECK_MS = 100;
const inGroup = (g: number | undefined) => (g === undefined ? '' : ` of Raft group ${g}`);

/**
 * This node's own status in the group once the group knows a leader: a short election is
 * waited out (up to leaderWaitMs) rather than taken for "leads nothing".
 */
async function settledStatus(ctx: NodeContext, group: number | undefined): Promise<NodeStatus> {
  const client = await ctx.session.raft(ctx.node, group);
  const limit = ctx.t.leaderWaitMs ?? DEFAULT_THRESHOLDS.leaderWaitMs!;
  const until = Date.now() + limit;
  let last = '';
  for (;;) {
    const s = await client.status().catch((e: Error) => e);
    if (!(s instanceof Error) && s.leaderId) return s;
    last = s instanceof Error ? s.message : `${ctx.id} is ${s.role} and sees no leader`;
    if (Date.now() >= until)
      throw new StepError(
        `${ctx.id}: no leader${inGroup(group)} after ${limit >= 1000 ? `${Math.round(limit / 1000)} s` : `${limit} ms`} (${last}). Nothing was stopped.`,
        ctx.id,
        'handover',
      );
    await sleep(ctx.t.pollMs);
  }
}

/**
 * Hands one group's leadership over, if this node still leads it: each allowed target up to
 * three times. Returns the move, undefined when the node did not lead, or throws.
 */
async function handoverGroup(
  ctx: NodeContext,
  viewsNow: NodeView[] | (() => Promise<NodeView[]>),
  group: number | undefined,
): Promise<GroupHandover | undefined> {
  const t = ctx.t;
  const me = await settledStatus(ctx, group);
  if (me.role !== 'leader') return undefined;
  const leaderClient = await ctx.session.raft(ctx.node, group);
  const members = await leaderClient.members();
  const views = typeof viewsNow === 'function' ? await viewsNow() : viewsNow;
  const seen = group === undefined ? views : projectGroup(views, group);
  const { targets, skipped } = transferTargets(ctx.id, seen, members, me, t);
  const tried: string[] = [...skipped];
  // elastickv gates a transfer on the leader's own view of each candidate, at the moment it
  // starts (see ElastickvClient.transferLeadership); other engines take the target as given.
  const transfer = leaderClient.transferLeadership.bind(leaderClient);
  for (const [k, { view, member }] of targets.entries()) {
    const gate = {
      maxLag: t.maxLag,
      candidates: targets.slice(k).map((x) => ({ id: x.member.id, address: x.member.address })),
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      const started = Date.now();
      try {
        await transfer(member, t.handoverTimeoutMs, gate);
        const deadline = Date.now() + t.handoverTimeoutMs;
        while (Date.now() < deadline) {
          const s = await leaderClient.status().catch(() => undefined);
          if (s?.leaderId && s.leaderId !== s.id) {
            // A gated transfer may have gone to a later candidate than the one named.
            const to = targets.find((x) => x.member.id === s.leaderId)?.view.id ?? view.id;
            return { group: group ?? 0, from: ctx.id, to, ms: Date.now() - started };
          }
          await sleep(t.pollMs);
        }
        throw new Error('no other node took over in time');
      } catch (e) {
        tried.push(`${view.id} (attempt ${attempt}: ${(e as Error).message})`);
        warn(
          ctx,
          `leadership transfer${inGroup(group)} to ${view.id} failed: ${(e as Error).message}`,
        );
        await sleep(500 * 2 ** (attempt - 1));
      }
    }
  }
  throw new StepError(
    `${ctx.id}: could not hand leadership${inGroup(group)} over; tried ${tried.join('; ') || 'no healthy follower'}. Nothing was stopped.`,
    ctx.id,
    'handover',
  );
}

/**
 * Hands over every group the node leads; returns "to <node>" (one group) or "group 1 to n2,
 * group 3 to n3", or throws (nothing stopped). With several groups the node's leadership is
 * asked again once all are handed over, right before the stop: a group that came back (a
 * leader balancer, an election) is handed over again, three rounds at most. Each group's move
 * is added to row.groupHandovers when a row is given.
 */
export async function handover(
  ctx: NodeContext,
  views: NodeView[],
  row?: NodeRow,
): Promise<string> {
  phase(ctx, 'handover');
  const groups = ctx.session.groups(ctx.node).map((g) => g.id);
  if (!groups.length) {
    const moved = await handoverGroup(ctx, views, undefined);
    // It led a moment ago (the caller asked); a lost lead since then needs no transfer.
    return moved ? `to ${moved.to}` : 'not needed (no longer leads)';
  }
  const moves: GroupHandover[] = [];
  // Health may trail a transfer by a moment: rounds that moved nothing are bounded by time.
  const until = Date.now() + ctx.t.handoverTimeoutMs;
  let rounds = 0;
  let todo: (number | undefined)[] = await ledGroups(ctx.session, ctx.node, undefined);
  while (todo.length) {
    if (rounds >= 3 || Date.now() > until)
      throw new StepError(
        `${ctx.id}: still leads Raft group(s) ${todo.join(',')} after handing them over (is a leader balancer moving them back? set its kill switch during the rollout). Nothing was stopped.`,
        ctx.id,
        'handover',
      );
    // After a move, the cluster is looked at again only if a group still needs a transfer:
    // health that trails the move it reports is answered by the node's own Raft status alone.
    let again: Promise<NodeView[]> | undefined;
    const fresh = moves.length ? () => (again ??= ctx.views.get()) : views;
    let moved = false;
    for (const g of todo) {
      const m = await handoverGroup(ctx, fresh, g);
      if (m) {
        moved = true;
        moves.push(m);
        phase(ctx, 'handover', `group ${m.group}: ${m.from} -> ${m.to} in ${m.ms} ms`);
      }
    }
    if (moved) rounds++;
    // Nothing left to move but health still said "leader": it catches up within moments.
    else await sleep(Math.min(ctx.t.pollMs, HEALTH_RECHECK_MS));
    todo = await ledGroups(ctx.session, ctx.node, undefined);
  }
  if (row) row.groupHandovers = [...(row.groupHandovers ?? []), ...moves];
  return moves.length
    ? moves.map((m) => `group ${m.group} to ${m.to}`).join(', ')
    : 'not needed (leads no group)';
}
