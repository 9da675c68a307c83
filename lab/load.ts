// `lab load start|stop|check`: a background writer and the check that no acknowledged write
// was lost, with the longest stall between two acknowledgements (availability).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB } from './config.js';
import type { LabEngine, LoadLane } from './engine.js';
import { pidOf, waitFor } from './wait.js';

const DIR = join(LAB, 'load');
const PID = join(DIR, 'worker.pid');
const JOURNAL = join(DIR, 'journal.jsonl');
const META = join(DIR, 'run.json');
/** The worker is bundled next to this file's bundle (see the build script). */
const WORKER = join(import.meta.dirname, 'load-worker.js');

export interface LoadRun {
  run: string;
  prefix: string;
  rate: number;
  startedAt: number;
  /** One writer per lane; each lane's keys land in one Raft group. */
  lanes: LoadLane[];
}

interface Acked {
  k: string;
  /** The lane's group. */
  g: number;
  t: number;
  s: number;
}

interface Failed {
  e: string;
  g: number;
  ep?: string;
  t: number;
}

export function loadRunning(): boolean {
  return pidOf(PID) !== undefined;
}

export async function startLoad(
  engine: LabEngine,
  hosts: number[],
  { rate = 100 }: { rate?: number } = {},
): Promise<LoadRun> {
  if (!(rate > 0)) throw new Error(`--rate is "${rate}": expected writes per second above 0`);
  if (loadRunning()) return JSON.parse(readFileSync(META, 'utf8')) as LoadRun;
  if (!existsSync(WORKER))
    throw new Error(`${WORKER} is missing: run the lab through 'npm run lab', which builds it`);
  mkdirSync(DIR, { recursive: true });
  const run = `${Date.now().toString(36)}`;
  const prefix = `raftroll-load/${run}/`;
  const lanes = engine.loadLanes(prefix, hosts);
  rmSync(JOURNAL, { force: true });
  const log = openSync(join(DIR, 'worker.log'), 'a');
  const child = spawn(
    process.execPath,
    [WORKER, engine.name, JOURNAL, String(rate), JSON.stringify(lanes)],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  writeFileSync(PID, String(child.pid));
  const meta: LoadRun = { run, prefix, rate, startedAt: Date.now(), lanes };
  writeFileSync(META, JSON.stringify(meta));
  return meta;
}

export async function stopLoad(): Promise<void> {
  const pid = pidOf(PID);
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  await waitFor('the load worker to stop', () => pidOf(PID) === undefined, 10_000, 50);
}

export function readJournal(): { acked: Acked[]; errors: Failed[] } {
  if (!existsSync(JOURNAL)) return { acked: [], errors: [] };
  const acked: Acked[] = [];
  const errors: Failed[] = [];
  for (const line of readFileSync(JOURNAL, 'utf8').split('\n')) {
    if (!line) continue;
    let r: Partial<Acked & Failed>;
    try {
      r = JSON.parse(line);
    } catch {
      continue; // a line cut by a kill of the worker itself
    }
    if (r.k) acked.push(r as Acked);
    else errors.push(r as Failed);
  }
  // The lanes write concurrently: stalls are measured in acknowledgement order.
  acked.sort((a, b) => a.t - b.t);
  return { acked, errors };
}

/** The longest time between two consecutive acknowledgements, and when it began. */
export function longestStall(acked: { t: number }[]): {
  ms: number;
  from: number | undefined;
  to: number | undefined;
} {
  let worst: { ms: number; from: number | undefined; to: number | undefined } = {
    ms: 0,
    from: undefined,
    to: undefined,
  };
  for (let k = 1; k < acked.length; k++) {
    const gap = acked[k]!.t - acked[k - 1]!.t;
    if (gap > worst.ms) worst = { ms: gap, from: acked[k - 1]!.t, to: acked[k]!.t };
  }
  return worst;
}

/** The check's figures for one Raft group's writes (or all of them). */
export interface LoadFigures {
  writes: number;
  errors: number;
  lost: number;
  lostKeys: string[];
  longestStallMs: number;
  stallFrom: number | undefined;
  stallTo: number | undefined;
  /** What the writer was told while the longest stall lasted: where the time went. */
  stallErrors: string[];
}

export interface LoadCheck extends LoadFigures {
  run: string;
  durationMs: number;
  /** Per Raft group; a stall here is time in which that group acknowledged nothing. */
  groups: ({ group: number } & LoadFigures)[];
}

function figures(
  acked: Acked[],
  errors: Failed[],
  lost: string[],
  stallsFrom: number,
): LoadFigures {
  const stall = longestStall(acked.filter((a) => a.t >= stallsFrom));
  return {
    writes: acked.length,
    errors: errors.length,
    lost: lost.length,
    lostKeys: lost.slice(0, 20),
    longestStallMs: stall.ms,
    stallFrom: stall.from,
    stallTo: stall.to,
    stallErrors: errors
      .filter((e) => stall.from !== undefined && e.t > stall.from && e.t <= stall.to!)
      .slice(0, 8)
      .map((e) => `+${e.t - stall.from!} ms ${e.ep ?? ''}: ${e.e}`),
  };
}

/** Reads every acknowledged key back, lane by lane, from the first node that answers. */
async function readLane(engine: LabEngine, lane: LoadLane, keys: string[]): Promise<Set<string>> {
  let lastError: Error | undefined;
  for (const endpoint of lane.endpoints) {
    try {
      return await engine.api.readBack(endpoint, lane.prefix, keys, 10_000);
    } catch (e) {
      lastError = e as Error;
    }
  }
  throw new Error(
    `no node answered the read-back of group ${lane.group} (${lane.endpoints.join(', ')}): ${lastError?.message}`,
  );
}

/**
 * Every acknowledged write is read back; stalls are measured from `stallsFrom` on (epoch ms),
 * so that a benchmark can leave the load's own warm-up (its first connections) out of them.
 */
export async function checkLoad(
  engine: LabEngine,
  _hosts: number[],
  stallsFrom = 0,
): Promise<LoadCheck> {
  if (!existsSync(META)) throw new Error("no load has run: 'npm run lab -- load start' first");
  const meta = JSON.parse(readFileSync(META, 'utf8')) as LoadRun;
  const { acked, errors } = readJournal();
  const lostAll: string[] = [];
  const groups: LoadCheck['groups'] = [];
  for (const lane of meta.lanes) {
    const mine = acked.filter((a) => a.g === lane.group);
    const have = await readLane(
      engine,
      lane,
      mine.map((a) => a.k),
    );
    const lost = mine.filter((a) => !have.has(a.k)).map((a) => a.k);
    lostAll.push(...lost);
    groups.push({
      group: lane.group,
      ...figures(
        mine,
        errors.filter((e) => e.g === lane.group),
        lost,
        stallsFrom,
      ),
    });
  }
  return {
    run: meta.run,
    ...figures(acked, errors, lostAll, stallsFrom),
    durationMs: acked.length ? acked.at(-1)!.t - meta.startedAt : 0,
    groups,
  };
}
