// elastickv's leader-balance scheduler moves group leaders on its own, and could move one back
// onto the node about to stop. For the length of a roll its kill-switch file exists on every
// host (the scheduler then only observes); afterwards the files this run created are removed,
// however the roll ended. A file that was there before is left as it was.

import type { ClusterSession } from '../cluster/session.js';
import type { Events } from '../events/events.js';
import { StepError } from '../node/errors.js';

/** Creates the kill-switch file where it is missing; returns the undo. Throws before any stop. */
export async function pauseLeaderBalance(
  session: ClusterSession,
  events: Events,
): Promise<() => Promise<void>> {
  const path = session.inv.leaderBalanceKillSwitch;
  if (!path) return async () => {};
  const created: { id: string; run: () => Promise<unknown> }[] = [];
  const undo = async () => {
    for (const c of created)
      await c.run().catch((e: Error) =>
        events.emit({
          type: 'warning',
          at: Date.now(),
          node: c.id,
          message: `could not remove the leader-balance kill switch ${path}: ${e.message}; remove it by hand, or the scheduler stays paused`,
        }),
      );
  };
  try {
    for (const node of session.inv.nodes) {
      const host = session.host(node);
      const there = await host.run(['test', '-e', path], { allowFailure: true });
      if (there.code === 0) continue;
      await host.run(['touch', '--', path]);
      created.push({ id: node.id, run: () => host.run(['rm', '-f', '--', path]) });
    }
  } catch (e) {
    await undo();
    throw new StepError(
      `cannot pause the leader-balance scheduler (creating ${path}): ${(e as Error).message}; nothing was touched`,
      undefined,
      'guard',
    );
  }
  events.emit({
    type: 'warning',
    at: Date.now(),
    message: `leader balancing paused for the roll (${path} on ${created.length} host(s))`,
  });
  return undo;
}
