// The rolling update end to end on the elastickv-shaped lab: three hosts, three Raft groups per
// node, each node leading at least one group, under a write load on every group. The node is a
// stand-in built from etcd's raft and wal packages that speaks elastickv's RaftAdmin protocol
// (lab/elastickv-standin/); elastickv itself needs a newer Go than this machine's.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INVENTORY } from '../../lab/config.js';
import type { RolloutReport } from '../../src/events/report.js';
import { lab, labContainer, labWalDigest, raftroll } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const NODES = [1, 2, 3];
const GROUPS = [1, 2, 3];
/** The stand-in's election timeout: 10 ticks of 100 ms. */
const ELECTION_TIMEOUT_MS = 1000;

interface Row {
  node: string;
  groups: { group: number; raft: { role?: string; leader?: string } }[];
}
const status = (): Row[] => JSON.parse(lab('status', '--json'));
/** Which node leads each group now. */
function leaders(): Map<number, string> {
  const m = new Map<number, string>();
  for (const r of status())
    for (const g of r.groups) if (g.raft.role === 'leader') m.set(g.group, r.node);
  return m;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const boxes = () => NODES.map(labContainer);

function roll(inventory: string, ...args: string[]) {
  const reportPath = join(tmp(), 'report.json');
  const r = raftroll(
    ['roll', '--inventory', inventory, '--stabilize', '1', '--json-report', reportPath, ...args],
    400_000,
  );
  let report: RolloutReport | undefined;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {}
  return { code: r.status, out: r.stdout, err: r.stderr, report: report! };
}

/** The inventory with its container args changed (a new spec for the next roll). */
function inventoryWith(change: (inv: { container: { args: string[] } }) => void): string {
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  change(inv);
  const file = join(tmp(), 'inventory.yml');
  writeFileSync(file, stringify(inv));
  return file;
}

beforeAll(() => {
  lab('down');
  lab('up', '--engine', 'elastickv', '--groups', '3');
}, 300_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

describe('on the elastickv lab (stand-in, 3 groups)', () => {
  it("rolls a -> b under load: every group handed over before its leader stops, no write lost, no group stalled for the node's downtime", async () => {
    const before = boxes();
    const led = leaders();
    expect(new Set(led.values()).size).toBe(3); // every node leads a group
    lab('load', 'start', '--rate', '150');
    await sleep(1500);
    const r = roll(INVENTORY, '--image-tag', 'b');
    await sleep(1000);
    lab('load', 'stop');
    const check = JSON.parse(lab('load', 'check', '--json'));
    console.log(
      `elastickv roll a -> b under load: ${JSON.stringify({
        writes: check.writes,
        lost: check.lost,
        errors: check.errors,
        stallMs: check.groups.map((g: { group: number; longestStallMs: number }) => [
          g.group,
          g.longestStallMs,
        ]),
        downtimeMs: r.report?.nodes.map((n) => [n.node, n.downtimeMs]),
      })}`,
    );
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.report.nodes.map((n) => n.result)).toEqual(['updated', 'updated', 'updated']);
    // Each node restarted exactly once, onto b with the memory defaults.
    const after = boxes();
    for (const [k, c] of after.entries()) {
      expect(c.id).not.toBe(before[k]!.id);
      expect(c.image).toBe('raftroll-lab/elastickv:b');
      expect(c.memory).toBe(2500 * 2 ** 20);
      expect(c.env).toContain('GOMEMLIMIT=1800MiB');
    }
    // Every group a node led was handed over before that node stopped.
    for (const [group, node] of led) {
      const row = r.report.nodes.find((n) => n.node === node)!;
      const moved = (row as { groupHandovers?: { group: number; from: string; to: string }[] })
        .groupHandovers;
      expect(
        moved?.some((h) => h.group === group),
        `group ${group} of ${node}`,
      ).toBe(true);
      const t = r.report.timeline.filter((p) => p.node === node);
      const handover = t.findIndex((p) => p.phase === 'handover');
      expect(handover).toBeGreaterThanOrEqual(0);
      expect(handover).toBeLessThan(t.findIndex((p) => p.phase === 'stop'));
    }
    expect(check.lost).toBe(0);
    for (const g of check.groups) {
      expect(g.lost).toBe(0);
      expect(g.writes).toBeGreaterThan(50);
      // Below one election timeout: every leader was handed over, so no group waited for an
      // election, and no write sent to a follower during a handover was left to its deadline.
      expect(g.longestStallMs, `group ${g.group}`).toBeLessThan(ELECTION_TIMEOUT_MS);
    }
  }, 420_000);

  it('a rerun restarts nothing', () => {
    const before = boxes();
    const r = roll(INVENTORY, '--image-tag', 'b');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.report.nodes.map((n) => n.result)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(boxes()).toEqual(before);
  }, 120_000);

  it("repairs a torn tail in group 2's WAL on a follower, reports it, and the node catches up", () => {
    const follower = [...NODES].find((i) => ![...leaders().values()].includes(`n${i}`)) ?? 3;
    lab('fault', 'torn-tail', `n${follower}`, '--group', '2');
    const r = roll(INVENTORY, '--image-tag', 'a', '--nodes', `n${follower}`);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.report.nodes[0]!.wal).toMatch(/^torn, repaired/);
    expect(
      r.report.warnings.some(
        (w) => /repaired a torn WAL tail/.test(w.message) && /group-2/.test(w.message),
      ),
    ).toBe(true);
    expect(r.report.nodes[0]!.finalLag).toBeLessThanOrEqual(1000);
    expect(labContainer(follower)).toMatchObject({
      running: true,
      image: 'raftroll-lab/elastickv:a',
    });
  }, 300_000);

  it('rolls back the broken image: the node returns caught up in every group, the others untouched', () => {
    const before = boxes();
    const r = roll(INVENTORY, '--image-tag', 'broken', '--nodes', 'n1');
    expect(r.code).toBe(1);
    expect(r.report.nodes[0]).toMatchObject({ node: 'n1', result: 'rolled-back' });
    expect(r.report.message).toMatch(/previous container is back and caught up/);
    const after = boxes();
    expect(after[0]!.id).toBe(before[0]!.id); // the very same container, started again
    expect(after[0]!.running).toBe(true);
    expect(after.slice(1)).toEqual(before.slice(1));
    const rows = status();
    for (const g of GROUPS)
      expect(rows.every((x) => x.groups.find((y) => y.group === g)?.raft.leader)).toBe(true);
  }, 300_000);

  it('heals an OOM-killed node with remediate --mode auto, every group caught up', () => {
    lab('fault', 'oom', 'n3', '--memory', '64m');
    const r = raftroll(
      ['remediate', '--inventory', INVENTORY, '--mode', 'auto', '--stabilize', '1', '--json'],
      300_000,
    );
    const out = JSON.parse(r.stdout);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(out.findings.find((f: { node: string }) => f.node === 'n3').all).toContain('oom-killed');
    expect(out.actions.find((a: { node: string }) => a.node === 'n3').outcome).toBe('healed');
    expect(labContainer(3)).toMatchObject({ running: true, memory: 2500 * 2 ** 20 });
    const rows = status();
    for (const g of GROUPS)
      expect(rows.every((x) => x.groups.find((y) => y.group === g)?.raft.leader)).toBe(true);
  }, 300_000);

  it('waits for a node that takes longer than 60 s to start, rather than rolling it back', () => {
    const slow = inventoryWith((inv) => {
      inv.container.args = [...inv.container.args, '--standinStartupDelay=65s'];
    });
    const node = [...NODES].find((i) => ![...leaders().values()].includes(`n${i}`)) ?? 3;
    const r = roll(slow, '--image-tag', 'a', '--nodes', `n${node}`);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.report.nodes[0]).toMatchObject({ result: 'updated' });
    expect(r.report.nodes[0]!.downtimeMs).toBeGreaterThan(60_000);
  }, 400_000);

  it("stops before starting anything on a corrupt record in group 1's WAL, its files byte-identical", () => {
    const victim = 2;
    lab('fault', 'corrupt', `n${victim}`, '--group', '1');
    const digest = labWalDigest(victim);
    const before = boxes();
    const r = roll(INVENTORY, '--image-tag', 'a', '--nodes', `n${victim}`);
    expect(r.code).toBe(1);
    expect(r.report.message).toMatch(/WAL corrupt in .*group-1/);
    expect(labWalDigest(victim)).toEqual(digest);
    expect(labContainer(victim).running).toBe(false);
    for (const i of NODES.filter((i) => i !== victim))
      expect(labContainer(i)).toEqual(before[i - 1]);
  }, 300_000);
});
