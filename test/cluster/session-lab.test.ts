// A run's session survives the death of a host's SSH connection: commands make a new one, and a
// Raft client whose tunnel died is rebuilt on the next call instead of failing for the rest of
// the run (which would make a healthy node look down and a rollout roll back).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterSession } from '../../src/cluster/session.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { SshHost } from '../../src/remote/ssh.js';
import { freshLab, LAB, lab } from '../helpers/lab.js';

let session: ClusterSession;

beforeAll(async () => {
  freshLab();
  session = await ClusterSession.open(await loadInventory(join(LAB, 'inventory.yml')));
}, 240_000);
afterAll(async () => {
  await session?.close();
  lab('down');
}, 120_000);

it('rebuilds a Raft client whose SSH connection died under it', async () => {
  const node = session.inv.nodes[0]!;
  const raft = await session.raft(node);
  expect((await raft.status()).commitIndex).toBeGreaterThan(0);
  const host = session.host(node) as SshHost;
  const check = spawnSync('ssh', [...host.sshArgs(), '-O', 'check', session.sshTarget(node)], {
    encoding: 'utf8',
  });
  const pid = Number(/pid=(\d+)/.exec(check.stderr)?.[1]);
  expect(pid, check.stderr).toBeGreaterThan(0);
  process.kill(pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  // The old tunnel is gone: the call through it fails, and the session forgets that client.
  await expect(raft.status(2000)).rejects.toThrow();
  const again = await session.raft(node);
  expect(again).not.toBe(raft);
  expect((await again.status()).commitIndex).toBeGreaterThan(0);
}, 60_000);
