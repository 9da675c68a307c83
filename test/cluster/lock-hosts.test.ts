// The lock over several hosts: the first host in inventory order is taken alone and given back
// last, the others at once; all or nothing; only our own lock is removed. Each host here is
// this machine with a directory of its own standing for its filesystem, so every command
// really runs and every lock really is a directory.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASE_FORMAT } from '../../src/cluster/lease.js';
import { ClusterLockedError, takeLease } from '../../src/cluster/lock.js';
import { lockPath } from '../../src/cluster/lock-read.js';
import type { ClusterSession } from '../../src/cluster/session.js';
import type { NodeInput } from '../../src/inventory/schema.js';
import type { Host, RunOptions } from '../../src/remote/host.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

const DATA = '/srv/kv/data';

interface Call {
  host: string;
  what: 'take' | 'release' | 'beat' | 'other';
  start: number;
  end: number;
}

/**
 * One host per id, each seeing `/srv` as a directory of its own; every command's start and end
 * is recorded in `calls`. `before` runs ahead of a host's command (to play a rival run).
 */
function cluster(
  ids: string[],
  calls: Call[],
  before: (id: string, argv: readonly string[]) => void = () => {},
) {
  const roots = new Map(ids.map((id) => [id, tmp()]));
  for (const r of roots.values()) mkdirSync(join(r, 'srv/kv'), { recursive: true });
  const hostOf = (id: string): Host => {
    const local = new LocalHost(id);
    const root = roots.get(id)!;
    return {
      name: id,
      address: `${id}.example`,
      run: async (argv: readonly string[], o?: RunOptions) => {
        before(id, argv);
        const what = argv.includes('raftroll-lock')
          ? 'take'
          : argv.includes('raftroll-unlock')
            ? 'release'
            : argv[0] === 'touch'
              ? 'beat'
              : 'other';
        const start = performance.now();
        try {
          return await local.run(
            argv.map((a) => a.split('/srv/').join(`${root}/srv/`)),
            o,
          );
        } finally {
          calls.push({ host: id, what, start, end: performance.now() });
        }
      },
    } as unknown as Host;
  };
  const nodes: NodeInput[] = ids.map((id) => ({ id, host: `${id}.example` }));
  const session = {
    inv: { container: { name: 'kv', image: 'kv:1', dataDir: DATA }, nodes },
    host: (n: NodeInput) => hostOf(n.id),
  } as unknown as ClusterSession;
  const lockOn = (id: string) => join(roots.get(id)!, lockPath(DATA));
  return { session, lockOn };
}

describe('the lock over several hosts', () => {
  it('takes the first host before any other and gives it back after all others', async () => {
    const calls: Call[] = [];
    const c = cluster(['n1', 'n2', 'n3', 'n4'], calls);
    const lease = await takeLease(c.session, 'raftroll roll kv:2');
    for (const id of ['n1', 'n2', 'n3', 'n4'])
      expect(JSON.parse(readFileSync(join(c.lockOn(id), 'owner'), 'utf8')).token).toBe(
        lease.owner.token,
      );
    const takes = calls.filter((x) => x.what === 'take');
    expect(takes.map((x) => x.host).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    const first = takes.find((x) => x.host === 'n1')!;
    for (const t of takes.filter((x) => x.host !== 'n1'))
      expect(t.start).toBeGreaterThan(first.end);

    calls.length = 0;
    expect(await lease.release()).toBeUndefined();
    for (const id of ['n1', 'n2', 'n3', 'n4']) expect(existsSync(c.lockOn(id))).toBe(false);
    const releases = calls.filter((x) => x.what === 'release');
    expect(releases).toHaveLength(4);
    const last = releases.find((x) => x.host === 'n1')!;
    for (const r of releases.filter((x) => x.host !== 'n1'))
      expect(last.start).toBeGreaterThan(r.end);
  });

  it('takes the others at once: their commands overlap', async () => {
    const calls: Call[] = [];
    // Each take waits a little on its host, as a command over a network does.
    const c = cluster(['n1', 'n2', 'n3'], calls, (_id, argv) => {
      if (argv.includes('raftroll-lock'))
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    });
    const lease = await takeLease(c.session, 'raftroll roll kv:2');
    const [a, b] = calls.filter((x) => x.what === 'take' && x.host !== 'n1');
    expect(a!.start < b!.end && b!.start < a!.end).toBe(true);
    await lease.release();
  });

  it('undoes everything it took when a rival takes one of the others first, and names the rival', async () => {
    const calls: Call[] = [];
    const rival = { token: 'rival-token', purpose: 'raftroll remediate', pid: 42 };
    let c: ReturnType<typeof cluster>;
    // Between this run's look and its take, a rival locks n3 (a run whose inventory lists n3
    // first).
    c = cluster(['n1', 'n2', 'n3'], calls, (id, argv) => {
      if (id === 'n3' && argv.includes('raftroll-lock') && !existsSync(c.lockOn('n3'))) {
        mkdirSync(c.lockOn('n3'));
        writeFileSync(
          join(c.lockOn('n3'), 'owner'),
          JSON.stringify({
            format: LEASE_FORMAT,
            user: 'ops',
            host: 'elsewhere',
            takenAt: new Date().toISOString(),
            ...rival,
          }),
        );
        writeFileSync(join(c.lockOn('n3'), 'heartbeat'), '');
      }
    });
    const taking = takeLease(c.session, 'raftroll roll kv:2');
    await expect(taking).rejects.toThrow(ClusterLockedError);
    await expect(taking).rejects.toThrow(/raftroll remediate .*on n3/);
    expect(existsSync(c.lockOn('n1'))).toBe(false);
    expect(existsSync(c.lockOn('n2'))).toBe(false);
    // The rival's lock is the rival's.
    expect(JSON.parse(readFileSync(join(c.lockOn('n3'), 'owner'), 'utf8')).token).toBe(rival.token);
  });

  it('leaves a lock that another run took over since', async () => {
    const calls: Call[] = [];
    const c = cluster(['n1', 'n2'], calls);
    const lease = await takeLease(c.session, 'raftroll roll kv:2');
    const theirs = JSON.stringify({ format: 1, token: 'someone-else', purpose: 'x' });
    writeFileSync(join(c.lockOn('n2'), 'owner'), theirs);
    expect(await lease.release()).toBeUndefined();
    expect(existsSync(c.lockOn('n1'))).toBe(false);
    expect(readFileSync(join(c.lockOn('n2'), 'owner'), 'utf8')).toBe(theirs);
  });

  it('lets a heartbeat under way end before the lock goes, and warns of nothing', async () => {
    const calls: Call[] = [];
    const warnings: string[] = [];
    // Each renewal takes a while on its host, as over a network.
    const c = cluster(['n1', 'n2'], calls, (_id, argv) => {
      if (argv[0] === 'touch') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
    });
    const lease = await takeLease(c.session, 'raftroll roll kv:2', {
      heartbeatMs: 5,
      onWarning: (n, m) => warnings.push(`${n}: ${m}`),
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(await lease.release()).toBeUndefined();
    const beats = calls.filter((x) => x.what === 'beat');
    const releases = calls.filter((x) => x.what === 'release');
    expect(beats.length).toBeGreaterThan(0);
    const firstRelease = Math.min(...releases.map((r) => r.start));
    for (const b of beats) expect(b.end).toBeLessThan(firstRelease);
    expect(warnings).toEqual([]);
  });

  it('warns, and keeps the lock, when its owner file cannot be read', async () => {
    const calls: Call[] = [];
    const warnings: string[] = [];
    const c = cluster(['n1', 'n2'], calls);
    const lease = await takeLease(c.session, 'raftroll roll kv:2', {
      onWarning: (n, m) => warnings.push(`${n}: ${m}`),
    });
    // An owner "file" that cat cannot read.
    rmSync(join(c.lockOn('n2'), 'owner'));
    mkdirSync(join(c.lockOn('n2'), 'owner'));
    expect(await lease.release()).toBeUndefined();
    expect(existsSync(c.lockOn('n1'))).toBe(false);
    expect(existsSync(c.lockOn('n2'))).toBe(true);
    expect(warnings.join('\n')).toMatch(/n2: could not release the cluster lock/);
  });
});
