// The lab running elastickv (the stand-in): three hosts, three Raft groups per node, one lab
// shared by the whole file. Each fault runs once, checked for doing what it says.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hostIp, hostPaths, INVENTORY, SSH } from '../../lab/config.js';

import { lab, labDocker, labLeftovers, labWalDirs } from '../helpers/lab.js';
import { cleanupTmp, copyDir, tmp } from '../helpers/tmp.js';
import { type ReadAllResult, walref } from '../helpers/walref.js';

const NODES = ['n1', 'n2', 'n3'];
const GROUPS = [1, 2, 3];

interface GroupRow {
  group: number;
  raft: {
    role?: string;
    leader?: string;
    raftIndex?: number;
    raftAppliedIndex?: number;
    error?: string;
  };
}
interface Row {
  node: string;
  container?: {
    running: boolean;
    oomKilled: boolean;
    exitCode: number;
    restartCount: number;
    memory: number;
  };
  groups: GroupRow[];
}
const status = (): Row[] => JSON.parse(lab('status', '--json'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Group g's leader when every node names the same one, else undefined. */
function agreedLeader(rows: Row[], g: number): string | undefined {
  const leaders = rows.map((r) => r.groups.find((x) => x.group === g)?.raft.leader);
  return leaders[0] && leaders.every((l) => l === leaders[0]) ? leaders[0] : undefined;
}

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Every group has a leader every node sees (and so every node answers for every group). */
const whole = (ms = 30_000) =>
  until(
    'every group to have a leader seen by every node',
    () => {
      const rows = status();
      return GROUPS.every((g) => agreedLeader(rows, g)) ? rows : undefined;
    },
    ms,
  );

const inspect = (i: number) => JSON.parse(labDocker(i, 'inspect', 'elastickv'))[0];

afterAll(cleanupTmp);

describe('the elastickv lab', () => {
  beforeAll(() => {
    lab('down');
    const t = Date.now();
    lab('up', '--engine', 'elastickv', '--groups', '3');
    console.log(`elastickv lab up took ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }, 240_000);

  afterAll(() => {
    lab('down');
    expect(labLeftovers()).toEqual([]);
  }, 120_000);

  it('every group has a leader every node sees, and every node leads at least one group', () => {
    const rows = status();
    const leaders = GROUPS.map((g) => agreedLeader(rows, g));
    expect(leaders.every(Boolean)).toBe(true);
    expect(new Set(leaders)).toEqual(new Set(NODES));
    for (const [k, g] of GROUPS.entries()) {
      const leaderRow = rows.find((r) => r.node === leaders[k])!;
      expect(leaderRow.groups.find((x) => x.group === g)!.raft.role).toBe('leader');
    }
    expect(lab('status')).toMatch(/^ {2}group 3: (leader|follower) leader=n\d term=\d+ index=\d+/m);
  });

  it('describes itself in the inventory as elastickv, with --raftGroups naming every group', () => {
    const inv = parse(readFileSync(INVENTORY, 'utf8'));
    expect(inv.engine).toBe('elastickv');
    expect(inv.ports).toEqual({ admin: 39101 });
    const args: string[] = inv.container.args;
    expect(args[0]).toBe('/app');
    expect(args[args.indexOf('--raftGroups') + 1]).toBe(
      '1={{host}}:39101,2={{host}}:39102,3={{host}}:39103',
    );
  });

  it('has images a and b with different IDs, and a broken one that exits at once', () => {
    const id = (tag: string) =>
      labDocker(
        1,
        'image',
        'inspect',
        '--format',
        '{{.Id}}',
        `raftroll-lab/elastickv:${tag}`,
      ).trim();
    expect(id('a')).not.toBe(id('b'));
    const broken = spawnSync(
      'docker',
      [
        '-H',
        `unix://${hostPaths(1).dockerSock}`,
        'run',
        '--rm',
        '--network',
        'none',
        'raftroll-lab/elastickv:broken',
        '/app',
        '--raftId',
        'x',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('broken on purpose');
  });

  it('loses no acknowledged write in any group when a group leader is SIGKILLed under load', async () => {
    lab('load', 'start', '--rate', '150');
    await sleep(2000);
    const victim = agreedLeader(status(), 1)!;
    const k = JSON.parse(lab('fault', 'kill', victim));
    expect(k.pid).toBeGreaterThan(0);
    await sleep(4000);
    lab('load', 'stop');
    const check = JSON.parse(lab('load', 'check', '--json'));
    console.log(
      `load with a group leader kill: ${JSON.stringify({ ...check, lostKeys: undefined })}`,
    );
    expect(check.lost).toBe(0);
    expect(check.groups.map((g: { group: number }) => g.group)).toEqual(GROUPS);
    for (const g of check.groups) {
      expect(g.writes).toBeGreaterThan(100);
      expect(g.lost).toBe(0);
    }
    expect(check.writes).toBe(
      check.groups.reduce((n: number, g: { writes: number }) => n + g.writes, 0),
    );
    const c = inspect(Number(victim.slice(1)));
    expect(c.RestartCount).toBeGreaterThanOrEqual(1); // the restart policy brought it back
    await whole();
  }, 90_000);

  // The rules it installs are the etcd lab's, over every group port (see peerPorts). Each
  // status must come back in seconds: when the rules dropped the node's SYN-ACKs, a status
  // waited on a connect to the node for over two minutes, so this test saw one status (taken
  // before the election) in its whole 30 s.
  it('partition cuts every group of a node off; the others keep every group led; heal brings it back', async () => {
    const victim = 'n2';
    const r = JSON.parse(lab('fault', 'partition', victim));
    expect(r.rules).toBe(2 * GROUPS.length);
    let seen: Row[] = [];
    let slowest = 0;
    try {
      const rows = await until('the other nodes to lead every group without n2', () => {
        const t = Date.now();
        const s = status();
        slowest = Math.max(slowest, Date.now() - t);
        seen = s;
        const others = s.filter((x) => x.node !== victim);
        return GROUPS.every((g) => {
          const ls = others.map((o) => o.groups.find((x) => x.group === g)?.raft.leader);
          return ls[0] && ls[0] !== victim && ls.every((l) => l === ls[0]);
        })
          ? s
          : undefined;
      });
      // Its listeners answer nobody while partitioned: they share their ports with Raft.
      expect(rows.find((x) => x.node === victim)!.groups.every((g) => g.raft.error)).toBe(true);
      expect(slowest).toBeLessThan(10_000);
    } catch (e) {
      // What each node said last: which group had no agreed leader, and who it named.
      console.log(
        `partition, slowest status ${slowest} ms, last status: ${JSON.stringify(seen.map((x) => ({ node: x.node, groups: x.groups })))}`,
      );
      throw e;
    } finally {
      lab('fault', 'heal', victim);
    }
    await whole(60_000);
  }, 150_000);

  it('oom: a real kernel OOM kill (SIGUSR1 under a tiny limit), OOMKilled=true in docker inspect', async () => {
    const f = JSON.parse(lab('fault', 'oom', 'n3', '--memory', '64m'));
    expect(f).toMatchObject({ oomKilled: true, signal: 'SIGUSR1', memory: '64m' });
    const c = inspect(3);
    expect(c.State.OOMKilled).toBe(true);
    expect(c.HostConfig.Memory).toBe(64 * 1024 * 1024);
    // Back to its own limit: up recreates the missing node as the lab runs it.
    labDocker(3, 'rm', '--force', 'elastickv');
    lab('up', '--engine', 'elastickv', '--groups', '3');
    expect(inspect(3).HostConfig.Memory).toBe(2500 * 1024 * 1024);
    await whole();
  }, 180_000);

  it('torn-tail --group 2: stops the node (exit 2, as elastickv), tears only group 2; a restart repairs it', async () => {
    const f = JSON.parse(lab('fault', 'torn-tail', 'n2', '--group', '2'));
    const [g1, g2] = labWalDirs(2);
    expect(dirname(f.segment)).toBe(g2);
    expect(f.cutAt).toBeGreaterThan(f.recordAt);
    const c = inspect(2);
    expect(c.State.Running).toBe(false);
    expect(c.State.ExitCode).toBe(2);
    expect(walref<ReadAllResult>('readall', copyDir(g2!, join(tmp(), 'wal2'))).result).toBe(
      'unexpected-eof',
    );
    expect(walref<ReadAllResult>('readall', copyDir(g1!, join(tmp(), 'wal1'))).result).toBe('ok');

    labDocker(2, 'start', 'elastickv');
    await whole();
    expect(existsSync(`${f.segment}.broken`)).toBe(true);
    expect(readdirSync(g1!).some((n) => n.endsWith('.broken'))).toBe(false);
  }, 120_000);

  it('corrupt --group 1: a CRC mismatch the node cannot start past; undoing the flip lets it start', async () => {
    const f = JSON.parse(lab('fault', 'corrupt', 'n3', '--group', '1'));
    const [g1] = labWalDirs(3);
    expect(dirname(f.segment)).toBe(g1);
    const r = walref<ReadAllResult>('readall', copyDir(g1!, join(tmp(), 'wal')));
    expect(r.result).toBe('error');
    expect(r.error).toMatch(/crc mismatch/);

    labDocker(3, 'start', 'elastickv');
    const failed = await until('n3 to fail on its corrupt WAL', () => {
      const s = inspect(3).State;
      // Between attempts docker reports Running and Restarting both true.
      return (s.Restarting || !s.Running) && s.ExitCode !== 0 ? s : undefined;
    });
    expect(failed.ExitCode).not.toBe(0);
    expect(containerLogs(3)).toMatch(/crc mismatch/i);

    labDocker(3, 'stop', 'elastickv');
    const buf = readFileSync(f.segment);
    buf[f.offset] = buf[f.offset]! ^ 0x5a;
    writeFileSync(f.segment, buf);
    labDocker(3, 'start', 'elastickv');
    await whole();
  }, 120_000);

  it('ssh-down makes a host unreachable; ssh-up brings it back', () => {
    const ssh = () =>
      spawnSync(
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
          `root@${hostIp(1)}`,
          'docker ps --format {{.Names}}',
        ],
        { encoding: 'utf8' },
      );
    lab('fault', 'ssh-down', 'n1');
    expect(ssh().status).toBe(255);
    lab('fault', 'ssh-up', 'n1');
    const back = ssh();
    expect(back.status).toBe(0);
    expect(back.stdout.trim()).toBe('elastickv');
  });
});

/** The container's output: docker logs replays its stderr on docker's own stderr. */
function containerLogs(i: number): string {
  const r = spawnSync('docker', ['-H', `unix://${hostPaths(i).dockerSock}`, 'logs', 'elastickv'], {
    encoding: 'utf8',
  });
  return r.stdout + r.stderr;
}
