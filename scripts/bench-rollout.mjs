#!/usr/bin/env node
// npm run bench:rollout — on the lab, under the same write load, in the same run:
//   1. raftroll rolls the cluster a -> b;
//   2. a naive rollout, as shell scripts do it, rolls it back b -> a: `docker rm -f` (SIGKILL,
//      the leader too, without handing leadership over), `docker run`, wait for the port, sleep.
// It prints raftroll's overhead (total wall time / the sum of each node's unavoidable time, stop
// to caught up), each node's time per phase, and the longest stall between acknowledged writes
// for both, counted once the load has run 2 s (its first connections are its own business;
// every write is still read back). A benchmark, not a test: it never fails on timings.
//
// --link-mbps N puts a link of N megabits per second (each way) between raftroll and every
// host's sshd (--link-rtt-ms M gives it M ms of round trip), as a runner reaching its hosts over
// Tailscale has. raftroll then also rolls the
// cluster back b -> a reading every WAL byte after the stop, as it did before the sealed
// segments were read early (RAFTROLL_WAL_FULL_READ=1): the WAL step's share of the downtime,
// before and after, comes from the same run. --compare-wal does the same without the slow link.
//
// --baseline <cli.js> then rolls the cluster back and forth --rounds times (default 3) with
// each build in turn, which one goes first alternating by round: this one and the other (a
// checkout of an earlier commit, built, its cli-chunks/ beside its cli.js), under one write
// load. It prints both sides' downtime and wall time per round, their medians and the ratio.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { docker, hostIp, labEngine, runNode } from '../build/lab/api.js';
import { startLinkProxy } from './link-proxy.mjs';

/** An endpoint's port: etcd's are URLs, elastickv's host:port. */
const portOf = (endpoint) =>
  Number(/^[a-z]+:\/\//.test(endpoint) ? new URL(endpoint).port : endpoint.split(':').at(-1));

const ROOT = resolve(import.meta.dirname, '..');
const INVENTORY = join(ROOT, '.lab/inventory.yml');
const REPORT = join(ROOT, '.lab/bench-rollout-report.json');
const FULL_READ_REPORT = join(ROOT, '.lab/bench-rollout-full-read-report.json');
const LINK_INVENTORY = join(ROOT, '.lab/inventory-link.yml');
const LINK_KNOWN_HOSTS = join(ROOT, '.lab/link-known_hosts');
// Each host's end of the slow link: an address of its own on loopback, one port for all (the
// inventory has one ssh port).
const LINK_PORT = 2201;
const linkIp = (i) => `127.0.2.${i}`;
const RATE = process.env.BENCH_RATE ?? '200';
const WARMUP_MS = 2000;

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
    while (!(await portOpen(hostIp(i), portOf(engine.endpoint(i))))) await sleep(200);
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
const linkAt = process.argv.indexOf('--link-mbps');
const LINK_MBPS = linkAt > 0 ? Number(process.argv[linkAt + 1]) : undefined;
if (LINK_MBPS !== undefined && !(LINK_MBPS > 0)) {
  console.error(
    `bench: --link-mbps is "${process.argv[linkAt + 1]}": expected megabits per second above 0`,
  );
  process.exit(2);
}
// --link-rtt-ms N adds N ms of round trip to that link (half each way), as a path over Tailscale
// has: what a round trip saved is worth shows only where round trips cost time.
const rttAt = process.argv.indexOf('--link-rtt-ms');
const LINK_RTT_MS = rttAt > 0 ? Number(process.argv[rttAt + 1]) : 0;
if (rttAt > 0 && !(LINK_MBPS !== undefined && LINK_RTT_MS >= 0)) {
  console.error(
    `bench: --link-rtt-ms is "${process.argv[rttAt + 1]}": expected milliseconds (0 or more), with --link-mbps`,
  );
  process.exit(2);
}
// The catch-up ends on consecutive good samples; a fixed window on top is the user's choice.
const stabilizeAt = process.argv.indexOf('--stabilize');
const STABILIZE = stabilizeAt > 0 ? process.argv[stabilizeAt + 1] : '0';
const COMPARE_WAL = LINK_MBPS !== undefined || process.argv.includes('--compare-wal');
const baselineAt = process.argv.indexOf('--baseline');
const BASELINE = baselineAt > 0 ? resolve(process.argv[baselineAt + 1] ?? '') : undefined;
if (BASELINE && !existsSync(BASELINE)) {
  console.error(`bench: --baseline ${BASELINE}: no such file; give the path of a built cli.js`);
  process.exit(2);
}
// --seal writes big values first, until every node's WAL has a sealed segment (etcd cuts a new
// one every 64 MB): what the read before the stop costs shows only where there is one to read.
const SEAL = process.argv.includes('--seal');
const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
if (!(Number.isInteger(ROUNDS) && ROUNDS > 0)) {
  console.error(
    `bench: --rounds is "${process.argv[roundsAt + 1]}": expected a whole number above 0`,
  );
  process.exit(2);
}

/**
 * The lab's inventory with every node reached through its end of the slow link. Host keys are
 * still checked: the known_hosts entries are the hosts' own keys, under the proxies' names.
 */
async function slowLink(hosts) {
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  const keys = readFileSync(inv.ssh.knownHostsFile, 'utf8').trim().split('\n');
  const known = [];
  for (const i of hosts) {
    const line = keys.find((l) => l.split(' ')[0] === hostIp(i));
    if (!line)
      throw new Error(`no known_hosts entry for ${hostIp(i)} in ${inv.ssh.knownHostsFile}`);
    known.push(`[${linkIp(i)}]:${LINK_PORT} ${line.split(' ').slice(1).join(' ')}`);
  }
  writeFileSync(LINK_KNOWN_HOSTS, `${known.join('\n')}\n`, { mode: 0o600 });
  inv.ssh = { ...inv.ssh, port: LINK_PORT, knownHostsFile: LINK_KNOWN_HOSTS };
  for (const n of inv.nodes) {
    const i = hosts.find((h) => hostIp(h) === n.host);
    if (i === undefined) throw new Error(`node ${n.id}: no lab host at ${n.host}`);
    n.ssh = `root@${linkIp(i)}`;
  }
  writeFileSync(LINK_INVENTORY, stringify(inv, { lineWidth: 0 }));
  const bytesPerSec = (LINK_MBPS * 1e6) / 8;
  const proxies = [];
  for (const i of hosts)
    proxies.push(
      await startLinkProxy({
        listen: { host: linkIp(i), port: LINK_PORT },
        target: { host: hostIp(i), port: 22 },
        bytesPerSec,
        rttMs: LINK_RTT_MS,
      }),
    );
  return proxies;
}

/**
 * raftroll, run as a user runs it. Not spawnSync: the slow link's proxies live in this
 * process, and a blocked event loop would carry no byte.
 */
async function raftroll(inventory, tag, report, env = {}, cli = 'dist/cli.js') {
  const child = spawn(
    'node',
    [
      cli,
      'roll',
      '--inventory',
      inventory,
      '--image-tag',
      tag,
      ...WAL_RULES,
      '--stabilize',
      STABILIZE,
      '--json-report',
      report,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const code = await new Promise((r) => child.on('close', r));
  if (code !== 0) throw new Error(`raftroll roll to ${tag} exited ${code}:\n${out}`);
  return JSON.parse(readFileSync(report, 'utf8'));
}

const PHASES = ['observe', 'guard', 'handover', 'stop', 'wal', 'start', 'catch-up'];

/** Each node's time in each phase (ms), from the report's timeline: a phase lasts until the next. */
function phaseTimes(report) {
  return report.nodes.map((row) => {
    const marks = report.timeline.filter((x) => x.node === row.node);
    const ms = {};
    for (let k = 0; k + 1 < marks.length; k++)
      ms[marks[k].phase] = (ms[marks[k].phase] ?? 0) + marks[k + 1].atMs - marks[k].atMs;
    return { row, ms };
  });
}

function printPhases(title, report) {
  console.log(
    `\n${title}: per node, seconds in each phase (WAL: bytes read before / after the stop)`,
  );
  const marks = report.timeline;
  console.log(
    `  from the run's start to the first node ${fmt(marks[0]?.atMs ?? 0)}, from the last node's end to the run's ${fmt(report.durationMs - (marks.at(-1)?.atMs ?? report.durationMs))}`,
  );
  console.log(
    `  node    ${PHASES.map((p) => p.padStart(9)).join('')}     down   WAL share  WAL bytes`,
  );
  for (const { row, ms } of phaseTimes(report)) {
    const share = row.walMs !== undefined && row.downtimeMs ? row.walMs / row.downtimeMs : NaN;
    console.log(
      `  ${row.node.padEnd(6)}  ${PHASES.map((p) => ((ms[p] ?? 0) / 1000).toFixed(2).padStart(9)).join('')}  ${((row.downtimeMs ?? 0) / 1000).toFixed(2).padStart(7)}   ${(share * 100).toFixed(1).padStart(6)} %  ${row.walBytesReadBeforeStop ?? 0} / ${row.walBytesRead ?? 0}`,
    );
  }
  console.log(
    '  downtime beyond the stop and the start themselves (docker stop + inspect; rename + docker run), target <= 1.00 s:',
  );
  for (const row of report.nodes) {
    const over = beyondStopStart(row);
    console.log(
      `  ${row.node.padEnd(6)}  stop ${fmt(row.stopMs ?? NaN)}  start ${fmt(row.startMs ?? NaN)}  beyond ${fmt(over)}  ${over <= 1000 ? 'met' : 'not met'}`,
    );
  }
}

/** A node's downtime less its stop and start commands: what raftroll adds while it is down. */
const beyondStopStart = (row) =>
  (row.downtimeMs ?? NaN) - (row.stopMs ?? NaN) - (row.startMs ?? NaN);

/**
 * Starts the load and lets it make its first connections before either rollout begins: the
 * stalls both sides are held to are counted from then (every write is still read back).
 */
const walSegments = (i) =>
  labEngine()
    .walDirs(i)
    .map((d) => readdirSync(d).filter((n) => n.endsWith('.wal')).length);

/** Big writes until every WAL directory of every node has cut a new segment. */
async function sealSegments() {
  const engine = labEngine();
  const value = 'x'.repeat(1_000_000);
  for (let k = 0; k < 400; k++) {
    if ([1, 2, 3].every((i) => walSegments(i).every((n) => n >= 2))) return;
    await engine.api.put(engine.endpoint(1), `/raftroll-bench/big-${k % 4}`, value, 30_000);
  }
  throw new Error('bench: no sealed segment after 400 MB of writes');
}

async function warmLoad() {
  lab('load', 'start', '--rate', RATE);
  await sleep(WARMUP_MS);
  return Date.now();
}
const checkFrom = (from) =>
  JSON.parse(lab('load', 'check', '--json', '--stalls-from', String(from)));

/** The WAL step's share of all nodes' downtime, and its total. */
function walShare(report) {
  const wal = report.nodes.reduce((n, r) => n + (r.walMs ?? 0), 0);
  const down = report.nodes.reduce((n, r) => n + (r.downtimeMs ?? 0), 0);
  return { wal, down, share: down ? wal / down : NaN };
}

/** Per Raft group, where the engine has several: the longest stall of each. */
const perGroup = (check) =>
  (check.groups ?? []).map((g) => `group ${g.group} ${g.longestStallMs} ms`).join(', ');

/** Which node and phase of the roll a moment falls in: where a stall began. */
function placeOf(report, t) {
  const at = t - Date.parse(report.startedAt);
  let place = `before the first node, ${at} ms into the run`;
  for (const m of report.timeline)
    if (m.atMs <= at) place = `${m.node} ${m.phase} +${at - m.atMs} ms`;
  return place;
}

/** Each group's longest stall under raftroll: where in the roll it began, and what failed. */
function stallPlaces(check, report) {
  for (const g of check.groups?.length ? check.groups : [{ group: 'all', ...check }]) {
    if (g.stallFrom === undefined) continue;
    console.log(`  group ${g.group}: ${g.longestStallMs} ms from ${placeOf(report, g.stallFrom)}`);
    for (const e of g.stallErrors ?? []) console.log(`    ${e}`);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * This build and the baseline in turn, ROUNDS times each, under one load: per round each
 * side's wall time and downtimes, then the medians and their ratios.
 */
async function againstBaseline(inventory, current) {
  console.log(
    `\nthis build against ${BASELINE}: ${ROUNDS} round(s) each, in turn, under ${RATE} writes/s`,
  );
  const from = await warmLoad();
  const sides = { this: [], baseline: [] };
  let tag = current;
  for (let k = 0; k < ROUNDS; k++) {
    // Each build goes first in every other round, so neither always meets the load's start.
    const both = [
      ['baseline', BASELINE],
      ['this', 'dist/cli.js'],
    ];
    for (const [side, cli] of k % 2 ? both.reverse() : both) {
      tag = tag === 'a' ? 'b' : 'a';
      const t = Date.now();
      const r = await raftroll(
        inventory,
        tag,
        join(ROOT, `.lab/bench-${side}-report.json`),
        {},
        cli,
      );
      const wall = Date.now() - t;
      const downs = r.nodes.map((n) => n.downtimeMs ?? 0);
      sides[side].push({
        wall,
        downs,
        beyond: r.nodes.map(beyondStopStart),
        wal: r.nodes.map((n) => n.walMs ?? NaN),
        early: r.nodes.map((n) => n.walBytesReadBeforeStop ?? 0),
      });
      console.log(
        `  round ${k + 1} ${side.padEnd(8)}  wall ${fmt(wall)}  down ${downs.map((d) => fmt(d)).join(', ')}  ratio ${(wall / downs.reduce((a, b) => a + b, 0)).toFixed(2)}`,
      );
    }
  }
  lab('load', 'stop');
  const check = checkFrom(from);
  console.log(`  ${check.writes} writes, ${check.lost} lost`);
  const m = (side, f) => median(sides[side].flatMap(f));
  const row = (what, f, unit) => {
    const a = m('this', f);
    const b = m('baseline', f);
    console.log(
      `  median ${what.padEnd(22)} this ${unit(a)}   baseline ${unit(b)}   ratio ${(a / b).toFixed(2)}`,
    );
  };
  row('downtime per node', (x) => x.downs, fmt);
  row('down beyond stop+start', (x) => x.beyond, fmt);
  row('WAL step while down', (x) => x.wal, fmt);
  row('wall time per roll', (x) => [x.wall], fmt);
  row(
    'read before the stop',
    (x) => x.early,
    (v) => `${(v / 2 ** 20).toFixed(2)} MiB`,
  );
  row(
    'wall / sum of downtime',
    (x) => [x.wall / x.downs.reduce((a, b) => a + b, 0)],
    (v) => v.toFixed(2),
  );
}

let proxies = [];
try {
  console.log('bringing the lab up...');
  lab('down');
  lab('up', '--engine', ENGINE);
  let inventory = INVENTORY;
  if (LINK_MBPS !== undefined) {
    proxies = await slowLink([1, 2, 3]);
    inventory = LINK_INVENTORY;
    console.log(
      `every host reached over a ${LINK_MBPS} Mbit/s link (each way)${LINK_RTT_MS ? `, ${LINK_RTT_MS} ms round trip` : ''}`,
    );
  }
  if (SEAL) {
    await sealSegments();
    console.log(
      `WAL segments per node: ${[1, 2, 3].map((i) => walSegments(i).join('+')).join(', ')}`,
    );
  }

  console.log(`raftroll: roll a -> b under ${RATE} writes/s`);
  const oursFrom = await warmLoad();
  const t0 = Date.now();
  const report = await raftroll(inventory, 'b', REPORT);
  const total = Date.now() - t0;
  lab('load', 'stop');
  const ours = checkFrom(oursFrom);
  const unavoidable = report.nodes.reduce((n, r) => n + (r.downtimeMs ?? 0), 0);

  let fullRead;
  if (COMPARE_WAL) {
    console.log(`raftroll, every WAL byte read after the stop: roll b -> a under ${RATE} writes/s`);
    lab('load', 'start', '--rate', RATE);
    fullRead = await raftroll(inventory, 'a', FULL_READ_REPORT, { RAFTROLL_WAL_FULL_READ: '1' });
    lab('load', 'stop');
    const check = JSON.parse(lab('load', 'check', '--json'));
    if (check.lost !== 0) console.log(`  ${check.lost} acknowledged write(s) lost`);
  }
  const naiveTag = COMPARE_WAL ? 'b' : 'a';

  console.log(
    `naive: rm -f, run, wait for the port, sleep 2 s, to ${naiveTag} under ${RATE} writes/s`,
  );
  const naiveFrom = await warmLoad();
  const naiveTotal = await naiveRollout(naiveTag);
  await sleep(3000);
  lab('load', 'stop');
  const naive = checkFrom(naiveFrom);

  console.log('\nrollout overhead (raftroll)');
  console.log(
    `  total wall time                 ${fmt(total)}  (${fmt(total - report.durationMs)} of it before the run started: process start, settings, connections)`,
  );
  console.log(
    `  sum of stop -> caught up        ${fmt(unavoidable)}  (${report.nodes.map((r) => `${r.node} ${fmt(r.downtimeMs ?? 0)}`).join(', ')})`,
  );
  console.log(
    `  ratio                           ${(total / unavoidable).toFixed(2)}   (target <= 1.1)`,
  );
  // With several Raft groups, one group's outage hides among the others' writes: each side is
  // held to its worst group.
  const stallOf = (c) =>
    c.groups?.length > 1 ? Math.max(...c.groups.map((g) => g.longestStallMs)) : c.longestStallMs;
  console.log(
    `\navailability: longest stall between acknowledged writes${ours.groups?.length > 1 ? ' (in the worst Raft group)' : ''}`,
  );
  console.log(
    `  raftroll                        ${stallOf(ours)} ms   (${ours.writes} writes, ${ours.lost} lost, ${ours.errors} errors)`,
  );
  console.log(
    `  naive rollout                   ${stallOf(naive)} ms   (${naive.writes} writes, ${naive.lost} lost, ${naive.errors} errors, ${fmt(naiveTotal)} total)`,
  );
  console.log(
    `  ratio raftroll/naive            ${(stallOf(ours) / stallOf(naive)).toFixed(2)}   (target < 0.5, and raftroll under 1000 ms)`,
  );
  console.log("\nwhere raftroll's longest stalls began, and what the writers were told");
  stallPlaces(ours, report);
  printPhases('raftroll', report);
  if (fullRead) {
    printPhases('raftroll, every WAL byte after the stop', fullRead);
    const after = walShare(report);
    const before = walShare(fullRead);
    console.log(`\nWAL step's share of downtime${LINK_MBPS ? ` over ${LINK_MBPS} Mbit/s` : ''}`);
    console.log(
      `  before (every byte after stop)  ${(before.share * 100).toFixed(1)} %  (${fmt(before.wal)} of ${fmt(before.down)})`,
    );
    console.log(
      `  after (sealed read early)       ${(after.share * 100).toFixed(1)} %  (${fmt(after.wal)} of ${fmt(after.down)})`,
    );
    console.log(
      `  ratio of WAL time after/before  ${(after.wal / before.wal).toFixed(3)}   ratio of shares ${(after.share / before.share).toFixed(3)}`,
    );
  }
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
  if (BASELINE) await againstBaseline(inventory, naiveTag);
} finally {
  for (const p of proxies) await p.close();
  lab('down');
}
