// One change at a time per cluster, whoever starts it: a CLI run on a laptop and an approved
// workflow must never both pass the quorum guard and each stop a different node. The lock is a
// directory next to the data directory on every host (mkdir is atomic), with a note saying
// who holds it. It outlives a killed run on purpose: that run may have left a node half-done,
// and the message says how to check and release it.

import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path/posix';
import type { Host } from '../remote/host.js';
import { writeStdinTo } from '../runtime/docker.js';
import type { ClusterSession } from './session.js';

export const LOCK_NAME = '.raftroll-lock';

export class ClusterLockedError extends Error {
  override name = 'ClusterLockedError';
}

/** The lock's place on a host: beside the data directory, so it is per cluster. */
export function lockPath(dataDir: string): string {
  return `${dirname(dataDir.replace(/\/+$/, ''))}/${LOCK_NAME}`;
}

function owner(purpose: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {}
  const run = process.env.GITHUB_RUN_ID
    ? ` (GitHub run ${process.env.GITHUB_REPOSITORY ?? ''}#${process.env.GITHUB_RUN_ID})`
    : '';
  return `${purpose} by ${user}@${hostname()} pid ${process.pid}${run} since ${new Date().toISOString()}\n`;
}

async function release(host: Host, path: string, note: string): Promise<void> {
  // Only our own lock: a lock someone broke and took over stays theirs.
  const r = await host.run(['cat', '--', `${path}/owner`], { allowFailure: true });
  if (r.code === 0 && r.stdout === note) await host.run(['rm', '-rf', '--', path]);
}

/**
 * Takes the lock on every reachable host of the inventory, in inventory order; returns the
 * function that releases it. Refuses, taking nothing, when any host's lock is held. A host that
 * cannot be reached is skipped: another run cannot reach it either, and the guard judges it.
 */
export async function lockCluster(
  session: ClusterSession,
  purpose: string,
): Promise<() => Promise<void>> {
  const path = lockPath(session.inv.container.dataDir);
  const note = owner(purpose);
  const held: Host[] = [];
  const undo = async () => {
    for (const h of held.reverse()) await release(h, path, note).catch(() => {});
  };
  for (const node of session.inv.nodes) {
    const host = session.host(node);
    const made = await host
      .run(['mkdir', '-m', '0700', '--', path], { allowFailure: true })
      .catch(() => undefined);
    if (!made) continue; // unreachable
    if (made.code !== 0 && !/exists/i.test(made.stderr)) {
      await undo();
      throw new Error(
        `${node.id}: cannot take the cluster lock at ${path}: ${made.stderr.trim()}; the directory holding the data directory must exist and be writable (with sudo if the inventory says so)`,
      );
    }
    if (made.code !== 0) {
      const who = await host.run(['cat', '--', `${path}/owner`], { allowFailure: true });
      await undo();
      const by = who.code === 0 && who.stdout.trim() ? who.stdout.trim() : 'an unknown run';
      throw new ClusterLockedError(
        `the cluster is locked by another raftroll run: ${by} (${path} on ${node.id}). Wait for it to finish. If that run is gone, check the nodes with raftroll diagnose, then remove ${path} on every host and run again`,
      );
    }
    held.push(host);
    await host.run(writeStdinTo(`${path}/owner`), { input: note });
  }
  return undo;
}
