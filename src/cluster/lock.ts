// One change at a time per cluster, whoever starts it: a CLI run on a laptop and an approved
// workflow must never both pass the quorum guard and each stop a different node. The lock is a
// directory beside the data directory on every host (mkdir is atomic), with a note saying
// who holds it. It outlives a killed run on purpose: that run may have left a node half-done,
// and the message says how to check and release it.
//
// The lock is named after the data directory rather than after the inventory's nodes: what it
// guards is that directory on that host, and two runs reading different versions of one
// inventory (a node added, a host renamed) must still exclude each other. Two clusters whose data
// directories share a parent get two locks; one cluster gets the same lock from any inventory.

import { hostname, userInfo } from 'node:os';
import { basename, dirname } from 'node:path/posix';
import type { Host } from '../remote/host.js';
import { writeStdinTo } from '../runtime/docker.js';
import type { ClusterSession } from './session.js';

export const LOCK_NAME = '.raftroll-lock';

export class ClusterLockedError extends Error {
  override name = 'ClusterLockedError';
}

/** The lock's place on a host: beside the data directory and named after it. */
export function lockPath(dataDir: string): string {
  const dir = normalize(dataDir);
  return `${dirname(dir)}/${LOCK_NAME}-${basename(dir)}`;
}

/**
 * Where earlier releases kept one lock for every data directory under a parent. A run of such a
 * release, or a lock one of them left behind when it was killed, must still stop this one; this
 * release only reads that place and never takes it.
 */
export function sharedLockPath(dataDir: string): string {
  return `${dirname(normalize(dataDir))}/${LOCK_NAME}`;
}

function normalize(dataDir: string): string {
  const dir = dataDir.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  if (!dir.startsWith('/') || dir === '/' || dir.split('/').includes('..'))
    throw new Error(
      `the data directory "${dataDir}" cannot carry a cluster lock: give container.dataDir as an absolute path below /, without ".."`,
    );
  return dir;
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

async function holder(host: Host, path: string): Promise<string> {
  const who = await host.run(['cat', '--', `${path}/owner`], { allowFailure: true });
  return who.code === 0 && who.stdout.trim() ? who.stdout.trim() : 'an unknown run';
}

const locked = (by: string, path: string, id: string) =>
  new ClusterLockedError(
    `the cluster is locked by another raftroll run: ${by} (${path} on ${id}). Wait for it to finish. If that run is gone, check the nodes with raftroll diagnose, then remove ${path} on every host and run again`,
  );

/**
 * Takes the lock on every reachable host of the inventory, in inventory order; returns the
 * function that releases it. Refuses, taking nothing, when any host's lock (or the shared lock
 * of an earlier release) is held. A host that cannot be reached is skipped: another run cannot
 * reach it either, and the guard judges it.
 */
export async function lockCluster(
  session: ClusterSession,
  purpose: string,
): Promise<() => Promise<void>> {
  const dataDir = session.inv.container.dataDir;
  const path = lockPath(dataDir);
  const shared = sharedLockPath(dataDir);
  const note = owner(purpose);
  const held: Host[] = [];
  const undo = async () => {
    for (const h of held.reverse()) await release(h, path, note).catch(() => {});
  };
  for (const node of session.inv.nodes) {
    const host = session.host(node);
    const old = await host
      .run(['test', '-d', shared], { allowFailure: true })
      .catch(() => undefined);
    if (!old) continue; // unreachable
    if (old.code === 0) {
      const by = await holder(host, shared);
      await undo();
      throw locked(by, shared, node.id);
    }
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
      const by = await holder(host, path);
      await undo();
      throw locked(by, path, node.id);
    }
    held.push(host);
    await host.run(writeStdinTo(`${path}/owner`), { input: note });
  }
  return undo;
}
