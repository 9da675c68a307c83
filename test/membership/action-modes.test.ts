// The rollout action's join and replace modes refuse what they cannot do before any host is
// reached: the bundled step, run as a runner runs it.

import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runStep } from '../helpers/action-step.js';
import { cleanupTmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

// Hosts in a reserved, never-resolving domain: these cases must fail before any connection.
const inventory = stringify({
  engine: 'etcd',
  etcdVersion: '3.5',
  nodes: ['n1', 'n2', 'n3'].map((id) => ({ id, host: `${id}.raftroll.invalid` })),
  container: { name: 'etcd', image: 'quay.io/coreos/etcd:v3.5.17', dataDir: '/var/lib/etcd' },
});

const errorOf = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replace(/%0A/g, '\n').replace(/%25/g, '%'));

describe('mode join and replace', () => {
  it.each([
    [{ mode: 'grow' }, /input mode is "grow"; expected one of roll, join, replace/],
    [{ mode: 'join' }, /input node is required with mode join/],
    [{ mode: 'replace', node: 'n3' }, /input host is required with mode replace/],
    [
      { mode: 'join', node: 'n3', host: 'h4.raftroll.invalid' },
      /input host is for mode replace only/,
    ],
    [{ mode: 'join', node: 'n3' }, /mode join changes the cluster's membership and has no dry run/],
    [
      { mode: 'join', node: 'n9', 'dry-run': 'false' },
      /node "n9" is not in .*: add a host entry for it/,
    ],
    [
      { mode: 'replace', node: 'n3', host: 'n2.raftroll.invalid', 'dry-run': 'false' },
      /n2\.raftroll\.invalid/,
    ],
    [
      { mode: 'replace', node: 'n3', host: '-oProxyCommand=x', 'dry-run': 'false' },
      /the new host "-oProxyCommand=x" is not a host name/,
    ],
  ])('refuses %o', (inputs, message) => {
    const r = runStep('rollout.js', { inventory, ...inputs });
    expect(r.code, r.stdout).toBe(1);
    const errors = errorOf(r.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(r.outputs.result).toBeUndefined();
  });
});
