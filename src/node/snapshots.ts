// The snapshot half of the WAL step: a log that loads is not enough when the snapshot the node
// starts from is missing or damaged, because the start fails just the same. Refused like a
// corrupt log: the node stays stopped and nothing is written.

import type { WalFiles } from '../base/files.js';
import { walDirsOf } from '../wal/engine.js';
import { checkSnapshots, type EarlySnapshots } from '../wal/snapshots.js';
import type { DirReport } from '../wal/verify.js';
import { type NodeContext, warn } from './context.js';
import { StepError } from './errors.js';

/** Words for the report row ("" when no snapshot file was needed); throws StepError (wal). */
export async function checkNodeSnapshots(
  ctx: NodeContext,
  files: WalFiles,
  /** The WAL directories as the WAL step last verified them (with their snapshot records). */
  verified: readonly Pick<DirReport, 'dir' | 'snapshotRecords'>[],
  /** The snapshot files read before the stop: taken as read while unchanged. */
  early?: EarlySnapshots,
): Promise<string> {
  let sound = 0;
  const known = new Map(verified.map((d) => [d.dir, d.snapshotRecords]));
  for (const dir of await walDirsOf(files, ctx.dataDir)) {
    const c = await checkSnapshots(files, dir, ctx.rules, known.get(dir), early);
    if (c.skipped) warn(ctx, c.skipped);
    if (!c.ok)
      throw new StepError(
        `${ctx.id}: the snapshot the node would start from is not usable: ${c.problem}. Nothing was started and the node stays stopped; the rest of the cluster keeps its majority. Restore the file, or re-seed the member, then run again.`,
        ctx.id,
        'wal',
      );
    sound += c.files.length;
  }
  return sound ? `; ${sound} snapshot file(s) sound` : '';
}
