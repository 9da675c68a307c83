// Putting a node back the way it was: its original container started again (it was only
// stopped), or its previous container restored after a new one failed.

import * as containers from '../runtime/containers.js';
import * as docker from '../runtime/docker.js';
import { catchUp } from './catch-up.js';
import type { NodeContext } from './context.js';
import { checkWal } from './wal.js';

/** Starts the node's original container again; says how that went (never throws). */
export async function restartOriginal(ctx: NodeContext): Promise<string> {
  const before = await containers.inspect(ctx.host, ctx.name).catch(() => undefined);
  if (!before) return 'the node has no container to start again';
  try {
    if (!before.state.running) await ctx.host.run(docker.startContainer(ctx.name));
    await catchUp(ctx, Date.now(), before.restartCount);
    return 'the original container was started again and caught up';
  } catch (e) {
    return `starting the original container again failed: ${(e as Error).message}`;
  }
}

/** The new container (if created) goes, the previous one gets its name back and catches up. */
export async function rollback(ctx: NodeContext): Promise<string> {
  const { host, name, prevName } = ctx;
  const prev = await containers.inspect(host, prevName);
  const cur = await containers.inspect(host, name);
  if (prev) {
    if (cur) {
      if (cur.state.running || cur.state.restarting)
        await containers.stop(host, name, ctx.t.stopGraceSeconds);
      await host.run(docker.removeContainer(name));
    }
    await host.run(docker.renameContainer(prevName, name));
  } else if (
    !cur ||
    cur.labels[docker.LABEL.fingerprint] === ctx.spec.labels[docker.LABEL.fingerprint]
  ) {
    return 'the previous container is gone; nothing to restore';
  }
  // The failed container may have written to the log: the old one starts only on a good one.
  const wal = await checkWal(ctx);
  await host.run(docker.startContainer(name));
  // The container now named `name` is the one inspected above (renaming keeps its count).
  await catchUp(ctx, Date.now(), (prev ?? cur)!.restartCount);
  return `the previous container is back and caught up (WAL ${wal})`;
}
