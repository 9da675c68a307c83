// The bundled remediation action against the lab, run the way a runner runs it: a read-only
// sweep of a healthy cluster, then a heal of a node left with a torn WAL tail, with the key and
// known_hosts passed as secrets and the inventory inline.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runStep, runStepAsync } from '../helpers/action-step.js';
import { fakeGithub } from '../helpers/github-api.js';
import { freshLab, LAB, lab, labContainer } from '../helpers/lab.js';
import { cleanupTmp } from '../helpers/tmp.js';

let base: Record<string, string>;

beforeAll(() => {
  freshLab();
  const inv = parse(readFileSync(join(LAB, 'inventory.yml'), 'utf8'));
  inv.ssh = { sudo: false };
  base = {
    inventory: stringify(inv),
    'ssh-key': readFileSync(join(LAB, 'ssh/id_ed25519'), 'utf8'),
    'known-hosts': readFileSync(join(LAB, 'ssh/known_hosts'), 'utf8'),
    'stabilize-seconds': '1',
  };
}, 240_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

it('a sweep of a healthy cluster: result healthy, a finding per node, nothing changed', () => {
  const before = [1, 2, 3].map((i) => labContainer(i).startedAt);
  const r = runStep('remediate.js', { ...base, reason: 'scheduled sweep' });
  expect(r.code, r.stdout).toBe(0);
  expect(r.outputs.result).toBe('healthy');
  expect(r.outputs.fixable).toBe('false');
  expect(r.outputs['fixable-nodes']).toBe('');
  const findings = JSON.parse(r.outputs.findings!);
  expect(findings.map((f: { node: string; class: string }) => `${f.node}:${f.class}`)).toEqual([
    'n1:healthy',
    'n2:healthy',
    'n3:healthy',
  ]);
  expect(JSON.parse(r.outputs.actions!)).toEqual([]);
  expect(r.summary).toMatch(/### raftroll remediation \(diagnose\): healthy/);
  expect(r.summary.match(/^\| n\d \| healthy \| none \|/gm)).toHaveLength(3);
  expect([1, 2, 3].map((i) => labContainer(i).startedAt)).toEqual(before);
});

it('mode auto heals a torn tail, reports it per node, and keeps the report private', () => {
  lab('fault', 'torn-tail', 'n2');
  const r = runStep('remediate.js', {
    ...base,
    mode: 'auto',
    reason: 'alert: n2 down <b>@oncall</b>',
  });
  expect(r.code, r.stdout).toBe(0);
  expect(r.outputs.result).toBe('healed');
  expect(r.outputs['fixable-nodes']).toBe('n2');
  const actions = JSON.parse(r.outputs.actions!);
  expect(actions.find((a: { node: string }) => a.node === 'n2')).toMatchObject({
    class: 'torn-wal',
    action: 'repair-and-restart',
    outcome: 'healed',
  });
  expect(r.stdout).toMatch(/::group::heal n2/);
  expect(r.summary).toMatch(/^\| n2 \| torn-wal.*\| repair-and-restart \| healed/m);
  // The alert's text is shown, never as markup.
  expect(r.summary).toContain('&lt;b&gt;&#64;oncall&lt;/b&gt;');
  const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8'));
  expect(statSync(r.outputs.report!).mode & 0o777).toBe(0o600);
  const phases = report.timeline
    .filter((p: { node: string }) => p.node === 'n2')
    .map((p: { phase: string }) => p.phase);
  expect(phases.indexOf('wal')).toBeLessThan(phases.indexOf('start'));
  expect(labContainer(2).running).toBe(true);
});

it('an OOM-killed node with incident-issue: one issue opened, updated by the next run, closed by a healthy sweep', async () => {
  const github = await fakeGithub();
  try {
    const runner = {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/kv',
      GITHUB_RUN_ID: '9',
    };
    const step = (inputs: Record<string, string>) =>
      runStepAsync(
        'remediate.js',
        { ...base, 'incident-issue': 'true', token: 'gh-t0ken', cluster: 'lab', ...inputs },
        runner,
      );
    // The fault needs a write load: a tiny limit is exceeded only by a node that works.
    lab('load', 'start', '--rate', '150');
    try {
      lab('fault', 'oom', 'n3', '--memory', '20m');
    } finally {
      lab('load', 'stop');
    }
    // The sweep finds it: one issue, labelled, with the findings and the run link.
    const first = await step({ reason: 'scheduled sweep' });
    expect(first.outputs.result, first.stdout).toBe('attention');
    expect(first.outputs.incident).toBe('opened');
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.labels).toEqual(['raftroll-incident']);
    expect(github.issues[0]!.body).toMatch(/\| n3 \| oom-killed/);
    expect(github.issues[0]!.body).toContain('https://github.com/acme/kv/actions/runs/9');
    // The heal updates the same issue: never two open ones for one cluster.
    const heal = await step({ mode: 'auto' });
    expect(heal.outputs.result, heal.stdout).toBe('healed');
    expect(heal.outputs).toMatchObject({ incident: 'updated', 'incident-number': '1' });
    expect(github.issues.filter((i) => i.state === 'open')).toHaveLength(1);
    expect(github.issues[0]!.body).toMatch(/recreate-with-defaults \| healed/);
    // A healthy sweep comments and closes it.
    const sweep = await step({ reason: 'scheduled sweep' });
    expect(sweep.outputs.result).toBe('healthy');
    expect(sweep.outputs.incident).toBe('closed');
    expect(github.issues[0]!.state).toBe('closed');
    expect(
      github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/comments')),
    ).toHaveLength(2);
    expect(JSON.stringify(github.calls)).not.toContain('gh-t0ken');
  } finally {
    await github.close();
  }
}, 300_000);
