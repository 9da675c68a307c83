// A roll killed (SIGKILL) in each phase of a node, on the lab under load: the lock names the
// holder and the node and phase in flight, diagnose names the interrupted run and the one
// command that finishes it, that command brings every node to one image, caught up, and no
// acknowledged write is lost. Then two rolls started at once: exactly one rolls.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshLab, LAB, lab, labContainer, ROOT, raftroll } from '../helpers/lab.js';

const INVENTORY = join(LAB, 'inventory.yml');
const IMAGE = (tag: string) => `raftroll-lab/etcd:${tag}`;

beforeAll(() => {
  freshLab();
  lab('load', 'start', '--rate', '50');
}, 300_000);
afterAll(() => lab('down'), 120_000);

/** Starts a roll and SIGKILLs it once a node's progress line shows `phase`. */
async function rollKilledAt(tag: string, phase: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), 'roll', '--inventory', INVENTORY, '--image-tag', tag],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const at = new RegExp(`\\sn\\d\\s+${phase}\\b`);
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (at.test(out) && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('close', () => resolve());
  });
  return out;
}

const images = () => [1, 2, 3].map((i) => labContainer(i).image);

let tag = 'a';
it.each(['stop', 'wal', 'start', 'catch-up'])(
  'killed at %s: lock status, diagnose and the command it names make the cluster whole',
  async (phase) => {
    tag = tag === 'a' ? 'b' : 'a';
    const out = await rollKilledAt(tag, phase);
    expect(out, out).toMatch(new RegExp(`\\s${phase}\\b`));

    const st = raftroll(['lock', 'status', '--inventory', INVENTORY]);
    expect(st.status, st.stdout + st.stderr).toBe(3);
    expect(st.stdout).toMatch(new RegExp(`held \\(stale\\) by raftroll roll ${IMAGE(tag)} by `));
    expect(st.stdout).toMatch(new RegExp(`in flight: n\\d at ${phase} since`));

    const d = raftroll(['diagnose', '--inventory', INVENTORY]);
    expect(d.status, d.stdout + d.stderr).toBe(1);
    const m =
      /interrupted run: .* left (n\d) at (\S+) since .*; to finish: (raftroll roll .*--take-over-stale)/.exec(
        d.stdout,
      );
    expect(m, d.stdout).not.toBeNull();
    expect(m![2]).toBe(phase);
    expect(m![3]).toBe(
      `raftroll roll --inventory ${INVENTORY} --image ${IMAGE(tag)} --take-over-stale`,
    );

    const fin = raftroll(m![3]!.split(' ').slice(1));
    expect(fin.status, fin.stdout + fin.stderr).toBe(0);
    expect(fin.stdout).toMatch(
      new RegExp(`finishing ${m![1]} \\(the run died at ${phase}\\): finished`),
    );
    expect(images()).toEqual([IMAGE(tag), IMAGE(tag), IMAGE(tag)]);
    expect(raftroll(['lock', 'status', '--inventory', INVENTORY]).status).toBe(0);
    const again = raftroll(['status', '--inventory', INVENTORY]);
    expect(again.status, again.stdout).toBe(0);
  },
  300_000,
);

it('loses no acknowledged write through the four kills', () => {
  lab('load', 'stop');
  const check = JSON.parse(lab('load', 'check', '--json'));
  console.log(`four killed rolls under load: ${JSON.stringify(check)}`);
  expect(check.lost).toBe(0);
  expect(check.writes).toBeGreaterThan(100);
}, 120_000);

/** Runs the CLI without waiting (for two runs at once). */
function start(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

it('lets exactly one of two rolls started at once roll, five times, and leaves no lock behind', async () => {
  for (let i = 0; i < 5; i++) {
    tag = tag === 'a' ? 'b' : 'a';
    const args = ['roll', '--inventory', INVENTORY, '--image-tag', tag, '--stabilize', '0'];
    const r = await Promise.all([start(args), start(args)]);
    const codes = r.map((x) => x.code).sort();
    expect(codes, r.map((x) => x.out).join('\n----\n')).toEqual([0, 1]);
    const loser = r.find((x) => x.code === 1)!;
    expect(loser.out).toMatch(/locked by another raftroll run: raftroll roll .* by \S+ pid \d+/);
    expect(images()).toEqual([IMAGE(tag), IMAGE(tag), IMAGE(tag)]);
    expect(raftroll(['lock', 'status', '--inventory', INVENTORY]).status).toBe(0);
  }
}, 900_000);
