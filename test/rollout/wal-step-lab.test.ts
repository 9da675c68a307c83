// The WAL step over the link, on the lab: with a sealed segment on every node, the sealed part
// is read before the stop and only the last segment's records after it; a torn tail is still
// repaired, and a corrupt sealed segment is still refused, whether it broke before the early
// read or after it (then the changed segment is read again after the stop, and that decides).

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labEngine } from '../../lab/engines/registry.js';
import { corruptSealed } from '../../lab/faults.js';
import type { RolloutReport } from '../../src/events/report.js';
import { manifestPath } from '../../src/wal/sealed-manifest.js';
import {
  freshLab,
  LAB,
  lab,
  labContainer,
  labDataDir,
  labDocker,
  labStatus,
  labWalDigest,
  labWalDirs,
  ROOT,
} from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const INVENTORY = join(LAB, 'inventory.yml');
const MiB = 2 ** 20;

interface Rolled {
  code: number | null;
  out: string;
  report: RolloutReport;
}

function rollArgs(reportPath: string, args: string[]): string[] {
  return [
    join(ROOT, 'dist/cli.js'),
    'roll',
    '--inventory',
    INVENTORY,
    '--stabilize',
    '1',
    '--etcd',
    '3.4',
    '--json-report',
    reportPath,
    ...args,
  ];
}

function roll(...args: string[]): Rolled {
  const reportPath = join(tmp(), 'report.json');
  const r = spawnSync(process.execPath, rollArgs(reportPath, args), {
    encoding: 'utf8',
    timeout: 300_000,
  });
  return {
    code: r.status,
    out: r.stdout + r.stderr,
    report: JSON.parse(readFileSync(reportPath, 'utf8')),
  };
}

/** A roll that calls each watcher's `at` once, as soon as its progress output matches `when`. */
async function rollWatching(
  args: string[],
  watchers: { when: RegExp; at: () => void }[],
): Promise<Rolled> {
  const reportPath = join(tmp(), 'report.json');
  const child = spawn(process.execPath, rollArgs(reportPath, args), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const fired = new Set<RegExp>();
  const seen = (d: Buffer) => {
    out += d;
    for (const w of watchers)
      if (!fired.has(w.when) && w.when.test(out)) {
        fired.add(w.when);
        w.at();
      }
  };
  child.stdout.on('data', seen);
  child.stderr.on('data', seen);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  for (const w of watchers) expect(fired.has(w.when), `never saw ${w.when} in:\n${out}`).toBe(true);
  return { code, out, report: JSON.parse(readFileSync(reportPath, 'utf8')) };
}

const segments = (i: number) => {
  const dir = labWalDirs(i)[0]!;
  return readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort()
    .map((n) => join(dir, n));
};

/** Bytes up to the last non-zero one: the records, without the zero preallocation. */
function nonZeroBytes(path: string): number {
  const b = readFileSync(path);
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  return n;
}

/** Big writes until every node's WAL has cut a new segment (etcd's are 64 MB). */
async function sealSegments(): Promise<void> {
  const engine = labEngine();
  const value = 'x'.repeat(1_000_000);
  for (let k = 0; k < 200; k++) {
    if ([1, 2, 3].every((i) => segments(i).length >= 2)) return;
    await engine.api.put(engine.endpoint(1), `/raftroll-wal-step/big-${k % 4}`, value, 30_000);
  }
  throw new Error(`no sealed segment after 200 MB of writes: ${[1, 2, 3].map(segments)}`);
}

/**
 * The segments' digests: what "left alone" means. etcd's next segment, prepared ahead as
 * `0.tmp`, is its own business and goes away when the node stops.
 */
const segmentDigest = (i: number) => labWalDigest(i).filter((d) => /\.wal:/.test(d));

/** The image tag node i does not run, so that a roll of it has something to do. */
const otherTag = (i: number) => (labContainer(i).image.endsWith(':a') ? 'b' : 'a');

/** Each phase's time for one node: from its mark to the next one. */
function phasesOf(report: RolloutReport, node: string): Record<string, number> {
  const marks = report.timeline.filter((x) => x.node === node);
  const out: Record<string, number> = {};
  for (let k = 0; k + 1 < marks.length; k++)
    out[marks[k]!.phase] = (out[marks[k]!.phase] ?? 0) + marks[k + 1]!.atMs - marks[k]!.atMs;
  return out;
}

const followers = () =>
  labStatus()
    .map((s, k) => ({ i: k + 1, role: s.raft?.role }))
    .filter((s) => s.role === 'follower')
    .map((s) => s.i);

async function backInCluster(i: number): Promise<void> {
  labDocker(i, 'start', labEngine().container);
  for (let t = Date.now(); Date.now() - t < 60_000; ) {
    if (labStatus()[i - 1]?.raft?.role === 'follower') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`n${i} did not rejoin as a follower within 60 s`);
}

beforeAll(() => freshLab(), 240_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

it('reads the sealed segments before the stop, and after it only the last segment up to its records', async () => {
  lab('load', 'start', '--rate', '100');
  let r: Rolled;
  try {
    await sealSegments();
    r = roll('--image-tag', 'b');
  } finally {
    lab('load', 'stop');
  }
  expect(r.code, r.out).toBe(0);
  const check = JSON.parse(lab('load', 'check', '--json'));
  expect(check.lost).toBe(0);
  expect(r.report.totals).toMatchObject({ updated: 3, failed: 0 });
  for (const n of r.report.nodes) {
    const i = Number(n.node.slice(1));
    const segs = segments(i);
    const last = segs.at(-1)!;
    const sealedBytes = segs.slice(0, -1).reduce((s, p) => s + statSync(p).size, 0);
    const figures = {
      node: n.node,
      segments: segs.length,
      sealedBytes,
      lastSegmentNonZero: nonZeroBytes(last),
      walBytesReadBeforeStop: n.walBytesReadBeforeStop,
      walBytesRead: n.walBytesRead,
      walMs: n.walMs,
      downtimeMs: n.downtimeMs,
      phasesMs: phasesOf(r.report, n.node),
    };
    console.log(`wal step: ${JSON.stringify(figures)}`);
    expect(segs.length).toBeGreaterThanOrEqual(2);
    expect(n.wal).toBe('clean');
    // Every sealed byte, unless a segment ends in zeros the host proved (etcd truncates a
    // segment when it cuts the next, so it does not).
    expect(n.walBytesReadBeforeStop).toBeGreaterThan(0);
    expect(n.walBytesReadBeforeStop!).toBeLessThanOrEqual(sealedBytes);
    expect(n.walBytesRead).toBeGreaterThan(0);
    expect(n.walBytesRead!).toBeLessThanOrEqual(figures.lastSegmentNonZero + MiB);
  }
  expect(r.report.warnings.filter((w) => /read again after the stop/.test(w.message))).toEqual([]);
}, 420_000);

it('a later roll takes the sealed segments from the record beside the data directory: none is read again', () => {
  // No sealed segment may change between the two rolls, but the last one of each may grow.
  const r = roll('--image-tag', 'a');
  expect(r.code, r.out).toBe(0);
  expect(r.report.totals).toMatchObject({ updated: 3, failed: 0 });
  for (const n of r.report.nodes) {
    const i = Number(n.node.slice(1));
    const segs = segments(i);
    const sealed = segs.slice(0, -1);
    // Read as JSON: this test runs the sources, whose WAL engine is not the bundle's that wrote
    // it (decodeManifest would refuse it, as it must).
    const record = JSON.parse(readFileSync(manifestPath(labDataDir(i)), 'utf8'));
    expect(record.engine).toMatch(/^[0-9a-f]{64}$/);
    const kept: { segments: { name: string }[] } = record.dirs[0];
    console.log(
      `wal step, later roll: ${JSON.stringify({ node: n.node, sealed: sealed.length, recorded: kept.segments.length, walBytesReadBeforeStop: n.walBytesReadBeforeStop, walBytesRead: n.walBytesRead })}`,
    );
    expect(kept.segments.map((s) => s.name)).toEqual(sealed.map((p) => basename(p)));
    expect(n.wal).toBe('clean');
    // The record itself and the snapshot files, not one sealed segment (each 64 MB).
    expect(n.walBytesReadBeforeStop!).toBeLessThan(MiB);
    expect(n.walBytesRead!).toBeLessThanOrEqual(nonZeroBytes(segs.at(-1)!) + MiB);
  }
  expect(r.report.warnings.filter((w) => /record|read again/.test(w.message))).toEqual([]);
}, 180_000);

it('repairs a torn tail in the last segment exactly as before', () => {
  lab('fault', 'torn-tail', 'n2');
  const tag = otherTag(2);
  const r = roll('--image-tag', tag, '--nodes', 'n2');
  expect(r.code, r.out).toBe(0);
  const m =
    /^torn, repaired \((\d+) non-zero bytes dropped \(the torn record\)(; the other \d+ of \d+ were zeros \(preallocation\))?, \d+ entries\)$/.exec(
      r.report.nodes[0]!.wal,
    );
  expect(m, r.report.nodes[0]!.wal).not.toBeNull();
  expect(Number(m![1])).toBeLessThan(64 * 1024);
  expect(r.report.warnings.some((w) => /repaired a torn WAL tail/.test(w.message))).toBe(true);
  expect(r.report.nodes[0]!.finalLag).toBeLessThanOrEqual(1000);
  expect(labContainer(2)).toMatchObject({ running: true, image: `raftroll-lab/etcd:${tag}` });
}, 180_000);

it('refuses a sealed segment corrupted after the early read: it is read again, and that read decides', async () => {
  const f = followers()[0]!;
  let damage: ReturnType<typeof corruptSealed> | undefined;
  let sealed: string[] = [];
  let atStop: string[] = [];
  try {
    // The guard comes after the early read and before the stop. The last segment is still
    // the running node's to append to until the stop, so it is digested once the node is
    // down (the wal phase); the damaged sealed one is digested as soon as it is damaged.
    const r = await rollWatching(
      ['--image-tag', otherTag(f), '--nodes', `n${f}`],
      [
        {
          when: new RegExp(`n${f} +guard`),
          at: () => {
            damage = corruptSealed(labEngine(), f);
            sealed = segmentDigest(f).slice(0, -1);
          },
        },
        { when: new RegExp(`n${f} +wal`), at: () => (atStop = segmentDigest(f)) },
      ],
    );
    expect(r.code, r.out).toBe(1);
    expect(r.report.message).toMatch(
      new RegExp(
        `n${f}: WAL corrupt in .*/0000000000000000-0000000000000000\\.wal at offset \\d+ \\(walpb: crc mismatch\\)\\. Nothing was started`,
      ),
    );
    expect(
      r.report.warnings.some((w) =>
        /0000000000000000-0000000000000000\.wal changed since it was read; its sealed segments were read again after the stop/.test(
          w.message,
        ),
      ),
      JSON.stringify(r.report.warnings),
    ).toBe(true);
    expect(sealed.length).toBeGreaterThan(0);
    expect(segmentDigest(f).slice(0, -1)).toEqual(sealed);
    expect(segmentDigest(f)).toEqual(atStop);
    expect(labContainer(f).running).toBe(false);
  } finally {
    damage?.undo();
    await backInCluster(f);
  }
}, 240_000);

it('refuses a sealed segment corrupted before the early read, and leaves its bytes alone', async () => {
  const f = followers()[0]!;
  corruptSealed(labEngine(), f);
  const sealed = segmentDigest(f).slice(0, -1);
  let atStop: string[] = [];
  const r = await rollWatching(
    ['--image-tag', otherTag(f), '--nodes', `n${f}`],
    [{ when: new RegExp(`n${f} +wal`), at: () => (atStop = segmentDigest(f)) }],
  );
  expect(r.code, r.out).toBe(1);
  expect(r.report.message).toMatch(
    new RegExp(
      `n${f}: WAL corrupt in .*/0000000000000000-0000000000000000\\.wal at offset \\d+ \\(walpb: crc mismatch\\)\\. Nothing was started`,
    ),
  );
  expect(sealed.length).toBeGreaterThan(0);
  expect(segmentDigest(f).slice(0, -1)).toEqual(sealed);
  expect(segmentDigest(f)).toEqual(atStop);
  expect(labContainer(f).running).toBe(false);
  const leaders = labStatus().filter((s) => s.raft?.role === 'leader');
  expect(leaders).toHaveLength(1);
}, 180_000);
