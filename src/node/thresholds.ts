// How long each step of a node's procedure may take, and how close "caught up" is.

import type { Inventory } from '../inventory/load.js';
import type { CatchUpTimings } from './catch-up.js';

export interface NodeThresholds extends CatchUpTimings {
  stopGraceSeconds: number;
  handoverTimeoutMs: number;
  /** How long to wait for a group to elect a leader before refusing (default 30 s). */
  leaderWaitMs?: number;
}

export const DEFAULT_THRESHOLDS: NodeThresholds = {
  maxLag: 1000,
  stopGraceSeconds: 30,
  startTimeoutMs: 60_000,
  catchUpTimeoutMs: 300_000,
  // Caught up in STABLE_SAMPLES observations in a row is the default test; no fixed window.
  stabilizeMs: 0,
  handoverTimeoutMs: 30_000,
  leaderWaitMs: 30_000,
  pollMs: 250,
};

/** The SIGTERM grace: as given, else the inventory's, else the default. */
export function stopGraceOf(inv: Inventory, given?: number): number {
  return given ?? inv.container.stopGraceSeconds ?? DEFAULT_THRESHOLDS.stopGraceSeconds;
}

/** How long a started node may take to answer Raft: as given, else by engine (elastickv restores
 * its FSM before it answers, which takes minutes on large nodes). */
export function startTimeoutMsOf(inv: Inventory, givenSeconds?: number): number {
  if (givenSeconds !== undefined) return givenSeconds * 1000;
  return inv.engine === 'elastickv' ? 300_000 : DEFAULT_THRESHOLDS.startTimeoutMs;
}
