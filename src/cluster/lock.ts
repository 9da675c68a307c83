// One change at a time per cluster, whoever starts it: a CLI run on a laptop and an approved
// workflow must never both pass the quorum guard and each stop a different node. The lock is a
// directory beside the data directory on every host (mkdir is atomic) holding a lease: a JSON
// owner record, a heartbeat file the holder touches while it works, and the journal of what it
// does to that host's node. It outlives a killed run on purpose: that run may have left a node
// half-done, and the journal says exactly where.
//
// The lock is named after the data directory rather than after the inventory's nodes: what it
// guards is that directory on that host, and two runs reading different versions of one
// inventory (a node added, a host renamed) must still exclude each other. Two clusters whose data
// directories share a parent get two locks; one cluster gets the same lock from any inventory.

import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { NodeInput } from '../inventory/schema.js';
import type { Host } from '../remote/host.js';
import { writeStdinTo } from '../runtime/docker.js';
import {
  appendJournal,
  inFlight,
  JOURNAL_FILE,
  type JournalEntry,
  type PendingLine,
  type PhaseJournal,
  SETTLED,
} from './journal.js';
import {
  ageText,
  HEARTBEAT_MS,
  holderLine,
  LEASE_FORMAT,
  type LeaseOwner,
  type OwnerFile,
  parseOwner,
  STALE_AFTER_MS,
} from './lease.js';
import {
  archivePath,
  describeHolder,
  HEARTBEAT_FILE,
  type HostLock,
  lockPath,
  OWNER_FILE,
  readLock,
  sharedLockPath,
  TAKEOVER_PREFIX,
} from './lock-read.js';
import type { ClusterSession } from './session.js';

export class ClusterLockedError extends Error {
  override name = 'ClusterLockedError';
  /** The holder, in one line, for summaries. */
  constructor(
    message: string,
    readonly holder: string,
  ) {
    super(message);
  }
}

function newOwner(purpose: string, image?: string): LeaseOwner {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {}
  const e = process.env;
  const runUrl =
    e.GITHUB_RUN_ID && e.GITHUB_REPOSITORY
      ? `${e.GITHUB_SERVER_URL || 'https://github.com'}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`
      : undefined;
  return {
    format: LEASE_FORMAT,
    purpose,
    user,
    host: hostname(),
    pid: process.pid,
    ...(runUrl ? { runUrl } : {}),
    takenAt: new Date().toISOString(),
    token: randomUUID(),
    ...(image ? { image } : {}),
  };
}

function lockedError(l: Extract<HostLock, { state: 'held' }>, id: string): ClusterLockedError {
  const by = describeHolder(l);
  const where = `(${l.path} on ${id})`;
  if (l.owner.kind === 'lease' && l.stale)
    return new ClusterLockedError(
      `the cluster is locked by another raftroll run: ${by} ${where}, heartbeat ${ageText(l.heartbeatAgeMs)} ago: that run looks gone (stale after ${STALE_AFTER_MS / 1000}s). See what it left with raftroll lock status, then finish its work with --take-over-stale (or raftroll lock release)`,
      by,
    );
  if (l.owner.kind === 'lease')
    return new ClusterLockedError(
      `the cluster is locked by another raftroll run: ${by} ${where}, heartbeat ${ageText(l.heartbeatAgeMs)} ago. Wait for it to finish; a live holder is never broken`,
      by,
    );
  return new ClusterLockedError(
    `the cluster is locked by another raftroll run: ${by} ${where}. This is not a lease this release can judge (an earlier release's note, or a file it did not write): check the nodes with raftroll diagnose, then remove it with raftroll lock release --force`,
    by,
  );
}

/** Lost a race for the lock on a host: name whoever won it. */
async function conflict(host: Host, path: string, id: string): Promise<Error> {
  const l = await readLock(host, path).catch(() => ({ state: 'free' }) as const);
  if (l.state === 'held') return lockedError(l, id);
  return new ClusterLockedError(
    `another raftroll run took and gave back the cluster lock at ${path} on ${id} while this one was taking it; run again`,
    'a run that has finished',
  );
}

export interface LockOptions {
  /** Take over a lease whose holder is gone (stale), keeping its journal. */
  takeOverStale?: boolean;
  /** The image a roll takes the nodes to, recorded in the owner for a later resume. */
  image?: string;
  /** Told about hosts skipped (unreachable) and heartbeats that fail. */
  onWarning?: (node: string | undefined, message: string) => void;
  /** Renewal interval (tests shorten it). */
  heartbeatMs?: number;
}

interface Held {
  node: NodeInput;
  host: Host;
  /** The owner text there before a take-over (put back if the take-over is undone). */
  previousOwner?: string;
  marker?: string;
}

/** A taken-over lease: whose it was and what its journal shows. */
export interface TakenOver {
  node: string;
  previous: LeaseOwner;
  entries: JournalEntry[];
}

/**
 * A held lease: its owner record, its heartbeat, the journal the node procedure writes to,
 * and the release that keeps the lock while any node is left half-done.
 */
export class Lease implements PhaseJournal {
  private timer?: ReturnType<typeof setInterval>;
  private readonly last = new Map<string, JournalEntry>();

  constructor(
    private readonly session: ClusterSession,
    readonly path: string,
    readonly owner: LeaseOwner,
    private readonly held: Held[],
    /** Nodes whose host could not be reached when the lock was taken. */
    readonly skipped: string[],
    /** What the gone runs left, per host whose lease was taken over. */
    readonly takenOver: TakenOver[],
    private readonly warn: (node: string | undefined, m: string) => void,
  ) {}

  /** Entries of the runs whose leases were taken over that show a node in flight. */
  inherited(): JournalEntry[] {
    return this.takenOver.flatMap((t) => inFlight(t.entries));
  }

  async record(e: Omit<JournalEntry, 'at' | 'run'>): Promise<void> {
    const h = this.heldFor(e.node);
    const full = this.entry(e);
    await appendJournal(h.host, `${this.path}/${JOURNAL_FILE}`, full);
    this.last.set(e.node, full);
  }

  pending(e: Omit<JournalEntry, 'at' | 'run'>): PendingLine {
    const h = this.heldFor(e.node);
    const full = this.entry(e);
    return {
      host: h.host,
      path: `${this.path}/${JOURNAL_FILE}`,
      text: JSON.stringify(full),
      written: () => this.last.set(e.node, full),
    };
  }

  /** The line for e as this run writes it: stamped now, with its token. */
  private entry(e: Omit<JournalEntry, 'at' | 'run'>): JournalEntry {
    return { at: new Date().toISOString(), run: this.owner.token, ...e };
  }

  private heldFor(node: string): Held {
    const h = this.held.find((x) => x.node.id === node);
    if (!h)
      throw new Error(
        `${node}: cannot write the journal: this run holds no lock on its host (it was unreachable when the lock was taken)`,
      );
    return h;
  }

  /** The nodes this run began and did not bring to an end. */
  halfDone(): JournalEntry[] {
    return [...this.last.values()].filter((e) => !SETTLED.has(e.phase));
  }

  startHeartbeat(ms = HEARTBEAT_MS): void {
    this.timer = setInterval(() => {
      this.beating ??= this.beat()
        .catch(() => {})
        .finally(() => {
          this.beating = undefined;
        });
    }, ms);
    this.timer.unref();
  }

  /** The renewal under way, if any. */
  private beating?: Promise<void>;

  /**
   * No renewal after this, and none still running: a touch that outlived the release would
   * meet a removed lock, or a connection already closed, and warn about nothing.
   */
  private async stopHeartbeat(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  private async beat(): Promise<void> {
    await Promise.all(
      this.held.map(async (h) => {
        const r = await h.host
          .run(['touch', '-c', '--', `${this.path}/${HEARTBEAT_FILE}`], { allowFailure: true })
          .catch((e: Error) => ({ code: -1, stderr: e.message }));
        if (r.code !== 0)
          this.warn(h.node.id, `could not renew the lease heartbeat: ${r.stderr.trim()}`);
      }),
    );
  }

  /**
   * Gives the lock back on every host, unless a node this run began is left half-done: then
   * the lock stays, with its journal, and the returned text says why. A journal inherited from
   * a taken-over run is archived beside the data directory, never deleted.
   */
  async release(): Promise<string | undefined> {
    await this.stopHeartbeat();
    const open = this.halfDone();
    if (open.length)
      return `the cluster lock is kept: ${open.map((e) => `${e.node} was left at ${e.phase}`).join(', ')}; the journal says where things stand (raftroll lock status)`;
    const archive = this.takenOver.length > 0;
    await firstLast(this.held, (h) =>
      releaseHost(h.host, this.path, this.owner.token, archive, this.session).catch((e: Error) =>
        this.warn(h.node.id, `could not release the cluster lock: ${e.message}`),
      ),
    );
    return undefined;
  }

  /** Undo a take that did not complete: own locks go, taken-over ones get their owner back. */
  async undo(): Promise<void> {
    await this.stopHeartbeat();
    await firstLast([...this.held], async (h) => {
      if (h.previousOwner !== undefined) {
        await h.host
          .run(writeStdinTo(`${this.path}/${OWNER_FILE}`), { input: h.previousOwner })
          .catch(() => {});
        if (h.marker) await h.host.run(['rmdir', '--', h.marker]).catch(() => {});
      } else await releaseHost(h.host, this.path, this.owner.token, false).catch(() => {});
    });
  }
}

/**
 * Gives back locks in the order that keeps the take's arbitration: every host but the first at
 * once, then the first. The first host taken (the first reachable one in inventory order) is
 * where two runs reading the same inventory meet first; while it is held, neither gets past it,
 * so the others may go in any order. Runs that meet elsewhere first are still kept apart by
 * each host's mkdir.
 */
async function firstLast(held: Held[], give: (h: Held) => Promise<void>): Promise<void> {
  const [first, ...rest] = held;
  await Promise.all(rest.map(give));
  if (first) await give(first);
}

/** Removes the lock on one host if it is still ours; the journal is archived when asked. */
async function releaseHost(
  host: Host,
  path: string,
  token: string,
  archive: boolean,
  session?: ClusterSession,
): Promise<void> {
  // Only our own lock: a lock someone broke and took over stays theirs.
  if (!(archive && session)) {
    await host.run(releaseOwnCommand(path, token));
    return;
  }
  const r = await host.run(['cat', '--', `${path}/${OWNER_FILE}`], { allowFailure: true });
  const o = parseOwner(r.code === 0 ? r.stdout : '');
  if (o.kind !== 'lease' || o.owner.token !== token) return;
  await archiveJournal(host, path, session.inv.container.dataDir);
  await host.run(['rm', '-rf', '--', path]);
}

/**
 * Removes the lock directory when its owner file carries our token, in one command: the token
 * is a random UUID, written only by this run's JSON.stringify, so finding it there is as good as
 * parsing the file. No owner file (the lock is gone, or was never ours) leaves nothing to do;
 * one that cannot be read fails the command, and the release warns.
 */
function releaseOwnCommand(path: string, token: string): string[] {
  return [
    'sh',
    '-c',
    '[ -e "$2" ] || exit 0; o=$(cat -- "$2") || exit 1; case "$o" in *"$3"*) exec rm -rf -- "$1" ;; esac',
    'raftroll-unlock',
    path,
    `${path}/${OWNER_FILE}`,
    JSON.stringify({ token }).slice(1, -1),
  ];
}

/** Moves the journal out of the lock, beside the data directory; says where (or undefined). */
export async function archiveJournal(
  host: Host,
  path: string,
  dataDir: string,
): Promise<string | undefined> {
  const from = `${path}/${JOURNAL_FILE}`;
  const exists = await host.run(['test', '-s', from], { allowFailure: true });
  if (exists.code !== 0) return undefined;
  const to = archivePath(dataDir, new Date());
  await host.run(['mv', '-n', '--', from, to]);
  return to;
}

/**
 * Takes the lease on every reachable host of the inventory, in inventory order. All or nothing:
 * when any host's lock is held (or the shared lock of an earlier release exists), whatever this
 * call took is given back and it throws ClusterLockedError naming the holder. A stale lease is
 * taken over only with takeOverStale; a live one never.
 *
 * A host that cannot be reached is skipped and named in `skipped` (and told to onWarning):
 * another run cannot reach it either, the guard refuses to touch a cluster with an unreachable
 * member, and no journal can be written there.
 */
export async function takeLease(
  session: ClusterSession,
  purpose: string,
  o: LockOptions = {},
): Promise<Lease> {
  const dataDir = session.inv.container.dataDir;
  const path = lockPath(dataDir);
  const shared = sharedLockPath(dataDir);
  const warn = o.onWarning ?? (() => {});
  const owner = newOwner(purpose, o.image);
  const ownerText = `${JSON.stringify(owner)}\n`;
  const held: Held[] = [];
  const skipped: string[] = [];
  const takenOver: TakenOver[] = [];
  const lease = new Lease(session, path, owner, held, skipped, takenOver, warn);
  const fail = async (e: Error): Promise<never> => {
    await lease.undo();
    throw e;
  };

  // First look everywhere, changing nothing: a refusal then touches no host at all.
  const plan: { node: NodeInput; host: Host; takeOver?: Extract<HostLock, { state: 'held' }> }[] =
    [];
  // Reads change nothing, so every host is asked at once; the answers are judged in inventory
  // order, as the locks are taken.
  const seen = await Promise.all(
    session.inv.nodes.map((node) => {
      const host = session.host(node);
      return Promise.all([readLock(host, shared), readLock(host, path)]).catch((e: Error) => e);
    }),
  );
  for (const [k, node] of session.inv.nodes.entries()) {
    const host = session.host(node);
    const got = seen[k]!;
    if (got instanceof Error) {
      skipped.push(node.id);
      warn(node.id, `not locked: the host could not be reached (${got.message})`);
      continue;
    }
    const [old, mine] = got;
    if (old.state === 'held') throw lockedError(old, node.id);
    if (mine.state === 'held') {
      if (!(mine.stale && o.takeOverStale)) throw lockedError(mine, node.id);
      plan.push({ node, host, takeOver: mine });
    } else plan.push({ node, host });
  }

  const takeOne = async (p: (typeof plan)[number]): Promise<void> => {
    if (p.takeOver) {
      const prev = p.takeOver;
      const prevOwner = (prev.owner as Extract<OwnerFile, { kind: 'lease' }>).owner;
      // Two runs taking over the same stale lease: the marker's mkdir lets exactly one win.
      const marker = `${path}/${TAKEOVER_PREFIX}${prevOwner.token}`;
      const won = await p.host.run(['mkdir', '--', marker], { allowFailure: true });
      if (won.code !== 0) throw await conflict(p.host, path, p.node.id);
      held.push({ node: p.node, host: p.host, previousOwner: prev.ownerText, marker });
      await p.host.run(writeStdinTo(`${path}/${OWNER_FILE}`), { input: ownerText });
      takenOver.push({ node: p.node.id, previous: prevOwner, entries: prev.entries });
      // Written straight to the file: a take-over is no step of the node's, not half-done.
      await appendJournal(p.host, `${path}/${JOURNAL_FILE}`, {
        at: new Date().toISOString(),
        run: owner.token,
        node: p.node.id,
        phase: 'take-over',
        detail: `stale lease of ${holderLine(prevOwner)} taken over`,
      });
      await p.host.run(['touch', '--', `${path}/${HEARTBEAT_FILE}`]);
      return;
    }
    // One command per host: the directory (atomic: exactly one run makes it), then its owner
    // and heartbeat, since an undo removes only a lock whose owner file says it is ours.
    const made = await p.host
      .run(takeLockCommand(path), { input: ownerText, allowFailure: true })
      .catch((e: Error) => ({ code: -1, stderr: e.message }));
    if (made.code === MKDIR_FAILED && /exists/i.test(made.stderr))
      throw await conflict(p.host, path, p.node.id);
    if (made.code !== 0) {
      // It may have made the directory before failing: the undo looks, and removes only a
      // lock whose owner file says it is ours.
      if (made.code !== MKDIR_FAILED && made.code !== -1) held.push({ node: p.node, host: p.host });
      throw new Error(
        `${p.node.id}: cannot take the cluster lock at ${path}: ${made.stderr.trim()}; the directory holding the data directory must exist and be writable (with sudo if the inventory says so)`,
      );
    }
    held.push({ node: p.node, host: p.host });
  };
  // The first host alone, then the rest at once. Two runs reading the same inventory meet at
  // its first reachable host, and exactly one gets past it; the winner meets no rival at the
  // others, except a run that lists or reaches the hosts otherwise, and each host's mkdir still
  // lets only one of them have it. Whatever a run took is undone (the first host last) when any
  // host fails.
  try {
    const [first, ...rest] = plan;
    if (first) await takeOne(first);
    const took = await Promise.allSettled(rest.map(takeOne));
    const lost = took.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (lost) throw lost.reason;
  } catch (e) {
    await fail(e as Error);
  }
  lease.startHeartbeat(o.heartbeatMs);
  return lease;
}

/** takeLockCommand's exit code when the lock directory could not be made. */
const MKDIR_FAILED = 97;

/** Makes the lock directory, then writes stdin to its owner file and touches its heartbeat. */
function takeLockCommand(path: string): string[] {
  return [
    'sh',
    '-c',
    `mkdir -m 0700 -- "$1" || exit ${MKDIR_FAILED}; umask 077 && cat > "$2" && touch -- "$3"`,
    'raftroll-lock',
    path,
    `${path}/${OWNER_FILE}`,
    `${path}/${HEARTBEAT_FILE}`,
  ];
}

/** The lock as a plain release function (for callers that neither journal nor resume). */
export async function lockCluster(
  session: ClusterSession,
  purpose: string,
): Promise<() => Promise<void>> {
  const lease = await takeLease(session, purpose);
  return async () => {
    await lease.release();
  };
}
