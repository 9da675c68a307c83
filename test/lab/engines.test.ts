// The lab's engines, without a lab: the container each node runs, the inventory that must
// describe exactly that container, and the engine lookup.

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HOST_DATA, hostPaths } from '../../lab/config.js';
import { ENGINE_NAMES, engineNamed } from '../../lab/engines/registry.js';
import { inventory } from '../../lab/inventory.js';
import { parseInventory } from '../../src/inventory/load.js';
import { nodeSpec } from '../../src/inventory/spec.js';
import { LABEL, runContainer } from '../../src/runtime/docker.js';
import { lab } from '../helpers/lab.js';

const hosts = [1, 2, 3];

describe('the engine registry', () => {
  it('knows etcd and elastickv, and names the valid engines when asked for another', () => {
    expect(ENGINE_NAMES).toEqual(['etcd', 'elastickv']);
    expect(engineNamed('etcd').name).toBe('etcd');
    expect(engineNamed('elastickv').name).toBe('elastickv');
    expect(() => engineNamed('elastic')).toThrow(
      'unknown engine "elastic": expected one of etcd, elastickv',
    );
    expect(() => engineNamed('constructor')).toThrow('unknown engine "constructor"');
  });

  it('takes a group count for elastickv only, from 1 to 8', () => {
    expect(engineNamed('elastickv').groups).toEqual([1, 2, 3]);
    expect(engineNamed('elastickv', { groups: 5 }).groups).toEqual([1, 2, 3, 4, 5]);
    expect(() => engineNamed('etcd', { groups: 2 })).toThrow(
      '--groups applies to the elastickv engine only',
    );
    for (const bad of [0, 9, 1.5, Number.NaN])
      expect(() => engineNamed('elastickv', { groups: bad })).toThrow(
        `--groups is "${bad}": expected a whole number from 1 to 8`,
      );
  });
});

describe('the etcd engine', () => {
  const etcd = engineNamed('etcd');

  it("runs node 2 as the lab always has, through the product's docker run builder", () => {
    const spec = etcd.runSpec(2, hosts);
    expect(runContainer(spec)).toEqual([
      'docker',
      'run',
      '--detach',
      '--name',
      'etcd',
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
      `${HOST_DATA}/etcd:/var/lib/etcd`,
      '--env-file',
      '<env-file>',
      '--',
      'raftroll-lab/etcd:a',
      '--name',
      'n2',
      '--data-dir',
      '/var/lib/etcd',
      '--listen-client-urls',
      'http://127.0.1.2:2379',
      '--advertise-client-urls',
      'http://127.0.1.2:2379',
      '--listen-peer-urls',
      'http://127.0.1.2:2380',
      '--initial-advertise-peer-urls',
      'http://127.0.1.2:2380',
      '--initial-cluster',
      'n1=http://127.0.1.1:2380,n2=http://127.0.1.2:2380,n3=http://127.0.1.3:2380',
      '--initial-cluster-state',
      'new',
      '--initial-cluster-token',
      'raftroll-lab',
    ]);
    expect(spec.env).toEqual({ GOMEMLIMIT: '1800MiB' });
  });

  it('takes another image and memory limit (the oom fault keeps the image)', () => {
    const spec = etcd.runSpec(1, hosts, { image: 'raftroll-lab/etcd:b', memory: '20m' });
    expect(spec.image).toBe('raftroll-lab/etcd:b');
    expect(spec.memory).toBe('20m');
  });

  it('writes an inventory from which raftroll derives the very container the lab starts', () => {
    const inv = parseInventory(stringify(inventory(etcd, hosts)), 'lab inventory');
    for (const node of inv.nodes) {
      const i = Number(node.id.slice(1));
      const { labels, ...fromInventory } = nodeSpec(inv, node);
      const { labels: _, ...lab } = etcd.runSpec(i, hosts);
      expect(fromInventory).toEqual(lab);
      expect(labels[LABEL.managed]).toBe('1');
    }
  });

  it('keeps its data under the host data dir, and one WAL directory per node', () => {
    expect(etcd.dataDir(3)).toBe(`${hostPaths(3).data}/etcd`);
    expect(etcd.walDirs(3)).toEqual([`${hostPaths(3).data}/etcd/member/wal`]);
    expect(etcd.walDirs(3, '/elsewhere')).toEqual(['/elsewhere/member/wal']);
    expect(etcd.peerPorts(3)).toEqual([2380]);
    expect(etcd.endpoint(3)).toBe('http://127.0.1.3:2379');
  });

  it('names each image by its tag', () => {
    expect(['a', 'b', 'broken'].map((t) => etcd.image(t as 'a'))).toEqual([
      'raftroll-lab/etcd:a',
      'raftroll-lab/etcd:b',
      'raftroll-lab/etcd:broken',
    ]);
  });
});

describe('lab up --engine', () => {
  it('refuses an unknown engine before touching anything, naming the valid ones', () => {
    expect(() => lab('up', '--engine', 'nope')).toThrow(
      /lab: unknown engine "nope": expected one of etcd, elastickv/,
    );
  });

  it('refuses --groups with etcd and out-of-range group counts before touching anything', () => {
    expect(() => lab('up', '--groups', '2')).toThrow(
      /lab: --groups applies to the elastickv engine only/,
    );
    expect(() => lab('up', '--engine', 'elastickv', '--groups', '9')).toThrow(
      /lab: --groups is "9": expected a whole number from 1 to 8/,
    );
    expect(() => lab('up', '--engine', 'elastickv', '--groups', 'two')).toThrow(
      /lab: --groups is "two": expected a whole number/,
    );
  });
});
