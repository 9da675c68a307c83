// The environment's deployment-branch policy, read from a stand-in of GitHub's REST API.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkBranchPolicy, guardEnvironment } from '../../src/actions/github/branch-policy.js';
import { repoOf } from '../../src/actions/github/client.js';
import { type FakeGithub, fakeGithub } from '../helpers/github-api.js';

const warnings: string[] = [];
vi.mock('@actions/core', async (orig) => ({
  ...(await orig<typeof import('@actions/core')>()),
  warning: (m: string) => warnings.push(m),
}));

let gh: FakeGithub;
beforeAll(async () => {
  gh = await fakeGithub();
  process.env.GITHUB_API_URL = gh.url;
  process.env.GITHUB_REPOSITORY = 'acme/db';
});
afterAll(() => gh.close());
afterEach(() => {
  gh.calls.length = 0;
  gh.forbid = [];
  gh.environments = {};
  warnings.length = 0;
});

const reviewers = [{ type: 'required_reviewers' }];
const check = () => checkBranchPolicy(repoOf('t0ken', 'test')!, 'production', 'main');

describe("the environment's branch policy", () => {
  it('passes an environment that lets only the default branch deploy, with reviewers', async () => {
    gh.environments.production = {
      data: {
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
        protection_rules: reviewers,
      },
      policies: [{ name: 'main', type: 'branch' }],
    };
    expect(await check()).toEqual({ problems: [], notes: [] });
    expect(gh.calls.map((c) => c.path)).toEqual([
      '/repos/acme/db/environments/production',
      '/repos/acme/db/environments/production/deployment-branch-policies',
    ]);
  });

  it('refuses an environment that any branch may deploy from, and says where to fix it', async () => {
    gh.environments.production = {
      data: { deployment_branch_policy: null, protection_rules: reviewers },
    };
    const v = await check();
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]).toMatch(/"production" lets any branch deploy/);
    expect(v.problems[0]).toMatch(/Settings → Environments → production.*only main/);
  });

  it('refuses a second branch pattern and any tag pattern, naming each', async () => {
    gh.environments.production = {
      data: {
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
        protection_rules: reviewers,
      },
      policies: [
        { name: 'main', type: 'branch' },
        { name: 'release/*', type: 'branch' },
        { name: 'main', type: 'tag' },
      ],
    };
    const v = await check();
    expect(v.problems).toHaveLength(2);
    expect(v.problems[0]).toMatch(/branch pattern "release\/\*"/);
    expect(v.problems[1]).toMatch(/tag pattern "main"/);
  });

  it('notes protected branches and missing reviewers without refusing', async () => {
    gh.environments.production = {
      data: {
        deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
      },
    };
    const v = await check();
    expect(v.problems).toEqual([]);
    expect(v.notes.join('\n')).toMatch(/every protected branch/);
    expect(v.notes.join('\n')).toMatch(/no required reviewers/);
  });

  it('warns, naming the permission, when the token cannot read the environment', async () => {
    gh.forbid = ['/environments/'];
    expect(await check()).toEqual({ problems: [], notes: [] });
    expect(warnings.join('\n')).toMatch(
      /not checked: the token lacks the actions: read permission/,
    );
  });

  it('stops a roll before anything is touched, and asks nothing without a token', async () => {
    gh.environments.production = { data: { deployment_branch_policy: null } };
    await expect(guardEnvironment('t0ken', 'production')).rejects.toThrow(
      /lets any branch deploy.*Nothing was touched/,
    );
    expect(gh.calls.map((c) => c.path)).toContain('/repos/acme/db');
    gh.calls.length = 0;
    await guardEnvironment(undefined, 'production');
    expect(gh.calls).toEqual([]);
    gh.environments.production = {
      data: {
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
        protection_rules: reviewers,
      },
      policies: [{ name: 'main', type: 'branch' }],
    };
    await expect(guardEnvironment('t0ken', 'production')).resolves.toBeUndefined();
  });
});
