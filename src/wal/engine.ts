// The WAL engine's front door: verify or repair every WAL directory under a path.

import { joinPath, type WalFiles, type WalWriter } from '../base/files.js';
import {
  type DirReport,
  type EtcdVerdict,
  type SealedPrefix,
  type Verdict,
  verifyDir,
  WalInputError,
} from './verify.js';
import type { EtcdRules } from './versions.js';

export interface PathReport {
  path: string;
  etcdVersion: string;
  /** The worst etcd verdict across directories. */
  etcdVerdict: EtcdVerdict;
  /** The worst raftroll verdict across directories. */
  verdict: Verdict;
  /** True when some directory is torn and every damaged one is safely repairable. */
  repairable: boolean;
  dirs: DirReport[];
}

export interface RepairAction {
  dir: string;
  segment: string;
  backup: string;
  truncatedAt: number;
  bytesDropped: number;
  entriesDropped: DirReport['repair'] extends infer R
    ? R extends { entriesDropped: infer E }
      ? E
      : never
    : never;
  lossy: boolean;
}

export interface RepairReport extends PathReport {
  /** What was written; empty when nothing was. */
  actions: RepairAction[];
  /** The state after the repair (the same as before when nothing was written). */
  after: PathReport;
}

const ETCD_ORDER: EtcdVerdict[] = ['clean', 'torn', 'corrupt'];
const ORDER: Verdict[] = ['clean', 'torn', 'data-after-end', 'torn-with-data-after', 'corrupt'];

export class RepairRefusedError extends Error {
  override name = 'RepairRefusedError';
  constructor(
    message: string,
    readonly report: PathReport,
  ) {
    super(message);
  }
}

/** Finds the WAL directories a path stands for: itself, or every one below it. */
export async function walDirsOf(files: WalFiles, path: string): Promise<string[]> {
  await files.survey?.(path);
  const st = await files.stat(path);
  if (!st)
    throw new WalInputError(
      `${path} does not exist (on ${files.where}); give a WAL directory or a data directory`,
    );
  if (st.kind !== 'dir') {
    throw new WalInputError(
      `${path} is not a directory; give the WAL directory that holds the *.wal files, or a data directory above it`,
    );
  }
  const dirs = await files.findWalDirs(path);
  if (dirs.length === 0) {
    throw new WalInputError(
      `${path} holds no WAL: no *.wal file in it or below it (etcd keeps its WAL in <data-dir>/member/wal, elastickv in <data-dir>/<id>/wal)`,
    );
  }
  return dirs;
}

export function summarize(path: string, rules: EtcdRules, dirs: DirReport[]): PathReport {
  const worst = <T>(order: T[], xs: T[]) =>
    xs.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a), order[0]!);
  const verdict = worst(
    ORDER,
    dirs.map((d) => d.verdict),
  );
  return {
    path,
    etcdVersion: rules.version,
    etcdVerdict: worst(
      ETCD_ORDER,
      dirs.map((d) => d.etcdVerdict),
    ),
    verdict,
    repairable: verdict === 'torn',
    dirs,
  };
}

/** `sealed`: what readSealed found before the stop; only what is unchanged is taken from it. */
export async function verifyPath(
  files: WalFiles,
  path: string,
  rules: EtcdRules,
  sealed: readonly SealedPrefix[] = [],
): Promise<PathReport> {
  const dirs = await walDirsOf(files, path);
  // Each directory is read on its own: over a link, several groups' reads share the wait.
  const reports = await Promise.all(
    dirs.map((d) =>
      verifyDir(
        files,
        d,
        rules,
        sealed.find((p) => p.dir === d),
      ),
    ),
  );
  return summarize(path, rules, reports);
}

/**
 * Repairs every repairable directory under path, or writes nothing at all: when any
 * directory is damaged beyond what the policy allows, the whole repair is refused before the
 * first write.
 */
export async function repairPath(
  files: WalWriter,
  path: string,
  rules: EtcdRules,
  opts: { allowLossy?: boolean; sealed?: readonly SealedPrefix[] } = {},
): Promise<RepairReport> {
  const before = await verifyPath(files, path, rules, opts.sealed);
  const lossyOk: Verdict[] = ['torn-with-data-after', 'data-after-end'];
  const refused = before.dirs.filter(
    (d) => d.verdict === 'corrupt' || (lossyOk.includes(d.verdict) && !opts.allowLossy),
  );
  if (refused.length > 0) {
    const lines = refused.map((d) => `${d.dir}: ${d.verdict}: ${d.reason}`);
    const hint = refused.every((d) => lossyOk.includes(d.verdict))
      ? ' Pass --allow-lossy-repair to truncate as etcd would, dropping what is listed.'
      : '';
    throw new RepairRefusedError(
      `refusing to repair; nothing was written.\n${lines.join('\n')}${hint}`,
      before,
    );
  }
  const actions: RepairAction[] = [];
  for (const d of before.dirs) {
    const cut = d.verdict === 'data-after-end' ? lossyCutAfterEnd(d) : d.repair;
    if (d.verdict === 'clean' || !cut) continue;
    actions.push(await repairOne(files, d, cut.segment, cut.truncateAt, d.verdict !== 'torn'));
  }
  const after = actions.length > 0 ? await verifyPath(files, path, rules, opts.sealed) : before;
  return { ...before, actions, after };
}

function lossyCutAfterEnd(d: DirReport): { segment: string; truncateAt: number } | undefined {
  const h = d.hazards.find((x) => x.kind === 'data-after-end');
  return h?.segment !== undefined && h.offset !== undefined
    ? { segment: h.segment, truncateAt: h.offset }
    : undefined;
}

async function repairOne(
  files: WalWriter,
  d: DirReport,
  segment: string,
  truncateAt: number,
  lossy: boolean,
): Promise<RepairAction> {
  const path = joinPath(d.dir, segment);
  const seen = d.lastSegment;
  // `seen` may come from a survey: the checks below must look at the file as it is now.
  files.forget?.();
  const unchanged = async (when: string) => {
    const now = await files.stat(path);
    if (!seen || !now || now.size !== seen.size || now.mtimeNs !== seen.mtimeNs) {
      throw new Error(
        `${path} changed ${when} (size ${seen?.size} -> ${now?.size}); is the node still running? Stop it and verify again`,
      );
    }
  };
  await unchanged('since it was verified');
  await files.ensureDir(backupDir(d.dir));
  const backup = await freeBackupName(
    files,
    joinPath(backupDir(d.dir), `${segment}${BACKUP_SUFFIX}`),
  );
  await files.copyNew(path, backup);
  const copied = await files.stat(backup);
  if (copied?.size !== seen!.size) {
    throw new Error(
      `backup ${backup} has ${copied?.size} bytes, expected ${seen!.size}; ${path} was not touched`,
    );
  }
  await unchanged('while it was backed up');
  await files.truncate(path, truncateAt);
  return {
    dir: d.dir,
    segment,
    backup,
    truncatedAt: truncateAt,
    bytesDropped: seen!.size - truncateAt,
    entriesDropped: d.repair?.entriesDropped ?? { count: 0, first: undefined, last: undefined },
    lossy,
  };
}

/**
 * Where a repair keeps the original segment: beside the WAL directory, in a directory etcd never
 * writes, under a name it never uses. etcd's own wal.Repair (which elastickv runs at startup)
 * writes `<segment>.broken` with a truncating create: a backup under that name would be lost to
 * the node's next self-repair. The name does not end in .wal, so no reader takes it for a log.
 */
export const BACKUP_DIR_SUFFIX = '.raftroll-backup';
export const BACKUP_SUFFIX = '.raftroll-backup';
export const backupDir = (walDir: string) => `${walDir.replace(/\/+$/, '')}${BACKUP_DIR_SUFFIX}`;

/** The backup's name, or the first free "<name>.N" after it. */
async function freeBackupName(files: WalFiles, path: string): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? path : `${path}.${n}`;
    if (!(await files.stat(name))) return name;
  }
  throw new Error(`${path}: 999 backups already exist; clean them up before repairing again`);
}
