// What both cluster actions share: the job log drawn from the run's events (a log group per node
// while it is worked on, one line per event, warnings as annotations), and the SSH session whose
// key material the post step removes.

import * as core from '@actions/core';
import { ClusterSession } from '../cluster/session.js';
import { type Events, retryWarnings } from '../events/events.js';
import { progressLine } from '../events/report.js';
import type { Inventory } from '../inventory/load.js';
import { STATE_DIR } from './private-dir.js';

/** One line, whatever an error message carried: a log line can never start a workflow command. */
export const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ');

/** Renders events into the job log; returns a function that closes a group left open. */
export function logEvents(events: Events, title: (node: string) => string): () => void {
  const t0 = Date.now();
  let group: string | undefined;
  const close = () => {
    if (group) core.endGroup();
    group = undefined;
  };
  events.on((e) => {
    const node = 'node' in e ? e.node : undefined;
    if (e.type === 'phase' && node !== group) {
      close();
      group = node;
      core.startGroup(title(node!));
    }
    const line = progressLine(e, t0);
    if (line) core.info(oneLine(line));
    if (e.type === 'warning') core.warning(e.message, { title: `raftroll ${e.node ?? ''}`.trim() });
    if (e.type === 'rollout-end' || e.type === 'heal-result') close();
  });
  return close;
}

export async function openSession(
  inv: Inventory,
  s: { sshKey?: string; knownHosts?: string },
  baseDir: string,
  events: Events,
): Promise<ClusterSession> {
  const session = await ClusterSession.open(inv, {
    privateKey: s.sshKey,
    knownHosts: s.knownHosts,
    baseDir,
    onRetry: retryWarnings(events),
  });
  // The post step removes key material even if this process is killed.
  core.saveState(STATE_DIR, session.dir);
  return session;
}
