// Remediation and the quorum guard on the lab's real 3-node etcd cluster: a memory-pressure
// leader is restarted only after it has handed leadership over; with two nodes down at once the
// healthy third is never touched, while a node that is already down may still be brought back
// (that can only add to the majority).

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import {
  freshLab,
  LAB,
  lab,
  labContainer,
  labDocker,
  labStatus,
  labWalDigest,
  raftroll,
  raftrollInterrupted,
} from '../helpers/lab.js';

const INVENTORY = join(LAB, 'inventory.yml');

beforeEach(() => freshLab(), 240_000);
afterAll(() => lab('down'), 120_000);

interface Out {
  result: string;
  findings: { node: string; class: string; action: string; all: string[] }[];
  actions: { node: string; outcome: string; action: string; message: string }[];
  timeline: { node: string; phase: string; atMs: number; detail?: string }[];
}

const leaderIndex = () => {
  const l = labStatus().find((r) => r.raft.role === 'leader');
  if (!l) throw new Error('the lab has no leader');
  return Number(l.node.slice(1));
};

it('restarts a memory-pressure leader gracefully: leadership handed over first, nothing lost', () => {
  const i = leaderIndex();
  const before = labContainer(i);
  lab('load', 'start', '--rate', '100');
  let out: Out;
  try {
    // Every node's real usage is above 0.01% of its limit: a threshold that makes the pressure real.
    const r = raftroll([
      'remediate',
      '--inventory',
      INVENTORY,
      '--nodes',
      `n${i}`,
      '--mode',
      'auto',
      '--memory-pressure',
      '0.0001',
      '--stabilize',
      '1',
      '--json',
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    out = JSON.parse(r.stdout);
  } finally {
    lab('load', 'stop');
  }
  expect(out.findings).toMatchObject([
    { node: `n${i}`, class: 'memory-pressure', action: 'graceful-restart' },
  ]);
  expect(out.actions).toMatchObject([{ node: `n${i}`, outcome: 'healed' }]);
  expect(out.result).toBe('healed');
  const phases = out.timeline.filter((p) => p.node === `n${i}`).map((p) => p.phase);
  expect(phases).toContain('handover');
  expect(phases.indexOf('handover')).toBeLessThan(phases.indexOf('stop'));
  const after = labContainer(i);
  expect(after.startedAt).not.toBe(before.startedAt);
  expect(after.running).toBe(true);
  expect(after.memory).toBe(2500 * 1024 * 1024);
  expect(after.env).toContain('GOMEMLIMIT=1800MiB');
  expect(leaderIndex()).not.toBe(i);
  const load = JSON.parse(lab('load', 'check', '--json'));
  console.log(
    `memory-pressure restart: ${load.writes} writes, longest stall ${load.longestStallMs} ms`,
  );
  expect(load.lost).toBe(0);
}, 300_000);

it('with two nodes down refuses to touch the healthy third, and still brings back a down node it can fix', () => {
  // n1: a torn WAL tail, down. n2: stopped by hand (reported, not undone). n3: the only one
  // running, and under "memory pressure" by a threshold every node exceeds.
  lab('fault', 'torn-tail', 'n1');
  labDocker(2, 'stop', '--time', '10', 'etcd');
  const third = labContainer(3);
  const r = raftroll([
    'remediate',
    '--inventory',
    INVENTORY,
    '--mode',
    'auto',
    '--memory-pressure',
    '0.0001',
    '--stabilize',
    '1',
    '--json',
  ]);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  const out: Out = JSON.parse(r.stdout);
  const by = (n: string) => out.actions.find((a) => a.node === n)!;
  expect(out.findings.find((f) => f.node === 'n1')).toMatchObject({ class: 'torn-wal' });
  expect(out.findings.find((f) => f.node === 'n2')).toMatchObject({
    class: 'stopped',
    action: 'report',
  });
  expect(out.findings.find((f) => f.node === 'n3')).toMatchObject({
    class: 'memory-pressure',
    action: 'graceful-restart',
  });
  // n1 was already down: repairing and starting it could only restore the majority.
  expect(by('n1')).toMatchObject({ outcome: 'healed', action: 'repair-and-restart' });
  expect(by('n2').outcome).toBe('reported');
  expect(by('n3').outcome).toBe('refused');
  expect(by('n3').message).toMatch(/peer n2/);
  expect(out.result).toBe('failed');
  // The third was not stopped, restarted or replaced.
  const after = labContainer(3);
  expect(after.id).toBe(third.id);
  expect(after.startedAt).toBe(third.startedAt);
  expect(out.timeline.filter((p) => p.node === 'n3').map((p) => p.phase)).not.toContain('stop');
  expect(labContainer(2).running).toBe(false);
  expect(labContainer(1).running).toBe(true);
}, 300_000);

it('on Ctrl-C finishes the node being healed and begins no other', async () => {
  lab('fault', 'torn-tail', 'n1');
  lab('fault', 'torn-tail', 'n2');
  const n2 = labWalDigest(2);
  // Interrupt while the first node is between its WAL repair and its catch-up.
  const { code, out } = await raftrollInterrupted(
    ['remediate', '--inventory', INVENTORY, '--mode', 'auto', '--stabilize', '1'],
    / n1 +start:/,
  );
  expect(code, out).toBe(130);
  expect(out).toMatch(/ n1 +healed: repair-and-restart done/);
  expect(out).toMatch(/ n2 +not-reached: not tried: the run was interrupted/);
  expect(labContainer(1).running).toBe(true);
  expect(labContainer(2).running).toBe(false);
  expect(labWalDigest(2)).toEqual(n2);
}, 180_000);

it('one change at a time: a second run is refused while another holds the cluster lock', () => {
  // Another run's lock, as it sits on a host while that run works (here on n2 only).
  const lock = join(LAB, 'hosts/h2/data/.raftroll-lock');
  mkdirSync(lock, { mode: 0o700 });
  writeFileSync(
    join(lock, 'owner'),
    'raftroll roll x:1 by ci@runner pid 42 since 2026-11-27T00:00:00Z\n',
  );
  const before = [1, 2, 3].map((i) => labContainer(i).startedAt);
  const r = raftroll(['roll', '--inventory', INVENTORY, '--image-tag', 'b', '--etcd', '3.4']);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(r.stdout + r.stderr).toMatch(
    /locked by another raftroll run: raftroll roll x:1 by ci@runner pid 42 since 2026-11-27T00:00:00Z \(.*\.raftroll-lock on n2\)/,
  );
  const m = raftroll(['remediate', '--inventory', INVENTORY, '--mode', 'auto']);
  expect(m.status).toBe(1);
  expect(m.stderr).toMatch(/locked by another raftroll run/);
  expect([1, 2, 3].map((i) => labContainer(i).startedAt)).toEqual(before);
  // The refused runs took nothing: n1's lock (taken first) was given back.
  expect(existsSync(join(LAB, 'hosts/h1/data/.raftroll-lock'))).toBe(false);
  rmSync(lock, { recursive: true });
  // Diagnosis only reads: it needs no lock. A real run takes the lock and gives it back.
  expect(raftroll(['diagnose', '--inventory', INVENTORY]).status).toBe(0);
  const ok = raftroll([
    'roll',
    '--inventory',
    INVENTORY,
    '--image-tag',
    'b',
    '--etcd',
    '3.4',
    '--nodes',
    'n1',
    '--stabilize',
    '1',
  ]);
  expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  for (const i of [1, 2, 3])
    expect(existsSync(join(LAB, `hosts/h${i}/data/.raftroll-lock`))).toBe(false);
}, 180_000);
