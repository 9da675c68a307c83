// The etcd adapter against the lab's real 3-node cluster, through SSH tunnels.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Member } from '../../src/raft/engine.js';
import { EtcdClient } from '../../src/raft/etcd.js';
import type { SshHost } from '../../src/remote/ssh.js';
import { freshLab, lab, labSsh } from '../helpers/lab.js';

const hosts: SshHost[] = [];
const clients: EtcdClient[] = [];

beforeAll(async () => {
  freshLab();
  for (const i of [1, 2, 3]) {
    const h = labSsh(i);
    hosts.push(h);
    clients.push(new EtcdClient(await h.tunnel(`127.0.1.${i}`, 2379), `n${i}`));
  }
}, 240_000);
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  for (const h of hosts) await h.close();
  lab('down');
}, 120_000);

const statuses = () => Promise.all(clients.map((c) => c.status()));

it('reads each node: one leader, the same term, commit and applied indexes', async () => {
  const s = await statuses();
  expect(s.filter((x) => x.role === 'leader')).toHaveLength(1);
  expect(new Set(s.map((x) => x.leaderId)).size).toBe(1);
  for (const x of s) {
    expect(x.term).toBeGreaterThan(0);
    expect(x.commitIndex).toBeGreaterThan(0);
    expect(x.appliedIndex).toBeGreaterThan(0);
  }
});

it('lists three voting members with their peer URLs', async () => {
  const m = await clients[0]!.members();
  expect(m.map((x) => `${x.name}=${x.address}`).sort()).toEqual([
    'n1=http://127.0.1.1:2380',
    'n2=http://127.0.1.2:2380',
    'n3=http://127.0.1.3:2380',
  ]);
  expect(m.every((x) => x.voter)).toBe(true);
});

it('transfers leadership for real', async () => {
  const before = await statuses();
  const leader = before.findIndex((x) => x.role === 'leader');
  const members: Member[] = await clients[leader]!.members();
  const target = members.find((m) => m.id !== before[leader]!.id)!;
  await clients[leader]!.transferLeadership(target);
  const after = await statuses();
  expect(after.find((x) => x.role === 'leader')!.id).toBe(target.id);
  expect(after[0]!.term).toBeGreaterThan(before[0]!.term);
});

it('still reads the others while one node is down, and says which one is not answering', async () => {
  await hosts[2]!.run(['docker', 'stop', '--time', '10', 'etcd']);
  try {
    const [a, b] = await Promise.all([clients[0]!.status(), clients[1]!.status()]);
    expect(a.leaderId).toBeDefined();
    expect(a.leaderId).toBe(b.leaderId);
    await expect(clients[2]!.status(1500)).rejects.toThrow(
      /n3: etcd did not answer \/v3\/maintenance\/status/,
    );
  } finally {
    await hosts[2]!.run(['docker', 'start', 'etcd']);
  }
});
