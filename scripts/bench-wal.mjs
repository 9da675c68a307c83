#!/usr/bin/env node
// npm run bench:wal — verify one multi-segment WAL with raftroll and with etcd's own Go
// ReadAll, side by side in the same run, and print both times, the ratio, throughput and
// raftroll's peak memory. Then the same for a 1 GB WAL (skip with --quick).
// A benchmark, not a test: timings on a shared machine are noisy, so it never fails on them.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { walref, walrefBinary } from './lib/walref.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BENCH = join(ROOT, '.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const quick = process.argv.includes('--quick');

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

function timeRaftroll(dir, env = {}) {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      join(ROOT, 'scripts/lib/report-rss.mjs'),
      join(ROOT, 'dist/cli.js'),
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => b / 1e6;

function compare(label, wal, runs) {
  const ours = [];
  const theirs = [];
  // Interleaved, so both sides see the same machine load.
  for (let i = 0; i < runs; i++) {
    ours.push(timeRaftroll(wal.dir));
    theirs.push(timeEtcd(wal.dir));
  }
  const a = median(ours.map((r) => r.ms));
  const b = median(theirs.map((r) => r.ms));
  const rss = Math.max(...ours.map((r) => r.rssKb));
  const goRss = Math.max(...theirs.map((r) => r.rssKb));
  console.log(
    `\n${label}: ${wal.segs} segments, ${mb(wal.bytes).toFixed(0)} MB on disk, ${runs} run(s) each, medians`,
  );
  console.log(
    `  raftroll wal verify   ${a.toFixed(0).padStart(6)} ms  ${(mb(wal.bytes) / (a / 1000)).toFixed(0).padStart(5)} MB/s  peak RSS ${(rss / 1024).toFixed(0)} MB  (verdict ${ours[0].verdict})`,
  );
  console.log(
    `  etcd Open+ReadAll     ${b.toFixed(0).padStart(6)} ms  ${(mb(wal.bytes) / (b / 1000)).toFixed(0).padStart(5)} MB/s  peak RSS ${(goRss / 1024).toFixed(0)} MB`,
  );
  console.log(`  ratio raftroll/etcd  ${(a / b).toFixed(2)}   (target <= 1.00)`);
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
  console.log(`  raftroll peak RSS for 1 GB: ${(r.rss / 1024).toFixed(0)} MB (target < 100 MB)`);
}
