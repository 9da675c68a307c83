// The elastickv stand-in (lab/elastickv-standin): a Go node over etcd's own raft, wal and snap
// packages, built from Debian packages, that raftroll treats as elastickv. Three nodes, three
// Raft groups each, as plain local processes on 127.0.0.1 (no Docker, no sshd): raftroll's own
// elastickv client drives them, raftroll's WAL engine judges their logs.

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElastickvClient } from '../../src/raft/elastickv.js';
import type { Member } from '../../src/raft/engine.js';
import { LocalFiles } from '../../src/remote/local-files.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { verifyPath } from '../../src/wal/engine.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NODES = ['n1', 'n2', 'n3'];
const GROUPS = [1, 2, 3];
// Keys below "k2" live in group 1, "k2".."k3" in group 2, the rest in group 3.
const SHARDS = ':k2=1,k2:k3=2,k3:=3';
const KEY_OF_GROUP: Record<number, string> = { 1: 'k1', 2: 'k2', 3: 'k3' };
const port = (node: number, group: number) => 27400 + node * 10 + group;
const addr = (node: number, group: number) => `127.0.0.1:${port(node, group)}`;

let bin = '';
let data = '';
const procs = new Map<
  string,
  { child: ChildProcess; log: string[]; exit: Promise<number | null> }
>();
const host = new LocalHost();
const clients: ElastickvClient[] = [];

function argsFor(k: number): string[] {
  const peers = GROUPS.map(
    (g) => `${g}=${NODES.map((n, i) => `${n}@${addr(i + 1, g)}`).join(',')}`,
  ).join(';');
  return [
    // What raftroll's elastickv preset passes, then the multi-group flags.
    '--address',
    `127.0.0.1:${port(k, 9)}`,
    '--redisAddress',
    `127.0.0.1:${port(k, 8)}`,
    '--dynamoAddress',
    `127.0.0.1:${port(k, 7)}`,
    '--raftId',
    NODES[k - 1]!,
    '--raftEngine',
    'etcd',
    '--raftDataDir',
    data,
    '--raftRedisMap',
    NODES.map((_, i) => `${addr(i + 1, 1)}=127.0.0.1:${port(i + 1, 8)}`).join(','),
    '--raftGroups',
    GROUPS.map((g) => `${g}=${addr(k, g)}`).join(','),
    '--raftGroupPeers',
    peers,
    '--shardRanges',
    SHARDS,
  ];
}

function start(name: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const child = spawn(bin, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  const log: string[] = [];
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  procs.set(name, { child, log, exit });
}

const startNode = (k: number, extra: string[] = []) =>
  start(NODES[k - 1]!, [...argsFor(k), ...extra]);

async function stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const p = procs.get(name)!;
  p.child.kill(signal);
  const code = await p.exit;
  procs.delete(name);
  return code;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

async function client(node: number, group: number): Promise<ElastickvClient> {
  const c = new ElastickvClient(
    await host.tunnel('127.0.0.1', port(node, group)),
    `${NODES[node - 1]}/group-${group}`,
    NODES[node - 1]!,
  );
  clients.push(c);
  return c;
}

/** The leader every node of the group agrees on, once they do. */
async function agreedLeader(group: number): Promise<string> {
  return waitFor(`one leader in group ${group}`, async () => {
    const all = await Promise.all(
      NODES.map(async (_, i) => (await client(i + 1, group)).status(1000)),
    );
    const leaders = new Set(all.map((s) => s.leaderId));
    const leading = all.filter((s) => s.role === 'leader');
    if (leaders.size === 1 && leading.length === 1 && leading[0]!.id === all[0]!.leaderId) {
      return all[0]!.leaderId;
    }
    return undefined;
  });
}

// RawKV and Health, encoded by hand with the field numbers of elastickv's proto.
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const field = (n: number, b: Buffer) => [...varint((n << 3) | 2), ...varint(b.length), ...b];
function fields(buf: Buffer): Map<number, Buffer | number> {
  const out = new Map<number, Buffer | number>();
  let i = 0;
  const read = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const tag = read();
    if ((tag & 7) === 0) out.set(tag >> 3, read());
    else {
      const len = read();
      out.set(tag >> 3, buf.subarray(i, i + len));
      i += len;
    }
  }
  return out;
}

function unary(target: number, path: string, req: number[]): Promise<Map<number, Buffer | number>> {
  const c = new grpc.Client(`127.0.0.1:${target}`, grpc.credentials.createInsecure());
  return new Promise((res, rej) =>
    c.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(req),
      new grpc.Metadata(),
      { deadline: Date.now() + 5000 },
      (err, v) => {
        c.close();
        if (err) rej(err);
        else res(fields(v ?? Buffer.alloc(0)));
      },
    ),
  );
}

async function rawPut(target: number, key: string, value: string): Promise<number> {
  const r = await unary(target, '/RawKV/RawPut', [
    ...field(1, Buffer.from(key)),
    ...field(2, Buffer.from(value)),
  ]);
  expect(r.get(2)).toBe(1); // success
  return r.get(1) as number; // commit_index
}

async function rawGet(target: number, key: string, groupId = 0): Promise<string | undefined> {
  const req = [...field(1, Buffer.from(key)), ...(groupId ? [4 << 3, ...varint(groupId)] : [])];
  const r = await unary(target, '/RawKV/RawGet', req);
  return r.get(3) === 1 ? ((r.get(2) as Buffer | undefined)?.toString() ?? '') : undefined;
}

async function health(target: number): Promise<number> {
  const r = await unary(target, '/grpc.health.v1.Health/Check', field(1, Buffer.from('RawKV')));
  return (r.get(1) as number | undefined) ?? 0;
}

/** Cuts the last record of a WAL segment in half: what a kill inside a write leaves. */
function tearLastRecord(segment: string): void {
  const b = readFileSync(segment);
  let off = 0;
  let last = -1;
  let lastLen = 0;
  while (off + 8 <= b.length) {
    // etcd's frame header: the record length in the low 56 bits, and when the top bit is set,
    // the padding to 8 bytes in the three bits below it.
    const word = b.readBigUInt64LE(off);
    const len = Number(word & 0xff_ffff_ffff_ffffn);
    if (len === 0) break;
    const pad = word >> 63n ? Number((word >> 56n) & 0x7n) : 0;
    last = off;
    lastLen = len + pad;
    off += 8 + len + pad;
  }
  expect(last).toBeGreaterThan(0);
  truncateSync(segment, last + 8 + Math.floor(lastLen / 2));
}

const groupDir = (node: string, g: number) => join(data, node, `group-${g}`);

beforeAll(() => {
  bin = execFileSync('bash', [join(ROOT, 'lab/elastickv-standin/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  }).trim();
  data = join(tmp('raftroll-standin-'), 'data');
  for (let k = 1; k <= 3; k++) startNode(k);
}, 660_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  for (const [name, p] of procs) {
    p.child.kill('SIGKILL');
    await p.exit;
    procs.delete(name);
  }
  cleanupTmp();
});

describe('the elastickv stand-in, 3 nodes x 3 Raft groups', () => {
  it('says it is a stand-in and rejects an unknown flag as Go and elastickv do', () => {
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stderr).toContain('a STAND-IN for elastickv, not elastickv');
    const bad = spawnSync(bin, ['--raftId', 'x', '--raftGroupz', '1=127.0.0.1:1'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('flag provided but not defined: -raftGroupz');
  });

  it('elects a leader in every group, and Health says RawKV SERVING only on that leader', async () => {
    for (const g of GROUPS) {
      const leader = await agreedLeader(g);
      const statuses = await waitFor(`health of group ${g}`, async () => {
        const s = await Promise.all(NODES.map((_, i) => health(port(i + 1, g))));
        return s.filter((x) => x === 1).length === 1 ? s : undefined;
      });
      // 1 SERVING, 2 NOT_SERVING
      expect(statuses).toEqual(NODES.map((n) => (n === leader ? 1 : 2)));
    }
  });

  it("answers raftroll's own client: Status, Configuration, and a leadership move in each group", async () => {
    for (const g of GROUPS) {
      const leader = await agreedLeader(g);
      const lk = NODES.indexOf(leader) + 1;
      const c = await client(lk, g);
      const members = await c.members();
      expect(members.map((m) => m.id).sort()).toEqual(NODES);
      expect(members.every((m) => m.voter)).toBe(true);
      for (const m of members) expect(m.address).toBe(addr(NODES.indexOf(m.id) + 1, g));
      const s = await c.status();
      expect(s.role).toBe('leader');
      expect(s.commitIndex).toBeGreaterThan(0);
      expect(s.appliedIndex).toBe(s.commitIndex);

      const target = members.find((m) => m.id !== leader) as Member;
      await c.transferLeadership(target);
      expect(await agreedLeader(g)).toBe(target.id);
      const after = await c.status();
      expect(after.role).toBe('follower');
      expect(after.leaderId).toBe(target.id);
      expect(after.term).toBeGreaterThan(s.term);
    }
  });

  it('replicates RawPut through each group and RawGet reads it from any node', async () => {
    for (const g of GROUPS) {
      for (let i = 0; i < 20; i++) {
        // Through every node's listener, the leader's and the followers'.
        const via = port((i % 3) + 1, g);
        await rawPut(via, `${KEY_OF_GROUP[g]}-${i}`, `v${g}-${i}`);
      }
    }
    for (const g of GROUPS) {
      for (let k = 1; k <= 3; k++) {
        expect(await rawGet(port(k, 1), `${KEY_OF_GROUP[g]}-7`)).toBe(`v${g}-7`);
        expect(await rawGet(port(k, g), `${KEY_OF_GROUP[g]}-19`, g)).toBe(`v${g}-19`);
      }
      // The key is in its own group's log only.
      const other = (g % 3) + 1;
      expect(await rawGet(port(1, 1), `${KEY_OF_GROUP[g]}-7`, other)).toBeUndefined();
    }
  });

  it("after SIGTERM exits 0 with clean WALs at elastickv's paths, and a restart (one WAL torn) recovers every write", async () => {
    for (const n of NODES) expect(await stop(n)).toBe(0);
    await Promise.all(clients.splice(0).map((c) => c.close()));

    const files = new LocalFiles();
    for (const n of NODES) {
      for (const g of GROUPS) {
        expect(readdirSync(join(groupDir(n, g), 'wal')).some((f) => f.endsWith('.wal'))).toBe(true);
        expect(existsSync(join(groupDir(n, g), 'snap'))).toBe(true);
      }
      for (const v of ['3.4', '3.7']) {
        const r = await verifyPath(files, join(data, n), rulesFor(v));
        expect(r.dirs.map((d) => d.dir)).toEqual(GROUPS.map((g) => join(groupDir(n, g), 'wal')));
        expect(r.etcdVerdict).toBe('clean');
        expect(r.verdict).toBe('clean');
        for (const d of r.dirs) expect(d.summary.entries.last).toBeGreaterThan(3);
      }
    }

    // A kill inside a write on n3, group 2: the stand-in repairs it at startup, as elastickv does.
    const walDir = join(groupDir('n3', 2), 'wal');
    const seg = readdirSync(walDir)
      .filter((f) => f.endsWith('.wal'))
      .sort()
      .at(-1)!;
    tearLastRecord(join(walDir, seg));
    expect((await verifyPath(files, walDir, rulesFor('3.4'))).etcdVerdict).toBe('torn');

    for (let k = 1; k <= 3; k++) startNode(k);
    for (const g of GROUPS) await agreedLeader(g);
    expect(procs.get('n3')!.log.join('')).toContain('running wal.Repair once');
    expect(existsSync(join(walDir, `${seg}.broken`))).toBe(true);
    for (const g of GROUPS) {
      for (let k = 1; k <= 3; k++) {
        for (const i of [0, 19]) {
          expect(await rawGet(port(k, g), `${KEY_OF_GROUP[g]}-${i}`, g)).toBe(`v${g}-${i}`);
        }
      }
    }
  });

  it('single group: honours GOMEMLIMIT, keeps its WAL in <raftDataDir>/<raftId>/wal, waits --standinStartupDelay', async () => {
    const dir = join(tmp('raftroll-standin-'), 'data');
    const t0 = Date.now();
    start(
      'solo',
      [
        '--raftId',
        'solo',
        '--raftDataDir',
        dir,
        '--address',
        addr(5, 1),
        '--raftBootstrap',
        '--standinStartupDelay',
        '1500ms',
      ],
      {
        GOMEMLIMIT: '1800MiB',
      },
    );
    const c = await client(5, 1);
    await waitFor('the single node to lead', async () =>
      (await c.status(500)).role === 'leader' ? true : undefined,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(procs.get('solo')!.log.join('')).toContain(`memoryLimit=${1800 * 1024 * 1024} bytes`);
    await rawPut(port(5, 1), 'solo-key', 'solo-value');
    expect(await stop('solo')).toBe(0);
    expect(readdirSync(join(dir, 'solo', 'wal')).some((f) => f.endsWith('.wal'))).toBe(true);
    const r = await verifyPath(new LocalFiles(), join(dir, 'solo'), rulesFor('3.7'));
    expect(r.dirs.map((d) => d.dir)).toEqual([join(dir, 'solo', 'wal')]);
    expect(r.verdict).toBe('clean');
  });

  it('with --standinSigtermExit2 exits 2 at once on SIGTERM without closing its WAL, as elastickv does', async () => {
    const dir = join(tmp('raftroll-standin-'), 'data');
    const args = ['--raftId', 'term', '--raftDataDir', dir, '--address', addr(7, 1)];
    start('term', [...args, '--raftBootstrap', '--standinSigtermExit2']);
    const c = await client(7, 1);
    await waitFor('the node to lead', async () =>
      (await c.status(500)).role === 'leader' ? true : undefined,
    );
    const log = procs.get('term')!.log;
    expect(await stop('term')).toBe(2);
    expect(log.join('')).toContain('exiting at once with status 2');
    expect(log.join('')).not.toContain('WAL closed');
  });

  it('exits 1 at once, before reading its flags, when ELASTICKV_STANDIN_BROKEN is set', () => {
    const r = spawnSync(bin, ['--raftId', 'x', '--no-such-flag'], {
      encoding: 'utf8',
      env: { ...process.env, ELASTICKV_STANDIN_BROKEN: 'image' },
      timeout: 10_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('broken on purpose');
  });

  it('on SIGUSR1 allocates until something kills it (here an address-space limit; in a container, the OOM killer)', async () => {
    const dir = join(tmp('raftroll-standin-'), 'data');
    const child = spawn(
      'prlimit',
      [
        '--as=1500000000',
        bin,
        '--raftId',
        'hog',
        '--raftDataDir',
        dir,
        '--address',
        addr(6, 1),
        '--raftBootstrap',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const log: string[] = [];
    child.stderr.on('data', (d: Buffer) => log.push(d.toString()));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    procs.set('hog', { child, log, exit });
    await waitFor('the node to serve', async () =>
      log.join('').includes('leader is now hog') ? true : undefined,
    );
    child.kill('SIGUSR1');
    const code = await exit;
    procs.delete('hog');
    expect(code).not.toBe(0);
    expect(log.join('')).toContain('allocated 256 MiB');
    expect(log.join('')).toContain('out of memory');
  });

  it('balances group leaders across nodes, and only observes while the kill-switch file exists', async () => {
    for (const n of NODES) expect(await stop(n)).toBe(0);
    await Promise.all(clients.splice(0).map((c) => c.close()));
    const killSwitch = join(tmp('raftroll-standin-'), 'no-balance');
    writeFileSync(killSwitch, '');
    const fast = ['Interval', 'GlobalCooldown', 'GroupCooldown', 'StartupGrace'].flatMap((f) => [
      `--leaderBalance${f}`,
      '200ms',
    ]);
    for (let k = 1; k <= 3; k++)
      startNode(k, ['--leaderBalance', ...fast, '--leaderBalanceKillSwitchFile', killSwitch]);

    // Every group led by n1: a spread of 3, over the threshold of 2.
    for (const g of GROUPS) {
      const leader = await agreedLeader(g);
      if (leader === 'n1') continue;
      const c = await client(NODES.indexOf(leader) + 1, g);
      const n1 = (await c.members()).find((m) => m.id === 'n1')!;
      await c.transferLeadership(n1);
      expect(await agreedLeader(g)).toBe('n1');
    }
    await waitFor('the balancer to see the kill switch', async () =>
      procs.get('n1')!.log.join('').includes(`kill switch ${killSwitch} present`)
        ? true
        : undefined,
    );
    await new Promise((r) => setTimeout(r, 1000));
    for (const g of GROUPS) expect(await agreedLeader(g)).toBe('n1');

    rmSync(killSwitch);
    const spread = await waitFor('the leaders to spread out', async () => {
      const leaders = await Promise.all(GROUPS.map((g) => agreedLeader(g)));
      return new Set(leaders).size === 3 ? leaders : undefined;
    });
    expect([...spread].sort()).toEqual(NODES);
  });
});
