// The cluster lock is per cluster: named after the data directory it guards, so two clusters
// whose data directories share a parent never wait on each other, while one cluster is locked
// whatever version of its inventory a run reads. Run here against this machine's own files.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterLockedError, lockCluster } from '../../src/cluster/lock.js';
import { lockPath, sharedLockPath } from '../../src/cluster/lock-read.js';
import type { ClusterSession } from '../../src/cluster/session.js';
import type { NodeInput } from '../../src/inventory/schema.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

describe('lockPath', () => {
  it('gives two data directories under one parent two locks, beside them', () => {
    const a = lockPath('/var/lib/kv-a');
    const b = lockPath('/var/lib/kv-b');
    expect(a).not.toBe(b);
    expect(a).toBe('/var/lib/.raftroll-lock-kv-a');
    expect(b).toBe('/var/lib/.raftroll-lock-kv-b');
  });

  it('gives one data directory the same lock however it is spelled', () => {
    for (const d of ['/var/lib/kv/', '/var/lib//kv', '//var/lib/kv//'])
      expect(lockPath(d)).toBe(lockPath('/var/lib/kv'));
  });

  it('keeps the lock out of the data directory (a re-seed moves that aside)', () => {
    expect(lockPath('/data/etcd').startsWith('/data/etcd/')).toBe(false);
    expect(sharedLockPath('/data/etcd')).toBe('/data/.raftroll-lock');
  });

  it('refuses a data directory that cannot carry a lock, saying what is expected', () => {
    for (const d of ['/', 'data/kv', '/var/lib/../kv'])
      expect(() => lockPath(d)).toThrow(/container\.dataDir as an absolute path/);
  });
});

/**
 * A session whose one node is this machine (every node of a local session would share one
 * filesystem, and so one lock).
 */
function session(dataDir: string, ids = ['n1']): ClusterSession {
  const nodes: NodeInput[] = ids.map((id) => ({ id, host: `${id}.example` }));
  return {
    inv: { container: { name: 'kv', image: 'kv:1', dataDir }, nodes },
    host: (n: NodeInput) => new LocalHost(n.id),
  } as unknown as ClusterSession;
}

describe('lockCluster', () => {
  it('lets two clusters under one parent hold their locks at once', async () => {
    const parent = tmp();
    const a = join(parent, 'kv-a');
    const b = join(parent, 'kv-b');
    const unlockA = await lockCluster(session(a), 'raftroll roll a');
    const unlockB = await lockCluster(session(b, ['m1']), 'raftroll roll b');
    expect(JSON.parse(readFileSync(join(lockPath(a), 'owner'), 'utf8'))).toMatchObject({
      purpose: 'raftroll roll a',
      pid: process.pid,
    });
    expect(JSON.parse(readFileSync(join(lockPath(b), 'owner'), 'utf8')).purpose).toBe(
      'raftroll roll b',
    );
    await unlockA();
    await unlockB();
    expect(existsSync(lockPath(a))).toBe(false);
    expect(existsSync(lockPath(b))).toBe(false);
  });

  it('refuses a second run on the same cluster, from another inventory version too, and says who holds it', async () => {
    const dir = join(tmp(), 'kv');
    const unlock = await lockCluster(session(dir), 'raftroll roll kv:2');
    const second = lockCluster(session(`${dir}/`, ['n4']), 'raftroll remediate');
    await expect(second).rejects.toThrow(ClusterLockedError);
    await expect(second).rejects.toThrow(
      new RegExp(
        `locked by another raftroll run: raftroll roll kv:2 by .* pid ${process.pid} .*\\(${lockPath(dir)} on n4\\)`,
      ),
    );
    await unlock();
    const again = await lockCluster(session(dir), 'raftroll roll kv:3');
    await again();
  });

  it('honours the shared lock an earlier release left under the parent, and takes nothing', async () => {
    const parent = tmp();
    const dir = join(parent, 'kv');
    mkdirSync(sharedLockPath(dir));
    writeFileSync(join(sharedLockPath(dir), 'owner'), 'raftroll roll x:1 by ci@runner pid 42\n');
    await expect(lockCluster(session(dir), 'raftroll roll kv:2')).rejects.toThrow(
      `locked by another raftroll run: raftroll roll x:1 by ci@runner pid 42 (${sharedLockPath(dir)} on n1)`,
    );
    expect(existsSync(lockPath(dir))).toBe(false);
  });
});
