// What remediation finds and does, as data: the payload of `finding` and `heal-result` events.
// Defined here, below both the node procedure and remediate/, so that the event vocabulary and
// its renderers depend on no orchestrator.

import type { NodeView } from '../cluster/observe.js';
import type { PathReport } from '../wal/engine.js';

export type NodeClass =
  | 'unreachable'
  | 'corrupt-wal'
  | 'wal-unreadable'
  | 'torn-wal'
  | 'crash-looping'
  | 'oom-killed'
  | 'memory-pressure'
  | 'disk-low'
  | 'stopped'
  | 'raft-unhealthy'
  | 'lagging'
  | 'healthy';

export type Action =
  | 'none'
  | 'wait'
  | 'report'
  | 'repair-and-restart'
  | 'recreate-with-defaults'
  | 'graceful-restart'
  | 'start'
  | 'reseed';

export interface NodeFacts {
  view: NodeView;
  /** Bytes in use and the limit, from the container's cgroup (undefined when unknown). */
  memoryUsage?: number;
  /** The WAL verdict, read only, when the container was already down; undefined otherwise. */
  wal?: PathReport;
  /** Why the WAL of a down node could not be judged at all (no WAL, unreadable). */
  walError?: string;
  /** Traces of a re-seed that did not finish (data directories moved aside). */
  reseedLeftovers?: string[];
  /** The previous container an interrupted rollout, heal or re-seed left behind, by name. */
  leftoverPrevious?: string;
  /** When the facts were gathered (ms since the epoch): classify reads no clock of its own. */
  observedAt?: number;
  /** Stale repair backups (`*.wal.broken*`) under the data directory. */
  staleBackups: string[];
  /** Free bytes on the data directory's file system. */
  diskFree?: number;
  /** Kernel log lines about an OOM kill in this container's cgroup, where readable. */
  kernelOom?: string[];
}

export interface Finding {
  node: string;
  class: NodeClass;
  all: NodeClass[];
  action: Action;
  why: string;
  memoryDefaults: { limit: number; gomemlimit: string | undefined; applied: boolean };
}

export interface Diagnosis extends Finding {
  /** Reachable, and its container is missing, stopped or restarting: touching it cannot cost
   * the cluster a working member. */
  down: boolean;
  role: string;
  facts: Omit<NodeFacts, 'view' | 'wal'> & {
    walVerdict?: string;
    container?: string;
    lag?: number;
    memoryLimit?: number;
  };
}

export interface HealResult {
  node: string;
  class: string;
  action: Action;
  /**
   * healed: fixed and caught up. failed: tried and did not work (the rollout's rollback rules
   * apply). refused: the guard said no, nothing was touched. reported: not something to fix
   * automatically. not-reached: an earlier failure, or an interruption, ended the run first.
   */
  outcome: 'healed' | 'failed' | 'refused' | 'reported' | 'nothing-to-do' | 'not-reached';
  message: string;
}
