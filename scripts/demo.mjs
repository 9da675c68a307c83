#!/usr/bin/env node
// npm run demo [-- --engine elastickv] — raftroll's main job on the built-in lab: three SSH hosts
// with their own Docker engines running a real etcd cluster (or the elastickv stand-in: three
// Raft groups per node). Under a write load, roll the cluster from image :a to :b, one node at a
// time, then show that no acknowledged write was lost.

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const INVENTORY = join(ROOT, '.lab/inventory.yml');

function step(title) {
  console.log(`\n== ${title}`);
}

function run(args, { allowFailure = false } = {}) {
  console.log(`$ ${args.join(' ')}`);
  const r = spawnSync(args[0], args.slice(1), { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0 && !allowFailure) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return r.status;
}

const engineAt = process.argv.indexOf('--engine');
const ENGINE = engineAt > 0 ? process.argv[engineAt + 1] : 'etcd';
if (!['etcd', 'elastickv'].includes(ENGINE)) {
  console.error(`demo: --engine is "${ENGINE}": expected etcd or elastickv`);
  process.exit(2);
}
// Debian's etcd is 3.4; elastickv ships etcd 3.7's WAL code (raftroll's default).
const WAL_RULES = ENGINE === 'etcd' ? ['--etcd', '3.4'] : [];

const lab = (...a) => run(['node', 'scripts/lab.mjs', ...a]);
const raftroll = (...a) => run(['node', 'dist/cli.js', ...a]);

let failed = false;
try {
  step(
    ENGINE === 'etcd'
      ? 'a staging cluster in a box: 3 hosts, sshd and Docker each, a real etcd cluster'
      : 'a staging cluster in a box: 3 hosts, sshd and Docker each, the elastickv stand-in with 3 Raft groups',
  );
  lab('down');
  lab('up', '--engine', ENGINE);
  raftroll('status', '--inventory', INVENTORY);

  step('what a rollout to :b would do (touches nothing)');
  raftroll('plan', '--inventory', INVENTORY, '--image-tag', 'b');

  step('roll to :b under a write load');
  lab('load', 'start', '--rate', '100');
  raftroll(
    'roll',
    '--inventory',
    INVENTORY,
    '--image-tag',
    'b',
    ...WAL_RULES,
    '--json-report',
    join(ROOT, '.lab/rollout-report.json'),
  );
  lab('load', 'stop');

  step('every acknowledged write is still there; the longest stall is the availability cost');
  lab('load', 'check');
  raftroll('status', '--inventory', INVENTORY);

  step('running it again restarts nothing');
  raftroll('roll', '--inventory', INVENTORY, '--image-tag', 'b', ...WAL_RULES);
  console.log('\ndemo complete');
} catch (e) {
  failed = true;
  console.error(`demo failed: ${e.message}`);
} finally {
  step('tear the lab down');
  lab('down');
}
process.exitCode = failed ? 1 : 0;
