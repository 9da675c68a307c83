// Leadership is asked of grpc.health.v1 where a node serves it, and of RaftAdmin Status where it
// does not: this fake RaftAdmin server has no Health service, as an older elastickv would not.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClusterSession } from '../../src/cluster/session.js';
import { leadsGroup } from '../../src/node/guard.js';
import { ElastickvClient } from '../../src/raft/elastickv.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { FakeCluster } from '../helpers/fake-elastickv.js';

const cluster = new FakeCluster([
  { id: 'n1', address: '10.0.0.1:50051', applied: 100 },
  { id: 'n2', address: '10.0.0.2:50051', applied: 99 },
]);
const clients = new Map<string, ElastickvClient>();

beforeAll(async () => {
  await cluster.start();
  const host = new LocalHost();
  for (const n of cluster.nodes) {
    const tunnel = await host.tunnel('127.0.0.1', cluster.ports.get(n.id)!);
    clients.set(n.id, new ElastickvClient(tunnel, `node ${n.id}`, n.id));
  }
});
afterAll(async () => {
  for (const c of clients.values()) await c.close();
  await cluster.stop();
});

it('answers undefined for Health where the server does not implement it', async () => {
  expect(await clients.get('n1')!.health('RawKV')).toBeUndefined();
});

it('then tells leadership by Status', async () => {
  const session = {
    groups: () => [],
    raft: async (node: { id: string }) => clients.get(node.id)!,
  } as unknown as ClusterSession;
  expect(await leadsGroup(session, { id: 'n1', host: 'h1' }, undefined)).toBe(true);
  expect(await leadsGroup(session, { id: 'n2', host: 'h2' }, undefined)).toBe(false);
  cluster.leader = 'n2';
  expect(await leadsGroup(session, { id: 'n1', host: 'h1' }, undefined)).toBe(false);
  expect(await leadsGroup(session, { id: 'n2', host: 'h2' }, undefined)).toBe(true);
});
