// The lab's elastickv engine without a lab: the container each node runs, the inventory that
// must describe exactly it, where each Raft group answers, and how the load's keys are routed.

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HOST_DATA, hostPaths } from '../../lab/config.js';
import { elastickvEngine, wantedLeaders } from '../../lab/engines/elastickv.js';
import { decodeRawGet, encodeRawGet, encodeRawPut } from '../../lab/engines/elastickv-api.js';
import {
  groupOfKey,
  parseEndpoint,
  routePrefix,
  shardRanges,
} from '../../lab/engines/elastickv-layout.js';
import { walDirOf } from '../../lab/faults.js';
import { inventory } from '../../lab/inventory.js';
import { parseInventory } from '../../src/inventory/load.js';
import { nodeSpec } from '../../src/inventory/spec.js';
import { LABEL, runContainer } from '../../src/runtime/docker.js';

const hosts = [1, 2, 3];
const ekv = elastickvEngine();
const DATA = `${HOST_DATA}/elastickv`;
const PEERS = [1, 2, 3]
  .map((g) => `${g}=${hosts.map((h) => `n${h}@127.0.1.${h}:${39100 + g}`).join(',')}`)
  .join(';');

describe('the elastickv engine', () => {
  it("runs node 2 as elastickv runs (/app first, no SIGTERM handler), through the product's docker run builder", () => {
    const spec = ekv.runSpec(2, hosts);
    expect(runContainer(spec)).toEqual([
      'docker',
      'run',
      '--detach',
      '--name',
      'elastickv',
      '--restart',
      'unless-stopped',
      '--network',
      'host',
      '--memory',
      '2500m',
      '--memory-swap',
      '2500m',
      '--user',
      '10002',
      '--volume',
      `${DATA}:${DATA}`,
      '--env-file',
      '<env-file>',
      '--',
      'raftroll-lab/elastickv:a',
      '/app',
      '--raftId',
      'n2',
      '--raftEngine',
      'etcd',
      '--raftDataDir',
      DATA,
      '--raftGroups',
      '1=127.0.1.2:39101,2=127.0.1.2:39102,3=127.0.1.2:39103',
      '--raftGroupPeers',
      PEERS,
      '--shardRanges',
      ':g2=1,g2:g3=2,g3:=3',
      '--standinSigtermExit2',
    ]);
    expect(spec.env).toEqual({ GOMEMLIMIT: '1800MiB' });
    expect(PEERS).toBe(
      '1=n1@127.0.1.1:39101,n2@127.0.1.2:39101,n3@127.0.1.3:39101;' +
        '2=n1@127.0.1.1:39102,n2@127.0.1.2:39102,n3@127.0.1.3:39102;' +
        '3=n1@127.0.1.1:39103,n2@127.0.1.2:39103,n3@127.0.1.3:39103',
    );
  });

  it('takes another image and memory limit (the oom fault keeps the image)', () => {
    const spec = ekv.runSpec(1, hosts, { image: 'raftroll-lab/elastickv:b', memory: '20m' });
    expect(spec.image).toBe('raftroll-lab/elastickv:b');
    expect(spec.memory).toBe('20m');
  });

  it('writes an inventory from which raftroll derives the very container the lab starts', () => {
    const raw = inventory(ekv, hosts) as {
      engine: string;
      ports: Record<string, number>;
      container: { args: string[]; memory: string; defaultEnv: string[] };
    };
    expect(raw.engine).toBe('elastickv');
    expect(raw.ports).toEqual({ admin: 39101 });
    expect(raw.container.memory).toBe('2500m');
    expect(raw.container.defaultEnv).toEqual(['GOMEMLIMIT=1800MiB']);
    const at = raw.container.args.indexOf('--raftGroups');
    expect(raw.container.args[at + 1]).toBe('1={{host}}:39101,2={{host}}:39102,3={{host}}:39103');
    expect(raw.container.args).toContain('{{id}}');
    expect(raw.container.args).toContain('{{dataDir}}');

    const inv = parseInventory(stringify(raw), 'lab inventory');
    for (const node of inv.nodes) {
      const i = Number(node.id.slice(1));
      const { labels, ...fromInventory } = nodeSpec(inv, node);
      const { labels: _, ...lab } = ekv.runSpec(i, hosts);
      expect(fromInventory).toEqual(lab);
      expect(labels[LABEL.managed]).toBe('1');
    }
  });

  it('answers each group on its own port of the node, and a partition drops them all', () => {
    expect(ekv.endpoint(3)).toBe('127.0.1.3:39101');
    expect(ekv.groupEndpoints(3)).toEqual([
      { group: 1, endpoint: '127.0.1.3:39101' },
      { group: 2, endpoint: '127.0.1.3:39102' },
      { group: 3, endpoint: '127.0.1.3:39103' },
    ]);
    expect(ekv.peerPorts(3)).toEqual([39101, 39102, 39103]);
    expect(elastickvEngine(8).peerPorts(1)).toEqual([
      39101, 39102, 39103, 39104, 39105, 39106, 39107, 39108,
    ]);
    expect(parseEndpoint('127.0.1.4:39105')).toEqual({ node: 4, group: 5 });
    for (const bad of ['127.0.1.4:39100', '127.0.1.4:39109', '127.0.0.1:39101', 'x'])
      expect(() => parseEndpoint(bad)).toThrow(`"${bad}" is not an elastickv lab endpoint`);
  });

  it("keeps each group's WAL where the stand-in writes it (one directory per group only when several)", () => {
    const d = `${hostPaths(2).data}/elastickv`;
    expect(ekv.dataDir(2)).toBe(d);
    expect(ekv.walDirs(2)).toEqual([1, 2, 3].map((g) => `${d}/n2/group-${g}/wal`));
    expect(ekv.walDirs(2, '/moved')).toEqual([1, 2, 3].map((g) => `/moved/n2/group-${g}/wal`));
    expect(elastickvEngine(1).walDirs(2)).toEqual([`${d}/n2/wal`]);
    expect(walDirOf(ekv, 2)).toBe(`${d}/n2/group-1/wal`);
    expect(walDirOf(ekv, 2, 3)).toBe(`${d}/n2/group-3/wal`);
    expect(() => walDirOf(ekv, 2, 4)).toThrow(
      '--group is "4": the elastickv lab runs Raft groups 1, 2, 3',
    );
  });

  it('routes each load lane into its own group, for every group count', () => {
    expect(shardRanges(1)).toBe(':=1');
    for (let n = 1; n <= 8; n++) {
      const lanes = elastickvEngine(n).loadLanes('raftroll-load/r1/', hosts);
      expect(lanes.map((l) => l.group)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
      for (const lane of lanes) {
        expect(lane.prefix).toBe(`${routePrefix(lane.group)}raftroll-load/r1/`);
        expect(groupOfKey(`${lane.prefix}000000042`, n)).toBe(lane.group);
        expect(lane.endpoints).toEqual(hosts.map((h) => `127.0.1.${h}:${39100 + lane.group}`));
      }
    }
    // Keys outside every lane still have an owner: below g2 is group 1, above the last, the last.
    expect(groupOfKey('a', 3)).toBe(1);
    expect(groupOfKey('z', 3)).toBe(3);
  });

  it('wants every node to lead a group when there are at least as many groups as nodes', () => {
    expect([...wantedLeaders(hosts, [1, 2, 3])]).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const five = wantedLeaders([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(five.values())).toEqual(new Set([1, 2, 3, 4, 5]));
    expect([...wantedLeaders(hosts, [1])]).toEqual([[1, 1]]);
  });

  it("speaks RawKV's wire format: key 1, value 2; RawGet names its group in field 4", () => {
    expect([...encodeRawPut('k', 'v')]).toEqual([0x0a, 1, 0x6b, 0x12, 1, 0x76]);
    expect([...encodeRawGet('k', 3)]).toEqual([0x0a, 1, 0x6b, 0x20, 3]);
    // read_at_index 7, value "hi", exists true
    expect(decodeRawGet(Buffer.from([0x08, 7, 0x12, 2, 0x68, 0x69, 0x18, 1]))).toEqual({
      exists: true,
      value: 'hi',
    });
    expect(decodeRawGet(Buffer.alloc(0))).toEqual({ exists: false, value: '' });
  });

  it('names each image by its tag', () => {
    expect(['a', 'b', 'broken'].map((t) => ekv.image(t as 'a'))).toEqual([
      'raftroll-lab/elastickv:a',
      'raftroll-lab/elastickv:b',
      'raftroll-lab/elastickv:broken',
    ]);
  });
});
