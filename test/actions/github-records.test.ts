// Deployment records and incident issues against a stand-in of GitHub's REST API.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { repoOf } from '../../src/actions/github/client.js';
import { DeploymentRecord, deploymentOutcome } from '../../src/actions/github/deployment.js';
import { INCIDENT_LABEL, reportIncident } from '../../src/actions/github/incident.js';
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
  process.env.GITHUB_RUN_ID = '42';
  process.env.GITHUB_SERVER_URL = 'https://github.example';
});
afterAll(() => gh.close());
afterEach(() => {
  gh.calls.length = 0;
  gh.forbid = [];
  gh.hang = [];
  warnings.length = 0;
});

const repo = () => repoOf('t0ken', 'test')!;

describe('a deployment record', () => {
  it('is created for the commit and environment, then gets statuses in order with the run link', async () => {
    const d = await DeploymentRecord.start(repo(), {
      environment: 'production',
      ref: 'abc123',
      description: 'roll to repo/etcd:b',
      payload: { image: 'repo/etcd:b', nodes: ['n1', 'n2'] },
    });
    expect(d).toBeDefined();
    await d!.status('in_progress', 'rolling');
    await d!.status('success', '3/3 updated');
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /repos/acme/db/deployments',
      `POST /repos/acme/db/deployments/${d!.id}/statuses`,
      `POST /repos/acme/db/deployments/${d!.id}/statuses`,
    ]);
    expect(gh.calls[0]!.body).toMatchObject({
      ref: 'abc123',
      environment: 'production',
      payload: { image: 'repo/etcd:b', nodes: ['n1', 'n2'] },
    });
    expect(gh.calls.slice(1).map((c) => c.body?.state)).toEqual(['in_progress', 'success']);
    expect(gh.calls[2]!.body).toMatchObject({
      description: '3/3 updated',
      log_url: 'https://github.example/acme/db/actions/runs/42',
    });
    expect(warnings).toEqual([]);
  });

  it('without the permission: one warning naming it, and no throw', async () => {
    gh.forbid = ['/deployments'];
    const d = await DeploymentRecord.start(repo(), {
      environment: 'production',
      ref: 'abc',
      description: 'x',
      payload: {},
    });
    expect(d).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/deployments: write/);
  });

  it('an API that does not answer costs a bounded wait and a warning', async () => {
    gh.hang = ['/deployments'];
    const t = Date.now();
    const d = await DeploymentRecord.start(repo(), {
      environment: 'production',
      ref: 'abc',
      description: 'x',
      payload: {},
    });
    expect(d).toBeUndefined();
    expect(Date.now() - t).toBeLessThan(20_000);
    expect(warnings[0]).toMatch(/did not answer within 10 s/);
  }, 30_000);
});

describe('the incident issue', () => {
  const incident = (healthy: boolean, body = 'n2 oom-killed') =>
    reportIncident(repo(), {
      cluster: 'prod-kv',
      healthy,
      title: 'raftroll: prod-kv needs attention',
      body,
      secrets: ['hunter2-secret'],
    });

  it('is opened once, updated by the next run, and closed by a healthy sweep', async () => {
    expect(await incident(true)).toEqual({ action: 'none' });
    const first = await incident(false, 'GOMEMLIMIT hunter2-secret');
    expect(first.action).toBe('opened');
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.labels).toEqual([INCIDENT_LABEL]);
    expect(gh.issues[0]!.body).not.toContain('hunter2-secret');
    expect(await incident(false)).toEqual({ action: 'updated', number: first.number });
    expect(gh.issues.filter((i) => i.state === 'open')).toHaveLength(1);
    expect(await incident(true)).toEqual({ action: 'closed', number: first.number });
    expect(gh.issues[0]!.state).toBe('closed');
  });

  it('finds an issue whose marker was edited away by its title, and opens a new one if it is gone', async () => {
    gh.issues.length = 0;
    const first = await incident(false);
    gh.issues[0]!.body = 'edited by hand';
    expect(await incident(false)).toEqual({ action: 'updated', number: first.number });
    gh.issues.length = 0; // deleted
    expect((await incident(false)).action).toBe('opened');
  });
});

describe("a roll's final deployment status", () => {
  const row = (node: string, result: string, message?: string) => ({ node, result, message });
  const totals = { updated: 0, skipped: 0, failed: 0, rolledBack: 0 };
  it('says how many nodes were updated', () => {
    expect(
      deploymentOutcome({
        result: 'success',
        totals: { ...totals, updated: 2, skipped: 1 },
        nodes: [row('n1', 'updated'), row('n2', 'updated'), row('n3', 'skipped')],
      }),
    ).toEqual({ state: 'success', description: '2/3 updated, 1 already up to date' });
  });
  it('names the node that was rolled back, and why', () => {
    expect(
      deploymentOutcome({
        result: 'failure',
        message: 'n2: x',
        totals: { ...totals, updated: 1, rolledBack: 1 },
        nodes: [row('n1', 'updated'), row('n2', 'rolled-back', 'catch-up timeout')],
      }),
    ).toEqual({ state: 'failure', description: 'n2 rolled back: catch-up timeout' });
  });
  it('an interruption is an error, not a failure', () => {
    expect(
      deploymentOutcome({
        result: 'interrupted',
        message: 'interrupted before n3',
        totals,
        nodes: [],
      }).state,
    ).toBe('error');
  });
});
