#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  WalInputError,
  joinPath,
  verifyDir
} from "./chunk-6XTDMOB3.js";

// src/wal/engine.ts
var ETCD_ORDER = ["clean", "torn", "corrupt"];
var ORDER = ["clean", "torn", "data-after-end", "torn-with-data-after", "corrupt"];
var RepairRefusedError = class extends Error {
  constructor(message, report) {
    super(message);
    this.report = report;
  }
  report;
  name = "RepairRefusedError";
};
async function walDirsOf(files, path) {
  await files.survey?.(path);
  const st = await files.stat(path);
  if (!st)
    throw new WalInputError(
      `${path} does not exist (on ${files.where}); give a WAL directory or a data directory`
    );
  if (st.kind !== "dir") {
    throw new WalInputError(
      `${path} is not a directory; give the WAL directory that holds the *.wal files, or a data directory above it`
    );
  }
  const dirs = await files.findWalDirs(path);
  if (dirs.length === 0) {
    throw new WalInputError(
      `${path} holds no WAL: no *.wal file in it or below it (etcd keeps its WAL in <data-dir>/member/wal, elastickv in <data-dir>/<id>/wal)`
    );
  }
  return dirs;
}
function summarize(path, rules, dirs) {
  const worst = (order, xs) => xs.reduce((a, b) => order.indexOf(b) > order.indexOf(a) ? b : a, order[0]);
  const verdict = worst(
    ORDER,
    dirs.map((d) => d.verdict)
  );
  return {
    path,
    etcdVersion: rules.version,
    etcdVerdict: worst(
      ETCD_ORDER,
      dirs.map((d) => d.etcdVerdict)
    ),
    verdict,
    repairable: verdict === "torn",
    dirs
  };
}
async function verifyPath(files, path, rules, sealed = []) {
  const dirs = await walDirsOf(files, path);
  const reports = await Promise.all(
    dirs.map(
      (d) => verifyDir(
        files,
        d,
        rules,
        sealed.find((p) => p.dir === d)
      )
    )
  );
  return summarize(path, rules, reports);
}
async function repairPath(files, path, rules, opts = {}) {
  const before = await verifyPath(files, path, rules, opts.sealed);
  const lossyOk = ["torn-with-data-after", "data-after-end"];
  const refused = before.dirs.filter(
    (d) => d.verdict === "corrupt" || lossyOk.includes(d.verdict) && !opts.allowLossy
  );
  if (refused.length > 0) {
    const lines = refused.map((d) => `${d.dir}: ${d.verdict}: ${d.reason}`);
    const hint = refused.every((d) => lossyOk.includes(d.verdict)) ? " Pass --allow-lossy-repair to truncate as etcd would, dropping what is listed." : "";
    throw new RepairRefusedError(
      `refusing to repair; nothing was written.
${lines.join("\n")}${hint}`,
      before
    );
  }
  const actions = [];
  for (const d of before.dirs) {
    const cut = d.verdict === "data-after-end" ? lossyCutAfterEnd(d) : d.repair;
    if (d.verdict === "clean" || !cut) continue;
    actions.push(await repairOne(files, d, cut.segment, cut.truncateAt, d.verdict !== "torn"));
  }
  const after = actions.length > 0 ? await verifyPath(files, path, rules, opts.sealed) : before;
  return { ...before, actions, after };
}
function lossyCutAfterEnd(d) {
  const h = d.hazards.find((x) => x.kind === "data-after-end");
  return h?.segment !== void 0 && h.offset !== void 0 ? { segment: h.segment, truncateAt: h.offset } : void 0;
}
async function repairOne(files, d, segment, truncateAt, lossy) {
  const path = joinPath(d.dir, segment);
  const seen = d.lastSegment;
  files.forget?.();
  const unchanged = async (when) => {
    const now = await files.stat(path);
    if (!seen || !now || now.size !== seen.size || now.mtimeNs !== seen.mtimeNs) {
      throw new Error(
        `${path} changed ${when} (size ${seen?.size} -> ${now?.size}); is the node still running? Stop it and verify again`
      );
    }
  };
  await unchanged("since it was verified");
  await files.ensureDir(backupDir(d.dir));
  const backup = await freeBackupName(
    files,
    joinPath(backupDir(d.dir), `${segment}${BACKUP_SUFFIX}`)
  );
  await files.copyNew(path, backup);
  const copied = await files.stat(backup);
  if (copied?.size !== seen.size) {
    throw new Error(
      `backup ${backup} has ${copied?.size} bytes, expected ${seen.size}; ${path} was not touched`
    );
  }
  await unchanged("while it was backed up");
  await files.truncate(path, truncateAt);
  return {
    dir: d.dir,
    segment,
    backup,
    truncatedAt: truncateAt,
    bytesDropped: seen.size - truncateAt,
    entriesDropped: d.repair?.entriesDropped ?? { count: 0, first: void 0, last: void 0 },
    lossy
  };
}
var BACKUP_DIR_SUFFIX = ".raftroll-backup";
var BACKUP_SUFFIX = ".raftroll-backup";
var backupDir = (walDir) => `${walDir.replace(/\/+$/, "")}${BACKUP_DIR_SUFFIX}`;
async function freeBackupName(files, path) {
  for (let n = 1; n < 1e3; n++) {
    const name = n === 1 ? path : `${path}.${n}`;
    if (!await files.stat(name)) return name;
  }
  throw new Error(`${path}: 999 backups already exist; clean them up before repairing again`);
}

export {
  RepairRefusedError,
  walDirsOf,
  verifyPath,
  repairPath,
  BACKUP_SUFFIX
};
