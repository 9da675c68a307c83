// How long each step of a node's procedure may take, and how close "caught up" is.

import type { Inventory } from '../inventory/load.js';
import type { CatchUpTimings } from './catch-up.js';

export interface NodeThresholds extends CatchUpTimings {
  stopGraceSeconds: number;
  handoverTimeoutMs: number;
}

export const DEFAULT_THRESHOLDS: NodeThresholds = {
  maxLag: 1000,
  stopGraceSeconds: 30,
  startTimeoutMs: 60_000,
  catchUpTimeoutMs: 300_000,
  stabilizeMs: 3_000,
  handoverTimeoutMs: 30_000,
  pollMs: 250,
};

/** The SIGTERM grace: as given, else the inventory's, else the default. */
export function stopGraceOf(inv: Inventory, given?: number): number {
  return given ?? inv.container.stopGraceSeconds ?? DEFAULT_THRESHOLDS.stopGraceSeconds;
}
