// `lab load start|stop|check`: a background writer and the check that no acknowledged write
// was lost, with the longest stall between two acknowledgements (availability).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientUrl } from './cluster.mjs';
import { LAB } from './config.mjs';
import { b64, call, unb64 } from './etcd-api.mjs';
import { pidOf, waitFor } from './hosts.mjs';

const DIR = join(LAB, 'load');
const PID = join(DIR, 'worker.pid');
const JOURNAL = join(DIR, 'journal.jsonl');
const META = join(DIR, 'run.json');

export function loadRunning() {
  return pidOf(PID) !== undefined;
}

export async function startLoad(hosts, { rate = 100 } = {}) {
  if (loadRunning()) return JSON.parse(readFileSync(META, 'utf8'));
  mkdirSync(DIR, { recursive: true });
  const run = `${Date.now().toString(36)}`;
  const prefix = `raftroll-load/${run}/`;
  rmSync(JOURNAL, { force: true });
  const log = openSync(join(DIR, 'worker.log'), 'a');
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'load-worker.mjs'),
      JOURNAL,
      prefix,
      String(rate),
      ...hosts.map(clientUrl),
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  writeFileSync(PID, String(child.pid));
  const meta = { run, prefix, rate, startedAt: Date.now(), endpoints: hosts.map(clientUrl) };
  writeFileSync(META, JSON.stringify(meta));
  return meta;
}

export async function stopLoad() {
  const pid = pidOf(PID);
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  await waitFor('the load worker to stop', () => pidOf(PID) === undefined, 10_000, 50);
}

export function readJournal() {
  if (!existsSync(JOURNAL)) return { acked: [], errors: [] };
  const acked = [];
  const errors = [];
  for (const line of readFileSync(JOURNAL, 'utf8').split('\n')) {
    if (!line) continue;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      continue; // a line cut by a kill of the worker itself
    }
    if (r.k) acked.push(r);
    else errors.push(r);
  }
  return { acked, errors };
}

/** The longest time between two consecutive acknowledgements, and when it began. */
export function longestStall(acked) {
  let worst = { ms: 0, from: undefined, to: undefined };
  for (let k = 1; k < acked.length; k++) {
    const gap = acked[k].t - acked[k - 1].t;
    if (gap > worst.ms) worst = { ms: gap, from: acked[k - 1].t, to: acked[k].t };
  }
  return worst;
}

/** Reads every acknowledged key back with a linearizable range read. */
export async function checkLoad(hosts) {
  if (!existsSync(META)) throw new Error("no load has run: 'npm run lab -- load start' first");
  const meta = JSON.parse(readFileSync(META, 'utf8'));
  const { acked, errors } = readJournal();
  let found;
  let lastError;
  for (const i of hosts) {
    try {
      const end =
        meta.prefix.slice(0, -1) +
        String.fromCharCode(meta.prefix.charCodeAt(meta.prefix.length - 1) + 1);
      const r = await call(
        clientUrl(i),
        '/v3/kv/range',
        { key: b64(meta.prefix), range_end: b64(end), keys_only: true },
        10_000,
      );
      found = new Set((r.kvs ?? []).map((kv) => unb64(kv.key)));
      break;
    } catch (e) {
      lastError = e;
    }
  }
  if (!found) throw new Error(`no node answered the read-back: ${lastError?.message}`);
  const lost = acked.filter((a) => !found.has(a.k)).map((a) => a.k);
  const stall = longestStall(acked);
  return {
    run: meta.run,
    writes: acked.length,
    errors: errors.length,
    lost: lost.length,
    lostKeys: lost.slice(0, 20),
    longestStallMs: stall.ms,
    stallFrom: stall.from,
    durationMs: acked.length ? acked.at(-1).t - meta.startedAt : 0,
  };
}
