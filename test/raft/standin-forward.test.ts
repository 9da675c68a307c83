// A write sent to a follower of the elastickv stand-in while the group's leadership moves back
// and forth: it is acknowledged or refused within moments, never left to run into its deadline.
// Forwarded as a raft proposal, raft dropped it without a word during a handover and the writer
// waited out its whole deadline (about one write in ten handovers here), which a roll under load
// saw as a one-second stall. Three local stand-in processes, one group, no Docker.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeRawPut, transferLeadership, unary } from '../../lab/engines/elastickv-api.js';
import * as pb from '../../src/raft/elastickv-pb.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NODES = ['n1', 'n2', 'n3'];
const addr = (k: number) => `127.0.0.${k}:${29000 + k * 10 + 1}`;
const DEADLINE_MS = 1000;
const HANDOVERS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const procs: { child: ChildProcess; exit: Promise<unknown> }[] = [];

async function leaderOf(k: number): Promise<string> {
  const s = pb.decodeStatus(await unary(addr(k), `/${pb.SERVICE}/Status`, pb.empty(), 1000));
  return s.leaderId;
}

/** The group's leader as n1 sees it, once n1 sees one (an election may be under way). */
async function agreedLeader(): Promise<number> {
  const until = Date.now() + 20_000;
  for (;;) {
    const id = await leaderOf(1).catch(() => '');
    if (id) return NODES.indexOf(id) + 1;
    if (Date.now() > until) throw new Error('n1 saw no leader of the stand-in group in 20 s');
    await sleep(50);
  }
}

beforeAll(async () => {
  // Its own output directory: other test files build the stand-in at the same time, and one
  // build's clean-up must not pull the sources from under another. Go's cache is safe to share.
  const standin = join(ROOT, 'lab/elastickv-standin');
  const bin = execFileSync('bash', [join(standin, 'build.sh'), tmp('raftroll-standin-')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
    env: { ...process.env, GOCACHE: process.env.GOCACHE ?? join(standin, 'out/go-cache') },
  }).trim();
  const data = join(tmp('raftroll-forward-'), 'data');
  const peers = `1=${NODES.map((n, i) => `${n}@${addr(i + 1)}`).join(',')}`;
  for (let k = 1; k <= 3; k++) {
    const child = spawn(
      bin,
      ['--raftId', NODES[k - 1]!, '--raftEngine', 'etcd', '--raftDataDir', data].concat([
        '--raftGroups',
        `1=${addr(k)}`,
        '--raftGroupPeers',
        peers,
      ]),
      { stdio: 'ignore' },
    );
    procs.push({ child, exit: new Promise((r) => child.on('exit', r)) });
  }
  await agreedLeader();
}, 660_000);

afterAll(async () => {
  for (const p of procs) {
    p.child.kill('SIGKILL');
    await p.exit;
  }
  cleanupTmp();
});

it(`answers every write through a follower within moments across ${HANDOVERS} handovers`, async () => {
  // n1 is the follower the writes go to; leadership moves between n2 and n3.
  if ((await agreedLeader()) === 1) await transferLeadership(addr(1), 'n2', addr(2), 5000);
  let stop = false;
  let acked = 0;
  const slow: string[] = [];
  const writer = (async () => {
    for (let seq = 0; !stop; seq++) {
      const sent = Date.now();
      const body = encodeRawPut(`k/${seq}`, 'v');
      const outcome = await unary(addr(1), '/RawKV/RawPut', body, DEADLINE_MS).then(
        () => 'acked',
        (e: Error) => e.message,
      );
      if (outcome === 'acked') acked++;
      if (Date.now() - sent > DEADLINE_MS / 2) slow.push(`${Date.now() - sent} ms: ${outcome}`);
      await sleep(20);
    }
  })();
  for (let round = 0; round < HANDOVERS; round++) {
    const from = await agreedLeader();
    const to = from === 2 ? 3 : 2;
    await transferLeadership(addr(from), `n${to}`, addr(to), 5000);
    await sleep(300);
  }
  stop = true;
  await writer;
  expect(acked).toBeGreaterThan(HANDOVERS * 5);
  expect(slow, 'writes that waited half their deadline or more').toEqual([]);
}, 120_000);
