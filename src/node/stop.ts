// The stop step: a graceful `docker stop` (SIGTERM, then the grace), and proof that the
// container really is down before anything reads its log.

import * as containers from '../runtime/containers.js';
import type { ContainerInfo } from '../runtime/docker.js';
import { type NodeContext, phase } from './context.js';
import { StepError } from './errors.js';
import { restartOriginal } from './rollback.js';

/** The container as it is once stopped (undefined when there was none). */
export async function stopNode(
  ctx: NodeContext,
  hasContainer: boolean,
): Promise<ContainerInfo | undefined> {
  phase(ctx, 'stop', `docker stop --time ${ctx.t.stopGraceSeconds}`);
  if (hasContainer) await containers.stop(ctx.host, ctx.name, ctx.t.stopGraceSeconds);
  const stopped = await containers.inspect(ctx.host, ctx.name);
  if (stopped?.state.running || stopped?.state.restarting) {
    await restartOriginal(ctx);
    throw new StepError(
      `${ctx.id}: ${ctx.name} is still running after docker stop; started it again and stopped the rollout`,
      ctx.id,
      'stop',
    );
  }
  return stopped;
}
