// A repair's backup outlives the database's own repair. etcd's wal.Repair, which elastickv runs at
// startup, writes `<segment>.broken` with a truncating create; raftroll keeps its backup in a
// directory etcd never writes, so a later self-repair by the node cannot destroy it.

import { existsSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LocalFiles } from '../../src/remote/local-files.js';
import { backupDir, repairPath } from '../../src/wal/engine.js';
import { rulesFor } from '../../src/wal/versions.js';
import { frames } from '../helpers/frames.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';
import { createWal, walref } from '../helpers/walref.js';

afterAll(cleanupTmp);

/** Cuts the last segment inside its last record's frame: a kill in the middle of a write. */
function tear(dir: string): string {
  const last = readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort()
    .at(-1)!;
  const f = frames(readFileSync(join(dir, last))).at(-1)!;
  truncateSync(join(dir, last), f.offset + 8 + 3);
  return last;
}

it("keeps raftroll's backup through a later wal.Repair by etcd's own code", async () => {
  const dir = join(tmp(), 'wal');
  createWal(dir, { entries: 200, entrySize: 100, segmentSize: 30_000 });
  const seg = tear(dir);
  const original = readFileSync(join(dir, seg));

  const r = await repairPath(new LocalFiles(), dir, rulesFor('3.4'));
  expect(r.after.verdict).toBe('clean');
  const backup = r.actions[0]!.backup;
  expect(backup).toBe(join(backupDir(dir), `${seg}.raftroll-backup`));
  expect(readFileSync(backup).equals(original)).toBe(true);

  // The node tears its log again and repairs it itself, as elastickv does at startup.
  tear(dir);
  expect(walref<{ ok: boolean }>('repair', dir).ok).toBe(true);
  expect(existsSync(join(dir, `${seg}.broken`))).toBe(true); // etcd's own backup, in the WAL dir
  expect(readFileSync(backup).equals(original)).toBe(true); // raftroll's, untouched
  // The backup directory holds no *.wal file: no reader mistakes it for a log.
  expect(readdirSync(backupDir(dir)).some((n) => n.endsWith('.wal'))).toBe(false);
  const again = await repairPath(new LocalFiles(), join(dir, '..'), rulesFor('3.4'));
  expect(again.dirs.map((d) => d.dir)).toEqual([dir]);
});
