// Snapshots as well as the WAL, on the elastickv lab: the stand-in writes its snapshots as
// elastickv does (etcd's snap package for snap/, the FSM image in fsm-snap/<index>.fsm with a
// CRC-32C footer, a token in the raft snapshot). A roll reads those real files before each start;
// a damaged FSM snapshot stops the roll at that node in the WAL phase, before anything starts,
// and leaves its files byte-identical. The plan's layout checks run here on a real host too.

import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { HOST_DATA, hostIp, INVENTORY } from '../../lab/config.js';
import type { RolloutReport } from '../../src/events/report.js';
import { LocalFiles } from '../../src/remote/local-files.js';
import { checkSnapshots, type SnapshotCheck } from '../../src/wal/snapshots.js';
import { rulesFor } from '../../src/wal/versions.js';
import { lab, labContainer, labDataDir, raftroll } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const GROUPS = [1, 2, 3];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nodeDir = () => join(labDataDir(1), 'n1');
const groupDir = (g: number) => join(nodeDir(), `group-${g}`);
/** A path under host 1's data directory as the host itself names it. */
const hostSide = (p: string) => join(HOST_DATA, 'elastickv', relative(labDataDir(1), p));

function run(cmd: 'roll' | 'plan', inventory: string, ...args: string[]) {
  const reportPath = join(tmp(), 'report.json');
  const r = raftroll(
    [cmd, '--inventory', inventory, '--stabilize', '1', '--json-report', reportPath, ...args],
    400_000,
  );
  let report: RolloutReport | undefined;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {}
  return { code: r.status, out: r.stdout + r.stderr, report: report! };
}

/** The lab's inventory with the stand-in told how often to snapshot. */
function snapshotEvery(n: number): string {
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  inv.container.args = [...inv.container.args, `--standinSnapshotEntries=${n}`];
  const file = join(tmp(), `inventory-${n}.yml`);
  writeFileSync(file, stringify(inv));
  return file;
}

/** sha256 of every file under n1's group directories: proves they were left alone. */
function digest(dir = nodeDir()): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((p) => `${p}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
}

const startSnapshot = (g: number): Promise<SnapshotCheck> =>
  checkSnapshots(new LocalFiles(), join(groupDir(g), 'wal'), rulesFor('3.4'));

beforeAll(() => {
  lab('down');
  lab('up', '--engine', 'elastickv', '--groups', '3');
}, 300_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

describe('snapshots on the elastickv lab (stand-in, 3 groups)', () => {
  // One story, in order: each step needs the files the one before left.
  const rare = () => snapshotEvery(1_000_000);

  it('reads real snapshot files before a start, and the node starts from its FSM snapshot', async () => {
    // n1 snapshots every 20 entries from now on; a short load gives every group a few.
    let r = run('roll', snapshotEvery(20), '--image-tag', 'a', '--nodes', 'n1');
    expect(r.code, r.out).toBe(0);
    lab('load', 'start', '--rate', '100');
    await sleep(4000);
    lab('load', 'stop');
    for (const g of GROUPS) {
      const c = await startSnapshot(g);
      expect(c.ok, c.problem).toBe(true);
      expect(c.record!.index, `group ${g}`).toBeGreaterThanOrEqual(20);
      // etcd's snap file, and the FSM snapshot its token names
      expect(c.files.map((f) => f.slice(groupDir(g).length))).toEqual([
        expect.stringMatching(/^\/snap\/[0-9a-f]{16}-[0-9a-f]{16}\.snap$/),
        expect.stringMatching(/^\/fsm-snap\/[0-9a-f]{16}\.fsm$/),
      ]);
    }
    // Rolled with snapshots switched off, so the files checked below stay the newest.
    r = run('roll', rare(), '--image-tag', 'b', '--nodes', 'n1');
    expect(r.code, r.out).toBe(0);
    expect(r.report.nodes[0]).toMatchObject({ node: 'n1', result: 'updated' });
    expect(r.report.nodes[0]!.wal).toMatch(/; 6 snapshot file\(s\) sound$/);
    expect(labContainer(1)).toMatchObject({ running: true, image: 'raftroll-lab/elastickv:b' });
  }, 600_000);

  it("stops before starting anything when the FSM snapshot group 2's WAL points at is damaged, its files byte-identical", async () => {
    const c = await startSnapshot(2);
    expect(c.ok, c.problem).toBe(true);
    const fsm = c.files[1]!;
    const bytes = readFileSync(fsm);
    bytes[0]! ^= 0x01;
    writeFileSync(fsm, bytes);
    const before = digest();
    const others = [2, 3].map(labContainer);

    const r = run('roll', rare(), '--image-tag', 'a', '--nodes', 'n1');
    expect(r.code).toBe(1);
    // The host names its own data directory: compare from the node's directory down.
    expect(r.report.message).toContain(`${hostSide(fsm)}: its payload sums to CRC-32C`);
    expect(r.report.message).toContain('Nothing was started and the node stays stopped');
    const phases = r.report.timeline.filter((p) => p.node === 'n1').map((p) => p.phase);
    expect(phases).toContain('wal');
    expect(phases).not.toContain('start');
    expect(digest()).toEqual(before);
    // The old container, stopped; no new one.
    expect(labContainer(1)).toMatchObject({ running: false, image: 'raftroll-lab/elastickv:b' });
    expect([2, 3].map(labContainer)).toEqual(others);
  }, 400_000);

  it('plan: a predicted WAL directory missing on the host is an error, an unknown group directory a warning', () => {
    const moved = join(groupDir(3), 'wal.moved-by-test');
    const extra = join(nodeDir(), 'group-9');
    renameSync(join(groupDir(3), 'wal'), moved);
    mkdirSync(extra);
    try {
      const r = run('plan', rare(), '--image-tag', 'a', '--nodes', 'n1');
      expect(r.code).toBe(1);
      expect(r.report.message).toContain(
        `n1: refused: group 3: its WAL directory ${hostSide(groupDir(3))}/wal does not exist on ${hostIp(1)},`,
      );
      expect(r.report.warnings.map((w) => w.message)).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${hostSide(extra)} on ${hostIp(1).replaceAll('.', '\\.')} is a Raft group directory, but group 9 is not in the inventory \\(groups 1,2,3\\)`,
          ),
        ),
      );
    } finally {
      renameSync(moved, join(groupDir(3), 'wal'));
      rmdirSync(extra);
    }
    expect(existsSync(join(groupDir(3), 'wal'))).toBe(true);
  }, 300_000);
});
