#!/usr/bin/env node
// npm run bench:wal — verify one multi-segment WAL with raftroll and with etcd's own Go
// ReadAll, side by side in the same run, and print both times, the ratio, throughput and
// raftroll's peak memory. Then the same for a 1 GB WAL (skip with --quick).
// `--baseline <cli.js>` times another build of raftroll in the same interleaved runs (say, a
// bundle built from an earlier commit, copied with the cli-chunks/ folder beside it), so a
// change is measured against the same load.
// A benchmark, not a test: timings on a shared machine are noisy, so it never fails on them.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { walref, walrefBinary } from './lib/walref.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BENCH = join(ROOT, '.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const quick = process.argv.includes('--quick');
const CLI = join(ROOT, 'dist/cli.js');
const baselineArg = process.argv.indexOf('--baseline');
const baselineValue = baselineArg > 0 ? process.argv[baselineArg + 1] : undefined;
if (baselineArg > 0 && (!baselineValue || baselineValue.startsWith('--'))) {
  throw new Error(
    "--baseline needs the path of a built cli.js, such as another checkout's dist/cli.js",
  );
}
const BASELINE = baselineValue ? resolve(baselineValue) : undefined;
if (BASELINE && !(existsSync(BASELINE) && statSync(BASELINE).isFile())) {
  throw new Error(`--baseline ${BASELINE}: no such file; give the path of a built cli.js`);
}
// Targets from the project's issue on the engine's speed and memory.
const TARGET_RATIO = 0.5;
const TARGET_RSS_MB = 100;

function ensureWal(name, entries) {
  const dir = join(BENCH, name);
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `writing ${name} with etcd's wal.Create/Save (${entries} entries of ~1000 bytes)...`,
    );
    walref('create', dir, '-entries', String(entries), '-entry-size', '1000', '-batch', '200');
    spawnSync('touch', [marker]);
  }
  const segs = readdirSync(dir).filter((n) => n.endsWith('.wal'));
  const bytes = segs.reduce((n, s) => n + statSync(join(dir, s)).size, 0);
  return { dir, segs: segs.length, bytes };
}

function timeRaftroll(dir, env = {}, cli = CLI) {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      join(ROOT, 'scripts/lib/report-rss.mjs'),
      cli,
      'wal',
      'verify',
      dir,
      '--etcd',
      '3.4',
      '--json',
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } },
  );
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`raftroll wal verify exited ${r.status}: ${r.stderr}`);
  const verdict = JSON.parse(r.stdout).verdict;
  const rss = Number(/RAFTROLL_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  return { ms, rssKb: rss, verdict };
}

function timeEtcd(dir) {
  const t = performance.now();
  const r = spawnSync(walrefBinary(), ['readall', dir], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`walref readall exited ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  if (out.result !== 'ok') throw new Error(`etcd could not read the benchmark WAL: ${r.stdout}`);
  return { ms, rssKb: out.maxRssKb };
}

/** The CLI's start-up alone (`raftroll --help`): the part of each verify no WAL work can cut. */
function timeStartup(cli = CLI) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`raftroll --help exited ${r.status}: ${r.stderr}`);
  return performance.now() - t;
}

/** Node's own start-up with nothing to run: the floor under the CLI's start-up. */
function timeNode() {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-e', ''], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node -e '' exited ${r.status}: ${r.stderr}`);
  return performance.now() - t;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => b / 1e6;

function compare(label, wal, runs) {
  const ours = [];
  const theirs = [];
  const base = [];
  const startup = [];
  const bare = [];
  // Interleaved, so every side sees the same machine load.
  for (let i = 0; i < runs; i++) {
    ours.push(timeRaftroll(wal.dir));
    theirs.push(timeEtcd(wal.dir));
    if (BASELINE) base.push(timeRaftroll(wal.dir, {}, BASELINE));
    startup.push(timeStartup());
    bare.push(timeNode());
  }
  const a = median(ours.map((r) => r.ms));
  const b = median(theirs.map((r) => r.ms));
  const rss = Math.max(...ours.map((r) => r.rssKb));
  const goRss = Math.max(...theirs.map((r) => r.rssKb));
  const line = (name, ms, rssKb, extra = '') =>
    console.log(
      `  ${name.padEnd(21)}${ms.toFixed(0).padStart(6)} ms  ${(mb(wal.bytes) / (ms / 1000)).toFixed(0).padStart(5)} MB/s  peak RSS ${(rssKb / 1024).toFixed(0)} MB${extra}`,
    );
  console.log(
    `\n${label}: ${wal.segs} segments, ${mb(wal.bytes).toFixed(0)} MB on disk, ${runs} run(s) each, medians`,
  );
  line('raftroll wal verify', a, rss, `  (verdict ${ours[0].verdict})`);
  line('etcd Open+ReadAll', b, goRss);
  let baseMs;
  if (BASELINE) {
    baseMs = median(base.map((r) => r.ms));
    line('baseline raftroll', baseMs, Math.max(...base.map((r) => r.rssKb)), `  (${BASELINE})`);
    if (base[0].verdict !== ours[0].verdict) {
      throw new Error(`the baseline's verdict ${base[0].verdict} differs from ${ours[0].verdict}`);
    }
  }
  console.log(
    `  raftroll start-up alone (--help) ${median(startup).toFixed(0)} ms, of which node itself ${median(bare).toFixed(0)} ms`,
  );
  console.log(
    `  ratio raftroll/etcd  ${(a / b).toFixed(2)}   (target <= ${TARGET_RATIO.toFixed(2)})`,
  );
  if (BASELINE) console.log(`  ratio baseline/etcd  ${(baseMs / b).toFixed(2)}`);
  return { ours: a, etcd: b, rss };
}

const crcImpl = spawnSync(
  process.execPath,
  [
    '-e',
    "import('@node-rs/crc32').then(()=>console.log('native')).catch(()=>console.log('javascript'))",
  ],
  { encoding: 'utf8', cwd: ROOT },
).stdout.trim();
console.log(`CRC-32C implementation available to raftroll: ${crcImpl}`);
const wal128 = ensureWal('wal-130mb', 130_000);
compare('~130 MB WAL', wal128, RUNS);
const js = timeRaftroll(wal128.dir, { RAFTROLL_PURE_JS_CRC: '1' });
console.log(
  `  (raftroll with the JavaScript CRC fallback, as in a bundled action: ${js.ms.toFixed(0)} ms)`,
);

if (!quick) {
  const wal1g = ensureWal('wal-1gb', 1_000_000);
  const r = compare('~1 GB WAL', wal1g, 1);
  console.log(
    `  raftroll peak RSS for 1 GB: ${(r.rss / 1024).toFixed(0)} MB (target < ${TARGET_RSS_MB} MB)`,
  );
}
