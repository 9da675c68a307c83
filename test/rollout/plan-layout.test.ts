// The WAL layout checks before a roll: where each engine puts a node's WAL directories, a
// predicted one missing on the host (an error naming node, group and path), and a group-<N>
// directory the inventory does not know (a warning). The host is this machine, through the same
// file access raftroll uses over SSH.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterSession } from '../../src/cluster/session.js';
import { predictedWalDirs } from '../../src/inventory/groups.js';
import { type Inventory, parseInventory } from '../../src/inventory/load.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { askHosts, blockers, walLayout } from '../../src/rollout/preflight.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

function elastickv(dataDir: string, groups: string): Inventory {
  return parseInventory(
    `
engine: elastickv
nodes:
  - { id: n1, host: 10.0.0.1 }
  - { id: n2, host: 10.0.0.2 }
container:
  name: elastickv
  image: ghcr.io/bootjp/elastickv:v1
  dataDir: ${dataDir}
  args: ['/app', '--raftId', '{{id}}', '--raftGroups', '${groups}']
`,
    'inv.yml',
  );
}

function etcd(dataDir: string, extraArgs = ''): Inventory {
  return parseInventory(
    `
engine: etcd
etcdVersion: '3.5'
nodes:
  - { id: e1, host: 10.0.0.1 }
container:
  name: etcd
  image: quay.io/coreos/etcd:v3.5.0
  dataDir: ${dataDir}
  ${extraArgs ? `args: ['etcd', '--data-dir', '{{dataDir}}', ${extraArgs}]` : ''}
`,
    'inv.yml',
  );
}

const session = (inv: Inventory) =>
  ({ inv, host: () => new LocalHost('h1') }) as unknown as ClusterSession;

describe('the WAL directories a layout predicts', () => {
  it('elastickv with several groups: <dataDir>/<raftId>/group-<N>/wal', () => {
    const inv = elastickv('/var/lib/elastickv', '1={{host}}:50051,2={{host}}:50052');
    expect(predictedWalDirs(inv, inv.nodes[1]!)).toEqual({
      dirs: [
        { group: 1, dir: '/var/lib/elastickv/n2/group-1/wal' },
        { group: 2, dir: '/var/lib/elastickv/n2/group-2/wal' },
      ],
      groupsRoot: '/var/lib/elastickv/n2',
    });
  });

  it('elastickv with one data group: <dataDir>/<raftId>/wal, the reserved group 0 apart', () => {
    const inv = elastickv('/data', '0={{host}}:50050,1={{host}}:50051');
    expect(predictedWalDirs(inv, inv.nodes[0]!).dirs).toEqual([
      { group: 0, dir: '/data/n1/group-0/wal' },
      { group: 1, dir: '/data/n1/wal' },
    ]);
  });

  it('etcd: member/wal, or its --wal-dir', () => {
    const a = etcd('/var/lib/etcd');
    expect(predictedWalDirs(a, a.nodes[0]!).dirs).toEqual([{ dir: '/var/lib/etcd/member/wal' }]);
    const b = etcd('/var/lib/etcd', "'--wal-dir=/fast/wal'");
    expect(predictedWalDirs(b, b.nodes[0]!).dirs).toEqual([{ dir: '/fast/wal' }]);
  });
});

describe('the layout on the host', () => {
  it('passes when every predicted WAL directory is there and no other group is', async () => {
    const data = tmp();
    for (const g of [1, 2]) mkdirSync(join(data, 'n1', `group-${g}`, 'wal'), { recursive: true });
    const inv = elastickv(data, '1={{host}}:50051,2={{host}}:50052');
    expect(await walLayout(session(inv), 'n1')).toEqual({ errors: [], warnings: [] });
  });

  it('is an error naming the group and the path when a predicted WAL directory is missing', async () => {
    const data = tmp();
    mkdirSync(join(data, 'n1', 'group-1', 'wal'), { recursive: true });
    mkdirSync(join(data, 'n1', 'group-2'), { recursive: true }); // the group, but no wal/
    const inv = elastickv(data, '1={{host}}:50051,2={{host}}:50052');
    const r = await walLayout(session(inv), 'n1');
    expect(r.warnings).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toBe(
      `group 2: its WAL directory ${data}/n1/group-2/wal does not exist on 10.0.0.1, where the elastickv layout puts it; the node would start that group with an empty log. Check container.dataDir and the groups in the inventory, or restore the directory`,
    );
  });

  it('is a warning naming the directory when the host has a group the inventory lacks', async () => {
    const data = tmp();
    for (const g of [1, 2, 7])
      mkdirSync(join(data, 'n1', `group-${g}`, 'wal'), { recursive: true });
    mkdirSync(join(data, 'n1', 'group-notes'));
    const inv = elastickv(data, '1={{host}}:50051,2={{host}}:50052');
    const r = await walLayout(session(inv), 'n1');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      new RegExp(
        `^${data}/n1/group-7 on 10\\.0\\.0\\.1 is a Raft group directory, but group 7 is not in the inventory \\(groups 1,2\\)`,
      ),
    );
  });

  it('checks etcd member/wal too', async () => {
    const data = tmp();
    const inv = etcd(data);
    expect((await walLayout(session(inv), 'e1')).errors[0]).toMatch(
      new RegExp(`^its WAL directory ${data}/member/wal does not exist on 10\\.0\\.0\\.1`),
    );
    mkdirSync(join(data, 'member', 'wal'), { recursive: true });
    expect(await walLayout(session(inv), 'e1')).toEqual({ errors: [], warnings: [] });
  });
});

describe('the hosts asked before the lock', () => {
  const view = (id: string, reachable: boolean) => ({ id, reachable, error: 'no route' }) as never;
  const spec = () => ({ volumes: [] }) as never;

  it('asks each reachable host, and leaves an unreachable one to the judging', async () => {
    const dir = join(tmp(), 'etcd');
    const inv = etcd(dir);
    const asked = askHosts(session(inv), ['e1'], [view('e1', true)], spec);
    expect(await asked.get('e1')).toEqual([
      expect.stringMatching(/its data directory .* does not exist on 10\.0\.0\.1/),
    ]);
    // Unreachable: not asked, so the missing directory is not found.
    expect(await askHosts(session(inv), ['e1'], [view('e1', false)], spec).get('e1')).toEqual([]);
    mkdirSync(join(dir, 'member', 'wal'), { recursive: true });
    expect(await askHosts(session(inv), ['e1'], [view('e1', true)], spec).get('e1')).toEqual([]);
  });

  it('judges the answers it is given, in rollout order, under the lock', async () => {
    const inv = etcd(join(tmp(), 'etcd'));
    const given = new Map([['e1', Promise.resolve(['an answer sent before the lock'])]]);
    const found = await blockers(session(inv), ['e1'], [view('e1', true)], {} as never, {
      skip: new Set(),
      guard: false,
      specOf: spec,
      asked: given,
    });
    expect(found).toEqual([{ node: 'e1', why: 'an answer sent before the lock' }]);
    const down = await blockers(session(inv), ['e1'], [view('e1', false)], {} as never, {
      skip: new Set(),
      guard: false,
      specOf: spec,
      asked: given,
    });
    expect(down).toEqual([{ node: 'e1', why: 'e1 cannot be reached (no route)' }]);
  });
});
