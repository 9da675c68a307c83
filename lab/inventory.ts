// .lab/inventory.yml: the lab described exactly as a user describes production, so raftroll
// needs no lab-only switches.

import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { hostIp, INVENTORY, nodeId, nodeUid, SSH } from './config.js';
import type { InventoryShared, LabEngine } from './engine.js';

export function inventory(engine: LabEngine, hosts: number[]): Record<string, unknown> {
  const shared: InventoryShared = {
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
  };
  return engine.inventory(hosts, shared);
}

export function writeInventory(engine: LabEngine, hosts: number[]): void {
  const header =
    '# Written by `npm run lab -- up`. The lab, described as production is described.\n';
  writeFileSync(INVENTORY, header + stringify(inventory(engine, hosts), { lineWidth: 0 }));
}
