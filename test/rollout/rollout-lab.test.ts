// The rolling update end to end on the lab: a real 3-node etcd cluster on three SSH hosts with
// their own Docker engines, under a write load that proves nothing acknowledged is lost.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { RolloutReport } from '../../src/events/report.js';
import {
  envFilesOn,
  freshLab,
  LAB,
  lab,
  labContainer,
  labSsh,
  labWalDigest,
  ROOT,
  raftrollInterrupted,
} from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const INVENTORY = join(LAB, 'inventory.yml');

function roll(...args: string[]): {
  code: number | null;
  out: string;
  err: string;
  report: RolloutReport;
} {
  const reportPath = join(tmp(), 'report.json');
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'dist/cli.js'),
      'roll',
      '--inventory',
      INVENTORY,
      '--stabilize',
      '1',
      '--etcd',
      '3.4',
      '--json-report',
      reportPath,
      ...args,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    report: JSON.parse(readFileSync(reportPath, 'utf8')),
  };
}

const container = labContainer;
const boxes = () => [1, 2, 3].map(container);
const leaderIndex = () =>
  JSON.parse(lab('status', '--json')).findIndex(
    (r: { raft?: { role?: string } }) => r.raft?.role === 'leader',
  ) + 1;
const walDigest = labWalDigest;

beforeAll(() => freshLab(), 240_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

it('rolls a -> b under load: followers first, the leader handed over and last, nothing lost, memory defaults on', () => {
  const leader = leaderIndex();
  const before = boxes();
  lab('load', 'start', '--rate', '100');
  let r: ReturnType<typeof roll>;
  try {
    r = roll('--image-tag', 'b');
  } finally {
    lab('load', 'stop');
  }
  expect(r.code, r.out + r.err).toBe(0);
  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(
    `rollout a -> b under load: ${JSON.stringify({ durationMs: r.report.durationMs, ...check })}`,
  );
  expect(check.lost).toBe(0);
  expect(check.writes).toBeGreaterThan(500);

  expect(r.report.order.at(-1)).toBe(`n${leader}`);
  expect(r.report.totals).toMatchObject({ updated: 3, skipped: 0, failed: 0, rolledBack: 0 });
  const leaderRow = r.report.nodes.find((n) => n.node === `n${leader}`)!;
  expect(leaderRow.roleBefore).toBe('leader');
  expect(leaderRow.handover).toMatch(/^to n\d$/);
  // The handover happened before the leader was stopped.
  const t = (phase: string) =>
    r.report.timeline.find((x) => x.node === `n${leader}` && x.phase === phase)!.atMs;
  expect(t('handover')).toBeLessThan(t('stop'));

  const after = boxes();
  for (const [k, c] of after.entries()) {
    expect(c.id).not.toBe(before[k]!.id); // restarted once, as a new container
    expect(c.running).toBe(true);
    expect(c.image).toBe('raftroll-lab/etcd:b');
    expect(c.memory).toBe(2500 * 1024 * 1024);
    expect(c.env).toContain('GOMEMLIMIT=1800MiB');
  }
  for (const n of r.report.nodes) expect(n.downtimeMs).toBeGreaterThan(0);
  // A node's work after its catch-up (removals, the `done` line) goes beside the next node's
  // look, and the rows keep the roll's order.
  expect(r.report.nodes.map((n) => n.node)).toEqual(r.report.order);
  const mark = (node: string, phase: string) =>
    r.report.timeline.find((x) => x.node === node && x.phase === phase)!.atMs;
  for (const [k, id] of r.report.order.slice(1).entries()) {
    const prev = r.report.order[k]!;
    expect(mark(id, 'observe')).toBeLessThan(mark(prev, 'done'));
  }
}, 300_000);

it('re-running a finished rollout restarts nothing', () => {
  const before = boxes();
  const r = roll('--image-tag', 'b');
  expect(r.code).toBe(0);
  expect(r.report.totals).toMatchObject({ updated: 0, skipped: 3 });
  expect(boxes()).toEqual(before);
});

it('a tag its registry cannot serve fails the plan and the roll, naming the host, before anything is touched', () => {
  const before = boxes();
  // The lab's hosts reach no registry: the manifest lookup fails as an unreachable one does.
  const plan = spawnSync(
    process.execPath,
    [
      join(ROOT, 'dist/cli.js'),
      'plan',
      '--inventory',
      INVENTORY,
      '--etcd',
      '3.4',
      '--image-tag',
      'nope',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(plan.status, plan.stderr).toBe(1);
  expect(plan.stdout + plan.stderr).toMatch(
    /n\d: the registry of raftroll-lab\/etcd:nope cannot be reached from this host \(docker: .*\); nothing was touched/,
  );
  const r = roll('--image-tag', 'nope');
  expect(r.code).toBe(1);
  expect(r.report.message).toMatch(
    /n\d: the registry of raftroll-lab\/etcd:nope cannot be reached/,
  );
  expect(boxes()).toEqual(before);
});

it('applies memory overrides, and "none" switches both defaults off', () => {
  // From a file, as secrets are given: nothing of it reaches any argv.
  const envFile = join(tmp(), 'extra.env');
  writeFileSync(envFile, 'GOMEMLIMIT=2GiB\nTEAM=db\n', { mode: 0o600 });
  const over = roll(
    '--image-tag',
    'b',
    '--nodes',
    'n1',
    '--memory',
    '3g',
    '--extra-env-file',
    envFile,
  );
  expect(over.code, over.out + over.err).toBe(0);
  expect(container(1)).toMatchObject({ memory: 3 * 1024 ** 3 });
  expect(container(1).env).toEqual(expect.arrayContaining(['GOMEMLIMIT=2GiB', 'TEAM=db']));
  const off = roll(
    '--image-tag',
    'b',
    '--nodes',
    'n1',
    '--memory',
    'none',
    '--default-env',
    'none',
  );
  expect(off.code, off.out + off.err).toBe(0);
  expect(container(1).memory).toBe(0);
  expect(container(1).env.some((e) => e.startsWith('GOMEMLIMIT='))).toBe(false);
}, 120_000);

it('refuses at the quorum check when a peer host is unreachable, and restarts nothing', async () => {
  lab('fault', 'ssh-down', 'n3');
  const h1 = labSsh(1);
  try {
    const before = boxes();
    const envBefore = await envFilesOn(h1);
    const r = roll('--image-tag', 'a', '--nodes', 'n1');
    expect(r.code).toBe(1);
    expect(r.report.message).toMatch(
      /n1: refused: peer n3 is unreachable .*Nothing was touched on n1/,
    );
    expect(boxes()).toEqual(before);
    // The new container's env file is written before the guard decides: a refusal removes it.
    expect((await envFilesOn(h1)).filter((f) => !envBefore.includes(f))).toEqual([]);
  } finally {
    await h1.close();
    lab('fault', 'ssh-up', 'n3');
  }
});

it('refuses when the cluster has a voter the inventory does not list, and restarts nothing', () => {
  // The same cluster described with only two of its three members: the guard cannot see n3.
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  inv.nodes = inv.nodes.filter((n: { id: string }) => n.id !== 'n3');
  const partial = join(tmp(), 'two-of-three.yml');
  writeFileSync(partial, stringify(inv));
  const before = boxes();
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'dist/cli.js'),
      'roll',
      '--inventory',
      partial,
      '--image-tag',
      'b',
      '--etcd',
      '3.4',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(r.status, r.stdout + r.stderr).toBe(1);
  // Whether n3 leads decides which of the two refusals comes first; both name the blind spot.
  expect(r.stdout + r.stderr).toMatch(
    /refused: (the cluster has voting member\(s\) the inventory does not list: n3 \(http:\/\/127\.0\.1\.3:2380\)|the cluster's leader \(member \d+\) is not a node of the inventory)/,
  );
  expect(boxes()).toEqual(before);
});

it('refuses a node whose leftover previous container is running (it may hold the data directory)', async () => {
  const sock = 'unix:///run/raftroll-lab/h1/docker.sock';
  spawnSync('docker', [
    '-H',
    sock,
    'run',
    '-d',
    '--name',
    'etcd.raftroll-prev',
    '--network',
    'none',
    'raftroll-lab/etcd:a',
    '--data-dir',
    '/tmp/leftover',
  ]);
  const h1 = labSsh(1);
  try {
    const before = boxes();
    const envBefore = await envFilesOn(h1);
    const r = roll('--image-tag', 'a', '--nodes', 'n1');
    expect(r.code).toBe(1);
    expect(r.report.message).toMatch(
      /n1: refused: etcd\.raftroll-prev \(left by an earlier run\) is running on n1/,
    );
    expect(boxes()).toEqual(before);
    expect((await envFilesOn(h1)).filter((f) => !envBefore.includes(f))).toEqual([]);
  } finally {
    await h1.close();
    spawnSync('docker', ['-H', sock, 'stop', 'etcd.raftroll-prev']);
    spawnSync('docker', ['-H', sock, 'rm', 'etcd.raftroll-prev']);
  }
});

it('rolls the first node back when the new image does not come up, and leaves the others alone', () => {
  const before = boxes();
  const r = roll('--image-tag', 'broken');
  expect(r.code).toBe(1);
  const first = r.report.order[0]!;
  const k = Number(first.slice(1)) - 1;
  expect(r.report.nodes).toHaveLength(1);
  expect(r.report.nodes[0]).toMatchObject({ node: first, result: 'rolled-back' });
  expect(r.report.message).toMatch(/crash-looping.*previous container is back and caught up/);
  const after = boxes();
  expect(after[k]!.id).toBe(before[k]!.id); // the very same container, restarted
  expect(after[k]!.running).toBe(true);
  expect(after[k]!.image).toBe('raftroll-lab/etcd:b');
  for (const j of [0, 1, 2].filter((j) => j !== k)) expect(after[j]).toEqual(before[j]);
}, 120_000);

it('repairs a torn tail found on a node, reports it, and brings the node back caught up', () => {
  lab('fault', 'torn-tail', 'n2');
  const r = roll('--image-tag', 'a', '--nodes', 'n2');
  expect(r.code, r.out + r.err).toBe(0);
  // The torn record is a few bytes or kilobytes; the segment's zero preallocation is told apart.
  const m =
    /^torn, repaired \((\d+) non-zero bytes dropped \(the torn record\)(; the other \d+ of \d+ were zeros \(preallocation\))?, \d+ entries\)$/.exec(
      r.report.nodes[0]!.wal,
    );
  expect(m, r.report.nodes[0]!.wal).not.toBeNull();
  expect(Number(m![1])).toBeLessThan(64 * 1024);
  expect(r.report.warnings.some((w) => /repaired a torn WAL tail/.test(w.message))).toBe(true);
  expect(r.report.nodes[0]!.finalLag).toBeLessThanOrEqual(1000);
  expect(container(2)).toMatchObject({ running: true, image: 'raftroll-lab/etcd:a' });
}, 120_000);

it('on Ctrl-C finishes the node in progress, then stops: no node is left half-done', async () => {
  const before = boxes();
  // Interrupt while the first node is between its stop and its catch-up.
  const { code, out } = await raftrollInterrupted(
    [
      'roll',
      '--inventory',
      INVENTORY,
      '--image-tag',
      'b',
      '--stabilize',
      '1',
      '--etcd',
      '3.4',
      '--nodes',
      'n1,n2',
    ],
    / n1 +start:/,
  );
  expect(code, out).toBe(130);
  expect(out).toMatch(/n1 +updated: /); // n1 was finished, not abandoned
  expect(out).toMatch(/interrupted: interrupted before n2/);
  const after = boxes();
  expect(after[0]).toMatchObject({ running: true, image: 'raftroll-lab/etcd:b' });
  expect(after[1]).toEqual(before[1]); // n2 untouched
}, 120_000);

it('on Ctrl-C while the next node is looked at (the node before still finishing), changes nothing on it', async () => {
  const before = boxes();
  // Both nodes have something to do: another memory limit.
  const { code, out } = await raftrollInterrupted(
    [
      'roll',
      '--inventory',
      INVENTORY,
      '--image-tag',
      'b',
      '--memory',
      '2400m',
      '--stabilize',
      '1',
      '--etcd',
      '3.4',
      '--nodes',
      'n1,n2',
      '--no-leader-last',
    ],
    / n2 +observe/,
  );
  expect(code, out).toBe(130);
  expect(out).toMatch(/n1 +updated: /);
  expect(out).toMatch(/interrupted: interrupted before n2/);
  const after = boxes();
  expect(after[0]).toMatchObject({ running: true, memory: 2400 * 1024 * 1024 });
  expect(after[1]).toEqual(before[1]); // n2 untouched
}, 120_000);

it('stops before starting anything on a corrupt WAL, leaves its bytes alone, and keeps quorum', () => {
  lab('fault', 'corrupt', 'n3');
  const digest = walDigest(3);
  const r = roll('--image-tag', 'a', '--nodes', 'n3');
  expect(r.code).toBe(1);
  expect(r.report.message).toMatch(
    /n3: WAL corrupt in .*\.wal at offset \d+ \(walpb: crc mismatch\)\. Nothing was started/,
  );
  expect(walDigest(3)).toEqual(digest);
  expect(container(3).running).toBe(false);
  const status = JSON.parse(lab('status', '--json'));
  expect(
    status.filter((s: { raft?: { role?: string } }) => s.raft?.role === 'leader'),
  ).toHaveLength(1);
}, 120_000);
