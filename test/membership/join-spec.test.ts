import { describe, expect, it } from 'vitest';
import { initialCluster, joinSpec } from '../../src/membership/join-spec.js';
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
    const s = joinSpec(
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
    const s = joinSpec(
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
});
