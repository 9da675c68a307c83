// Joining a 4th node into the lab's 3-node etcd cluster under a write load: it is seen as a
// learner, catches up, is promoted, and ends a voter running the flags every member runs; no
// acknowledged write is lost, and a node that is a voter already is refused by name.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshLab, LAB, lab, labDocker, raftroll } from '../helpers/lab.js';
import { type EtcdMember, members, raftrollAsync, type Watched, watch } from './lab-watch.js';

const INVENTORY = join(LAB, 'inventory.yml');
const REPORT = join(LAB, 'join-report.json');
const CLUSTER = ['http://127.0.1.1:2379', 'http://127.0.1.2:2379', 'http://127.0.1.3:2379'];
const N4 = 'http://127.0.1.4:2380';

beforeAll(() => {
  freshLab();
  lab('host-up', '4');
}, 300_000);
afterAll(() => lab('down'), 120_000);

it('undoes a join whose node does not start: the learner is removed again, its container gone', async () => {
  const r = await raftrollAsync([
    'join',
    '--inventory',
    INVENTORY,
    '--node',
    'n4',
    '--image-tag',
    'broken',
    '--start-timeout',
    '20',
  ]);
  console.log(r.out);
  expect(r.status, r.out).toBe(1);
  expect(r.out).toMatch(
    /failed: n4: the join stopped at "catch up as a learner": the new container (is crash-looping|exited)/,
  );
  expect(r.out).toContain('the learner was removed again');
  expect(r.out).toContain('the cluster is as it was');
  const list = await members(CLUSTER);
  expect(list).toHaveLength(3);
  expect(list.some((m) => m.peerURLs.includes(N4))).toBe(false);
  expect(labDocker(4, 'ps', '-aq').trim()).toBe('');
}, 120_000);

it('joins n4 as a learner, promotes it once caught up, and loses no acknowledged write', async () => {
  expect(readFileSync(INVENTORY, 'utf8')).toContain('127.0.1.4');
  lab('load', 'start', '--rate', '100');
  let seen: Watched | undefined;
  try {
    const w = watch(CLUSTER);
    const r = await raftrollAsync([
      'join',
      '--inventory',
      INVENTORY,
      '--node',
      'n4',
      '--stabilize',
      '1',
      '--json-report',
      REPORT,
    ]);
    seen = await w.stop();
    console.log(r.out);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/n4 +join: add as a learner/);
    expect(r.out).toMatch(/n4 +join: catch up as a learner/);
    expect(r.out).toMatch(/n4 +join: promote to voter/);
    expect(r.out).toMatch(/joined: n4 is a voter at http:\/\/127\.0\.1\.4:2380/);
  } finally {
    lab('load', 'stop');
  }
  // The cluster itself, between the raftroll calls: n4 a learner at some point, never a voter
  // before it had been one.
  const n4In = (list: EtcdMember[]) => list.find((m) => m.peerURLs.includes(N4));
  const states = seen!.lists.map((l) => n4In(l)).filter(Boolean);
  expect(states.some((m) => m!.isLearner)).toBe(true);
  const firstVoter = states.findIndex((m) => !m!.isLearner);
  expect(states.slice(0, firstVoter).every((m) => m!.isLearner)).toBe(true);
  console.log(
    `join: ${seen!.polls} polls, n4 a learner in ${states.filter((m) => m!.isLearner).length}, longest time without a majority read ${seen!.longestGapMs} ms`,
  );

  const after = await members(CLUSTER);
  expect(after).toHaveLength(4);
  expect(after.every((m) => !m.isLearner)).toBe(true);
  expect(n4In(after)!.name).toBe('n4');
  // Redeployed as a normal member: the inventory's flags, not the joining ones.
  const c = JSON.parse(labDocker(4, 'inspect', 'etcd'))[0];
  expect(c.State.Running).toBe(true);
  const args: string[] = c.Args;
  expect(args[args.indexOf('--initial-cluster-state') + 1]).toBe('new');
  const report = JSON.parse(readFileSync(REPORT, 'utf8'));
  expect(report).toMatchObject({ result: 'success', outcome: 'joined', totals: { updated: 1 } });

  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(
    `join under load: ${check.writes} writes, ${check.lost} lost, longest stall ${check.longestStallMs} ms`,
  );
  expect(check.writes).toBeGreaterThan(0);
  expect(check.lost).toBe(0);

  // A node that is a voter already.
  const again = raftroll(['join', '--inventory', INVENTORY, '--node', 'n2']);
  expect(again.status, again.stdout + again.stderr).toBe(1);
  expect(again.stdout).toContain('n2: join refused: n2 is already a voting member');
  // A node that is not in the inventory.
  const unknown = raftroll(['join', '--inventory', INVENTORY, '--node', 'n9']);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('node "n9" is not in');
}, 400_000);
