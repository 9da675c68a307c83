// The lab's etcd cluster: one container named `etcd` per host, host networking, data
// bind-mounted from the host, started with a memory limit and GOMEMLIMIT.

import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import {
  CLIENT_PORT,
  CONTAINER,
  HOST_DATA,
  hostIp,
  hostPaths,
  nodeId,
  nodeUid,
  PEER_PORT,
} from './config.mjs';
import * as etcd from './etcd-api.mjs';
import { dockerRun, waitFor } from './hosts.mjs';
import { image } from './images.mjs';

export const clientUrl = (i) => `http://${hostIp(i)}:${CLIENT_PORT}`;
export const peerUrl = (i) => `http://${hostIp(i)}:${PEER_PORT}`;

export function runArgs(
  i,
  hosts,
  { tag = 'a', memory = '2500m', env = ['GOMEMLIMIT=1800MiB'], imageRef } = {},
) {
  const cluster = hosts.map((h) => `${nodeId(h)}=${peerUrl(h)}`).join(',');
  return [
    'run',
    '-d',
    '--name',
    CONTAINER,
    '--restart',
    'unless-stopped',
    '--network',
    'host',
    '--user',
    String(nodeUid(i)),
    ...(memory ? ['--memory', memory, '--memory-swap', memory] : []),
    ...env.flatMap((e) => ['-e', e]),
    '--label',
    'org.raftroll.lab=1',
    '-v',
    `${HOST_DATA}/etcd:/var/lib/etcd`,
    imageRef ?? image(tag),
    '--name',
    nodeId(i),
    '--data-dir',
    '/var/lib/etcd',
    '--listen-client-urls',
    clientUrl(i),
    '--advertise-client-urls',
    clientUrl(i),
    '--listen-peer-urls',
    peerUrl(i),
    '--initial-advertise-peer-urls',
    peerUrl(i),
    '--initial-cluster',
    cluster,
    '--initial-cluster-state',
    'new',
    '--initial-cluster-token',
    'raftroll-lab',
  ];
}

export async function inspect(i) {
  const r = await dockerRun(i, ['inspect', CONTAINER], { nothrow: true });
  if (r.exitCode !== 0) return undefined;
  return JSON.parse(r.stdout)[0];
}

export async function startNode(i, hosts, opts = {}) {
  const dir = hostPaths(i).etcdData;
  mkdirSync(dir, { recursive: true });
  chownSync(dir, nodeUid(i), nodeUid(i));
  chmodSync(dir, 0o700);
  await dockerRun(i, runArgs(i, hosts, opts));
}

/** Starts every missing node, then waits until all of them agree on a leader. */
export async function ensureCluster(hosts) {
  await Promise.all(
    hosts.map(async (i) => {
      const c = await inspect(i);
      if (!c) await startNode(i, hosts);
      else if (!c.State.Running) await dockerRun(i, ['start', CONTAINER]);
    }),
  );
  await waitHealthy(hosts);
}

export async function waitHealthy(hosts, timeoutMs = 45_000) {
  return waitFor(
    'the etcd cluster to elect a leader seen by every node',
    async () => {
      const s = await Promise.all(hosts.map((i) => etcd.status(clientUrl(i))));
      const leader = s[0].leader;
      return leader && leader !== '0' && s.every((x) => x.leader === leader) ? s : undefined;
    },
    timeoutMs,
    200,
  );
}

/** One row per node: host, container and Raft facts, each fetched independently. */
export async function clusterStatus(hosts) {
  return Promise.all(
    hosts.map(async (i) => {
      const row = { node: nodeId(i), host: hostIp(i), container: undefined, raft: undefined };
      const c = await inspect(i).catch(() => undefined);
      if (c) {
        row.container = {
          status: c.State.Status,
          running: c.State.Running,
          restarting: c.State.Restarting,
          oomKilled: c.State.OOMKilled,
          exitCode: c.State.ExitCode,
          restartCount: c.RestartCount,
          image: c.Config.Image,
          imageId: c.Image,
          memory: c.HostConfig.Memory,
          env: c.Config.Env,
        };
      }
      try {
        const s = await etcd.status(clientUrl(i));
        row.raft = { ...s, role: s.memberId === s.leader ? 'leader' : 'follower' };
      } catch (e) {
        row.raft = { error: e.message };
      }
      return row;
    }),
  );
}
