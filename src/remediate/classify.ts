// What is wrong with a node, from facts gathered read-only, and the smallest safe fix. Pure:
// the same facts always give the same findings.

import type { NodeView } from '../cluster/observe.js';
import type { Action, Finding, NodeClass, NodeFacts } from '../events/findings.js';

/** Worst first: a node is classed by the first that applies; every one that applies is listed. */
export const PRIORITY: NodeClass[] = [
  'unreachable',
  'corrupt-wal',
  'wal-unreadable',
  'torn-wal',
  'crash-looping',
  'oom-killed',
  'memory-pressure',
  'disk-low',
  'stopped',
  'raft-unhealthy',
  'lagging',
  'healthy',
];

export interface Thresholds {
  maxLag: number;
  /** Usage above this fraction of the limit is memory pressure. */
  memoryPressure: number;
  /** Restarts that make a container crash-looping. */
  crashLoopRestarts: number;
}

/** How recently a restarted container must have started to count as still looping. */
export const RECENT_START_MS = 120_000;

/**
 * A crash loop caught while its process is up: restarted often, started moments ago, and not
 * answering Raft yet (a node that replays a long log and then fails spends most of its loop up).
 */
export function loopingWhileUp(v: NodeView, t: Thresholds, now?: number): boolean {
  const c = v.container;
  if (!c?.state.running || c.state.restarting || v.raft) return false;
  const started = Date.parse(c.state.startedAt);
  return (
    now !== undefined &&
    c.restartCount >= t.crashLoopRestarts &&
    Number.isFinite(started) &&
    now - started < RECENT_START_MS
  );
}

/** Free space on the data directory's disk below which nothing else is worth trying. */
export const DISK_LOW = 1024 * 2 ** 20;

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
  if (f.walError) {
    const left = f.reseedLeftovers?.length
      ? `; a re-seed did not finish (old data kept at ${f.reseedLeftovers.join(', ')})`
      : '';
    reasons.set('wal-unreadable', `${f.walError}${left}`);
  }
  if (
    c &&
    (c.state.restarting ||
      (c.restartCount >= t.crashLoopRestarts && !c.state.running) ||
      loopingWhileUp(v, t, f.observedAt))
  ) {
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
  // A full disk stops a WAL write as surely as a kill does; a restart would not help.
  if (f.diskFree !== undefined && f.diskFree < DISK_LOW)
    reasons.set(
      'disk-low',
      `only ${Math.round(f.diskFree / 2 ** 20)} MiB free on the data directory's disk: free some before anything else`,
    );
  if (v.reachable && !c) {
    reasons.set(
      'stopped',
      f.leftoverPrevious && !f.reseedLeftovers?.length
        ? `has no container, but ${f.leftoverPrevious} exists: an interrupted run left it; rename it back (docker rename) and start it, after checking its WAL`
        : 'has no container',
    );
  } else if (c && !c.state.running && !c.state.restarting) {
    reasons.set(
      'stopped',
      `${c.state.status} with exit code ${c.state.exitCode}, restart policy ${c.restartPolicy || 'unknown'}${diedOnItsOwn(c) ? '' : ' (stopped by someone, or given up on by Docker)'}`,
    );
  }
  // A running container is only healthy if Raft says so.
  if (c?.state.running && !c.state.restarting) {
    if (!v.raft)
      reasons.set('raft-unhealthy', `Raft does not answer (${v.raftError ?? 'no answer'})`);
    else if (v.raft.role === 'learner')
      reasons.set('raft-unhealthy', 'is a learner (no vote): a re-seed may not have finished');
    else if (!v.raft.leaderId) reasons.set('raft-unhealthy', 'sees no leader');
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
    action: actionFor(cls, applied, all, c),
    why: all.map((k) => `${k}: ${reasons.get(k)}`).join('; '),
    memoryDefaults: { limit: c?.memory ?? 0, gomemlimit: c?.env.GOMEMLIMIT, applied },
  };
}

/**
 * A container that died by itself and that nobody stopped: a non-zero exit that is not a signal
 * someone sends (SIGTERM, SIGINT, SIGKILL from docker stop/kill), under a restart policy that
 * would not have brought it back. Under always or unless-stopped, an exited container means
 * someone stopped it; on-failure may have given up after its retries.
 */
function diedOnItsOwn(c: NonNullable<NodeFacts['view']['container']>): boolean {
  if ([0, 130, 137, 143].includes(c.state.exitCode)) return false;
  return c.restartPolicy === 'no' || c.restartPolicy === 'on-failure' || c.restartPolicy === '';
}

function actionFor(
  cls: NodeClass,
  defaultsApplied: boolean,
  all: NodeClass[],
  c: NodeFacts['view']['container'],
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
      return c && diedOnItsOwn(c) ? 'start' : 'report';
    case 'wal-unreadable':
    case 'raft-unhealthy':
    case 'disk-low':
      return 'report';
    case 'lagging':
      return 'wait';
    case 'healthy':
      return 'none';
  }
}
