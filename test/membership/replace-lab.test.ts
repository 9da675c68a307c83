// Replacing the host of a dead node of the lab's etcd cluster with a fresh one under a write
// load: a live node is refused; n3's host dies; the dead member is removed, its replacement on
// host 4 joins as a learner and is promoted; the majority is never lost on the way and no
// acknowledged write is lost.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshLab, LAB, lab, labDocker, raftroll } from '../helpers/lab.js';
import { members, raftrollAsync, type Watched, watch } from './lab-watch.js';

const INVENTORY = join(LAB, 'inventory.yml');
const LIVE = ['http://127.0.1.1:2379', 'http://127.0.1.2:2379'];
const NEW = 'http://127.0.1.4:2380';
const OLD = 'http://127.0.1.3:2380';

beforeAll(() => {
  freshLab();
  lab('host-up', '4', '--as', 'n3');
}, 300_000);
afterAll(() => lab('down'), 120_000);

async function until(ok: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 300));
  }
}

it("replaces dead n3's host with host 4 without losing the majority or a write", async () => {
  const inventoryBefore = readFileSync(INVENTORY, 'utf8');
  // A live node is never replaced.
  const live = raftroll([
    'replace',
    '--inventory',
    INVENTORY,
    '--node',
    'n3',
    '--host',
    '127.0.1.4',
  ]);
  expect(live.status, live.stdout + live.stderr).toBe(1);
  expect(live.stdout).toContain('n3: replace refused: n3 is running on 127.0.1.3');
  expect(live.stdout).toContain('Nothing was changed');

  const oldId = (await members(LIVE)).find((m) => m.peerURLs.includes(OLD))!.ID;
  lab('load', 'start', '--rate', '100');
  let seen: Watched | undefined;
  try {
    lab('host-down', '3');
    // n3 may have led: the two left elect, then the replace begins.
    const w0 = watch(LIVE);
    await until(async () => (await members(LIVE).catch(() => [])).length === 3, 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    await w0.stop();

    const w = watch(LIVE);
    const r = await raftrollAsync([
      'replace',
      '--inventory',
      INVENTORY,
      '--node',
      'n3',
      '--host',
      '127.0.1.4',
      '--stabilize',
      '1',
    ]);
    seen = await w.stop();
    console.log(r.out);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/n3 +join: add as a learner/);
    expect(r.out).toMatch(/n3 +join: remove the old member/);
    expect(r.out).toMatch(/n3 +join: promote to voter/);
    expect(r.out).toContain('replaced: n3 is a voter at http://127.0.1.4:2380');
    expect(r.out).toContain('update');
  } finally {
    lab('load', 'stop');
  }
  console.log(
    `replace: ${seen!.polls} polls, longest time without a majority read ${seen!.longestGapMs} ms`,
  );
  // Quorum never lost: a linearizable read answered at least every few seconds throughout.
  expect(seen!.polls).toBeGreaterThan(10);
  expect(seen!.longestGapMs).toBeLessThan(3000);
  // The order on the way: the old member gone before the learner came, the learner seen.
  const both = seen!.lists.find(
    (l) => l.some((m) => m.peerURLs.includes(NEW)) && l.some((m) => m.ID === oldId),
  );
  expect(both).toBeUndefined();
  expect(seen!.lists.some((l) => l.some((m) => m.peerURLs.includes(NEW) && m.isLearner))).toBe(
    true,
  );
  // Never four voters.
  expect(seen!.lists.every((l) => l.filter((m) => !m.isLearner).length <= 3)).toBe(true);

  const after = await members(LIVE);
  expect(after).toHaveLength(3);
  expect(after.every((m) => !m.isLearner)).toBe(true);
  expect(after.some((m) => m.ID === oldId)).toBe(false);
  expect(after.find((m) => m.peerURLs.includes(NEW))!.name).toBe('n3');
  const c = JSON.parse(labDocker(4, 'inspect', 'etcd'))[0];
  expect(c.State.Running).toBe(true);
  // The user's inventory is the user's to update: raftroll says so and leaves the file alone.
  expect(readFileSync(INVENTORY, 'utf8')).toBe(inventoryBefore);

  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(
    `replace under load: ${check.writes} writes, ${check.lost} lost, longest stall ${check.longestStallMs} ms`,
  );
  expect(check.writes).toBeGreaterThan(0);
  expect(check.lost).toBe(0);
}, 400_000);
