// A host's cluster lock as it stands, read without changing anything: where it lives (beside
// the data directory, named after it), who holds it, how fresh its heartbeat is, and its journal.

import { hostname } from 'node:os';
import { basename, dirname } from 'node:path/posix';
import type { Host } from '../remote/host.js';
import { JOURNAL_FILE, type JournalEntry, parseJournal } from './journal.js';
import { holderLine, isStale, type OwnerFile, parseOwner, STALE_AFTER_MS } from './lease.js';

export const LOCK_NAME = '.raftroll-lock';
export const HEARTBEAT_FILE = 'heartbeat';
export const OWNER_FILE = 'owner';
export const TAKEOVER_PREFIX = 'takeover-';

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

/** Where a released lock's journal is kept: beside the data directory, stamped with the time. */
export function archivePath(dataDir: string, at: Date): string {
  const dir = normalize(dataDir);
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `${dirname(dir)}/.raftroll-journal-${basename(dir)}.${stamp}.jsonl`;
}

function normalize(dataDir: string): string {
  const dir = dataDir.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  if (!dir.startsWith('/') || dir === '/' || dir.split('/').includes('..'))
    throw new Error(
      `the data directory "${dataDir}" cannot carry a cluster lock: give container.dataDir as an absolute path below /, without ".."`,
    );
  return dir;
}

/** What one host's lock directory holds, read without changing anything. */
export type HostLock =
  | { state: 'free' }
  | {
      state: 'held';
      path: string;
      owner: OwnerFile;
      ownerText: string;
      /** From the host's own clock: no skew between this machine and the host. */
      heartbeatAgeMs?: number;
      lockAgeMs?: number;
      stale: boolean;
      entries: JournalEntry[];
      badLines: string[];
    };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder on this machine is judged by its pid; any other by its heartbeat. */
export function liveness(o: OwnerFile, heartbeatAgeMs: number | undefined) {
  const local = o.kind === 'lease' && o.owner.host === hostname();
  return {
    heartbeatAgeMs,
    ...(local && o.kind === 'lease' ? { localPidAlive: pidAlive(o.owner.pid) } : {}),
  };
}

/** Reads a lock directory on a host. Throws when the host cannot be asked. */
export async function readLock(host: Host, path: string): Promise<HostLock> {
  const ls = await host.run(['find', path, '-maxdepth', '1', '-printf', '%f %T@\\n'], {
    allowFailure: true,
  });
  if (ls.code !== 0) {
    if (/No such file/i.test(ls.stderr)) return { state: 'free' };
    throw new Error(`${host.name}: cannot read ${path}: ${ls.stderr.trim()}`);
  }
  const now = Number((await host.run(['date', '+%s'])).stdout.trim()) * 1000;
  const mtimes = new Map<string, number>();
  for (const line of ls.stdout.split('\n')) {
    const m = /^(.*) (\d+(?:\.\d+)?)$/.exec(line);
    if (m) mtimes.set(m[1]!, Number(m[2]) * 1000);
  }
  const age = (name: string) => {
    const t = mtimes.get(name);
    return t === undefined ? undefined : Math.max(0, now - t);
  };
  const ownerText = (await host.run(['cat', '--', `${path}/${OWNER_FILE}`], { allowFailure: true }))
    .stdout;
  const journal = await host.run(['cat', '--', `${path}/${JOURNAL_FILE}`], { allowFailure: true });
  const { entries, bad } = parseJournal(journal.code === 0 ? journal.stdout : '');
  const owner = parseOwner(ownerText);
  const lockAgeMs = age(basename(path));
  const heartbeatAgeMs = age(HEARTBEAT_FILE) ?? lockAgeMs;
  return {
    state: 'held',
    path,
    owner,
    ownerText,
    heartbeatAgeMs,
    lockAgeMs,
    // Only a raftroll lease can be stale: anything else is never broken by a run.
    stale: owner.kind === 'lease' && isStale(liveness(owner, heartbeatAgeMs)),
    entries,
    badLines: bad,
  };
}

/** The holder in one line, whatever kind of owner file it is. */
export function describeHolder(l: Extract<HostLock, { state: 'held' }>): string {
  if (l.owner.kind === 'lease') return holderLine(l.owner.owner);
  if (l.owner.kind === 'old-format') return l.owner.text;
  if (!l.ownerText.trim() && (l.lockAgeMs ?? 0) < STALE_AFTER_MS)
    return 'a run that is taking it right now (no owner written yet)';
  return `an unknown holder (${l.owner.why})`;
}
