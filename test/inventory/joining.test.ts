import { describe, expect, it } from 'vitest';
import {
  initialCluster,
  joiningSpec,
  joinMembers,
  joinRefusal,
} from '../../src/inventory/joining.js';
import { LABEL, type RunSpec } from '../../src/runtime/docker.js';

const spec = (args: string[]): RunSpec => ({
  name: 'etcd',
  image: 'etcd:a',
  restart: 'unless-stopped',
  network: 'host',
  volumes: [],
  labels: { [LABEL.fingerprint]: 'old' },
  env: {},
  args,
});

const members = [
  { id: '1', name: 'n1', address: 'http://10.0.0.1:2380', voter: true },
  { id: '2', name: 'n2', address: 'http://10.0.0.2:2380', voter: true },
  // The dead member being replaced has the new node's name.
  { id: '3', name: 'n3', address: 'http://10.0.0.3:2380', voter: true },
  // The learner just added for the new node: not started, so etcd has no name for it yet.
  { id: '4', name: '', address: 'http://10.0.0.9:2380', voter: false },
];

describe('the joining container', () => {
  it('lists every member once, the new one under its own name and the old one renamed', () => {
    expect(initialCluster(members, 'n3', 'http://10.0.0.9:2380')).toBe(
      'n3=http://10.0.0.9:2380,n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380,member-3=http://10.0.0.3:2380',
    );
  });

  it('replaces the inventory list and the cluster state for etcd, and re-fingerprints', () => {
    const s = joiningSpec(
      { engine: 'etcd' },
      spec([
        '--name',
        'n3',
        '--initial-cluster',
        'n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380,n3=http://10.0.0.9:2380',
        '--initial-cluster-state=new',
      ]),
      members,
      'n3',
      'http://10.0.0.9:2380',
    );
    expect(s.args).toEqual([
      '--name',
      'n3',
      '--initial-cluster',
      'n3=http://10.0.0.9:2380,n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380,member-3=http://10.0.0.3:2380',
      '--initial-cluster-state',
      'existing',
    ]);
    expect(s.labels[LABEL.fingerprint]).not.toBe('old');
  });

  it('adds --initial-cluster when the arguments have none', () => {
    const s = joiningSpec(
      { engine: 'etcd' },
      spec(['--name', 'n4']),
      members.slice(0, 2),
      'n4',
      'http://10.0.0.4:2380',
    );
    expect(s.args).toContain('--initial-cluster');
    expect(s.args[s.args.indexOf('--initial-cluster') + 1]).toBe(
      'n4=http://10.0.0.4:2380,n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380',
    );
  });

  it('joins elastickv with --raftJoinAsLearner, every founding flag gone, the joiner listed first', () => {
    const ekv = [
      { id: 'n1', name: 'n1', address: '10.0.0.1:50051', voter: true },
      { id: 'n2', name: 'n2', address: '10.0.0.2:50051', voter: true },
      // Its own learner entry, already added.
      { id: 'n4', name: 'n4', address: '10.0.0.4:50051', voter: false },
    ];
    const s = joiningSpec(
      { engine: 'elastickv' },
      spec([
        '/app',
        '--raftId',
        'n4',
        '--raftBootstrap',
        '--raftGroupPeers=1=n1@10.0.0.1:50051',
        '--raftBootstrapMembers',
        'n1=10.0.0.1:50051,n4=10.0.0.4:50051',
        '--raftJoinAsLearner=false',
        '-raftJoinMembers',
        'stale',
        '--raftDataDir',
        '/data',
      ]),
      ekv,
      'n4',
      '10.0.0.4:50051',
    );
    expect(s.args).toEqual([
      '/app',
      '--raftId',
      'n4',
      '--raftDataDir',
      '/data',
      '--raftJoinAsLearner',
      '--raftJoinMembers',
      'n4=10.0.0.4:50051,n1=10.0.0.1:50051,n2=10.0.0.2:50051',
    ]);
    expect(s.labels[LABEL.fingerprint]).not.toBe('old');
    // A replaced member's old entry carries the joiner's raft id: it is the joiner, not a peer.
    expect(
      joinMembers(
        [...ekv, { id: 'n4', name: 'n4', address: '10.0.0.3:50051', voter: true }],
        'n4',
        '10.0.0.4:50051',
      ),
    ).toBe('n4=10.0.0.4:50051,n1=10.0.0.1:50051,n2=10.0.0.2:50051');
  });

  it('refuses an elastickv join into several Raft groups, naming them, and nothing else', () => {
    expect(joinRefusal('elastickv', [1, 2, 3])).toMatch(
      /runs 3 Raft groups \(1,2,3\), and elastickv lets a fresh node join only a single-group cluster/,
    );
    expect(joinRefusal('elastickv', [1])).toBeUndefined();
    expect(joinRefusal('elastickv', [])).toBeUndefined();
    expect(joinRefusal('etcd', [])).toBeUndefined();
  });
});
