// The cluster lock as a lease: who holds it (as JSON, so a later run can read it exactly), and
// a heartbeat the holder renews while it works. A lease whose heartbeat has gone quiet for
// longer than STALE_AFTER_MS belongs to a run that is gone (killed, its machine lost); only such
// a lease may be taken over, and only when the user asks for it. Pure: no I/O here.

/** How often a holder renews its heartbeat. */
export const HEARTBEAT_MS = 10_000;
/**
 * A heartbeat older than this marks the holder as gone. Six missed renewals: long enough that a
 * slow SSH round trip or a busy runner never makes a live holder look dead.
 */
export const STALE_AFTER_MS = 60_000;

/** Written into every owner file, so a lock of an earlier release or of another tool is told apart. */
export const LEASE_FORMAT = 'raftroll-lease/1';

export interface LeaseOwner {
  format: typeof LEASE_FORMAT;
  /** What the run does, e.g. "raftroll roll registry/kv:1.4.2". */
  purpose: string;
  user: string;
  host: string;
  pid: number;
  /** The GitHub Actions run, when the holder is one. */
  runUrl?: string;
  /** ISO time the lease was taken. */
  takenAt: string;
  /** Unique per run: a release removes a lock only when this matches its own. */
  token: string;
  /** The image a roll is taking the nodes to (what a resume must finish with). */
  image?: string;
}

export type OwnerFile =
  | { kind: 'lease'; owner: LeaseOwner }
  /** The plain-text note of an earlier release ("raftroll roll ... by u@h pid N since T"). */
  | { kind: 'old-format'; text: string }
  /** Empty, not JSON, or JSON that is not a raftroll lease. */
  | { kind: 'foreign'; text: string; why: string };

export function parseOwner(text: string): OwnerFile {
  const t = text.trim();
  if (!t) return { kind: 'foreign', text, why: 'the owner file is empty' };
  if (/^raftroll \S+.* by \S+ pid \d+/.test(t) && !t.startsWith('{'))
    return { kind: 'old-format', text: t };
  let o: unknown;
  try {
    o = JSON.parse(t);
  } catch {
    return { kind: 'foreign', text: t, why: 'the owner file is neither JSON nor an old note' };
  }
  const x = o as Partial<LeaseOwner>;
  if (
    x?.format !== LEASE_FORMAT ||
    typeof x.purpose !== 'string' ||
    typeof x.user !== 'string' ||
    typeof x.host !== 'string' ||
    typeof x.pid !== 'number' ||
    typeof x.takenAt !== 'string' ||
    typeof x.token !== 'string'
  )
    return { kind: 'foreign', text: t, why: `the owner file is not a ${LEASE_FORMAT} record` };
  return { kind: 'lease', owner: x as LeaseOwner };
}

/** One line naming the holder: what it does, where it runs, since when. */
export function holderLine(o: LeaseOwner): string {
  const run = o.runUrl ? ` (${o.runUrl})` : '';
  return `${o.purpose} by ${o.user}@${o.host} pid ${o.pid}${run} since ${o.takenAt}`;
}

export interface Liveness {
  /** How long since the heartbeat was last renewed, in ms (undefined: never renewed). */
  heartbeatAgeMs?: number;
  /** Set when the holder runs on this very machine: whether its pid is still alive. */
  localPidAlive?: boolean;
}

/**
 * Stale: the holder is certainly gone. A holder on this machine whose process has exited is
 * stale at once; any other only once its heartbeat is older than the threshold. A lock with no
 * heartbeat at all (a run killed between mkdir and its first write) is judged by the lock's own
 * age, which the caller passes as heartbeatAgeMs.
 */
export function isStale(l: Liveness, thresholdMs = STALE_AFTER_MS): boolean {
  if (l.localPidAlive === false) return true;
  if (l.localPidAlive === true) return false;
  return l.heartbeatAgeMs !== undefined && l.heartbeatAgeMs > thresholdMs;
}

/** "42s", "3m05s", "2h10m": ages in status lines. */
export function ageText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'unknown';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
