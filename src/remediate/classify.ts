// What is wrong with a node, from facts gathered read-only, and the smallest safe fix. Pure:
// the same facts always give the same findings.

import type { NodeView } from '../cluster/observe.js';
import type { PathReport } from '../wal/engine.js';

export type NodeClass =
  | 'unreachable'
  | 'corrupt-wal'
  | 'torn-wal'
  | 'crash-looping'
  | 'oom-killed'
  | 'memory-pressure'
  | 'stopped'
  | 'lagging'
  | 'healthy';

/** Worst first: a node is classed by the first that applies; every one that applies is listed. */
export const PRIORITY: NodeClass[] = [
  'unreachable',
  'corrupt-wal',
  'torn-wal',
  'crash-looping',
  'oom-killed',
  'memory-pressure',
  'stopped',
  'lagging',
  'healthy',
];

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
  /** Stale repair backups (`*.wal.broken*`) under the data directory. */
  staleBackups: string[];
  /** Free bytes on the data directory's file system. */
  diskFree?: number;
  /** Kernel log lines about an OOM kill in this container's cgroup, where readable. */
  kernelOom?: string[];
}

export interface Thresholds {
  maxLag: number;
  /** Usage above this fraction of the limit is memory pressure. */
  memoryPressure: number;
  /** Restarts that make a container crash-looping. */
  crashLoopRestarts: number;
}

export interface Finding {
  node: string;
  class: NodeClass;
  all: NodeClass[];
  action: Action;
  why: string;
  memoryDefaults: { limit: number; gomemlimit: string | undefined; applied: boolean };
}

export function classify(f: NodeFacts, t: Thresholds, defaultsEffective?: boolean): Finding {
  const v = f.view;
  const c = v.container;
  const reasons = new Map<NodeClass, string>();
  if (!v.reachable) reasons.set('unreachable', v.error ?? 'cannot be reached');
  const walDir = f.wal?.dirs.find((d) => d.verdict !== 'clean');
  if (walDir && walDir.verdict !== 'torn') {
    const at = walDir.problem
      ? `${walDir.dir}/${walDir.problem.segment} at offset ${walDir.problem.offset}`
      : walDir.dir;
    reasons.set('corrupt-wal', `WAL ${walDir.verdict} in ${at}: ${walDir.reason}`);
  } else if (walDir) {
    reasons.set('torn-wal', walDir.reason);
  }
  if (c && (c.state.restarting || (c.restartCount >= t.crashLoopRestarts && !c.state.running))) {
    reasons.set(
      'crash-looping',
      `restarted ${c.restartCount} times, now ${c.state.status} (last exit code ${c.state.exitCode})`,
    );
  }
  // Docker's flag only tells of the last exit; the kernel's log remembers every kill.
  const kills = (f.kernelOom ?? []).filter((l) => /oom-kill:/.test(l)).length;
  if (c?.state.oomKilled) {
    reasons.set('oom-killed', `Docker reports OOMKilled=true (exit code ${c.state.exitCode})`);
  } else if (kills > 0) {
    reasons.set('oom-killed', `the kernel log shows ${kills} OOM kill(s) of this container`);
  }
  if (c?.memory && f.memoryUsage !== undefined && f.memoryUsage > t.memoryPressure * c.memory) {
    reasons.set(
      'memory-pressure',
      `using ${Math.round(f.memoryUsage / 2 ** 20)} MiB of ${Math.round(c.memory / 2 ** 20)} MiB (over ${Math.round(t.memoryPressure * 100)}%)`,
    );
  }
  if (v.reachable && !c) reasons.set('stopped', 'has no container');
  else if (c && !c.state.running && !c.state.restarting) {
    reasons.set(
      'stopped',
      `${c.state.status} with exit code ${c.state.exitCode}${stoppedOnPurpose(c.state.exitCode) ? ' (a clean stop, as by docker stop)' : ''}`,
    );
  }
  if (c?.state.running && v.lag !== undefined && v.lag > t.maxLag)
    reasons.set('lagging', `${v.lag} entries behind the leader`);
  if (reasons.size === 0)
    reasons.set('healthy', c?.state.running ? 'running and caught up' : 'no problem found');
  const all = PRIORITY.filter((k) => reasons.has(k));
  const cls = all[0]!;
  const applied = defaultsEffective ?? (!!c?.memory && !!c.env.GOMEMLIMIT);
  return {
    node: v.id,
    class: cls,
    all,
    action: actionFor(cls, applied, all, c?.state.exitCode),
    why: all.map((k) => `${k}: ${reasons.get(k)}`).join('; '),
    memoryDefaults: { limit: c?.memory ?? 0, gomemlimit: c?.env.GOMEMLIMIT, applied },
  };
}

/** Exit codes of a stop someone asked for (0; 128+SIGTERM, 128+SIGINT): not a crash. */
function stoppedOnPurpose(code: number | undefined): boolean {
  return code === 0 || code === 143 || code === 130;
}

function actionFor(
  cls: NodeClass,
  defaultsApplied: boolean,
  all: NodeClass[],
  exitCode: number | undefined,
): Action {
  switch (cls) {
    case 'unreachable':
      return 'report';
    case 'corrupt-wal':
      return 'reseed';
    case 'torn-wal':
      return 'repair-and-restart';
    case 'crash-looping':
      // A crash loop on a torn tail is the torn tail's fix; otherwise the logs say why.
      return all.includes('oom-killed') && !defaultsApplied ? 'recreate-with-defaults' : 'report';
    case 'oom-killed':
      return defaultsApplied ? 'report' : 'recreate-with-defaults';
    case 'memory-pressure':
      return 'graceful-restart';
    case 'stopped':
      // Someone may have stopped it for maintenance: that is reported, not undone. A node that
      // died on its own is started (after its WAL is checked).
      // A missing container is reported too: raftroll does not create nodes.
      return exitCode === undefined || stoppedOnPurpose(exitCode) ? 'report' : 'start';
    case 'lagging':
      return 'wait';
    case 'healthy':
      return 'none';
  }
}
