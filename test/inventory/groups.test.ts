// elastickv's Raft groups as raftroll reads them from an inventory: from --raftGroups in the
// container's args (filled per node), or from the inventory's own groups list.

import { describe, expect, it } from 'vitest';
import {
  groupIds,
  nodeGroups,
  parseRaftGroups,
  raftGroupsFlag,
} from '../../src/inventory/groups.js';
import { InventoryError, parseInventory } from '../../src/inventory/load.js';

const base = (extra: string, nodes = ['n1', 'n2', 'n3']) => `
engine: elastickv
nodes:
${nodes.map((n, i) => `  - { id: ${n}, host: 10.0.0.${i + 1}${extra.includes('vars') ? `, vars: { groups: "${i === 2 ? '1={{host}}:50051,4={{host}}:50054' : '1={{host}}:50051,2={{host}}:50052'}" }` : ''} }`).join('\n')}
container:
  name: elastickv
  image: ghcr.io/bootjp/elastickv:v1
  dataDir: /var/lib/elastickv
${extra}
`;

const ARGS = `  args: ['/app', '--raftId', '{{id}}', '--raftGroups', '1={{host}}:50051,3={{host}}:50053,2={{host}}:50052']`;

describe('--raftGroups', () => {
  it('parses ids, hosts and ports, sorted by group id', () => {
    expect(parseRaftGroups('2=10.0.0.1:50052, 1=10.0.0.1:50051', 'x')).toEqual([
      { id: 1, host: '10.0.0.1', port: 50051 },
      { id: 2, host: '10.0.0.1', port: 50052 },
    ]);
    expect(parseRaftGroups('1=[fd00::1]:7000', 'x')).toEqual([
      { id: 1, host: 'fd00::1', port: 7000 },
    ]);
  });

  it('names the bad part and says what is expected', () => {
    expect(() => parseRaftGroups('1=10.0.0.1', 'inv.yml: node n1')).toThrow(
      /inv\.yml: node n1: --raftGroups "1=10\.0\.0\.1": "10\.0\.0\.1" has no port between 1 and 65535; expected "<group id>=<host>:<port>"/,
    );
    expect(() => parseRaftGroups('a=h:1', 'x')).toThrow(/"a" is not a group id/);
    expect(() => parseRaftGroups('1=h:1,1=h:2', 'x')).toThrow(/group 1 appears twice/);
    expect(() => parseRaftGroups('', 'x')).toThrow(/no group given/);
  });

  it('is found in argv in each of the spellings Go accepts', () => {
    expect(raftGroupsFlag(['--raftGroups', '1=h:1'])).toBe('1=h:1');
    expect(raftGroupsFlag(['-raftGroups=1=h:1'])).toBe('1=h:1');
    expect(raftGroupsFlag(['--raftId', 'n1'])).toBeUndefined();
  });
});

describe('groups of an inventory', () => {
  it('come from the filled --raftGroups of each node', () => {
    const inv = parseInventory(base(ARGS), 'inv.yml');
    const gs = nodeGroups(inv);
    expect(gs.get('n2')).toEqual([
      { id: 1, host: '10.0.0.2', port: 50051 },
      { id: 2, host: '10.0.0.2', port: 50052 },
      { id: 3, host: '10.0.0.2', port: 50053 },
    ]);
    expect(groupIds(inv)).toEqual([1, 2, 3]);
  });

  it('come from the inventory groups list, on each node host', () => {
    const inv = parseInventory(
      base('groups:\n  - { id: 2, port: 7002 }\n  - { id: 1, port: 7001 }'),
      'inv.yml',
    );
    expect(nodeGroups(inv).get('n3')).toEqual([
      { id: 1, host: '10.0.0.3', port: 7001 },
      { id: 2, host: '10.0.0.3', port: 7002 },
    ]);
  });

  it('are none for the preset (one group, on the admin port) and for etcd', () => {
    expect(groupIds(parseInventory(base(''), 'inv.yml'))).toEqual([]);
    const etcd = parseInventory(base('').replace('engine: elastickv', 'engine: etcd'), 'e.yml');
    expect(groupIds(etcd)).toEqual([]);
    const wrong = parseInventory(
      base('groups: [{ id: 1, port: 7001 }]').replace('engine: elastickv', 'engine: etcd'),
      'e.yml',
    );
    expect(() => nodeGroups(wrong)).toThrow(/only elastickv runs several Raft groups/);
  });

  it('must have the same ids on every node: the node that differs is named', () => {
    const inv = parseInventory(
      // Each node's --raftGroups from its vars: n3's differ.
      base(`  args: ['/app', '--raftGroups', '{{vars.groups}}']`),
      'inv.yml',
    );
    const e = (() => {
      try {
        nodeGroups(inv);
      } catch (x) {
        return x as Error;
      }
    })();
    expect(e).toBeInstanceOf(InventoryError);
    expect(e?.message).toBe(
      'inv.yml: node n3 serves Raft groups 1,4 but node n1 serves 1,2; every node must run the same groups',
    );
  });

  it('must agree between the groups list and --raftGroups', () => {
    const inv = parseInventory(`${base(ARGS)}groups: [{ id: 1, port: 50051 }]\n`, 'inv.yml');
    expect(() => nodeGroups(inv)).toThrow(
      "inv.yml: node n1: the inventory's groups (1) differ from the container's --raftGroups (1,2,3)",
    );
  });
});
