// Everything a rollout does is told as events. The CLI's progress lines, the JSON report, the
// job summary and annotations are renderers of these events and compute nothing of their own.

import type { Diagnosis, HealResult } from './findings.js';

export type Phase =
  | 'observe'
  | 'skip'
  | 'guard'
  | 'handover'
  | 'stop'
  | 'wal'
  | 'start'
  | 'catch-up'
  | 'rollback'
  | 'reseed'
  | 'join'
  | 'done';

export type RolloutEvent =
  | { type: 'rollout-start'; at: number; image: string; order: string[]; dryRun: boolean }
  | { type: 'pull'; at: number; node: string; image: string; pulled: boolean }
  | { type: 'phase'; at: number; node: string; phase: Phase; detail?: string }
  | { type: 'warning'; at: number; node?: string; message: string }
  | { type: 'node-result'; at: number; node: string; row: NodeRow }
  | { type: 'finding'; at: number; node: string; finding: Diagnosis }
  | { type: 'heal-result'; at: number; node: string; result: HealResult }
  | {
      type: 'rollout-end';
      at: number;
      result: 'success' | 'failure' | 'interrupted';
      message?: string;
    };

export interface NodeRow {
  node: string;
  result: 'updated' | 'skipped' | 'failed' | 'rolled-back' | 'planned';
  roleBefore: string;
  imageBefore: string;
  imageAfter: string;
  wal: string;
  handover: string;
  /** Bytes of WAL read from the host between the node's stop and its start. */
  walBytesRead?: number;
  /** Bytes of WAL read from the host before the stop, while the node still served. */
  walBytesReadBeforeStop?: number;
  /** Milliseconds of the WAL step between the stop and the start (the part that is downtime). */
  walMs?: number;
  /** Milliseconds of the graceful stop itself (docker stop, and the inspect that proves it). */
  stopMs?: number;
  /** Milliseconds of the new container's start itself (the rename and docker run). */
  startMs?: number;
  /** From the stop to caught up, in milliseconds (the node's unavoidable time). */
  downtimeMs?: number;
  finalLag?: number;
  message?: string;
  /** The docker argv a real run executes (dry run), secrets masked. */
  actions?: string[];
  /** With several Raft groups: each group whose leadership this node handed over. */
  groupHandovers?: GroupHandover[];
}

export interface GroupHandover {
  group: number;
  from: string;
  to: string;
  /** From the transfer request to the target leading, in milliseconds. */
  ms: number;
}

export type Listener = (e: RolloutEvent) => void;

export class Events {
  private listeners: Listener[] = [];
  readonly log: RolloutEvent[] = [];

  on(l: Listener): void {
    this.listeners.push(l);
  }

  emit(e: RolloutEvent): void {
    this.log.push(e);
    for (const l of this.listeners) l(e);
  }
}

/** SSH connection retries, told as warnings (for ClusterSession's onRetry). */
export function retryWarnings(events: Events) {
  return (node: string, attempt: number, reason: string) =>
    events.emit({
      type: 'warning',
      at: Date.now(),
      node,
      message: `SSH connection retry ${attempt}: ${reason}`,
    });
}
