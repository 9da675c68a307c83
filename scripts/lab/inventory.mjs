// .lab/inventory.yml: the lab described exactly as a user describes production, so raftroll
// needs no lab-only switches.

import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import {
  CLIENT_PORT,
  CONTAINER,
  HOST_DATA,
  hostIp,
  INVENTORY,
  nodeId,
  nodeUid,
  PEER_PORT,
  SSH,
} from './config.mjs';
import { image } from './images.mjs';

export function inventory(hosts) {
  return {
    engine: 'etcd',
    // Debian's etcd, which the lab runs.
    etcdVersion: '3.4',
    nodes: hosts.map((i) => ({
      id: nodeId(i),
      host: hostIp(i),
      ssh: `root@${hostIp(i)}`,
      vars: { uid: String(nodeUid(i)) },
    })),
    ssh: {
      identityFile: SSH.key,
      knownHostsFile: SSH.knownHosts,
      sudo: false,
    },
    container: {
      name: CONTAINER,
      image: image('a'),
      dataDir: `${HOST_DATA}/etcd`,
      restart: 'unless-stopped',
      network: 'host',
      user: '{{vars.uid}}',
      memory: '2500m',
      defaultEnv: ['GOMEMLIMIT=1800MiB'],
      volumes: ['{{dataDir}}:/var/lib/etcd'],
      args: [
        '--name',
        '{{id}}',
        '--data-dir',
        '/var/lib/etcd',
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
  };
}

export function writeInventory(hosts) {
  const header =
    '# Written by `npm run lab -- up`. The lab, described as production is described.\n';
  writeFileSync(INVENTORY, header + stringify(inventory(hosts), { lineWidth: 0 }));
}
