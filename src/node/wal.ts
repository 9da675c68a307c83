// The WAL step, on a stopped node: clean goes on, a torn tail is backed up and repaired (and
// must then read clean), anything else keeps the node stopped with its files untouched. So does
// a snapshot the node would start from that is missing or damaged. The sealed segments are read
// before the stop, while the node still serves; after it, only what can have changed crosses the
// link.

import type { WalFiles } from '../base/files.js';
import { HostFiles } from '../remote/host-files.js';
import { type AfterStop, DATA_END_BLOCK, type TailHint } from '../remote/read-ahead.js';
import { repairPath, verifyPath, walDirsOf } from '../wal/engine.js';
import { selectSegments } from '../wal/names.js';
import { readSealed } from '../wal/sealed.js';
import { decodeManifest, encodeManifest, manifestPath } from '../wal/sealed-manifest.js';
import type { EarlySnapshots } from '../wal/snapshots.js';
import { readSnapshotsEarly } from '../wal/snapshots.js';
import type { DirReport, SealedPrefix } from '../wal/verify.js';
import { type NodeBase, type NodeContext, warn } from './context.js';
import { StepError } from './errors.js';
import { checkNodeSnapshots } from './snapshots.js';

/**
 * Set to 1, every WAL byte is read after the stop, as before the sealed segments were read
 * early: benchmarks measure both ways in one run.
 */
export const FULL_READ_ENV = 'RAFTROLL_WAL_FULL_READ';
const fullRead = () => process.env[FULL_READ_ENV] === '1';

/**
 * What was read while the node still ran: its sealed WAL segments and its snapshot files; and
 * each WAL directory's last segment, whose first reads after the stop go out beside the survey.
 */
export interface EarlyRead {
  sealed: SealedPrefix[];
  snapshots: EarlySnapshots;
  tails: TailHint[];
  /** Bytes read from the host for it (none when nothing was read early). */
  bytes?: number;
  /** Why nothing could be read early, when it could not. */
  problem?: string;
  /** What went amiss with the record of verified sealed segments, which only costs reads. */
  notes?: string[];
}

const NOTHING_EARLY: EarlyRead = { sealed: [], snapshots: new Map(), tails: [] };

/** The last segment of each WAL directory, as the files show it now. */
async function lastSegments(files: WalFiles, dirs: readonly string[]): Promise<TailHint[]> {
  const out: TailHint[] = [];
  for (const dir of dirs) {
    const entries = await files.list(dir);
    const last = selectSegments(entries.map((e) => e.name)).segments.at(-1);
    const size = entries.find((e) => e.name === last?.name)?.size;
    if (last && size) out.push({ path: `${dir}/${last.name}`, size });
  }
  return out;
}

/**
 * The sealed segments and the newest snapshot files, verified while the node still runs. Never
 * fails: anything that goes wrong here only means the read after the stop covers everything,
 * and decides; `problem` says what, for the caller to tell once the node's step is under way.
 */
export async function readBeforeStop(ctx: NodeBase): Promise<EarlyRead> {
  if (fullRead()) return NOTHING_EARLY;
  const files = new HostFiles(ctx.host);
  const record = manifestPath(ctx.dataDir);
  // The record of what an earlier run verified is asked for beside the survey.
  const recorded = readRecord(files, record);
  try {
    const dirs = await walDirsOf(files, ctx.dataDir);
    // Where each last segment's records end, found on the host beside the sealed read: the
    // reads after the stop then fetch them in one range. Only a hint: without it, they go a
    // window at a time.
    const ending = lastSegments(files, dirs).then((tails) =>
      Promise.all(
        tails.map(async (t) => {
          t.dataEnd = await files.dataEnd(t.path, t.size, DATA_END_BLOCK).catch(() => undefined);
          return t;
        }),
      ),
    );
    ending.catch(() => {});
    const known = await recorded;
    const sealed = await readSealed(files, ctx.dataDir, ctx.rules, known.prefixes);
    const text = encodeManifest(sealed);
    const saved =
      text && text !== known.text
        ? files.replaceText(record, text).then(
            () => undefined,
            (e: Error) =>
              `the record of verified sealed segments could not be written to ${record} (${e.message}); the next run reads them again`,
          )
        : undefined;
    const snapshots = await readSnapshotsEarly(files, dirs);
    const tails = await ending;
    const notes = [known.problem, await saved].filter((x): x is string => !!x);
    return { sealed, snapshots, tails, bytes: files.bytesRead, ...(notes.length ? { notes } : {}) };
  } catch (e) {
    return {
      ...NOTHING_EARLY,
      bytes: files.bytesRead,
      problem: `the WAL could not be read before the stop (${(e as Error).message}); it is read in full after it`,
    };
  }
}

/**
 * The record beside the data directory, decoded; none when there is none. Never rejects: a
 * record that cannot be read or does not check out is not used, and `problem` says why.
 */
async function readRecord(
  files: HostFiles,
  path: string,
): Promise<{ prefixes: Map<string, SealedPrefix>; text?: string; problem?: string }> {
  let text: string | undefined;
  try {
    text = await files.readText(path);
    return { prefixes: text === undefined ? new Map() : decodeManifest(text), text };
  } catch (e) {
    return {
      prefixes: new Map(),
      text,
      problem: `the record of verified sealed segments in ${path} was not used (${(e as Error).message}); they were read again`,
    };
  }
}

/** The files of a node's WAL step: every byte it reads from the host is counted there. */
export function walFiles(ctx: NodeBase): HostFiles {
  return new HostFiles(ctx.host, { everyByte: fullRead() });
}

/**
 * Sends the WAL step's first reads (the survey, each last segment's first range and the zero
 * check of the rest): once the node is stopped, or beside its stop with `after` (see
 * HostFiles.readAhead for what the caller must then check).
 */
export function sendFirstReads(
  files: HostFiles,
  ctx: NodeBase,
  early: EarlyRead,
  after?: AfterStop,
): void {
  if (!fullRead()) files.readAhead(early.tails, ctx.dataDir, after);
}

/**
 * The verdict in words, for the report row; throws StepError (phase wal) on a corrupt log.
 * `read` is told how many bytes came from the host, however the step ended. `early` is what
 * readBeforeStop found: only what is unchanged since is taken from it. A repair waits for
 * `beforeWrite` (the journal's line) and does not happen if it fails. `sent` is the files whose
 * first reads are already under way (sendFirstReads); otherwise they are sent here.
 */
export async function checkWal(
  ctx: NodeContext,
  read?: (bytes: number) => void,
  early: EarlyRead = NOTHING_EARLY,
  beforeWrite?: Promise<unknown>,
  sent?: HostFiles,
): Promise<string> {
  const files = sent ?? walFiles(ctx);
  const { sealed, snapshots } = fullRead() ? NOTHING_EARLY : early;
  try {
    if (!sent) sendFirstReads(files, ctx, early);
    const { verdict, dirs } = await judge(ctx, files, sealed, beforeWrite);
    return verdict + (await checkNodeSnapshots(ctx, files, dirs, snapshots));
  } finally {
    // A range fetched ahead and never asked for stops here; what it brought counts, as every
    // byte that came over the link does.
    files.forget();
    read?.(files.bytesRead);
  }
}

async function judge(
  ctx: NodeContext,
  files: HostFiles,
  sealed: readonly SealedPrefix[],
  beforeWrite?: Promise<unknown>,
): Promise<{ verdict: string; dirs: DirReport[] }> {
  const { id, dataDir, rules } = ctx;
  const report = await verifyPath(files, dataDir, rules, sealed);
  for (const d of report.dirs) {
    // etcd never writes a sealed segment again: one that changed is worth a word.
    if (d.sealed && 'why' in d.sealed && sealed.some((p) => p.dir === d.dir))
      warn(ctx, `${d.dir}: ${d.sealed.why}; its sealed segments were read again after the stop`);
  }
  if (report.verdict === 'clean') return { verdict: 'clean', dirs: report.dirs };
  if (report.verdict === 'torn') {
    await beforeWrite;
    // The repair looks anew: bytes fetched beside the survey may be older than it, and the
    // repair's check that nothing changed is made against a survey.
    files.forget();
    const r = await repairPath(files, dataDir, rules, { sealed });
    if (r.after.verdict !== 'clean') {
      throw new StepError(
        `${id}: the WAL is still ${r.after.verdict} after the repair; nothing was started`,
        id,
        'wal',
      );
    }
    for (const x of r.actions.slice(1))
      warn(ctx, `also repaired ${x.dir}/${x.segment} at ${x.truncatedAt} (backup ${x.backup})`);
    const a = r.actions[0]!;
    const dropped = droppedText(a.bytesDropped, report.dirs.find((x) => x.dir === a.dir)?.repair);
    warn(
      ctx,
      `repaired a torn WAL tail: ${a.segment} truncated at ${a.truncatedAt} (${dropped}; backup ${a.backup})`,
    );
    return {
      verdict: `torn, repaired (${dropped}, ${a.entriesDropped.count} entries)`,
      dirs: r.after.dirs,
    };
  }
  const d = report.dirs.find((x) => x.verdict !== 'clean' && x.verdict !== 'torn')!;
  const where = d.problem
    ? `${d.dir}/${d.problem.segment} at offset ${d.problem.offset} (${d.problem.etcdError})`
    : `${d.dir} (${d.reason})`;
  throw new StepError(
    `${id}: WAL ${d.verdict} in ${where}. Nothing was started on this log and the node stays stopped; the rest of the cluster keeps its majority. Re-seed the member or restore the log, then run again.`,
    id,
    'wal',
  );
}

/**
 * What a repair dropped, in words that do not mistake etcd's zero preallocation (up to 64 MB of a
 * segment) for lost records: the non-zero bytes (the torn record), then the zeros.
 */
export function droppedText(total: number, plan?: { nonZeroBytesDropped: number }): string {
  const record = plan && plan.nonZeroBytesDropped >= 0 ? plan.nonZeroBytesDropped : undefined;
  if (record === undefined) return `${total} bytes dropped`;
  const zeros = total - record;
  return `${record} non-zero bytes dropped (the torn record)${zeros > 0 ? `; the other ${zeros} of ${total} were zeros (preallocation)` : ''}`;
}
