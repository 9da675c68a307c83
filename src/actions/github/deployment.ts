// A Deployment per real roll, on the repository's environments page: created when the roll
// starts, in_progress, then success, failure or error with a description of what happened.

import * as core from '@actions/core';
import { bounded, type Repo, whyFailed } from './client.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error';

export interface DeploymentInput {
  environment: string;
  /** The commit being deployed. */
  ref: string;
  description: string;
  payload: Record<string, unknown>;
}

/** GitHub keeps at most 140 characters of a status description. */
const short = (s: string) => (s.length > 140 ? `${s.slice(0, 139)}…` : s);

export class DeploymentRecord {
  private broken = false;

  private constructor(
    private readonly gh: Repo,
    readonly id: number,
  ) {}

  /** Creates the deployment, or warns once and returns undefined. */
  static async start(gh: Repo, d: DeploymentInput): Promise<DeploymentRecord | undefined> {
    try {
      const r = await gh.octokit.rest.repos.createDeployment({
        owner: gh.owner,
        repo: gh.repo,
        ref: d.ref,
        environment: d.environment,
        description: short(d.description),
        payload: d.payload,
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
        ...bounded(),
      });
      const id = (r.data as { id?: number }).id;
      if (typeof id !== 'number')
        throw new Error(`GitHub answered ${r.status} without a deployment id`);
      return new DeploymentRecord(gh, id);
    } catch (e) {
      core.warning(`deployment record: not created: ${whyFailed(e, 'deployments: write')}`);
      return undefined;
    }
  }

  /** Adds a status; after a failed call it stops trying (one warning is enough). */
  async status(state: DeploymentState, description: string): Promise<void> {
    if (this.broken) return;
    try {
      await this.gh.octokit.rest.repos.createDeploymentStatus({
        owner: this.gh.owner,
        repo: this.gh.repo,
        deployment_id: this.id,
        state,
        description: short(description),
        log_url: this.gh.runUrl,
        ...bounded(),
      });
    } catch (e) {
      this.broken = true;
      core.warning(
        `deployment record: status ${state} not set: ${whyFailed(e, 'deployments: write')}`,
      );
    }
  }
}

/** The final status of a roll's deployment, from its report: what happened, in one line. */
export function deploymentOutcome(r: {
  result: 'success' | 'failure' | 'interrupted';
  message?: string;
  totals: { updated: number; skipped: number; failed: number; rolledBack: number };
  nodes: { node: string; result: string; message?: string }[];
}): { state: DeploymentState; description: string } {
  const total = r.nodes.length;
  if (r.result === 'success') {
    const skipped = r.totals.skipped ? `, ${r.totals.skipped} already up to date` : '';
    return { state: 'success', description: `${r.totals.updated}/${total} updated${skipped}` };
  }
  const bad = r.nodes.find((n) => n.result === 'rolled-back' || n.result === 'failed');
  if (r.result === 'interrupted')
    return { state: 'error', description: `interrupted: ${r.message ?? 'stopped early'}` };
  if (bad)
    return {
      state: 'failure',
      description: `${bad.node} ${bad.result === 'rolled-back' ? 'rolled back' : 'failed'}: ${bad.message ?? r.message ?? ''}`,
    };
  return { state: 'failure', description: r.message ?? 'the rollout failed' };
}
