// raftroll remediate --mode auto on the lab: a node really OOM-killed (a tiny memory limit under
// load), then left with a torn WAL tail, is healed to a caught-up follower with the memory
// defaults, one node at a time, with no acknowledged write lost.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshLab, LAB, lab, labContainer, ROOT } from '../helpers/lab.js';

const INVENTORY = join(LAB, 'inventory.yml');

beforeAll(() => freshLab(), 240_000);
afterAll(() => lab('down'), 120_000);

it('heals an OOM-killed node with a torn tail: repaired, memory defaults back, caught up, nothing lost', () => {
  lab('load', 'start', '--rate', '150');
  try {
    lab('fault', 'oom', 'n1', '--memory', '20m');
    lab('fault', 'torn-tail', 'n1');
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'dist/cli.js'),
        'remediate',
        '--inventory',
        INVENTORY,
        '--mode',
        'auto',
        '--stabilize',
        '1',
        '--json',
      ],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const n1 = out.findings.find((f: { node: string }) => f.node === 'n1');
    expect(n1.all).toContain('torn-wal');
    expect(n1.all.some((c: string) => c === 'oom-killed' || c === 'crash-looping')).toBe(true);
    expect(out.actions.find((a: { node: string }) => a.node === 'n1')).toMatchObject({
      outcome: 'healed',
      action: 'repair-and-restart',
    });
    for (const a of out.actions.filter((x: { node: string }) => x.node !== 'n1'))
      expect(a.outcome).toBe('nothing-to-do');
  } finally {
    lab('load', 'stop');
  }
  const c = labContainer(1);
  expect(c.running).toBe(true);
  expect(c.memory).toBe(2500 * 1024 * 1024);
  expect(c.env).toContain('GOMEMLIMIT=1800MiB');
  expect(JSON.parse(lab('load', 'check', '--json')).lost).toBe(0);
  const after = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), 'diagnose', '--inventory', INVENTORY, '--json'],
    { encoding: 'utf8' },
  );
  expect(JSON.parse(after.stdout).find((d: { node: string }) => d.node === 'n1').class).toBe(
    'healthy',
  );
}, 300_000);
