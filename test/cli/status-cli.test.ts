// `raftroll status` on the lab, as an operator runs it: it must agree with the lab's own view,
// and say clearly which node is wrong and why.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freshLab, LAB, lab, ROOT } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const INVENTORY = join(LAB, 'inventory.yml');

function raftroll(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => freshLab(), 240_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

it('matches what the lab reports: containers, memory settings, roles and indexes', () => {
  const r = raftroll('status', '--inventory', INVENTORY, '--json');
  expect(r.code, r.err).toBe(0);
  const ours = JSON.parse(r.out);
  const theirs = JSON.parse(lab('status', '--json'));
  expect(ours.map((v: { id: string }) => v.id)).toEqual(['n1', 'n2', 'n3']);
  for (const [k, v] of ours.entries()) {
    const t = theirs[k];
    expect(v.container.image).toBe(t.container.image);
    expect(v.container.memory).toBe(t.container.memory);
    expect(v.container.env.GOMEMLIMIT).toBe('1800MiB');
    expect(v.raft.role).toBe(t.raft.role);
    expect(v.raft.term).toBe(t.raft.raftTerm);
    expect(Math.abs(v.raft.commitIndex - t.raft.raftIndex)).toBeLessThanOrEqual(2);
    expect(v.lag).toBe(0);
  }
  const text = raftroll('status', '--inventory', INVENTORY);
  expect(text.out.trim().split('\n')).toHaveLength(3);
  expect(text.out).toMatch(
    /^n1 {2}root@127\.0\.1\.1 {2}running {2}raftroll-lab\/etcd:a {2}memory=2500MiB {2}GOMEMLIMIT=1800MiB {2}(leader|follower)/m,
  );
});

it('names an unreachable node, keeps reporting the others, and exits 1', () => {
  lab('fault', 'ssh-down', 'n2');
  try {
    const r = raftroll('status', '--inventory', INVENTORY);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^n2 {2}root@127\.0\.1\.2 {2}UNREACHABLE .*is sshd running/m);
    expect(r.out).toMatch(/^n1 .* (leader|follower) /m);
  } finally {
    lab('fault', 'ssh-up', 'n2');
  }
});

it('refuses a host whose key does not match known_hosts, and says what to fix', () => {
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  const known = join(tmp(), 'known_hosts');
  writeFileSync(
    known,
    readFileSync(inv.ssh.knownHostsFile, 'utf8').replace(/^127\.0\.1\.3 .*$/m, (l: string) =>
      l.replace(/AAAA\S+/, 'AAAAC3NzaC1lZDI1NTE5AAAAIDcBhkbH6l1pJ6TfW1uJ9uVOb2s0I4k1mM1tIqQF3Yc0'),
    ),
  );
  const path = join(tmp(), 'inventory.yml');
  writeFileSync(path, stringify({ ...inv, ssh: { ...inv.ssh, knownHostsFile: known } }));
  const r = raftroll('status', '--inventory', path, '--nodes', 'n3');
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/^n3 .*UNREACHABLE .*host key .*known_hosts/m);
});

it('reports a malformed inventory with its line, and an unknown node by name (exit 2)', () => {
  const path = join(tmp(), 'bad.yml');
  writeFileSync(
    path,
    'engine: etcd\nnodes:\n  - id: n1\ncontainer: {name: etcd, image: x, dataDir: /d}\n',
  );
  const bad = raftroll('status', '--inventory', path);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/bad\.yml, line 3: nodes\.0\.host/);
  const unknown = raftroll('status', '--inventory', INVENTORY, '--nodes', 'n1,n7');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/node "n7" is not in .*expected one of n1, n2, n3/);
});
