// The journal: one JSON line per phase transition of a node, written on the node's own host
// inside the cluster lock BEFORE the step it announces. A run killed at any instant leaves the
// last step it may have begun as the journal's last line for that node, so a later run (or a
// person) knows exactly what was left half-done and how to finish it.
//
// The pure part (parsing, what is in flight, what finishing means) is kept apart from the one
// function that appends a line over the Host interface.

import type { Host } from '../remote/host.js';

/** A container as the journal names it: enough to tell the old one from the new one. */
export interface SpecRef {
  name: string;
  image: string;
  fingerprint?: string;
}

/**
 * The steps a node goes through, in order, and the ends it can come to. `restored`: the
 * original container was started again; `rolled-back`: the previous container is back;
 * `left-stopped`: stopped on purpose (a corrupt log), not half-done; `take-over`: a later run
 * took over a stale lease on this host.
 */
export type JournalPhase =
  | 'stop'
  | 'wal'
  | 'start'
  | 'catch-up'
  | 'rollback'
  | 'done'
  | 'restored'
  | 'rolled-back'
  | 'left-stopped'
  | 'take-over';

export interface JournalEntry {
  /** ISO time the line was written (before the step). */
  at: string;
  /** The lease token of the run that wrote it. */
  run: string;
  node: string;
  phase: JournalPhase;
  /** The container the node ran before the step, and the one the step leads to. */
  old?: SpecRef;
  new?: SpecRef;
  detail?: string;
}

/**
 * A line that a command appends itself, on `host`, before its own step (one round trip instead
 * of two); `written()` is called once the host has shown it appended.
 */
export interface PendingLine {
  host: Host;
  path: string;
  /**
   * The line, without its newline. Its `at` is when it was made, before the command that
   * carries it: for a line appended after its step (the `wal` line after the stop), the time
   * that step began.
   */
  text: string;
  written(): void;
}

/** What a run hands the node procedure: an awaited write-ahead record per transition. */
export interface PhaseJournal {
  record(e: Omit<JournalEntry, 'at' | 'run'>): Promise<void>;
  /** The line record(e) would append, for a command to append before its step; see PendingLine. */
  pending?(e: Omit<JournalEntry, 'at' | 'run'>): PendingLine | undefined;
}

/** A journal line as it is appended (JSON has no newline of its own). */
export const journalLine = (e: JournalEntry) => `${JSON.stringify(e)}\n`;

/** Ends after which nothing is left half-done on the node. */
export const SETTLED: ReadonlySet<JournalPhase> = new Set([
  'done',
  'restored',
  'rolled-back',
  'left-stopped',
]);

export const JOURNAL_FILE = 'journal.jsonl';

/** Lines that do not parse are returned apart: a journal is read, never trusted blindly. */
export function parseJournal(text: string): { entries: JournalEntry[]; bad: string[] } {
  const entries: JournalEntry[] = [];
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.node === 'string' && typeof e.phase === 'string' && typeof e.at === 'string')
        entries.push(e);
      else bad.push(line);
    } catch {
      // A line cut short by a kill mid-append: the step it announced was never begun.
      bad.push(line);
    }
  }
  return { entries, bad };
}

/** Each node's last step, for the nodes whose last step is not an end (take-overs aside). */
export function inFlight(entries: JournalEntry[]): JournalEntry[] {
  const last = new Map<string, JournalEntry>();
  for (const e of entries) if (e.phase !== 'take-over') last.set(e.node, e);
  return [...last.values()].filter((e) => !SETTLED.has(e.phase));
}

/** A container as seen now, for deciding how to finish. */
export interface SeenContainer {
  fingerprint?: string;
  running: boolean;
}

export interface Seen {
  /** The container under the node's own name. */
  current?: SeenContainer;
  /** The old container kept under its previous name during a replacement. */
  previous?: SeenContainer;
}

/**
 * How to finish a node the journal shows in flight:
 * - start-new: the new container exists; check the log, start it, wait until it has caught up,
 *   and remove the previous one.
 * - restore-old: the old container is (or can be put back) under its own name; check the log,
 *   start it, wait until it has caught up (the new one, if any, goes).
 * - report: what is on the host does not match the journal; a person must look.
 */
export type FinishKind = 'start-new' | 'restore-old' | 'report';

export interface FinishPlan {
  kind: FinishKind;
  why: string;
}

const isNew = (c: SeenContainer | undefined, e: JournalEntry) =>
  !!c && !!e.new?.fingerprint && c.fingerprint === e.new.fingerprint;

/** The journal decides; what is on the host only says whether the new container came to be. */
export function finishPlan(e: JournalEntry, seen: Seen): FinishPlan {
  switch (e.phase) {
    case 'stop':
    case 'wal':
      // Nothing was replaced yet: the node's own container is the old one.
      if (!seen.current)
        return { kind: 'report', why: `the journal says ${e.phase}, but there is no container` };
      return {
        kind: 'restore-old',
        why: `the run died at ${e.phase}, before any container was replaced: start the old one again`,
      };
    case 'start':
      if (isNew(seen.current, e))
        return {
          kind: 'start-new',
          why: 'the run died at start after the new container was created: finish starting it',
        };
      if (seen.previous || seen.current)
        return {
          kind: 'restore-old',
          why: 'the run died at start before the new container was created: put the old one back',
        };
      return { kind: 'report', why: 'the journal says start, but neither container exists' };
    case 'catch-up':
      if (isNew(seen.current, e))
        return {
          kind: 'start-new',
          why: 'the run died while the new container was catching up: wait for it and finish',
        };
      return {
        kind: seen.previous || seen.current ? 'restore-old' : 'report',
        why: 'the journal says catch-up, but the new container is not there: put the old one back',
      };
    case 'rollback':
      if (!seen.previous && !seen.current)
        return { kind: 'report', why: 'the journal says rollback, but neither container exists' };
      return {
        kind: 'restore-old',
        why: 'the run died while rolling back: finish putting the old container back',
      };
    default:
      return { kind: 'report', why: `nothing to finish after ${e.phase}` };
  }
}

/** Whether the node's log was verified before the run died (the start is written after it). */
export const walVerified = (e: JournalEntry) =>
  e.phase === 'start' || e.phase === 'catch-up' || e.phase === 'rollback';

/** Appends one line; the line travels on stdin, the path as one argv word (no shell). */
export async function appendJournal(host: Host, path: string, e: JournalEntry): Promise<void> {
  await host.run(['tee', '-a', '--', path], { input: journalLine(e) });
}
