// The repository this job runs in, reached through Octokit (GITHUB_API_URL is honoured, as on
// GitHub Enterprise). A record kept on GitHub never fails a roll or a heal: a call that fails
// gives one warning that says what to grant, and the run carries on.

import * as core from '@actions/core';
import { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

/** A GitHub API that does not answer costs at most this long per call. */
export const CALL_TIMEOUT_MS = 10_000;

export interface Repo {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The run's page, for log_url and links. */
  runUrl: string;
}

/** The job's repository and run, or undefined (with a warning) when they cannot be known. */
export function repoOf(token: string | undefined, what: string): Repo | undefined {
  const full = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = full.split('/');
  if (!token || !owner || !repo) {
    core.warning(
      `${what}: skipped, since ${token ? 'GITHUB_REPOSITORY is not set' : 'no token was given (input token)'}`,
    );
    return undefined;
  }
  const server = process.env.GITHUB_SERVER_URL || 'https://github.com';
  const runUrl = `${server}/${full}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`;
  // Read now rather than when the module loaded, so the URL set for this run is the one used.
  const baseUrl = process.env.GITHUB_API_URL;
  const octokit = getOctokit(token, { ...(baseUrl ? { baseUrl } : {}), request: { retries: 0 } });
  return { octokit, owner, repo, runUrl };
}

/** Why a call failed, in words that say what to do (the permission a 403 usually means). */
export function whyFailed(e: unknown, permission: string): string {
  const status = (e as { status?: number }).status;
  const message = (e as Error).message ?? String(e);
  if (status === 403 || status === 404)
    return `the token lacks the ${permission} permission (grant it to the job under permissions:), or the repository is not reachable: ${message}`;
  const cause = (e as { cause?: Error }).cause?.name ?? (e as Error).name;
  if (cause === 'TimeoutError' || cause === 'AbortError')
    return `GitHub's API did not answer within ${CALL_TIMEOUT_MS / 1000} s (${process.env.GITHUB_API_URL ?? 'api.github.com'})`;
  return message;
}

/** Request options shared by every call: a bounded wait. */
export const bounded = () => ({ request: { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) } });
