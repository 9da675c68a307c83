#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  RepairRefusedError,
  repairPath,
  verifyPath
} from "./chunk-6OLVQDZI.js";
import "./chunk-6XTDMOB3.js";
import "./chunk-X6X2WM6E.js";
import {
  EXIT,
  ExitError,
  print,
  rulesFor
} from "./chunk-B2HVS2M6.js";

// src/remote/local-files.ts
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
var CHUNK = 1 << 20;
var MAX_DEPTH = 8;
var READS_AHEAD = 2;
var SPARE_BUFFERS = READS_AHEAD + 2;
var spare = [];
function takeBuffer() {
  return spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}
function giveBuffer(b) {
  if (spare.length < SPARE_BUFFERS) spare.push(b);
}
function kindOf(s) {
  return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
}
async function fsyncDir(dir) {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
var LocalFiles = class {
  where = "local";
  async stat(path) {
    try {
      const s = await stat(path, { bigint: true });
      return { kind: kindOf(s), size: Number(s.size), mtimeNs: s.mtimeNs.toString() };
    } catch (e) {
      if (e.code === "ENOENT") return void 0;
      throw e;
    }
  }
  async list(dir) {
    const names = await readdir(dir);
    const out = [];
    for (const name of names) {
      const s = await lstat(join(dir, name));
      out.push({ name, kind: kindOf(s), size: s.isFile() ? s.size : 0 });
    }
    return out;
  }
  async findWalDirs(root) {
    const found = [];
    const walk = async (dir, depth) => {
      const entries2 = await readdir(dir, { withFileTypes: true });
      if (entries2.some((e) => e.isFile() && e.name.endsWith(".wal"))) found.push(dir);
      if (depth >= MAX_DEPTH) return;
      for (const e of entries2.filter((e2) => e2.isDirectory()).sort((a, b) => a.name < b.name ? -1 : 1)) {
        await walk(join(dir, e.name), depth + 1);
      }
    };
    await walk(root, 0);
    return found;
  }
  async *read(path, start = 0, end) {
    const fh = await open(path, "r");
    const stop = end ?? Number.POSITIVE_INFINITY;
    const free = [];
    const held = [];
    let queue = [];
    let next = start;
    const issue = () => {
      while (queue.length < READS_AHEAD && next < stop) {
        const len = Math.min(CHUNK, stop - next);
        const buf = free.pop() ?? takeBuffer();
        queue.push({ pos: next, len, buf, read: fh.read(buf, 0, len, next) });
        next += len;
      }
    };
    try {
      issue();
      for (let head = queue.shift(); head; head = queue.shift()) {
        const { bytesRead } = await head.read;
        if (held.length === 2) free.push(held.shift());
        if (bytesRead === 0) {
          free.push(head.buf);
          break;
        }
        if (bytesRead < head.len) {
          await Promise.allSettled(queue.map((q) => q.read));
          for (const q of queue) free.push(q.buf);
          queue = [];
          next = head.pos + bytesRead;
        }
        issue();
        held.push(head.buf);
        yield head.buf.subarray(0, bytesRead);
      }
    } finally {
      await Promise.allSettled(queue.map((q) => q.read));
      await fh.close();
      const all = [...free, ...held, ...queue.map((q) => q.buf)];
      setImmediate(() => {
        for (const b of all) giveBuffer(b);
      });
    }
  }
  async copyNew(src, dst) {
    const out = await open(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 384);
    try {
      let pos = 0;
      for await (const chunk of this.read(src)) {
        let off = 0;
        while (off < chunk.length) {
          const { bytesWritten } = await out.write(chunk, off, chunk.length - off, pos);
          off += bytesWritten;
          pos += bytesWritten;
        }
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await fsyncDir(dirname(dst));
  }
  async ensureDir(path) {
    await mkdir(path, { recursive: true, mode: 448 });
    await fsyncDir(dirname(path));
  }
  async truncate(path, size) {
    const fh = await open(path, "r+");
    try {
      await fh.truncate(size);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsyncDir(dirname(path));
  }
};

// src/cli/wal-text.ts
function entries(e) {
  if (e.count === 0 || e.first === void 0) return "no entries";
  return e.first === e.last ? `1 entry (index ${e.first})` : `${e.count} entries (index ${e.first}..${e.last})`;
}
function dirLines(d) {
  const head = `${d.dir}: ${d.verdict}${d.repairable ? " (repairable)" : ""}   [etcd ${d.etcdVersion} loader: ${d.etcdVerdict}]`;
  const out = [head, `  ${d.reason}`];
  if (d.problem) {
    out.push(
      `  at ${d.problem.segment} offset ${d.problem.offset} (record ${d.problem.recordIndex}): ${d.problem.etcdError}`
    );
  }
  if (d.repair) {
    out.push(
      `  repair: truncate ${d.repair.segment} at ${d.repair.truncateAt}, dropping ${d.repair.bytesDropped} bytes (${d.repair.nonZeroBytesDropped} non-zero) and ${entries(d.repair.entriesDropped)}`
    );
  }
  const s = d.summary;
  const hs = s.hardState ? `; hard state term ${s.hardState.term}, commit ${s.hardState.commit}, vote ${s.hardState.vote}` : "";
  out.push(`  ${d.segments.length} segment(s), ${s.records} records, ${entries(s.entries)}${hs}`);
  for (const h of d.hazards) out.push(`  warning: ${h.message}`);
  return out;
}
function verifyText(r) {
  return r.dirs.flatMap(dirLines).join("\n");
}
function repairText(r) {
  if (r.actions.length === 0) return `${verifyText(r)}
nothing to repair; nothing was written`;
  const done = r.actions.map(
    (a) => `repaired ${a.dir}/${a.segment}: backup ${a.backup}, truncated at ${a.truncatedAt}, dropped ${a.bytesDropped} bytes and ${entries(a.entriesDropped)}${a.lossy ? " (lossy, as asked)" : ""}`
  );
  return [...done, "after the repair:", verifyText(r.after)].join("\n");
}

// src/cli/run/wal.ts
async function verifyAction(path, o) {
  const report = await verifyPath(new LocalFiles(), path, rulesFor(o.etcd));
  print(!!o.json, report, verifyText(report));
  if (report.verdict === "torn") throw new ExitError(EXIT.torn, "");
  if (report.verdict !== "clean") throw new ExitError(EXIT.refused, "");
}
async function repairAction(path, o) {
  try {
    const report = await repairPath(new LocalFiles(), path, rulesFor(o.etcd), {
      allowLossy: !!o.allowLossyRepair
    });
    print(!!o.json, report, repairText(report));
    if (report.after.verdict !== "clean")
      throw new ExitError(
        EXIT.refused,
        `${path} is still ${report.after.verdict} after the repair`
      );
  } catch (e) {
    if (e instanceof RepairRefusedError) {
      if (o.json) print(true, { ...e.report, refused: e.message }, "");
      throw new ExitError(EXIT.refused, e.message);
    }
    throw e;
  }
}
export {
  repairAction,
  verifyAction
};
