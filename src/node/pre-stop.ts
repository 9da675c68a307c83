// The reads a node's procedure begins with while the node still serves: a previous container
// left by an interrupted run (the guard's question) and the WAL read early (the WAL step's).
// Neither changes anything, so a rollout sends them out beside its look at the cluster, which
// they do not depend on.

import type { ContainerInfo } from '../runtime/docker.js';
import type { NodeBase } from './context.js';
import { leftoverPrevious } from './guard.js';
import { type EarlyRead, readBeforeStop } from './wal.js';

export interface PreStop {
  leftover: Promise<ContainerInfo | undefined>;
  /** Never rejects: what went wrong is in its `problem`. */
  early: Promise<EarlyRead>;
}

export function readsBeforeStop(ctx: NodeBase): PreStop {
  return { leftover: leftoverPrevious(ctx), early: readBeforeStop(ctx) };
}
