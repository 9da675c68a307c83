// A node that already runs the target image with the same configuration, and is caught up, is
// left alone: so a re-run resumes where an interrupted one stopped.

import type { NodeView } from '../cluster/observe.js';
import { SCRIPT_FP_LABEL } from '../inventory/elastickv-container.js';
import { caughtUp, type Thresholds } from '../node/guards.js';
import { LABEL, type RunSpec } from '../runtime/docker.js';

/**
 * The same configuration: raftroll's own fingerprint, or, for a node elastickv's deploy script
 * started last, the script's fingerprint of the same settings (so switching tools restarts
 * nothing).
 */
export function sameConfig(labels: Record<string, string>, spec: RunSpec): boolean {
  if (labels[LABEL.fingerprint] === spec.labels[LABEL.fingerprint]) return true;
  const script = spec.labels[SCRIPT_FP_LABEL];
  return !!script && !labels[LABEL.fingerprint] && labels[SCRIPT_FP_LABEL] === script;
}

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
    sameConfig(c.labels, spec) &&
    caughtUp(v, t) === undefined
  );
}
