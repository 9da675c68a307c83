// `raftroll status` on the lab, as an operator runs it: it must agree with the lab's own view,
// and say clearly which node is wrong and why.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freshLab, LAB, lab, labSsh, ROOT } from '../helpers/lab.js';
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
    // Other values may be secrets: the JSON names them only.
    expect(v.container.env.RAFTROLL_LAB_IMAGE).toBe('(set)');
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

describe('a non-root deploy user', () => {
  const withUser = (user: string, sudo: boolean) => {
    const inv = parse(readFileSync(INVENTORY, 'utf8'));
    for (const n of inv.nodes) delete n.ssh;
    const path = join(tmp(), `inventory-${user}-${sudo}.yml`);
    writeFileSync(path, stringify({ ...inv, ssh: { ...inv.ssh, user, sudo } }));
    return path;
  };

  it('works through sudo -n when the inventory says so', () => {
    const r = raftroll('status', '--inventory', withUser('raftroll-deploy', true), '--json');
    expect(r.code, r.out + r.err).toBe(0);
    expect(JSON.parse(r.out).map((v: { ssh: string }) => v.ssh)).toEqual([
      'raftroll-deploy@127.0.1.1',
      'raftroll-deploy@127.0.1.2',
      'raftroll-deploy@127.0.1.3',
    ]);
  });

  it('says when the user has no passwordless sudo', () => {
    const r = raftroll('status', '--inventory', withUser('raftroll-nosudo', true), '--nodes', 'n1');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^n1 .*UNREACHABLE .*needs passwordless sudo \(sudo -n\)/m);
  });

  it('says when the user may not use Docker without sudo', () => {
    const r = raftroll(
      'status',
      '--inventory',
      withUser('raftroll-deploy', false),
      '--nodes',
      'n1',
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^n1 .*may not use Docker: add it to the docker group or set ssh\.sudo: true/m,
    );
  });

  it('reads a root-only WAL through sudo', async () => {
    const { HostFiles } = await import('../../src/remote/host-files.js');
    const { verifyPath } = await import('../../src/wal/engine.js');
    const { rulesFor } = await import('../../src/wal/versions.js');
    const h = labSsh(3, { target: 'raftroll-deploy@127.0.1.3', sudo: true });
    try {
      await h.run(['docker', 'stop', '--time', '10', 'etcd']);
      const r = await verifyPath(new HostFiles(h), '/var/lib/raftroll-lab/etcd', rulesFor('3.4'));
      expect(r.verdict).toBe('clean');
      const denied = await h.run(['ls', '/var/lib/raftroll-lab/etcd/member'], {
        sudo: false,
        allowFailure: true,
      });
      expect(denied.stderr).toMatch(/Permission denied/);
      await h.run(['docker', 'start', 'etcd']);
    } finally {
      await h.close();
    }
  });
});
