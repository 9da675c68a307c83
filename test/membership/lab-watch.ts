// What the membership lab tests watch while raftroll works: the CLI run without blocking the
// test's own event loop, and etcd's members and majority, read straight from etcd's gateway.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/lab.js';

export interface EtcdMember {
  ID: string;
  name: string;
  peerURLs: string[];
  isLearner?: boolean;
}

/** The built CLI, run in the background; resolves with its exit code and output. */
export function raftrollAsync(args: string[]): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d;
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, out })));
}

async function post<T>(endpoint: string, path: string, body: unknown, ms = 2000): Promise<T> {
  const r = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(ms),
  });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** The member list as the first of `endpoints` that answers gives it. */
export async function members(endpoints: string[]): Promise<EtcdMember[]> {
  for (const e of endpoints) {
    try {
      return (await post<{ members: EtcdMember[] }>(e, '/v3/cluster/member/list', {})).members;
    } catch {
      // the next one
    }
  }
  throw new Error(`no member list from ${endpoints.join(', ')}`);
}

/** A linearizable read (it needs a majority) through any of `endpoints`. */
async function majorityAnswers(endpoints: string[]): Promise<boolean> {
  for (const e of endpoints) {
    try {
      await post(
        e,
        '/v3/kv/range',
        { key: Buffer.from('raftroll-watch').toString('base64') },
        1000,
      );
      return true;
    } catch {
      // the next one
    }
  }
  return false;
}

export interface Watched {
  longestGapMs: number;
  polls: number;
  lists: EtcdMember[][];
}

/**
 * Polls the cluster until stopped: the longest time without a linearizable read answered (the
 * majority was lost for about that long) and every member list seen.
 */
export function watch(endpoints: string[]) {
  let running = true;
  let lastOk = Date.now();
  let longestGapMs = 0;
  let polls = 0;
  const lists: EtcdMember[][] = [];
  const loop = (async () => {
    while (running) {
      polls++;
      if (await majorityAnswers(endpoints)) {
        longestGapMs = Math.max(longestGapMs, Date.now() - lastOk);
        lastOk = Date.now();
      }
      lists.push(await members(endpoints).catch(() => []));
      await new Promise((r) => setTimeout(r, 200));
    }
    longestGapMs = Math.max(longestGapMs, Date.now() - lastOk);
  })();
  return {
    async stop(): Promise<Watched> {
      running = false;
      await loop;
      return { longestGapMs, polls, lists };
    },
  };
}
