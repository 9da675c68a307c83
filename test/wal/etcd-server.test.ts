// WALs written by a real etcd server process, stopped gracefully and killed mid-write.

import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFiles } from '../../src/remote/local-files.js';
import { repairPath, verifyPath } from '../../src/wal/engine.js';
import { rulesFor } from '../../src/wal/versions.js';
import { startEtcd } from '../helpers/etcd-process.js';
import { frames } from '../helpers/frames.js';
import { cleanupTmp, copyDir, tmp } from '../helpers/tmp.js';
import { type LoadResult, walref } from '../helpers/walref.js';

afterAll(cleanupTmp);
const files = new LocalFiles();
const rules = rulesFor('3.4');

describe('a WAL written by etcd-server', () => {
  it("is clean after a graceful stop, finds the data dir's member/wal, and matches etcd", async () => {
    const data = join(tmp(), 'etcd');
    const etcd = await startEtcd(data);
    for (let i = 0; i < 300; i++) await etcd.put(`key-${i}`, `value-${i}-${'x'.repeat(i % 50)}`);
    await etcd.stop('SIGTERM');

    const r = await verifyPath(files, data, rules);
    expect(r.dirs.map((d) => d.dir)).toEqual([join(data, 'member/wal')]);
    expect(r.etcdVerdict).toBe('clean');
    expect(r.verdict).toBe('clean');
    const etcdLoad = walref<LoadResult>(
      'load',
      copyDir(join(data, 'member/wal'), join(tmp(), 'wal')),
    );
    expect(etcdLoad.verdict).toBe('clean');
    // Same entries as etcd's ReadAll returns, and the commit index of the last hard state.
    expect(r.dirs[0]!.summary.entries.last).toBe(etcdLoad.first.lastIndex);
    expect(r.dirs[0]!.summary.hardState?.commit).toBe(etcdLoad.first.commit);
    expect(r.dirs[0]!.summary.entries.last).toBeGreaterThanOrEqual(300);
  });

  it('killed with SIGKILL under write load, then torn by hand: repaired exactly as etcd repairs it', async () => {
    const data = join(tmp(), 'etcd');
    const etcd = await startEtcd(data);
    const writes = Array.from({ length: 400 }, (_, i) =>
      etcd.put(`k${i}`, 'v'.repeat(200)).catch(() => {}),
    );
    await Promise.all(writes.slice(0, 200));
    await etcd.stop('SIGKILL');
    await Promise.all(writes);

    const wal = join(data, 'member/wal');
    const killed = await verifyPath(files, wal, rules);
    const etcdKilled = walref<LoadResult>('load', copyDir(wal, join(tmp(), 'wal')));
    expect(killed.etcdVerdict).toBe(etcdKilled.verdict);

    // A kill inside a write leaves the last record cut short: make that happen for certain.
    const seg = killed.dirs[0]!.segments.at(-1)!.name;
    const fs = frames(readFileSync(join(wal, seg)));
    const last = fs[fs.length - 1]!;
    truncateSync(join(wal, seg), last.offset + 8 + Math.floor(last.recBytes / 2));
    const torn = await verifyPath(files, wal, rules);
    expect(torn.verdict).toBe('torn');
    expect(torn.repairable).toBe(true);

    const reference = copyDir(wal, join(tmp(), 'wal'));
    expect(walref<{ ok: boolean }>('repair', reference).ok).toBe(true);
    const repaired = await repairPath(files, wal, rules);
    expect(repaired.after.verdict).toBe('clean');
    expect(readFileSync(join(wal, seg)).equals(readFileSync(join(reference, seg)))).toBe(true);
    expect(walref<LoadResult>('load', copyDir(wal, join(tmp(), 'wal'))).verdict).toBe('clean');
  });
});
