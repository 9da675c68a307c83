// The rollout action refuses, before any host is reached, an environment that lets other
// branches deploy; the bundled action run as a runner runs it, against a stand-in GitHub API.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runStepAsync } from '../helpers/action-step.js';
import { type FakeGithub, fakeGithub } from '../helpers/github-api.js';
import { cleanupTmp } from '../helpers/tmp.js';

let github: FakeGithub;
beforeAll(async () => {
  github = await fakeGithub();
});
afterAll(async () => {
  await github.close();
  cleanupTmp();
});

// Hosts in a reserved, never-resolving domain: a run that got as far as SSH would say so.
const inventory = stringify({
  engine: 'etcd',
  etcdVersion: '3.5',
  nodes: ['n1', 'n2', 'n3'].map((id) => ({ id, host: `${id}.raftroll.invalid` })),
  container: { name: 'etcd', image: 'quay.io/coreos/etcd:v3.5.17', dataDir: '/var/lib/etcd' },
});

const run = () =>
  runStepAsync(
    'rollout.js',
    {
      inventory,
      'image-tag': 'v3.5.18',
      'dry-run': 'false',
      token: 'gh-t0ken',
      'known-hosts': 'x',
    },
    { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: 'acme/kv', GITHUB_SHA: 'c0ffee' },
    60_000,
  );

it('stops before any host when any branch may deploy to the environment, and records nothing', async () => {
  github.environments.production = { data: { deployment_branch_policy: null } };
  const r = await run();
  expect(r.code, r.stdout).toBe(1);
  const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/environment "production" lets any branch deploy/);
  expect(r.stdout).not.toMatch(/raftroll\.invalid/);
  expect(github.calls.filter((c) => c.path.includes('/deployments'))).toEqual([]);
});

it('goes on to the hosts when only the default branch may deploy', async () => {
  github.environments.production = {
    data: {
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      protection_rules: [{ type: 'required_reviewers' }],
    },
    policies: [{ name: 'main', type: 'branch' }],
  };
  const r = await run();
  // Past the check, the run fails at the first host, which does not exist.
  expect(r.code, r.stdout).toBe(1);
  expect(r.stdout).toMatch(/raftroll\.invalid/);
  expect(r.stdout).not.toMatch(/lets any branch deploy/);
});
