// The lab's etcd client (what the load and the leader checks use) against a real etcd server.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { etcdApi } from '../../lab/engines/etcd-api.js';
import { type EtcdProcess, startEtcd } from '../helpers/etcd-process.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

let server: EtcdProcess;
beforeAll(async () => {
  server = await startEtcd(tmp());
}, 30_000);
afterAll(async () => {
  await server?.stop('SIGKILL');
  cleanupTmp();
});

it('puts, gets, and lists exactly the keys under a prefix', async () => {
  await etcdApi.put(server.url, 'load/run1/000000001', 'one', 2000);
  await etcdApi.put(server.url, 'load/run1/000000002', 'two', 2000);
  // Neighbours on both sides of the prefix range must stay out of the listing.
  await etcdApi.put(server.url, 'load/run0/x', 'before', 2000);
  await etcdApi.put(server.url, 'load/run10', 'after', 2000);
  await etcdApi.put(server.url, 'load/run2/x', 'after', 2000);
  expect(await etcdApi.get(server.url, 'load/run1/000000002', 2000)).toBe('two');
  expect(await etcdApi.get(server.url, 'load/run1/missing', 2000)).toBeUndefined();
  expect([...(await etcdApi.keys(server.url, 'load/run1/', 2000))].sort()).toEqual([
    'load/run1/000000001',
    'load/run1/000000002',
  ]);
});

it('reports a single member as its own leader, with indexes as numbers', async () => {
  const s = await etcdApi.status(server.url, 2000);
  expect(s.memberId).toMatch(/^\d+$/);
  expect(s.leader).toBe(s.memberId);
  expect(s.raftIndex).toBeGreaterThan(0);
  expect(s.raftAppliedIndex).toBeGreaterThan(0);
});

it('names the endpoint and the HTTP status when a call fails', async () => {
  await expect(etcdApi.put(`${server.url}/nope`, 'k', 'v', 2000)).rejects.toThrow(
    /\/nope\/v3\/kv\/put: HTTP 404/,
  );
});
