// The cluster lock on the lab's hosts: a run is refused while this cluster's lock is held on any
// host, and is not held up by the lock of another cluster whose data directory shares the parent.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshLab, LAB, lab, raftroll } from '../helpers/lab.js';

const INVENTORY = join(LAB, 'inventory.yml');
/** The parent of the data directory (/var/lib/raftroll-lab/etcd) as seen from this machine. */
const parent = (i: number) => join(LAB, `hosts/h${i}/data`);

function plant(path: string, owner: string): void {
  mkdirSync(path, { mode: 0o700 });
  writeFileSync(join(path, 'owner'), owner);
}

beforeAll(() => freshLab(), 240_000);
afterAll(() => lab('down'), 120_000);

it("refuses while this cluster's lock is held on one host, and gives back what it took", () => {
  const held = join(parent(2), '.raftroll-lock-etcd');
  plant(held, 'raftroll roll kv:9 by ops@laptop pid 7 since 2026-11-27T00:00:00Z\n');
  const r = raftroll(['remediate', '--inventory', INVENTORY, '--mode', 'auto']);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(r.stderr).toMatch(
    /locked by another raftroll run: raftroll roll kv:9 by ops@laptop pid 7 since 2026-11-27T00:00:00Z \(\/var\/lib\/raftroll-lab\/\.raftroll-lock-etcd on n2\)/,
  );
  expect(existsSync(join(parent(1), '.raftroll-lock-etcd'))).toBe(false);
  expect(existsSync(held)).toBe(true);
  rmSync(held, { recursive: true });
}, 120_000);

it('is not held up by the lock of another cluster under the same parent, and leaves it alone', () => {
  const other = join(parent(2), '.raftroll-lock-etcd-2');
  const note = 'raftroll remediate by ops@laptop pid 8 since 2026-11-27T00:00:00Z\n';
  plant(other, note);
  const r = raftroll(['remediate', '--inventory', INVENTORY, '--mode', 'auto']);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(readFileSync(join(other, 'owner'), 'utf8')).toBe(note);
  for (const i of [1, 2, 3])
    expect(existsSync(join(parent(i), '.raftroll-lock-etcd')), `h${i}`).toBe(false);
  rmSync(other, { recursive: true });
}, 120_000);
