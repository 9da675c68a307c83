// A corrupt WAL on the lab's real etcd cluster: diagnosed with file and offset and left
// byte-for-byte alone; then, only with the explicit opt-in, the member is re-seeded (removed,
// its data moved aside, added back as a learner, started empty, promoted) while the other two
// keep serving writes, and no acknowledged write is lost.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  freshLab,
  LAB,
  lab,
  labContainer,
  labDocker,
  labWalDigest,
  raftroll,
} from '../helpers/lab.js';

const INVENTORY = join(LAB, 'inventory.yml');

beforeAll(() => freshLab(), 240_000);
afterAll(() => lab('down'), 120_000);

async function waitFor(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting for the lab');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The member list, from etcd's own JSON gateway on n1 (not through raftroll). */
async function members(): Promise<{ ID: string; name: string; isLearner?: boolean }[]> {
  const r = await fetch('http://127.0.1.1:2379/v3/cluster/member/list', {
    method: 'POST',
    body: '{}',
    signal: AbortSignal.timeout(5000),
  });
  return ((await r.json()) as { members: [] }).members;
}

it('reports a corrupt WAL without touching it, and re-seeds the member only when asked', async () => {
  lab('load', 'start', '--rate', '100');
  try {
    const fault = JSON.parse(lab('fault', 'corrupt', 'n3'));
    const digest = labWalDigest(3);
    // Started again, etcd fails on the log and its restart policy keeps restarting it: a crash
    // loop, whose log must still be judged (Docker reports such a container as running).
    labDocker(3, 'start', 'etcd');
    await waitFor(() => labContainer(3).restartCount >= 2, 60_000);
    const idBefore = (await members()).find((m) => m.name === 'n3')!.ID;

    const plain = raftroll(['remediate', '--inventory', INVENTORY, '--mode', 'auto', '--json']);
    expect(plain.status, plain.stdout + plain.stderr).toBe(1);
    const out = JSON.parse(plain.stdout);
    const f = out.findings.find((x: { node: string }) => x.node === 'n3');
    expect(f).toMatchObject({ class: 'corrupt-wal', action: 'reseed' });
    // The record whose checksum fails, where the flipped byte sits.
    expect(f.why).toContain(`at offset ${fault.recordAt}`);
    expect(f.why).toMatch(/0000[0-9a-f-]+\.wal/);
    expect(out.actions.find((a: { node: string }) => a.node === 'n3')).toMatchObject({
      outcome: 'reported',
    });
    expect(f.all).toContain('crash-looping');
    expect(labWalDigest(3)).toEqual(digest);

    const writesBefore = JSON.parse(lab('load', 'check', '--json')).writes;
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
    const healed = JSON.parse(r.stdout);
    expect(healed.result).toBe('healed');
    expect(healed.actions.find((a: { node: string }) => a.node === 'n3')).toMatchObject({
      outcome: 'healed',
      action: 'reseed',
    });
    const during = JSON.parse(lab('load', 'check', '--json'));
    // The other two kept serving: writes were acknowledged while n3 was re-seeded.
    expect(during.writes).toBeGreaterThan(writesBefore);
    console.log(
      `re-seed: ${during.writes - writesBefore} writes acknowledged meanwhile, longest stall ${during.longestStallMs} ms`,
    );

    // A new member id, a voter again, running and caught up; the old log kept aside, unchanged.
    const after = await members();
    expect(after).toHaveLength(3);
    const n3 = after.find((m) => m.name === 'n3')!;
    expect(n3.ID).not.toBe(idBefore);
    expect(n3.isLearner ?? false).toBe(false);
    expect(labContainer(3).running).toBe(true);
    const aside = readdirSync(join(LAB, 'hosts/h3/data')).filter((n) =>
      n.startsWith('etcd.raftroll-reseed-'),
    );
    expect(aside).toHaveLength(1);
    expect(labWalDigest(3, join(LAB, 'hosts/h3/data', aside[0]!))).toEqual(digest);
    expect(labWalDigest(3)).not.toEqual(digest);
  } finally {
    lab('load', 'stop');
  }
  expect(JSON.parse(lab('load', 'check', '--json')).lost).toBe(0);
  const d = raftroll(['diagnose', '--inventory', INVENTORY, '--json']);
  expect(d.status, d.stdout + d.stderr).toBe(0);
}, 400_000);
