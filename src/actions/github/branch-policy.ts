// The environment's own guard, checked before a node is touched: the job's environment must let
// only the default branch deploy. The workflow already refuses any other ref, but a copy of the
// workflow edited on a branch would not; the environment's branch policy is what GitHub itself
// enforces for every copy, so a roll that holds the production key checks it is in place.

import * as core from '@actions/core';
import { context } from '@actions/github';
import { bounded, type Repo, repoOf, whyFailed } from './client.js';

/**
 * Throws, before any node is touched, when the job's environment lets more than the default
 * branch deploy; notes the rest. Without a token or a repository there is nothing to ask.
 */
export async function guardEnvironment(
  token: string | undefined,
  environment: string,
): Promise<void> {
  if (!token || !process.env.GITHUB_REPOSITORY) return;
  const gh = repoOf(token, 'branch policy check')!;
  const branch = await defaultBranchOf(gh);
  if (!branch) return;
  const v = await checkBranchPolicy(gh, environment, branch);
  for (const n of v.notes) core.notice(n);
  if (v.problems.length > 0) throw new Error(`${v.problems.join('; ')}. Nothing was touched.`);
}

/** The event's own record of the default branch, else the repository's. */
async function defaultBranchOf(gh: Repo): Promise<string | undefined> {
  const fromEvent = (context.payload.repository as { default_branch?: string } | undefined)
    ?.default_branch;
  if (fromEvent) return fromEvent;
  try {
    const r = await gh.octokit.rest.repos.get({ owner: gh.owner, repo: gh.repo, ...bounded() });
    return r.data.default_branch;
  } catch (e) {
    core.warning(
      `branch policy check: skipped, the default branch is not known: ${whyFailed(e, 'contents: read')}`,
    );
    return undefined;
  }
}

export interface PolicyVerdict {
  /** Problems that make the environment unsafe to deploy from: the roll refuses. */
  problems: string[];
  /** Worth knowing, not a reason to stop. */
  notes: string[];
}

interface EnvironmentData {
  deployment_branch_policy?: {
    protected_branches?: boolean;
    custom_branch_policies?: boolean;
  } | null;
  protection_rules?: { type?: string }[];
}

interface BranchPolicy {
  name?: string;
  type?: string;
}

/**
 * Reads the environment and judges it. A policy that cannot be read (no `actions: read`) gives
 * a warning and no problems: the workflow's own ref check still stands.
 */
export async function checkBranchPolicy(
  gh: Repo,
  environment: string,
  defaultBranch: string,
): Promise<PolicyVerdict> {
  const where = { owner: gh.owner, repo: gh.repo, environment_name: environment };
  let env: EnvironmentData;
  let policies: BranchPolicy[] = [];
  try {
    env = (await gh.octokit.rest.repos.getEnvironment({ ...where, ...bounded() }))
      .data as EnvironmentData;
    if (env.deployment_branch_policy?.custom_branch_policies) {
      const r = await gh.octokit.rest.repos.listDeploymentBranchPolicies({
        ...where,
        per_page: 100,
        ...bounded(),
      });
      policies = (r.data as { branch_policies?: BranchPolicy[] }).branch_policies ?? [];
    }
  } catch (e) {
    core.warning(
      `environment "${environment}": its deployment-branch policy was not checked: ${whyFailed(e, 'actions: read')}`,
    );
    return { problems: [], notes: [] };
  }
  return judgePolicy(environment, defaultBranch, env, policies);
}

/** The verdict on an environment as GitHub's API describes it. */
export function judgePolicy(
  environment: string,
  defaultBranch: string,
  env: EnvironmentData,
  policies: BranchPolicy[],
): PolicyVerdict {
  const problems: string[] = [];
  const notes: string[] = [];
  const fix = `in Settings → Environments → ${environment}, set "Deployment branches and tags" to "Selected branches and tags" with only ${defaultBranch}`;
  const policy = env.deployment_branch_policy;
  if (!policy) {
    problems.push(`environment "${environment}" lets any branch deploy: ${fix}`);
  } else if (policy.custom_branch_policies) {
    const others = policies.filter(
      (p) => (p.type ?? 'branch') !== 'branch' || p.name !== defaultBranch,
    );
    for (const p of others)
      problems.push(
        `environment "${environment}" also lets the ${p.type ?? 'branch'} pattern "${p.name}" deploy: ${fix}`,
      );
    if (!policies.some((p) => (p.type ?? 'branch') === 'branch' && p.name === defaultBranch))
      notes.push(`environment "${environment}" does not list ${defaultBranch} among its branches`);
  } else if (policy.protected_branches) {
    notes.push(
      `environment "${environment}" lets every protected branch deploy, not only ${defaultBranch}`,
    );
  }
  if (!(env.protection_rules ?? []).some((r) => r.type === 'required_reviewers'))
    notes.push(
      `environment "${environment}" has no required reviewers: a roll starts without anyone's approval`,
    );
  return { problems, notes };
}
