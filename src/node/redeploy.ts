// A member that joined empty runs with one-off flags (etcd's --initial-cluster from the member
// list, elastickv's --raftJoinAsLearner): once it is a caught-up voter it is redeployed, through
// the rollout's own procedure (handover, graceful stop, WAL check, catch-up), with the container
// every member runs, so that a later roll sees it as any other node.

import type { NodeRow } from '../events/events.js';
import type { RunSpec } from '../runtime/docker.js';
import { nodeContext, type RunContext } from './context.js';
import { replaceNode } from './procedure.js';

/**
 * Replaces node `id`'s running (joining) container with `spec`. Resolves with the node's row;
 * a failure is the procedure's own StepError, which carries the row as far as it got.
 */
export async function redeployAsMember(
  run: RunContext,
  id: string,
  spec: RunSpec,
  roleBefore: string,
): Promise<NodeRow> {
  const views = await run.views.get();
  const v = views.find((x) => x.id === id)!;
  const row: NodeRow = {
    node: id,
    result: 'updated',
    roleBefore,
    imageBefore: v.container?.image ?? 'none',
    imageAfter: spec.image,
    wal: 'not checked',
    handover: 'not needed',
  };
  return replaceNode(nodeContext(run, id, spec), v, views, row);
}
