// The stop step: a graceful `docker stop` (SIGTERM, then the grace), and proof that the
// container really is down before anything reads its log.

import * as containers from '../runtime/containers.js';
import type { ContainerInfo } from '../runtime/docker.js';
import { journal, type NodeContext, phase } from './context.js';
import { StepError } from './errors.js';
import { restartOriginal } from './rollback.js';

/**
 * The container as it is once stopped (undefined when there was none), and what became of the
 * journal line `after` (see stopAndInspectThen), which the stop's own command appends once the
 * container is down.
 */
export async function stopNode(
  ctx: NodeContext,
  hasContainer: boolean,
  after?: containers.LineFirst,
): Promise<{ info: ContainerInfo | undefined; line?: 'written' | Error }> {
  phase(ctx, 'stop', `docker stop --time ${ctx.t.stopGraceSeconds}`);
  const stopped = hasContainer
    ? await containers.stopAndInspectThen(ctx.host, ctx.name, ctx.t.stopGraceSeconds, after)
    : { info: await containers.inspect(ctx.host, ctx.name) };
  const c = stopped.info;
  if (c?.state.running || c?.state.restarting) {
    const back = await restartOriginal(ctx);
    // The journal's last line for the node says `stop` (or `wal`): unless it is told the node is
    // as it was, the next run would take the node for half-done. A failed restart leaves it
    // saying so.
    if (back.startsWith('the original container was started again'))
      await journal(ctx, 'restored', { detail: back }).catch(() => {});
    throw new StepError(
      `${ctx.id}: ${ctx.name} is still running after docker stop; ${back}; the rollout stopped`,
      ctx.id,
      'stop',
    );
  }
  return stopped;
}
