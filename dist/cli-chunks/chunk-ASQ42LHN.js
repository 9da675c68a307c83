#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  writeStdinTo
} from "./chunk-OYZR7IG2.js";

// src/cluster/lock.ts
import { randomUUID } from "node:crypto";
import { hostname as hostname2, userInfo } from "node:os";

// src/cluster/journal.ts
var journalLine = (e) => `${JSON.stringify(e)}
`;
var SETTLED = /* @__PURE__ */ new Set([
  "done",
  "restored",
  "rolled-back",
  "left-stopped"
]);
var JOURNAL_FILE = "journal.jsonl";
function parseJournal(text) {
  const entries = [];
  const bad = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line);
      if (typeof e.node === "string" && typeof e.phase === "string" && typeof e.at === "string")
        entries.push(e);
      else bad.push(line);
    } catch {
      bad.push(line);
    }
  }
  return { entries, bad };
}
function inFlight(entries) {
  const last = /* @__PURE__ */ new Map();
  for (const e of entries) if (e.phase !== "take-over") last.set(e.node, e);
  return [...last.values()].filter((e) => !SETTLED.has(e.phase));
}
var isNew = (c, e) => !!c && !!e.new?.fingerprint && c.fingerprint === e.new.fingerprint;
function finishPlan(e, seen) {
  switch (e.phase) {
    case "stop":
    case "wal":
      if (!seen.current)
        return { kind: "report", why: `the journal says ${e.phase}, but there is no container` };
      return {
        kind: "restore-old",
        why: `the run died at ${e.phase}, before any container was replaced: start the old one again`
      };
    case "start":
      if (isNew(seen.current, e))
        return {
          kind: "start-new",
          why: "the run died at start after the new container was created: finish starting it"
        };
      if (seen.previous || seen.current)
        return {
          kind: "restore-old",
          why: "the run died at start before the new container was created: put the old one back"
        };
      return { kind: "report", why: "the journal says start, but neither container exists" };
    case "catch-up":
      if (isNew(seen.current, e))
        return {
          kind: "start-new",
          why: "the run died while the new container was catching up: wait for it and finish"
        };
      return {
        kind: seen.previous || seen.current ? "restore-old" : "report",
        why: "the journal says catch-up, but the new container is not there: put the old one back"
      };
    case "rollback":
      if (!seen.previous && !seen.current)
        return { kind: "report", why: "the journal says rollback, but neither container exists" };
      return {
        kind: "restore-old",
        why: "the run died while rolling back: finish putting the old container back"
      };
    default:
      return { kind: "report", why: `nothing to finish after ${e.phase}` };
  }
}
var walVerified = (e) => e.phase === "start" || e.phase === "catch-up" || e.phase === "rollback";
async function appendJournal(host, path, e) {
  await host.run(["tee", "-a", "--", path], { input: journalLine(e) });
}

// src/cluster/lease.ts
var HEARTBEAT_MS = 1e4;
var STALE_AFTER_MS = 6e4;
var LEASE_FORMAT = "raftroll-lease/1";
function parseOwner(text) {
  const t = text.trim();
  if (!t) return { kind: "foreign", text, why: "the owner file is empty" };
  if (/^raftroll \S+.* by \S+ pid \d+/.test(t) && !t.startsWith("{"))
    return { kind: "old-format", text: t };
  let o;
  try {
    o = JSON.parse(t);
  } catch {
    return { kind: "foreign", text: t, why: "the owner file is neither JSON nor an old note" };
  }
  const x = o;
  if (x?.format !== LEASE_FORMAT || typeof x.purpose !== "string" || typeof x.user !== "string" || typeof x.host !== "string" || typeof x.pid !== "number" || typeof x.takenAt !== "string" || typeof x.token !== "string")
    return { kind: "foreign", text: t, why: `the owner file is not a ${LEASE_FORMAT} record` };
  return { kind: "lease", owner: x };
}
function holderLine(o) {
  const run = o.runUrl ? ` (${o.runUrl})` : "";
  return `${o.purpose} by ${o.user}@${o.host} pid ${o.pid}${run} since ${o.takenAt}`;
}
function isStale(l, thresholdMs = STALE_AFTER_MS) {
  if (l.localPidAlive === false) return true;
  if (l.localPidAlive === true) return false;
  return l.heartbeatAgeMs !== void 0 && l.heartbeatAgeMs > thresholdMs;
}
function ageText(ms) {
  if (ms === void 0 || !Number.isFinite(ms)) return "unknown";
  const s = Math.max(0, Math.round(ms / 1e3));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

// src/cluster/lock-read.ts
import { hostname } from "node:os";
import { basename, dirname } from "node:path/posix";
var LOCK_NAME = ".raftroll-lock";
var HEARTBEAT_FILE = "heartbeat";
var OWNER_FILE = "owner";
var TAKEOVER_PREFIX = "takeover-";
function lockPath(dataDir) {
  const dir = normalize(dataDir);
  return `${dirname(dir)}/${LOCK_NAME}-${basename(dir)}`;
}
function sharedLockPath(dataDir) {
  return `${dirname(normalize(dataDir))}/${LOCK_NAME}`;
}
function archivePath(dataDir, at) {
  const dir = normalize(dataDir);
  const stamp = at.toISOString().replace(/[:.]/g, "-");
  return `${dirname(dir)}/.raftroll-journal-${basename(dir)}.${stamp}.jsonl`;
}
function normalize(dataDir) {
  const dir = dataDir.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  if (!dir.startsWith("/") || dir === "/" || dir.split("/").includes(".."))
    throw new Error(
      `the data directory "${dataDir}" cannot carry a cluster lock: give container.dataDir as an absolute path below /, without ".."`
    );
  return dir;
}
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}
function liveness(o, heartbeatAgeMs) {
  const local = o.kind === "lease" && o.owner.host === hostname();
  return {
    heartbeatAgeMs,
    ...local && o.kind === "lease" ? { localPidAlive: pidAlive(o.owner.pid) } : {}
  };
}
async function readLock(host, path) {
  const ls = await host.run(["find", path, "-maxdepth", "1", "-printf", "%f %T@\\n"], {
    allowFailure: true
  });
  if (ls.code !== 0) {
    if (/No such file/i.test(ls.stderr)) return { state: "free" };
    throw new Error(`${host.name}: cannot read ${path}: ${ls.stderr.trim()}`);
  }
  const now = Number((await host.run(["date", "+%s"])).stdout.trim()) * 1e3;
  const mtimes = /* @__PURE__ */ new Map();
  for (const line of ls.stdout.split("\n")) {
    const m = /^(.*) (\d+(?:\.\d+)?)$/.exec(line);
    if (m) mtimes.set(m[1], Number(m[2]) * 1e3);
  }
  const age = (name) => {
    const t = mtimes.get(name);
    return t === void 0 ? void 0 : Math.max(0, now - t);
  };
  const ownerText = (await host.run(["cat", "--", `${path}/${OWNER_FILE}`], { allowFailure: true })).stdout;
  const journal = await host.run(["cat", "--", `${path}/${JOURNAL_FILE}`], { allowFailure: true });
  const { entries, bad } = parseJournal(journal.code === 0 ? journal.stdout : "");
  const owner = parseOwner(ownerText);
  const lockAgeMs = age(basename(path));
  const heartbeatAgeMs = age(HEARTBEAT_FILE) ?? lockAgeMs;
  return {
    state: "held",
    path,
    owner,
    ownerText,
    heartbeatAgeMs,
    lockAgeMs,
    // Only a raftroll lease can be stale: anything else is never broken by a run.
    stale: owner.kind === "lease" && isStale(liveness(owner, heartbeatAgeMs)),
    entries,
    badLines: bad
  };
}
function describeHolder(l) {
  if (l.owner.kind === "lease") return holderLine(l.owner.owner);
  if (l.owner.kind === "old-format") return l.owner.text;
  if (!l.ownerText.trim() && (l.lockAgeMs ?? 0) < STALE_AFTER_MS)
    return "a run that is taking it right now (no owner written yet)";
  return `an unknown holder (${l.owner.why})`;
}

// src/cluster/lock.ts
var ClusterLockedError = class extends Error {
  /** The holder, in one line, for summaries. */
  constructor(message, holder) {
    super(message);
    this.holder = holder;
  }
  holder;
  name = "ClusterLockedError";
};
function newOwner(purpose, image) {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
  }
  const e = process.env;
  const runUrl = e.GITHUB_RUN_ID && e.GITHUB_REPOSITORY ? `${e.GITHUB_SERVER_URL || "https://github.com"}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}` : void 0;
  return {
    format: LEASE_FORMAT,
    purpose,
    user,
    host: hostname2(),
    pid: process.pid,
    ...runUrl ? { runUrl } : {},
    takenAt: (/* @__PURE__ */ new Date()).toISOString(),
    token: randomUUID(),
    ...image ? { image } : {}
  };
}
function lockedError(l, id) {
  const by = describeHolder(l);
  const where = `(${l.path} on ${id})`;
  if (l.owner.kind === "lease" && l.stale)
    return new ClusterLockedError(
      `the cluster is locked by another raftroll run: ${by} ${where}, heartbeat ${ageText(l.heartbeatAgeMs)} ago: that run looks gone (stale after ${STALE_AFTER_MS / 1e3}s). See what it left with raftroll lock status, then finish its work with --take-over-stale (or raftroll lock release)`,
      by
    );
  if (l.owner.kind === "lease")
    return new ClusterLockedError(
      `the cluster is locked by another raftroll run: ${by} ${where}, heartbeat ${ageText(l.heartbeatAgeMs)} ago. Wait for it to finish; a live holder is never broken`,
      by
    );
  return new ClusterLockedError(
    `the cluster is locked by another raftroll run: ${by} ${where}. This is not a lease this release can judge (an earlier release's note, or a file it did not write): check the nodes with raftroll diagnose, then remove it with raftroll lock release --force`,
    by
  );
}
async function conflict(host, path, id) {
  const l = await readLock(host, path).catch(() => ({ state: "free" }));
  if (l.state === "held") return lockedError(l, id);
  return new ClusterLockedError(
    `another raftroll run took and gave back the cluster lock at ${path} on ${id} while this one was taking it; run again`,
    "a run that has finished"
  );
}
var Lease = class {
  constructor(session, path, owner, held, skipped, takenOver, warn) {
    this.session = session;
    this.path = path;
    this.owner = owner;
    this.held = held;
    this.skipped = skipped;
    this.takenOver = takenOver;
    this.warn = warn;
  }
  session;
  path;
  owner;
  held;
  skipped;
  takenOver;
  warn;
  timer;
  last = /* @__PURE__ */ new Map();
  /** Entries of the runs whose leases were taken over that show a node in flight. */
  inherited() {
    return this.takenOver.flatMap((t) => inFlight(t.entries));
  }
  async record(e) {
    const h = this.heldFor(e.node);
    const full = this.entry(e);
    await appendJournal(h.host, `${this.path}/${JOURNAL_FILE}`, full);
    this.last.set(e.node, full);
  }
  pending(e) {
    const h = this.heldFor(e.node);
    const full = this.entry(e);
    return {
      host: h.host,
      path: `${this.path}/${JOURNAL_FILE}`,
      text: JSON.stringify(full),
      written: () => this.last.set(e.node, full)
    };
  }
  /** The line for e as this run writes it: stamped now, with its token. */
  entry(e) {
    return { at: (/* @__PURE__ */ new Date()).toISOString(), run: this.owner.token, ...e };
  }
  heldFor(node) {
    const h = this.held.find((x) => x.node.id === node);
    if (!h)
      throw new Error(
        `${node}: cannot write the journal: this run holds no lock on its host (it was unreachable when the lock was taken)`
      );
    return h;
  }
  /** The nodes this run began and did not bring to an end. */
  halfDone() {
    return [...this.last.values()].filter((e) => !SETTLED.has(e.phase));
  }
  startHeartbeat(ms = HEARTBEAT_MS) {
    this.timer = setInterval(() => {
      this.beating ??= this.beat().catch(() => {
      }).finally(() => {
        this.beating = void 0;
      });
    }, ms);
    this.timer.unref();
  }
  /** The renewal under way, if any. */
  beating;
  /**
   * No renewal after this, and none still running: a touch that outlived the release would
   * meet a removed lock, or a connection already closed, and warn about nothing.
   */
  async stopHeartbeat() {
    clearInterval(this.timer);
    await this.beating;
  }
  async beat() {
    await Promise.all(
      this.held.map(async (h) => {
        const r = await h.host.run(["touch", "-c", "--", `${this.path}/${HEARTBEAT_FILE}`], { allowFailure: true }).catch((e) => ({ code: -1, stderr: e.message }));
        if (r.code !== 0)
          this.warn(h.node.id, `could not renew the lease heartbeat: ${r.stderr.trim()}`);
      })
    );
  }
  /**
   * Gives the lock back on every host, unless a node this run began is left half-done: then
   * the lock stays, with its journal, and the returned text says why. A journal inherited from
   * a taken-over run is archived beside the data directory, never deleted.
   */
  async release() {
    await this.stopHeartbeat();
    const open = this.halfDone();
    if (open.length)
      return `the cluster lock is kept: ${open.map((e) => `${e.node} was left at ${e.phase}`).join(", ")}; the journal says where things stand (raftroll lock status)`;
    const archive = this.takenOver.length > 0;
    await firstLast(
      this.held,
      (h) => releaseHost(h.host, this.path, this.owner.token, archive, this.session).catch(
        (e) => this.warn(h.node.id, `could not release the cluster lock: ${e.message}`)
      )
    );
    return void 0;
  }
  /** Undo a take that did not complete: own locks go, taken-over ones get their owner back. */
  async undo() {
    await this.stopHeartbeat();
    await firstLast([...this.held], async (h) => {
      if (h.previousOwner !== void 0) {
        await h.host.run(writeStdinTo(`${this.path}/${OWNER_FILE}`), { input: h.previousOwner }).catch(() => {
        });
        if (h.marker) await h.host.run(["rmdir", "--", h.marker]).catch(() => {
        });
      } else await releaseHost(h.host, this.path, this.owner.token, false).catch(() => {
      });
    });
  }
};
async function firstLast(held, give) {
  const [first, ...rest] = held;
  await Promise.all(rest.map(give));
  if (first) await give(first);
}
async function releaseHost(host, path, token, archive, session) {
  if (!(archive && session)) {
    await host.run(releaseOwnCommand(path, token));
    return;
  }
  const r = await host.run(["cat", "--", `${path}/${OWNER_FILE}`], { allowFailure: true });
  const o = parseOwner(r.code === 0 ? r.stdout : "");
  if (o.kind !== "lease" || o.owner.token !== token) return;
  await archiveJournal(host, path, session.inv.container.dataDir);
  await host.run(["rm", "-rf", "--", path]);
}
function releaseOwnCommand(path, token) {
  return [
    "sh",
    "-c",
    '[ -e "$2" ] || exit 0; o=$(cat -- "$2") || exit 1; case "$o" in *"$3"*) exec rm -rf -- "$1" ;; esac',
    "raftroll-unlock",
    path,
    `${path}/${OWNER_FILE}`,
    JSON.stringify({ token }).slice(1, -1)
  ];
}
async function archiveJournal(host, path, dataDir) {
  const from = `${path}/${JOURNAL_FILE}`;
  const exists = await host.run(["test", "-s", from], { allowFailure: true });
  if (exists.code !== 0) return void 0;
  const to = archivePath(dataDir, /* @__PURE__ */ new Date());
  await host.run(["mv", "-n", "--", from, to]);
  return to;
}
async function takeLease(session, purpose, o = {}) {
  const dataDir = session.inv.container.dataDir;
  const path = lockPath(dataDir);
  const shared = sharedLockPath(dataDir);
  const warn = o.onWarning ?? (() => {
  });
  const owner = newOwner(purpose, o.image);
  const ownerText = `${JSON.stringify(owner)}
`;
  const held = [];
  const skipped = [];
  const takenOver = [];
  const lease = new Lease(session, path, owner, held, skipped, takenOver, warn);
  const fail = async (e) => {
    await lease.undo();
    throw e;
  };
  const plan = [];
  const seen = await Promise.all(
    session.inv.nodes.map((node) => {
      const host = session.host(node);
      return Promise.all([readLock(host, shared), readLock(host, path)]).catch((e) => e);
    })
  );
  for (const [k, node] of session.inv.nodes.entries()) {
    const host = session.host(node);
    const got = seen[k];
    if (got instanceof Error) {
      skipped.push(node.id);
      warn(node.id, `not locked: the host could not be reached (${got.message})`);
      continue;
    }
    const [old, mine] = got;
    if (old.state === "held") throw lockedError(old, node.id);
    if (mine.state === "held") {
      if (!(mine.stale && o.takeOverStale)) throw lockedError(mine, node.id);
      plan.push({ node, host, takeOver: mine });
    } else plan.push({ node, host });
  }
  const takeOne = async (p) => {
    if (p.takeOver) {
      const prev = p.takeOver;
      const prevOwner = prev.owner.owner;
      const marker = `${path}/${TAKEOVER_PREFIX}${prevOwner.token}`;
      const won = await p.host.run(["mkdir", "--", marker], { allowFailure: true });
      if (won.code !== 0) throw await conflict(p.host, path, p.node.id);
      held.push({ node: p.node, host: p.host, previousOwner: prev.ownerText, marker });
      await p.host.run(writeStdinTo(`${path}/${OWNER_FILE}`), { input: ownerText });
      takenOver.push({ node: p.node.id, previous: prevOwner, entries: prev.entries });
      await appendJournal(p.host, `${path}/${JOURNAL_FILE}`, {
        at: (/* @__PURE__ */ new Date()).toISOString(),
        run: owner.token,
        node: p.node.id,
        phase: "take-over",
        detail: `stale lease of ${holderLine(prevOwner)} taken over`
      });
      await p.host.run(["touch", "--", `${path}/${HEARTBEAT_FILE}`]);
      return;
    }
    const made = await p.host.run(takeLockCommand(path), { input: ownerText, allowFailure: true }).catch((e) => ({ code: -1, stderr: e.message }));
    if (made.code === MKDIR_FAILED && /exists/i.test(made.stderr))
      throw await conflict(p.host, path, p.node.id);
    if (made.code !== 0) {
      if (made.code !== MKDIR_FAILED && made.code !== -1) held.push({ node: p.node, host: p.host });
      throw new Error(
        `${p.node.id}: cannot take the cluster lock at ${path}: ${made.stderr.trim()}; the directory holding the data directory must exist and be writable (with sudo if the inventory says so)`
      );
    }
    held.push({ node: p.node, host: p.host });
  };
  try {
    const [first, ...rest] = plan;
    if (first) await takeOne(first);
    const took = await Promise.allSettled(rest.map(takeOne));
    const lost = took.find((r) => r.status === "rejected");
    if (lost) throw lost.reason;
  } catch (e) {
    await fail(e);
  }
  lease.startHeartbeat(o.heartbeatMs);
  return lease;
}
var MKDIR_FAILED = 97;
function takeLockCommand(path) {
  return [
    "sh",
    "-c",
    `mkdir -m 0700 -- "$1" || exit ${MKDIR_FAILED}; umask 077 && cat > "$2" && touch -- "$3"`,
    "raftroll-lock",
    path,
    `${path}/${OWNER_FILE}`,
    `${path}/${HEARTBEAT_FILE}`
  ];
}

export {
  inFlight,
  finishPlan,
  walVerified,
  ageText,
  lockPath,
  sharedLockPath,
  readLock,
  describeHolder,
  ClusterLockedError,
  archiveJournal,
  takeLease
};
