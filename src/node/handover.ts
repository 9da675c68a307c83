// The handover step: a leader passes leadership to the most caught-up healthy follower before
// it stops, so the cluster does not wait out an election timeout.

import type { NodeView } from '../cluster/observe.js';
import { type NodeContext, phase, warn } from './context.js';
import { StepError } from './errors.js';
import { handoverCandidates } from './guards.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tries each candidate up to three times; returns "to <node>" or throws (nothing stopped). */
export async function handover(ctx: NodeContext, views: NodeView[]): Promise<string> {
  phase(ctx, 'handover');
  const t = ctx.t;
  const leaderClient = await ctx.session.raft(ctx.node);
  const members = await leaderClient.members();
  const tried: string[] = [];
  for (const cand of handoverCandidates(ctx.id, views, t)) {
    const member = members.find((m) => m.id === cand.raft!.id || m.name === cand.id);
    if (!member) continue;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await leaderClient.transferLeadership(member, t.handoverTimeoutMs);
        const deadline = Date.now() + t.handoverTimeoutMs;
        while (Date.now() < deadline) {
          const s = await leaderClient.status().catch(() => undefined);
          if (s?.leaderId && s.leaderId !== s.id) return `to ${cand.id}`;
          await sleep(t.pollMs);
        }
        throw new Error('no other node took over in time');
      } catch (e) {
        tried.push(`${cand.id} (attempt ${attempt}: ${(e as Error).message})`);
        warn(ctx, `leadership transfer to ${cand.id} failed: ${(e as Error).message}`);
        await sleep(500 * 2 ** (attempt - 1));
      }
    }
  }
  throw new StepError(
    `${ctx.id}: could not hand leadership over; tried ${tried.join('; ') || 'no healthy follower'}. Nothing was stopped.`,
    ctx.id,
    'handover',
  );
}
