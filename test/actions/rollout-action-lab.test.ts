// The bundled rollout action, run the way a GitHub runner runs it (a node process with INPUT_*
// variables, GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files), against the lab.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runStep, runStepAsync } from '../helpers/action-step.js';
import { type FakeGithub, fakeGithub } from '../helpers/github-api.js';
import { freshLab, LAB, lab } from '../helpers/lab.js';
import { cleanupTmp } from '../helpers/tmp.js';

let inlineInventory: string;
let key: string;
let knownHosts: string;

let github: FakeGithub;

beforeAll(async () => {
  github = await fakeGithub();
  // As it should be set up: only the default branch deploys, after a review.
  github.environments.production = {
    data: {
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      protection_rules: [{ type: 'required_reviewers' }],
    },
    policies: [{ name: 'main', type: 'branch' }],
  };
  freshLab();
  // The inventory as a user would keep it in a repository: no key path, no known_hosts path;
  // those come in as secrets.
  const inv = parse(readFileSync(join(LAB, 'inventory.yml'), 'utf8'));
  inv.ssh = { sudo: false };
  inlineInventory = stringify(inv);
  key = readFileSync(join(LAB, 'ssh/id_ed25519'), 'utf8');
  knownHosts = readFileSync(join(LAB, 'ssh/known_hosts'), 'utf8');
}, 240_000);
afterAll(async () => {
  await github.close();
  lab('down');
  cleanupTmp();
}, 120_000);

const base = () => ({
  inventory: inlineInventory,
  'ssh-key': key,
  'known-hosts': knownHosts,
  'etcd-version': '3.4',
  'stabilize-seconds': '1',
});

it('plans by default (dry-run), masks the key, and its post step removes the key material', () => {
  const r = runStep('rollout.js', { ...base(), 'image-tag': 'b' });
  expect(r.code, r.stdout).toBe(0);
  expect(r.outputs).toMatchObject({ result: 'success', updated: '0', failed: '0' });
  expect(r.summary).toMatch(/raftroll plan to raftroll-lab\/etcd:b: success/);
  expect(r.summary.match(/\| planned: /g)).toHaveLength(3);
  expect(r.stdout).toMatch(/::add-mask::-----BEGIN OPENSSH PRIVATE KEY-----/);
  const body = key.split('\n')[1]!;
  // The runner swallows ::add-mask:: commands; nothing else may carry the key.
  const shown = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(shown.join('\n')).not.toContain(body);
  const dir = r.state['raftroll-private-dir']!;
  expect(dir).toBeTruthy();
  expect(existsSync(dir)).toBe(false); // the main step's own cleanup already ran
  const post = runStep('rollout-post.js', {}, { 'raftroll-private-dir': dir });
  expect(post.code).toBe(0);
  const containers = JSON.parse(lab('status', '--json')).map(
    (s: { container: { image: string } }) => s.container.image,
  );
  expect(containers).toEqual(['raftroll-lab/etcd:a', 'raftroll-lab/etcd:a', 'raftroll-lab/etcd:a']);
});

const runner = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/kv',
  GITHUB_SHA: 'c0ffee',
  GITHUB_RUN_ID: '7',
});
const deploymentCalls = () =>
  github.calls.filter((c) => c.method === 'POST' && c.path.includes('/deployments'));

it('rolls a node for real, with a log group per node, a summary row, a timeline and one deployment', async () => {
  github.calls.length = 0;
  const r = await runStepAsync(
    'rollout.js',
    { ...base(), 'image-tag': 'b', nodes: 'n1', 'dry-run': 'false', token: 'gh-t0ken' },
    runner(),
  );
  expect(r.code, r.stdout).toBe(0);
  const calls = deploymentCalls();
  expect(calls.map((c) => c.path.replace(/\d+/, 'N'))).toEqual([
    '/repos/acme/kv/deployments',
    '/repos/acme/kv/deployments/N/statuses',
    '/repos/acme/kv/deployments/N/statuses',
  ]);
  expect(calls[0]!.body).toMatchObject({
    ref: 'c0ffee',
    environment: 'production',
    payload: { image: 'raftroll-lab/etcd:b', nodes: ['n1'] },
  });
  expect(calls.slice(1).map((c) => c.body?.state)).toEqual(['in_progress', 'success']);
  expect(calls[2]!.body).toMatchObject({ description: '1/1 updated' });
  // The runner swallows ::add-mask:: commands; nothing else may carry the token.
  expect(
    r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
  ).not.toContain('gh-t0ken');
  expect(r.stdout).toContain('::add-mask::gh-t0ken');
  // The timeline: a gantt with a section for n1 and its phases in order.
  const chart = /```mermaid\n(gantt[\s\S]*?)\n```/.exec(r.summary)?.[1];
  expect(chart).toBeDefined();
  expect(chart).toMatch(
    /section n1\n {2}guard :\d+, \d+\n[\s\S]*stop :[\s\S]*wal :[\s\S]*start :[\s\S]*catch-up :/,
  );
  expect(r.outputs).toMatchObject({ result: 'success', updated: '1', skipped: '0', failed: '0' });
  expect(r.stdout).toContain('::group::node n1');
  expect(r.outputs.result).toBe('success');
  expect(r.summary).toMatch(
    /\| n1 \| (leader|follower) \| raftroll-lab\/etcd:a → raftroll-lab\/etcd:b \| clean(; \d+ snapshot file\(s\) sound)? \(\d+\.\d MiB read before the stop, \d+\.\d MiB after\) \|/,
  );
  const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8'));
  expect(report.nodes[0]).toMatchObject({ node: 'n1', result: 'updated' });
  // What the WAL step read from the host while the node was down.
  expect(report.nodes[0].walBytesRead).toBeGreaterThan(0);
}, 120_000);

it('fails with an annotation naming the node and the phase, and a failed deployment naming it', async () => {
  github.calls.length = 0;
  const r = await runStepAsync(
    'rollout.js',
    { ...base(), 'image-tag': 'broken', nodes: 'n2', 'dry-run': 'false', token: 'gh-t0ken' },
    runner(),
  );
  expect(r.code).toBe(1);
  const states = deploymentCalls().slice(1);
  expect(states.map((c) => c.body?.state)).toEqual(['in_progress', 'failure']);
  expect(states[1]!.body?.description).toMatch(/^n2 rolled back: /);
  expect(r.outputs).toMatchObject({ result: 'failure', failed: '1' });
  // Property values escape ':' as %3A.
  expect(r.stdout).toMatch(
    /::error title=raftroll%3A n2 failed at catch-up::n2: the new container is crash-looping/,
  );
  expect(r.stdout.match(/^::error/gm)).toHaveLength(1);
}, 120_000);

it('names bad inputs and what was expected', () => {
  expect(runStep('rollout.js', { ...base(), 'image-tag': 'b', nodes: 'n1,n9' }).stdout).toMatch(
    /node "n9" is not in .*expected one of n1, n2, n3/,
  );
  expect(runStep('rollout.js', { ...base() }).stdout).toMatch(
    /input image-tag \(or image\) is required/,
  );
  expect(runStep('rollout.js', { ...base(), 'image-tag': 'b', 'dry-run': 'yes' }).stdout).toMatch(
    /input dry-run is "yes"; expected true or false/,
  );
});
