// Joining and replacing a node of the lab's elastickv-shaped cluster (the stand-in: etcd's raft
// and wal packages behind elastickv's RaftAdmin and RawKV, not elastickv itself), run with one
// Raft group as elastickv's deploy script runs it: elastickv lets a fresh node join only then.
// Under a write load: n4 joins as a learner (--raftJoinAsLearner --raftJoinMembers), catches up,
// is promoted and redeployed with the normal flags; then n2's host dies and host 5 takes its
// place; then n3's corrupt WAL is re-seeded the same way. No acknowledged write is lost. On the three-group lab a join is refused with the reason.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeClients, unary } from '../../lab/engines/elastickv-api.js';
import { groupAddress } from '../../lab/engines/elastickv-layout.js';
import * as pb from '../../src/raft/elastickv-pb.js';
import { LAB, lab, labContainer, labDocker, labWalDigest, raftroll } from '../helpers/lab.js';
import { raftrollAsync } from './lab-watch.js';

const INVENTORY = join(LAB, 'inventory.yml');
const at = (i: number) => groupAddress(i, 1);

beforeAll(() => {
  lab('down');
  lab('up', '--engine', 'elastickv', '--groups', '1');
  lab('host-up', '4');
}, 300_000);
afterAll(() => {
  closeClients();
  lab('down');
}, 120_000);

type Server = { id: string; address: string; suffrage: string };

/** The configuration as the first of `hosts` that answers gives it. */
async function configuration(hosts: number[]): Promise<Server[]> {
  for (const h of hosts) {
    try {
      const buf = await unary(at(h), `/${pb.SERVICE}/Configuration`, pb.empty(), 1500);
      return pb.decodeConfiguration(buf);
    } catch {
      // the next one
    }
  }
  throw new Error(`no configuration from hosts ${hosts.join(', ')}`);
}

/** Every configuration seen until stopped, polled from `hosts`. */
function watch(hosts: number[]) {
  let running = true;
  const lists: Server[][] = [];
  const loop = (async () => {
    while (running) {
      lists.push(await configuration(hosts).catch(() => []));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return lists;
    },
  };
}

async function waitFor(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting for the lab');
    await new Promise((r) => setTimeout(r, 500));
  }
}

const voter = (s: Server | undefined) => s?.suffrage.toLowerCase() === 'voter';

function args(i: number): string[] {
  return JSON.parse(labDocker(i, 'inspect', 'elastickv'))[0].Args;
}

it('joins n4 as a learner, promotes it once caught up, redeploys it with the normal flags, and loses no write', async () => {
  lab('load', 'start', '--rate', '100');
  let lists: Server[][] = [];
  try {
    const w = watch([1, 2, 3]);
    const r = await raftrollAsync([
      'join',
      '--inventory',
      INVENTORY,
      '--node',
      'n4',
      '--stabilize',
      '1',
    ]);
    lists = await w.stop();
    console.log(r.out);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/n4 +join: add as a learner/);
    expect(r.out).toMatch(/n4 +join: promote to voter/);
    expect(r.out).toContain(`joined: n4 is a voter at ${at(4)}`);
  } finally {
    lab('load', 'stop');
  }
  // A learner first, never a voter before it had been one.
  const n4 = lists.map((l) => l.find((s) => s.id === 'n4')).filter(Boolean);
  const firstVoter = n4.findIndex(voter);
  expect(firstVoter).toBeGreaterThan(0);
  expect(n4.slice(0, firstVoter).every((s) => !voter(s))).toBe(true);

  const after = await configuration([1, 2, 3, 4]);
  expect(after.map((s) => `${s.id}@${s.address}`).sort()).toEqual(
    [1, 2, 3, 4].map((i) => `n${i}@${at(i)}`),
  );
  expect(after.every(voter)).toBe(true);
  // The joining flags were for the join only.
  const a = args(4);
  expect(a).not.toContain('--raftJoinAsLearner');
  expect(a[a.indexOf('--raftBootstrapMembers') + 1]).toBe(
    [1, 2, 3, 4].map((i) => `n${i}=${at(i)}`).join(','),
  );

  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(`elastickv join under load: ${check.writes} writes, ${check.lost} lost`);
  expect(check.writes).toBeGreaterThan(0);
  expect(check.lost).toBe(0);
}, 400_000);

it("replaces dead n2's host with host 5, never below a majority, and loses no write", async () => {
  lab('host-up', '5', '--as', 'n2');
  lab('load', 'start', '--rate', '100');
  let lists: Server[][] = [];
  try {
    lab('host-down', '2');
    const w = watch([1, 3, 4]);
    const r = await raftrollAsync([
      'replace',
      '--inventory',
      INVENTORY,
      '--node',
      'n2',
      '--host',
      '127.0.1.5',
      '--stabilize',
      '1',
    ]);
    lists = await w.stop();
    console.log(r.out);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`replaced: n2 is a voter at ${at(5)}`);
  } finally {
    lab('load', 'stop');
  }
  // Every configuration seen had a majority of its voters alive (n2's old address is dead).
  for (const l of lists.filter((x) => x.length)) {
    const voters = l.filter(voter);
    const alive = voters.filter((s) => s.address !== at(2));
    expect(alive.length * 2, JSON.stringify(l)).toBeGreaterThan(voters.length);
  }
  const after = await configuration([1, 3, 4, 5]);
  expect(after.map((s) => `${s.id}@${s.address}`).sort()).toEqual(
    ['n1@1', 'n2@5', 'n3@3', 'n4@4'].map((x) => {
      const [id, i] = x.split('@');
      return `${id}@${at(Number(i))}`;
    }),
  );
  expect(after.every(voter)).toBe(true);
  expect(args(5)).not.toContain('--raftJoinAsLearner');

  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(`elastickv replace under load: ${check.writes} writes, ${check.lost} lost`);
  expect(check.writes).toBeGreaterThan(0);
  expect(check.lost).toBe(0);
}, 400_000);

it('re-seeds a member whose WAL is corrupt: rejoined empty with the joining flags, then redeployed with its own', async () => {
  // What the operator does after a replace: the inventory names n2's new host.
  writeFileSync(INVENTORY, readFileSync(INVENTORY, 'utf8').replaceAll('127.0.1.2', '127.0.1.5'));
  lab('load', 'start', '--rate', '100');
  try {
    lab('fault', 'corrupt', 'n3');
    const digest = labWalDigest(3);
    labDocker(3, 'start', 'elastickv');
    await waitFor(() => labContainer(3).restartCount >= 2, 60_000);

    const r = raftroll([
      'remediate',
      '--inventory',
      INVENTORY,
      '--mode',
      'auto',
      '--allow-reseed',
      '--stabilize',
      '1',
      '--json',
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const n3 = JSON.parse(r.stdout).actions.find((a: { node: string }) => a.node === 'n3');
    expect(n3).toMatchObject({ outcome: 'healed', action: 'reseed' });
    expect(n3.message).toContain('then redeployed with its own flags');

    const after = await configuration([1, 3, 4, 5]);
    expect(after.find((s) => s.id === 'n3')).toMatchObject({ address: at(3) });
    expect(after.every(voter)).toBe(true);
    expect(args(3)).not.toContain('--raftJoinAsLearner');
    const aside = readdirSync(join(LAB, 'hosts/h3/data')).filter((n) =>
      n.startsWith('elastickv.raftroll-reseed-'),
    );
    expect(aside).toHaveLength(1);
    expect(labWalDigest(3, join(LAB, 'hosts/h3/data', aside[0]!))).toEqual(digest);
  } finally {
    lab('load', 'stop');
  }
  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(`elastickv re-seed under load: ${check.writes} writes, ${check.lost} lost`);
  expect(check.lost).toBe(0);
  const d = raftroll(['diagnose', '--inventory', INVENTORY, '--json']);
  expect(d.status, d.stdout + d.stderr).toBe(0);
}, 400_000);

it('refuses to join a node into a three-group cluster, with the reason, and changes nothing', () => {
  lab('down');
  lab('up', '--engine', 'elastickv', '--groups', '3');
  lab('host-up', '4');
  const r = raftroll(['join', '--inventory', INVENTORY, '--node', 'n4']);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(r.stdout).toContain(
    'n4: join refused: the node runs 3 Raft groups (1,2,3), and elastickv lets a fresh node join only a single-group cluster',
  );
  expect(r.stdout).toContain('Nothing was changed');
  expect(labDocker(4, 'ps', '-aq').trim()).toBe('');
}, 300_000);
