// One incident issue per cluster: opened when a remediation finds something wrong, updated by
// every later run while it stays open, commented on and closed by the first healthy sweep.
// The issue is found by its label and a hidden marker; one edited by hand that lost the marker
// is still found by its title, and a deleted one is simply opened again.

import * as core from '@actions/core';
import { bounded, type Repo, whyFailed } from './client.js';

export const INCIDENT_LABEL = 'raftroll-incident';

export interface IncidentInput {
  /** A stable name for the cluster (one open issue per name). */
  cluster: string;
  healthy: boolean;
  title: string;
  /** Markdown: findings, what was healed, links, the report. */
  body: string;
  /** Values that must never reach GitHub (masked in the text). */
  secrets?: string[];
}

export type IncidentAction = 'opened' | 'updated' | 'closed' | 'none';

const marker = (cluster: string) =>
  `<!-- raftroll-incident cluster=${encodeURIComponent(cluster)} -->`;

export function redact(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

interface Issue {
  number: number;
  title: string;
  body?: string | null;
  pull_request?: unknown;
}

async function findOpen(gh: Repo, cluster: string, title: string): Promise<Issue | undefined> {
  const issues = (await gh.octokit.paginate(gh.octokit.rest.issues.listForRepo, {
    owner: gh.owner,
    repo: gh.repo,
    state: 'open',
    labels: INCIDENT_LABEL,
    per_page: 100,
    ...bounded(),
  })) as Issue[];
  const mine = issues.filter((i) => !i.pull_request);
  return mine.find((i) => i.body?.includes(marker(cluster))) ?? mine.find((i) => i.title === title);
}

/** Opens, updates or closes the cluster's incident issue; never throws (a warning instead). */
export async function reportIncident(
  gh: Repo,
  x: IncidentInput,
): Promise<{ action: IncidentAction; number?: number }> {
  try {
    const open = await findOpen(gh, x.cluster, x.title);
    const body = redact(`${marker(x.cluster)}\n${x.body}`, x.secrets);
    const where = { owner: gh.owner, repo: gh.repo, ...bounded() };
    if (x.healthy) {
      if (!open) return { action: 'none' };
      await gh.octokit.rest.issues.createComment({
        ...where,
        issue_number: open.number,
        body: redact(`The cluster is healthy again ([run](${gh.runUrl})). Closing.`, x.secrets),
      });
      await gh.octokit.rest.issues.update({ ...where, issue_number: open.number, state: 'closed' });
      return { action: 'closed', number: open.number };
    }
    if (open) {
      await gh.octokit.rest.issues.update({ ...where, issue_number: open.number, body });
      await gh.octokit.rest.issues.createComment({
        ...where,
        issue_number: open.number,
        body: redact(`Still needs attention: see [this run](${gh.runUrl}).`, x.secrets),
      });
      return { action: 'updated', number: open.number };
    }
    const r = await gh.octokit.rest.issues.create({
      ...where,
      title: redact(x.title, x.secrets),
      body,
      labels: [INCIDENT_LABEL],
    });
    return { action: 'opened', number: r.data.number };
  } catch (e) {
    core.warning(`incident issue: not written: ${whyFailed(e, 'issues: write')}`);
    return { action: 'none' };
  }
}
