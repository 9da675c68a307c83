// The bundled remediation action, run the way a GitHub runner runs it (a node process with
// INPUT_* variables, GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runStep, type StepRun } from '../helpers/action-step.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

// Hosts in a reserved, never-resolving domain: these cases must fail before any connection.
const inventory = stringify({
  engine: 'etcd',
  etcdVersion: '3.5',
  nodes: ['n1', 'n2', 'n3'].map((id) => ({ id, host: `${id}.raftroll.invalid` })),
  container: { name: 'etcd', image: 'quay.io/coreos/etcd:v3.5.17', dataDir: '/var/lib/etcd' },
});

/** A failed step: exit code 1, one error annotation saying `message`, no result, nothing opened. */
function expectInputError(r: StepRun, message: RegExp) {
  expect(r.code, r.stdout).toBe(1);
  // Workflow command data escapes %, CR and LF; undo it to read the message.
  const errors = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  expect(r.outputs.result).toBeUndefined();
  expect(r.state).toEqual({});
  expect(r.summary).toBe('');
}

describe('bad inputs (no lab needed: each fails before any host is reached)', () => {
  it('needs an inventory', () => {
    expectInputError(
      runStep('remediate.js', { mode: 'diagnose' }),
      /^::error::Input required and not supplied: inventory$/,
    );
  });

  it('names the input mode and the allowed values, with the key already masked', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfake\n';
    const r = runStep('remediate.js', { inventory, mode: 'heal', 'ssh-key': key });
    expectInputError(
      r,
      /^::error::input mode is "heal"; expected diagnose, auto, lock-status or release-lock$/,
    );
    expect(r.stdout).toContain('::add-mask::b3BlbnNzaC1rZXktdjEAAAAAfake');
  });

  it.each(['0', '1.5', '-0.2', '90%'])('refuses memory-pressure %s', (v) => {
    expectInputError(
      runStep('remediate.js', { inventory, 'memory-pressure': v }),
      new RegExp(
        `^::error::input memory-pressure is "${v.replace('.', '\\.')}"; expected a fraction of the memory limit, above 0 and at most 1`,
      ),
    );
  });

  it('names an unknown node id and the ones the inventory has', () => {
    expectInputError(
      runStep('remediate.js', { inventory, nodes: 'n1,n9' }),
      /^::error::input nodes: node "n9" is not in .*inventory\.yml: expected one of n1, n2, n3$/,
    );
  });

  it('refuses allow-reseed that is not true or false', () => {
    expectInputError(
      runStep('remediate.js', { inventory, 'allow-reseed': 'yes' }),
      /^::error::input allow-reseed is "yes"; expected true or false$/,
    );
  });

  it('its post step removes the private directory named in the state', () => {
    const dir = join(tmp(), 'raftroll-private');
    mkdirSync(dir);
    writeFileSync(join(dir, 'id'), 'key', { mode: 0o600 });
    const post = runStep('remediate-post.js', {}, { 'raftroll-private-dir': dir });
    expect(post.code, post.stdout).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(runStep('remediate-post.js', {}).code).toBe(0);
  });
});

// Cases against the lab (a real diagnosis and heal) belong in their own describe block below,
// with the lab brought up in its beforeAll, as in rollout-action-lab.test.ts.
