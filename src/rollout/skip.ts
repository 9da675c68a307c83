// A node that already runs the target image with the same configuration, and is caught up, is
// left alone: so a re-run resumes where an interrupted one stopped.

import type { NodeView } from '../cluster/observe.js';
import { caughtUp, type Thresholds } from '../node/guards.js';
import { LABEL, type RunSpec } from '../runtime/docker.js';

export function upToDate(
  v: NodeView,
  spec: RunSpec,
  targetImageId: string,
  t: Thresholds,
): boolean {
  const c = v.container;
  return (
    !!c?.state.running &&
    !!targetImageId &&
    c.imageId === targetImageId &&
    c.labels[LABEL.fingerprint] === spec.labels[LABEL.fingerprint] &&
    caughtUp(v, t) === undefined
  );
}
