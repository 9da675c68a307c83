// The elastickv adapter over real gRPC (HTTP/2, protobuf) through a tunnel, against a fake
// RaftAdmin server: elastickv itself cannot run here (see test/helpers/fake-elastickv.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElastickvClient } from '../../src/raft/elastickv.js';
import * as pb from '../../src/raft/elastickv-pb.js';
import { RaftAdminError } from '../../src/raft/engine.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { FakeCluster } from '../helpers/fake-elastickv.js';

const cluster = new FakeCluster([
  { id: 'n1', address: '10.0.0.1:50051', applied: 100 },
  { id: 'n2', address: '10.0.0.2:50051', applied: 99 },
  { id: 'n3', address: '10.0.0.3:50051', applied: 40, lagging: true },
]);
const clients = new Map<string, ElastickvClient>();

beforeAll(async () => {
  await cluster.start();
  const host = new LocalHost();
  for (const n of cluster.nodes) {
    clients.set(
      n.id,
      new ElastickvClient(
        await host.tunnel('127.0.0.1', cluster.ports.get(n.id)!),
        `node ${n.id}`,
        n.id,
      ),
    );
  }
});
afterAll(async () => {
  for (const c of clients.values()) await c.close();
  await cluster.stop();
});

it('reads Status: role, leader, term and indexes', async () => {
  const s1 = await clients.get('n1')!.status();
  expect(s1).toEqual({
    id: 'n1',
    role: 'leader',
    leaderId: 'n1',
    term: 3,
    commitIndex: 100,
    appliedIndex: 100,
    lastLogIndex: 100,
    lastSnapshotIndex: 0,
  });
  const s3 = await clients.get('n3')!.status();
  expect(s3).toMatchObject({ role: 'follower', leaderId: 'n1', appliedIndex: 40 });
});

it('reads the Configuration', async () => {
  const m = await clients.get('n2')!.members();
  expect(m.map((x) => `${x.id}@${x.address}:${x.voter}`)).toEqual([
    'n1@10.0.0.1:50051:true',
    'n2@10.0.0.2:50051:true',
    'n3@10.0.0.3:50051:true',
  ]);
});

it('transfers leadership and sees the new leader', async () => {
  const members = await clients.get('n1')!.members();
  await clients.get('n1')!.transferLeadership(members[1]!);
  expect((await clients.get('n2')!.status()).role).toBe('leader');
  expect((await clients.get('n1')!.status()).leaderId).toBe('n2');
});

it('reports elastickv refusals with their status code and message', async () => {
  const members = await clients.get('n1')!.members();
  const notLeader = await clients
    .get('n1')!
    .transferLeadership(members[2]!)
    .catch((e) => e);
  expect(notLeader).toBeInstanceOf(RaftAdminError);
  expect(notLeader.code).toBe('FAILED_PRECONDITION');
  expect(notLeader.message).toMatch(/not leader/);

  const lagging = await clients
    .get('n2')!
    .transferLeadership(members[2]!)
    .catch((e) => e);
  expect(lagging.message).toMatch(/FAILED_PRECONDITION: etcd raft leadership transfer aborted/);

  const unknown = await clients
    .get('n2')!
    .transferLeadership({ id: 'n9', name: 'n9', address: '10.0.0.9:50051', voter: true })
    .catch((e) => e);
  expect(unknown.message).toMatch(/id="n9": etcd raft peer is not configured/);
});

it('removes a member, adds it back as a learner, and promotes it only once caught up', async () => {
  const leader = clients.get(cluster.leader)!;
  const follower = [...clients.keys()].find((id) => id !== cluster.leader)!;
  const n3 = (await leader.members()).find((m) => m.id === 'n3')!;
  const notLeader = await clients
    .get(follower)!
    .removeMember(n3)
    .catch((e) => e);
  expect(notLeader.message).toMatch(/FAILED_PRECONDITION: etcd raft engine is not leader/);

  await leader.removeMember(n3);
  expect((await leader.members()).map((m) => m.id)).not.toContain('n3');

  const learner = await leader.addLearner('n3', '10.0.0.3:50051');
  expect(learner).toEqual({ id: 'n3', name: 'n3', address: '10.0.0.3:50051', voter: false });
  expect((await leader.members()).find((m) => m.id === 'n3')).toMatchObject({ voter: false });

  // Not yet caught up: elastickv refuses; then it has, and the promotion goes through.
  const commit = (await leader.status()).commitIndex;
  const early = await leader.promoteLearner(learner, commit).catch((e) => e);
  expect(early.message).toMatch(/has not caught up to min_applied_index/);
  cluster.nodes.find((n) => n.id === 'n3')!.applied = commit;
  await leader.promoteLearner(learner, commit);
  expect((await leader.members()).find((m) => m.id === 'n3')).toMatchObject({ voter: true });
});

describe('the gated transfer', () => {
  const nodes = () => [
    { id: 'n1', address: '10.0.0.1:50051', applied: 100 },
    { id: 'n2', address: '10.0.0.2:50051', applied: 60, lagging: true },
    { id: 'n3', address: '10.0.0.3:50051', applied: 99 },
  ];
  const open = async (c: FakeCluster, id: string) =>
    new ElastickvClient(
      await new LocalHost().tunnel('127.0.0.1', c.ports.get(id)!),
      `node ${id}`,
      id,
    );
  const gateOf = (ms: { id: string; address: string }[], maxLag = 50) => ({
    maxLag,
    candidates: ms.map(({ id, address }) => ({ id, address })),
  });

  it('encodes gated, max_lag and the candidates in order, with target_id but no target_address', () => {
    const wire = pb.encodeTransfer('n2', '10.0.0.2:50051', {
      maxLag: 7,
      candidates: [
        { id: 'n2', address: '10.0.0.2:50051' },
        { id: 'n3', address: '10.0.0.3:50051' },
      ],
    });
    expect(pb.decodeTransfer(wire)).toEqual({
      targetId: 'n2',
      targetAddress: '',
      gated: true,
      maxLag: 7,
      candidates: [
        { id: 'n2', address: '10.0.0.2:50051' },
        { id: 'n3', address: '10.0.0.3:50051' },
      ],
    });
    // Ungated, as before: the legacy pair only.
    expect(pb.decodeTransfer(pb.encodeTransfer('n3', '10.0.0.3:50051'))).toEqual({
      targetId: 'n3',
      targetAddress: '10.0.0.3:50051',
      gated: false,
      maxLag: 0,
      candidates: [],
    });
  });

  it('lets a gated server pass over a lagging first candidate, in one request', async () => {
    const c = new FakeCluster(nodes());
    await c.start();
    const n1 = await open(c, 'n1');
    try {
      const ms = await n1.members();
      await n1.transferLeadership(ms[1]!, 5000, gateOf([ms[1]!, ms[2]!]));
      expect(c.leader).toBe('n3');
      expect(n1.gatedTransfers).toBe(true);
      expect(c.transfers).toHaveLength(1);
      expect(c.transfers[0]).toMatchObject({ gated: true, maxLag: 50, targetAddress: '' });
    } finally {
      await n1.close();
      await c.stop();
    }
  });

  it('gets a refusal, nothing moved, when no candidate is fit', async () => {
    const c = new FakeCluster(nodes());
    await c.start();
    const n1 = await open(c, 'n1');
    try {
      const ms = await n1.members();
      const e = await n1.transferLeadership(ms[1]!, 5000, gateOf([ms[1]!])).catch((x) => x);
      expect(e).toBeInstanceOf(RaftAdminError);
      expect(e.message).toMatch(/FAILED_PRECONDITION: .*no healthy target/);
      expect(c.leader).toBe('n1');
      expect(c.transfers).toHaveLength(1); // no ungated retry behind the refusal
    } finally {
      await n1.close();
      await c.stop();
    }
  });

  it('falls back to the ungated transfer when the server predates the gated fields, and remembers', async () => {
    const c = new FakeCluster(nodes(), false);
    await c.start();
    const n1 = await open(c, 'n1');
    try {
      const ms = await n1.members();
      await n1.transferLeadership(ms[2]!, 5000, gateOf([ms[2]!, ms[1]!]));
      expect(c.leader).toBe('n3');
      expect(n1.gatedTransfers).toBe(false);
      // The old server refused the gated form without acting, then took the legacy pair.
      expect(c.transfers.map((t) => [t.targetId, t.targetAddress])).toEqual([
        ['n3', ''],
        ['n3', '10.0.0.3:50051'],
      ]);
      // Known now: the next gated transfer from this client goes the old way at once.
      c.leader = 'n1';
      await n1.transferLeadership(ms[2]!, 5000, gateOf([ms[2]!]));
      expect(c.transfers.slice(2).map((t) => t.targetAddress)).toEqual(['10.0.0.3:50051']);
    } finally {
      await n1.close();
      await c.stop();
    }
  });

  it('refuses candidates without an address before asking the server', async () => {
    const c = new FakeCluster(nodes());
    await c.start();
    const n1 = await open(c, 'n1');
    try {
      const ms = await n1.members();
      const e = await n1
        .transferLeadership(ms[2]!, 5000, { maxLag: 0, candidates: [{ id: 'n3', address: '' }] })
        .catch((x) => x);
      expect(e.message).toMatch(/needs candidates with an id and an address; got "n3" at ""/);
      expect(c.transfers).toEqual([]);
    } finally {
      await n1.close();
      await c.stop();
    }
  });
});
