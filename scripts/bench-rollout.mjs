#!/usr/bin/env node
// npm run bench:rollout — on the lab, under the same write load, in the same run:
//   1. raftroll rolls the cluster a -> b;
//   2. a naive rollout, as shell scripts do it, rolls it back b -> a: `docker rm -f` (SIGKILL,
//      the leader too, without handing leadership over), `docker run`, wait for the port, sleep.
// It prints raftroll's overhead (total wall time / the sum of each node's unavoidable time, stop
// to caught up) and the longest stall between acknowledged writes for both. A benchmark, not a
// test: it never fails on timings.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { docker, hostIp, labEngine, runNode } from '../build/lab/api.js';

const ROOT = resolve(import.meta.dirname, '..');
const INVENTORY = join(ROOT, '.lab/inventory.yml');
const REPORT = join(ROOT, '.lab/bench-rollout-report.json');
const RATE = process.env.BENCH_RATE ?? '200';

function sh(args, quiet = true) {
  const r = spawnSync(args[0], args.slice(1), {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr ?? ''}`);
  return r.stdout;
}
const lab = (...a) => sh(['node', 'scripts/lab.mjs', ...a]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function portOpen(host, port) {
  return new Promise((res) => {
    const s = connect(port, host, () => {
      s.destroy();
      res(true);
    });
    s.on('error', () => res(false));
  });
}

async function naiveRollout(tag) {
  const hosts = [1, 2, 3];
  const engine = labEngine();
  const t = Date.now();
  for (const i of hosts) {
    await docker(i, ['docker', 'rm', '-f', engine.container]);
    await runNode(engine, i, hosts, { image: engine.image(tag) });
    while (!(await portOpen(hostIp(i), Number(new URL(engine.endpoint(i)).port)))) await sleep(200);
    await sleep(2000); // the script's ROLLING_DELAY_SECONDS
  }
  return Date.now() - t;
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const engineAt = process.argv.indexOf('--engine');
const ENGINE = engineAt > 0 ? process.argv[engineAt + 1] : 'etcd';
if (!['etcd', 'elastickv'].includes(ENGINE)) {
  console.error(`bench: --engine is "${ENGINE}": expected etcd or elastickv`);
  process.exit(2);
}
const WAL_RULES = ENGINE === 'etcd' ? ['--etcd', '3.4'] : [];
/** Per Raft group, where the engine has several: the longest stall of each. */
const perGroup = (check) =>
  (check.groups ?? []).map((g) => `group ${g.group} ${g.longestStallMs} ms`).join(', ');
try {
  console.log('bringing the lab up...');
  lab('down');
  lab('up', '--engine', ENGINE);

  console.log(`raftroll: roll a -> b under ${RATE} writes/s`);
  lab('load', 'start', '--rate', RATE);
  const t0 = Date.now();
  sh([
    'node',
    'dist/cli.js',
    'roll',
    '--inventory',
    INVENTORY,
    '--image-tag',
    'b',
    ...WAL_RULES,
    '--json-report',
    REPORT,
  ]);
  const total = Date.now() - t0;
  lab('load', 'stop');
  const ours = JSON.parse(lab('load', 'check', '--json'));
  const report = JSON.parse(readFileSync(REPORT, 'utf8'));
  const unavoidable = report.nodes.reduce((n, r) => n + (r.downtimeMs ?? 0), 0);

  console.log(`naive: rm -f, run, wait for the port, sleep 2 s, b -> a under ${RATE} writes/s`);
  lab('load', 'start', '--rate', RATE);
  const naiveTotal = await naiveRollout('a');
  await sleep(3000);
  lab('load', 'stop');
  const naive = JSON.parse(lab('load', 'check', '--json'));

  console.log('\nrollout overhead (raftroll)');
  console.log(`  total wall time                 ${fmt(total)}`);
  console.log(
    `  sum of stop -> caught up        ${fmt(unavoidable)}  (${report.nodes.map((r) => `${r.node} ${fmt(r.downtimeMs ?? 0)}`).join(', ')})`,
  );
  console.log(
    `  ratio                           ${(total / unavoidable).toFixed(2)}   (target <= 1.25)`,
  );
  console.log('\navailability: longest stall between acknowledged writes');
  console.log(
    `  raftroll                        ${ours.longestStallMs} ms   (${ours.writes} writes, ${ours.lost} lost, ${ours.errors} errors)`,
  );
  console.log(
    `  naive rollout                   ${naive.longestStallMs} ms   (${naive.writes} writes, ${naive.lost} lost, ${naive.errors} errors, ${fmt(naiveTotal)} total)`,
  );
  console.log(
    `  ratio raftroll/naive            ${(ours.longestStallMs / naive.longestStallMs).toFixed(2)}   (target < 0.5, and raftroll under 1000 ms)`,
  );
  if (ours.groups?.length) {
    console.log('\nper Raft group: longest stall');
    console.log(`  raftroll                        ${perGroup(ours)}`);
    console.log(`  naive rollout                   ${perGroup(naive)}`);
    const worst = (c) => Math.max(...c.groups.map((g) => g.longestStallMs));
    console.log(
      `  ratio of the worst groups       ${(worst(ours) / worst(naive)).toFixed(2)}   (target <= 0.1)`,
    );
    console.log('\nper node: handover time summed over its groups, and downtime');
    for (const r of report.nodes) {
      const h = (r.groupHandovers ?? []).reduce((n, x) => n + (x.ms ?? 0), 0);
      console.log(
        `  ${r.node.padEnd(6)} handovers ${fmt(h)} (${(r.groupHandovers ?? []).length} group(s))   down ${fmt(r.downtimeMs ?? 0)}`,
      );
    }
  }
} finally {
  lab('down');
}
