// `plan` fails whenever `roll` would refuse, with the same words, and everything that can be
// checked before the first stop is checked before it: a missing data directory, a stopped peer,
// bad option values. Nothing in this file may change a container.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freshLab, LAB, labContainer, labDocker, raftroll } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const INVENTORY = join(LAB, 'inventory.yml');
const args = (cmd: string, inv = INVENTORY, ...more: string[]) => [
  cmd,
  '--inventory',
  inv,
  '--image-tag',
  'b',
  '--etcd',
  '3.4',
  '--stabilize',
  '1',
  ...more,
];
const started = () => [1, 2, 3].map((i) => labContainer(i).startedAt);

beforeAll(() => freshLab(), 240_000);
afterAll(() => cleanupTmp());

describe('on a healthy lab', () => {
  it('plans every node and exits 0', () => {
    const r = raftroll(args('plan'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/^n\d \([a-z]+\): .*quorum guard passes/gm)).toHaveLength(3);
    // The argv is shown shell-quoted: pasted into a shell it runs exactly what raftroll runs.
    expect(r.stdout).toMatch(
      /^ {4}docker run --detach --name etcd .* --env-file '<env-file>' -- raftroll-lab\/etcd:b /m,
    );
  });

  it.each([
    ['--catch-up-timeout', '0', 'seconds above 0, at most 86400'],
    ['--catch-up-timeout', '1e12', 'seconds above 0, at most 86400'],
    ['--max-lag', 'x', 'a whole number of entries, 0 or more'],
    ['--stop-grace', '99999', 'whole seconds from 1 to 3600'],
    ['--start-timeout', '-5', 'seconds above 0'],
  ])(
    'refuses %s %s with exit 2, naming the flag, before anything is touched',
    (flag, v, expected) => {
      const before = started();
      for (const cmd of ['plan', 'roll']) {
        const r = raftroll(args(cmd, INVENTORY, flag, v));
        expect(r.status, r.stderr).toBe(2);
        expect(r.stderr).toContain(`${flag} is "${v}": expected ${expected}`);
        expect(r.stderr).not.toMatch(/--[a-z]+[A-Z]/); // never an internal camelCase name
      }
      expect(started()).toEqual(before);
    },
  );
});

describe('when a roll would refuse', () => {
  it('fails the plan and the roll alike on a data directory missing on one host', () => {
    const inv = parse(readFileSync(INVENTORY, 'utf8'));
    inv.container.dataDir = '/var/lib/raftroll-lab/not-there';
    const file = join(tmp(), 'inventory.yml');
    writeFileSync(file, stringify(inv));
    const before = started();
    const plan = raftroll(args('plan', file));
    const roll = raftroll(args('roll', file));
    for (const r of [plan, roll]) {
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        /n\d: refused: its data directory \/var\/lib\/raftroll-lab\/not-there does not exist on 127\.0\.1\.\d/,
      );
    }
    expect(plan.stderr).toBe(roll.stderr);
    expect(started()).toEqual(before);
  });

  it('names the host and the file when a read-only mount is missing on one host', () => {
    const inv = parse(readFileSync(INVENTORY, 'utf8'));
    inv.container.volumes = [
      ...(inv.container.volumes ?? []),
      '/etc/raftroll-lab-creds.json:/etc/raftroll-lab-creds.json:ro',
    ];
    const file = join(tmp(), 'inventory.yml');
    writeFileSync(file, stringify(inv));
    const before = started();
    const plan = raftroll(args('plan', file));
    expect(plan.status, plan.stdout + plan.stderr).toBe(1);
    expect(plan.stderr).toMatch(
      /n\d: refused: \/etc\/raftroll-lab-creds\.json \(mounted read-only into the container\) does not exist or is not readable on 127\.0\.1\.\d/,
    );
    expect(started()).toEqual(before);
  });

  it('fails the plan when the guard would refuse (a stopped peer), as the roll does', () => {
    labDocker(3, 'stop', 'etcd');
    try {
      const before = [1, 2].map((i) => labContainer(i).startedAt);
      const plan = raftroll(args('plan', INVENTORY, '--nodes', 'n1'));
      const roll = raftroll(args('roll', INVENTORY, '--nodes', 'n1'));
      for (const r of [plan, roll]) {
        expect(r.status, r.stdout + r.stderr).toBe(1);
        expect(r.stderr).toMatch(/n1: refused: peer n3's container is exited/);
      }
      expect([1, 2].map((i) => labContainer(i).startedAt)).toEqual(before);
    } finally {
      labDocker(3, 'start', 'etcd');
    }
  });
});
