// The last observation of the whole cluster, shared by the steps of one run: what was seen a
// moment ago need not be looked at again.

import { type NodeView, observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';

export class ClusterViews {
  private last: { at: number; views: NodeView[] } | undefined;

  constructor(private readonly session: ClusterSession) {}

  /** Every node's view, observed anew unless the last observation is at most maxAgeMs old. */
  async get(maxAgeMs = 0): Promise<NodeView[]> {
    if (!this.last || Date.now() - this.last.at > maxAgeMs) {
      const at = Date.now();
      this.last = { at, views: await observe(this.session, this.session.inv.nodes) };
    }
    return this.last.views;
  }
}
