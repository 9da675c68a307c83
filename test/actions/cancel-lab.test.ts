// The bundled rollout action cancelled the way GitHub cancels a job: SIGINT once a node has
// reached a chosen phase, SIGTERM 2 s later, SIGKILL 2.5 s after the SIGINT, on the lab under
// load. The job summary names the node and phase the run stopped in, the next `diagnose`
// names the same, `remediate --mode auto --take-over-stale` finishes that node, a roll brings
// every node to one image, and no acknowledged write is lost.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runStep } from '../helpers/action-step.js';
import { type FakeGithub, fakeGithub } from '../helpers/github-api.js';
import { freshLab, LAB, lab, labContainer, ROOT, raftroll } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const INVENTORY = join(LAB, 'inventory.yml');
const IMAGE = (tag: string) => `raftroll-lab/etcd:${tag}`;
// Long enough that the node is still in flight when the kill comes 2.5 s after the SIGINT.
const STABILIZE_SECONDS = '15';

let inputs: Record<string, string>;
let key: string;
let github: FakeGithub;

beforeAll(async () => {
  github = await fakeGithub();
  github.environments.production = {
    data: {
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      protection_rules: [{ type: 'required_reviewers' }],
    },
    policies: [{ name: 'main', type: 'branch' }],
  };
  freshLab();
  lab('load', 'start', '--rate', '50');
  // The inventory as a repository keeps it; the key and known_hosts come in as secrets.
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  inv.ssh = { sudo: false };
  key = readFileSync(join(LAB, 'ssh/id_ed25519'), 'utf8');
  inputs = {
    inventory: stringify(inv),
    'ssh-key': key,
    'known-hosts': readFileSync(join(LAB, 'ssh/known_hosts'), 'utf8'),
    'etcd-version': '3.4',
    'dry-run': 'false',
    token: 'gh-t0ken',
    'stabilize-seconds': STABILIZE_SECONDS,
  };
}, 300_000);
afterAll(async () => {
  await github.close();
  // A SIGKILL that lands between writing a node's env file and removing it leaves the file (the
  // next start on that host sweeps it once it is 10 minutes old); the hosts share /tmp, and
  // later tests check that none is left.
  for (const f of readdirSync('/tmp').filter((n) => n.startsWith('raftroll-env.')))
    rmSync(join('/tmp', f), { force: true });
  lab('down');
  cleanupTmp();
}, 120_000);

interface Cancelled {
  /** The node whose progress line showed the phase, when the SIGINT was sent. */
  node: string;
  /** The process's exit code (null: killed) and the signal that ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  summary: string;
  state: string;
}

/** Runs the rollout step as a runner does and cancels it as GitHub does once `phase` shows. */
async function cancelledAt(tag: string, phase: string): Promise<Cancelled> {
  const dir = tmp();
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    RUNNER_TEMP: dir,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/kv',
    GITHUB_SHA: 'c0ffee',
    ...files,
  };
  for (const [k, v] of Object.entries({ ...inputs, 'image-tag': tag }))
    env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [join(ROOT, 'dist/rollout.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  let node = '';
  const timers: NodeJS.Timeout[] = [];
  const at = new RegExp(`^\\[\\s*[\\d.]+s\\] (n\\d)\\s+${phase}\\b`, 'm');
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    const m = at.exec(stdout);
    if (m && !node) {
      node = m[1]!;
      child.kill('SIGINT');
      timers.push(setTimeout(() => child.kill('SIGTERM'), 2000));
      timers.push(setTimeout(() => child.kill('SIGKILL'), 2500));
    }
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.on('close', (c, s) => r([c, s])),
  );
  for (const t of [...timers, guard]) clearTimeout(t);
  return {
    node,
    code,
    signal,
    stdout,
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    state: readFileSync(files.GITHUB_STATE, 'utf8'),
  };
}

const images = () => [1, 2, 3].map((i) => labContainer(i).image);
const ORDER = ['stop', 'wal', 'start', 'catch-up'];

it.each(['wal', 'catch-up'])(
  'cancelled at %s: the summary and diagnose name the same node and phase, and remediate makes the cluster whole',
  async (phase) => {
    const tag = phase === 'wal' ? 'b' : 'a';
    github.calls.length = 0;
    const c = await cancelledAt(tag, phase);
    // The deployment does not stay in progress: the first signal marks it an error.
    const states = github.calls
      .filter((x) => x.method === 'POST' && x.path.endsWith('/statuses'))
      .map((x) => x.body?.state);
    expect(states.slice(0, 2), JSON.stringify(github.calls)).toEqual(['in_progress', 'error']);
    expect(c.node, c.stdout).toMatch(/^n\d$/);
    // Killed by the SIGKILL, or out on its own with a non-zero code before it came.
    expect(c.signal === 'SIGKILL' || (c.code !== null && c.code !== 0), c.stdout).toBe(true);

    // The summary, as the kill left it.
    const m = /Cancelled by SIGINT .* while (\S+) was at (\S+) \(since /.exec(c.summary);
    expect(m, c.summary).not.toBeNull();
    const [, node, stoppedAt] = m!;
    expect(node).toBe(c.node);
    expect(ORDER.indexOf(stoppedAt!), c.summary).toBeGreaterThanOrEqual(ORDER.indexOf(phase));
    if (c.signal === 'SIGKILL') {
      expect(c.summary).toMatch(/\(then SIGTERM\)/);
      expect(c.summary).toContain(
        `raftroll roll --inventory &lt;inventory&gt; --image ${IMAGE(tag)} --take-over-stale`,
      );
    }
    console.log(`cancel at ${phase}: ${c.signal ?? c.code}; summary:\n${c.summary}`);

    // The action ran ssh through @actions/exec: each one is in the log, the key never is.
    expect(c.stdout).toMatch(/^\[command\]\S*timeout --kill-after=5 \d+ ssh /m);
    const body = key.split('\n')[1]!;
    expect(
      c.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(body);

    // The next diagnosis reads the journal and names the same node and phase.
    const d = raftroll(['diagnose', '--inventory', INVENTORY]);
    expect(d.status, d.stdout + d.stderr).toBe(1);
    const dm = /interrupted run: .* left (n\d) at (\S+) since /.exec(d.stdout);
    expect(dm, d.stdout).not.toBeNull();
    expect([dm![1], dm![2]]).toEqual([node, stoppedAt]);

    // The post step removes the key material the killed main step left.
    const dir = /^raftroll-private-dir<<(\S+)\n(.*)\n\1$/m.exec(c.state)?.[2];
    expect(dir, c.state).toBeTruthy();
    expect(runStep('rollout-post.js', {}, { 'raftroll-private-dir': dir! }).code).toBe(0);

    const fix = raftroll([
      'remediate',
      '--inventory',
      INVENTORY,
      '--mode',
      'auto',
      '--take-over-stale',
    ]);
    expect(fix.status, fix.stdout + fix.stderr).toBe(0);
    expect(fix.stdout).toMatch(
      new RegExp(`finished ${node} \\(the run died at ${stoppedAt}\\): finished`),
    );
    expect(raftroll(['lock', 'status', '--inventory', INVENTORY]).status).toBe(0);

    const roll = raftroll(['roll', '--inventory', INVENTORY, '--image-tag', tag]);
    expect(roll.status, roll.stdout + roll.stderr).toBe(0);
    expect(images()).toEqual([IMAGE(tag), IMAGE(tag), IMAGE(tag)]);
    const st = raftroll(['status', '--inventory', INVENTORY]);
    expect(st.status, st.stdout).toBe(0);
  },
  600_000,
);

it('loses no acknowledged write through the cancelled runs', () => {
  lab('load', 'stop');
  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(`two cancelled action runs under load: ${JSON.stringify(check)}`);
  expect(check.lost).toBe(0);
  expect(check.writes).toBeGreaterThan(100);
}, 120_000);
