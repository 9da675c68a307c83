// The lab's etcd cluster: Debian's etcd, one container named `etcd` per host, host networking,
// data bind-mounted from the host, a memory limit and GOMEMLIMIT.

import { join } from 'node:path';
import type { RunSpec } from '../../src/runtime/docker.js';
import { HOST_DATA, hostIp, hostPaths, nodeId, nodeUid } from '../config.js';
import type { ImageSource, ImageTag, InventoryShared, LabEngine, RunOptions } from '../engine.js';
import { rootfsWithBinary } from '../images.js';
import { etcdApi } from './etcd-api.js';

export const CLIENT_PORT = 2379;
export const PEER_PORT = 2380;
const CONTAINER = 'etcd';
const IMAGE_REPO = 'raftroll-lab/etcd';
/** The data directory's name under HOST_DATA, the same on every host. */
const DATA_NAME = 'etcd';
/** Where the container sees its data directory. */
const DATA_IN_CONTAINER = '/var/lib/etcd';
const MEMORY = '2500m';
const GOMEMLIMIT = '1800MiB';
/** Debian's etcd, which the lab runs (the inventory's etcdVersion). */
const ETCD_VERSION = '3.4';

const clientUrl = (i: number) => `http://${hostIp(i)}:${CLIENT_PORT}`;
const peerUrl = (i: number) => `http://${hostIp(i)}:${PEER_PORT}`;

const building = new Map<ImageTag, Promise<ImageSource>>();

async function buildImage(tag: ImageTag): Promise<ImageSource> {
  const tarball = await rootfsWithBinary('etcd', tag, 'etcd', '/usr/bin/etcd');
  // :broken passes a flag etcd does not know, so it exits at once: the image for rollbacks.
  const entry =
    tag === 'broken' ? '["/usr/bin/etcd", "--raftroll-lab-broken-image"]' : '["/usr/bin/etcd"]';
  return {
    tarball,
    changes: [
      `ENTRYPOINT ${entry}`,
      `ENV RAFTROLL_LAB_IMAGE=${tag}`,
      `LABEL org.raftroll.lab.version=${tag}`,
    ],
  };
}

export const etcd: LabEngine = {
  name: 'etcd',
  container: CONTAINER,
  api: etcdApi,

  image: (tag) => `${IMAGE_REPO}:${tag}`,

  imageSource(tag) {
    let b = building.get(tag);
    if (!b) {
      b = buildImage(tag);
      building.set(tag, b);
    }
    return b;
  },

  runSpec(i: number, hosts: number[], { image, memory = MEMORY }: RunOptions = {}): RunSpec {
    return {
      name: CONTAINER,
      image: image ?? etcd.image('a'),
      restart: 'unless-stopped',
      network: 'host',
      user: String(nodeUid(i)),
      memory,
      volumes: [`${HOST_DATA}/${DATA_NAME}:${DATA_IN_CONTAINER}`],
      labels: {},
      env: { GOMEMLIMIT },
      args: [
        '--name',
        nodeId(i),
        '--data-dir',
        DATA_IN_CONTAINER,
        '--listen-client-urls',
        clientUrl(i),
        '--advertise-client-urls',
        clientUrl(i),
        '--listen-peer-urls',
        peerUrl(i),
        '--initial-advertise-peer-urls',
        peerUrl(i),
        '--initial-cluster',
        hosts.map((h) => `${nodeId(h)}=${peerUrl(h)}`).join(','),
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        'raftroll-lab',
      ],
    };
  },

  dataDir: (i) => join(hostPaths(i).data, DATA_NAME),

  walDirs: (i, dataDir = etcd.dataDir(i)) => [join(dataDir, 'member', 'wal')],

  endpoint: clientUrl,

  groups: [1],

  groupEndpoints: (i) => [{ group: 1, endpoint: clientUrl(i) }],

  loadLanes: (prefix, hosts) => [{ group: 1, prefix, endpoints: hosts.map(clientUrl) }],

  peerPorts: () => [PEER_PORT],

  inventory: (_hosts: number[], shared: InventoryShared) => ({
    engine: 'etcd',
    etcdVersion: ETCD_VERSION,
    nodes: shared.nodes,
    ssh: shared.ssh,
    container: {
      name: CONTAINER,
      image: etcd.image('a'),
      dataDir: `${HOST_DATA}/${DATA_NAME}`,
      restart: 'unless-stopped',
      network: 'host',
      user: '{{vars.uid}}',
      memory: MEMORY,
      defaultEnv: [`GOMEMLIMIT=${GOMEMLIMIT}`],
      volumes: [`{{dataDir}}:${DATA_IN_CONTAINER}`],
      args: [
        '--name',
        '{{id}}',
        '--data-dir',
        DATA_IN_CONTAINER,
        '--listen-client-urls',
        'http://{{host}}:{{ports.client}}',
        '--advertise-client-urls',
        'http://{{host}}:{{ports.client}}',
        '--listen-peer-urls',
        'http://{{host}}:{{ports.peer}}',
        '--initial-advertise-peer-urls',
        'http://{{host}}:{{ports.peer}}',
        '--initial-cluster',
        '{{initialCluster}}',
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        'raftroll-lab',
      ],
    },
    ports: { client: CLIENT_PORT, peer: PEER_PORT },
  }),
};
