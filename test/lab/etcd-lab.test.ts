// The lab itself: real sshd, real Docker engines, a real etcd cluster, real faults. Everything
// later end-to-end tests stand on.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HOST_DATA, hostIp, SSH } from '../../lab/config.js';
import { LAB, lab, labLeftovers, labWalDirs } from '../helpers/lab.js';
import { cleanupTmp, copyDir, tmp } from '../helpers/tmp.js';
import { type ReadAllResult, walref } from '../helpers/walref.js';

function ssh(host: number, command: string, extra: string[] = []) {
  return spawnSync(
    'ssh',
    [
      '-i',
      SSH.key,
      '-o',
      `UserKnownHostsFile=${SSH.knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=5',
      ...extra,
      `root@${hostIp(host)}`,
      command,
    ],
    { encoding: 'utf8' },
  );
}

interface Row {
  node: string;
  hostUp: boolean;
  container?: {
    status: string;
    running: boolean;
    oomKilled: boolean;
    memory: number;
    env: string[];
    image: string;
  };
  raft?: { role?: string; leader?: string; memberId?: string; raftIndex?: number; error?: string };
}
const status = (): Row[] => JSON.parse(lab('status', '--json'));

afterAll(cleanupTmp);

describe('the lab', () => {
  let upSeconds = 0;
  beforeAll(() => {
    lab('down');
    const t = Date.now();
    lab('up');
    upSeconds = (Date.now() - t) / 1000;
    console.log(`lab up took ${upSeconds.toFixed(1)} s`);
  }, 240_000);

  afterAll(() => {
    const t = Date.now();
    lab('down');
    console.log(`lab down took ${((Date.now() - t) / 1000).toFixed(1)} s`);
    expect(labLeftovers()).toEqual([]);
  }, 120_000);

  it('gives every host its own sshd (strict host keys) and its own engine', () => {
    for (const i of [1, 2, 3]) {
      const r = ssh(
        i,
        'docker ps --format "{{.Names}} {{.Label \\"org.raftroll.lab\\"}}"; docker info --format "{{.DockerRootDir}}"',
      );
      expect(r.status, r.stderr).toBe(0);
      const [container, root] = r.stdout.trim().split('\n');
      expect(container).toBe('etcd 1');
      expect(root).toContain(`/h${i}/docker`);
    }
    // A host key that is not the known one is refused, as in production.
    const other = ssh(1, 'true', ['-o', `HostKeyAlias=${hostIp(2)}`]);
    expect(other.status).toBe(255);
    expect(other.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('shows the same data path on every host, each backed by its own directory', () => {
    const ids = [1, 2, 3].map(
      (i) =>
        ssh(i, `cat ${HOST_DATA}/etcd/member/snap/db >/dev/null && ls -i -d ${HOST_DATA}/etcd`)
          .stdout,
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('runs a 3-member etcd cluster with one leader, memory limit and GOMEMLIMIT', () => {
    const rows = status();
    expect(rows.map((r) => r.raft?.role).sort()).toEqual(['follower', 'follower', 'leader']);
    expect(new Set(rows.map((r) => r.raft?.leader)).size).toBe(1);
    for (const r of rows) {
      expect(r.container?.memory).toBe(2500 * 1024 * 1024);
      expect(r.container?.env).toContain('GOMEMLIMIT=1800MiB');
    }
    const members = JSON.parse(
      execFileSync(
        'curl',
        ['-s', '-X', 'POST', 'http://127.0.1.1:2379/v3/cluster/member/list', '-d', '{}'],
        { encoding: 'utf8' },
      ),
    ).members;
    expect(members).toHaveLength(3);
  });

  it('writes an inventory that describes the lab as production is described', () => {
    const inv = parse(readFileSync(join(LAB, 'inventory.yml'), 'utf8'));
    expect(inv.engine).toBe('etcd');
    expect(inv.nodes.map((n: { id: string; host: string }) => `${n.id}@${n.host}`)).toEqual([
      'n1@127.0.1.1',
      'n2@127.0.1.2',
      'n3@127.0.1.3',
    ]);
    expect(existsSync(inv.ssh.identityFile)).toBe(true);
    expect(readFileSync(inv.ssh.knownHostsFile, 'utf8')).toMatch(/^127\.0\.1\.1 ssh-ed25519 /m);
    expect(inv.container).toMatchObject({
      name: 'etcd',
      image: 'raftroll-lab/etcd:a',
      memory: '2500m',
    });
  });

  it('loses no acknowledged write when a node is SIGKILLed under load', async () => {
    lab('load', 'start', '--rate', '150');
    await new Promise((r) => setTimeout(r, 2000));
    const leader = status().findIndex((r) => r.raft?.role === 'leader') + 1;
    const k = JSON.parse(lab('fault', 'kill', `n${leader}`));
    expect(k.pid).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 5000));
    lab('load', 'stop');
    const check = JSON.parse(lab('load', 'check', '--json'));
    console.log(`load with a leader kill: ${JSON.stringify(check)}`);
    expect(check.writes).toBeGreaterThan(300);
    expect(check.lost).toBe(0);
    const killed = status()[leader - 1]!;
    expect(killed.container?.running).toBe(true); // the restart policy brought it back
  }, 60_000);

  it('partition cuts a node off from its peers (only), and heal lets it catch up', async () => {
    const rows = status();
    const victim = rows.findIndex((r) => r.raft?.role === 'follower') + 1;
    const other = rows.findIndex((_r, k) => k !== victim - 1) + 1;
    lab('fault', 'partition', `n${victim}`);
    try {
      lab('load', 'start', '--rate', '100');
      await new Promise((r) => setTimeout(r, 3000));
      lab('load', 'stop');
      const cut = status();
      // The majority keeps committing; the victim still answers clients but falls behind.
      expect(cut[other - 1]!.raft!.raftIndex! - cut[victim - 1]!.raft!.raftIndex!).toBeGreaterThan(
        50,
      );
    } finally {
      lab('fault', 'heal', `n${victim}`);
    }
    const deadline = Date.now() + 20_000;
    let healed = status();
    while (
      healed[victim - 1]!.raft!.raftIndex! < healed[other - 1]!.raft!.raftIndex! &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 500));
      healed = status();
    }
    expect(healed[victim - 1]!.raft!.raftIndex).toBeGreaterThanOrEqual(
      healed[other - 1]!.raft!.raftIndex!,
    );
    expect(JSON.parse(lab('load', 'check', '--json')).lost).toBe(0);
  }, 60_000);

  it('oom: a real kernel OOM kill, OOMKilled=true in docker inspect', () => {
    lab('load', 'start', '--rate', '200');
    try {
      lab('fault', 'oom', 'n3', '--memory', '20m');
    } finally {
      lab('load', 'stop');
    }
    const r = ssh(3, "docker inspect etcd --format '{{.State.OOMKilled}} {{.HostConfig.Memory}}'");
    expect(r.stdout.trim()).toBe(`true ${20 * 1024 * 1024}`);
  }, 180_000);

  it("torn-tail: etcd's own reader reports an unexpected EOF", () => {
    const f = JSON.parse(lab('fault', 'torn-tail', 'n1'));
    expect(f.cutAt).toBeGreaterThan(f.recordAt);
    const wal = copyDir(labWalDirs(1)[0]!, join(tmp(), 'wal'));
    const r = walref<ReadAllResult>('readall', wal);
    expect(r.result).toBe('unexpected-eof');
  });

  it('torn-tail --sector: a zeroed sector of the last record, also an unexpected EOF for etcd', () => {
    lab('fault', 'torn-tail', 'n2', '--sector');
    const wal = copyDir(labWalDirs(2)[0]!, join(tmp(), 'wal'));
    expect(walref<ReadAllResult>('readall', wal).result).toBe('unexpected-eof');
  });

  it("corrupt: etcd's own reader reports a CRC mismatch", () => {
    lab('fault', 'corrupt', 'n3');
    const wal = copyDir(labWalDirs(3)[0]!, join(tmp(), 'wal'));
    const r = walref<ReadAllResult>('readall', wal);
    expect(r.result).toBe('error');
    expect(r.error).toMatch(/crc mismatch/);
  });

  it('ssh-down makes a host unreachable; ssh-up brings it back', () => {
    lab('fault', 'ssh-down', 'n2');
    expect(ssh(2, 'true').status).toBe(255);
    lab('fault', 'ssh-up', 'n2');
    expect(ssh(2, 'true').status).toBe(0);
  });
});
