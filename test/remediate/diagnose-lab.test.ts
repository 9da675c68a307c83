// raftroll diagnose on the lab after real faults: a real kernel OOM kill and a torn WAL tail.
// Read-only: nothing may change on any node.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshLab, LAB, lab, labWalDigest, ROOT } from '../helpers/lab.js';

const INVENTORY = join(LAB, 'inventory.yml');
const walDigest = labWalDigest;

beforeAll(() => freshLab(), 240_000);
afterAll(() => lab('down'), 120_000);

it('names an OOM-killed node and a torn WAL, recommends the fixes, and changes nothing', () => {
  lab('load', 'start', '--rate', '200');
  try {
    lab('fault', 'oom', 'n1', '--memory', '20m');
  } finally {
    lab('load', 'stop');
  }
  lab('fault', 'torn-tail', 'n2');
  const digest = walDigest(2);
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), 'diagnose', '--inventory', INVENTORY, '--json'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(1);
  const found = JSON.parse(r.stdout);
  const n1 = found.find((d: { node: string }) => d.node === 'n1');
  const n2 = found.find((d: { node: string }) => d.node === 'n2');
  const n3 = found.find((d: { node: string }) => d.node === 'n3');
  expect(n1.all).toContain('oom-killed');
  // 20m with GOMEMLIMIT=1800MiB: the defence is not in effect, so the fix is the defaults.
  expect(n1.memoryDefaults.applied).toBe(false);
  expect(n1.action).toBe('recreate-with-defaults');
  expect(n2).toMatchObject({ class: 'torn-wal', action: 'repair-and-restart' });
  expect(n2.facts.walVerdict).toBe('torn');
  expect(n3.class).not.toBe('unreachable');
  expect(walDigest(2)).toEqual(digest); // read, never written
});
