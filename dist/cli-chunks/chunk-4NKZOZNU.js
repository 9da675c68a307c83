#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  previousName
} from "./chunk-W5BFIYAD.js";
import {
  observe
} from "./chunk-CJCWXONM.js";
import {
  inspect,
  prepare,
  startPrepared,
  stop,
  stopAndInspectThen
} from "./chunk-ED7TOYZQ.js";
import {
  repairPath,
  verifyPath,
  walDirsOf
} from "./chunk-6OLVQDZI.js";
import {
  LABEL,
  afterStopped,
  removeContainer,
  renameContainer,
  startContainer,
  stoppedAsSeen
} from "./chunk-OYZR7IG2.js";
import {
  ByteCursor,
  RecordType,
  cloneLoaderState,
  crc32cUpdate,
  decodeHardState,
  decodeSegment,
  decodeSnapshotRef,
  findSequenceGap,
  isFailure,
  isSha256,
  joinPath,
  newLoaderState,
  readSealedSegment,
  sameFile,
  selectSegments
} from "./chunk-6XTDMOB3.js";
import {
  toUint64,
  walkMessage
} from "./chunk-X6X2WM6E.js";
import {
  ETCD_VERSIONS
} from "./chunk-B2HVS2M6.js";

// src/events/events.ts
var Events = class {
  listeners = [];
  log = [];
  on(l) {
    this.listeners.push(l);
  }
  emit(e) {
    this.log.push(e);
    for (const l of this.listeners) l(e);
  }
};
function retryWarnings(events) {
  return (node, attempt, reason) => events.emit({
    type: "warning",
    at: Date.now(),
    node,
    message: `SSH connection retry ${attempt}: ${reason}`
  });
}

// src/events/gantt.ts
var plain = (s) => s.replace(/[:;#\n\r`]/g, " ").trim() || "-";
function ganttChart(title, timeline, endMs) {
  const nodes = [...new Set(timeline.map((p) => p.node))];
  const lines = ["gantt", `  title ${plain(title)}`, "  dateFormat x", "  axisFormat %M:%S"];
  for (const node of nodes) {
    const phases = timeline.filter((p) => p.node === node);
    const bars = phases.flatMap((p, i) => {
      if (p.phase === "done" || p.phase === "observe") return [];
      const end = phases[i + 1]?.atMs ?? endMs;
      return [`  ${plain(p.phase)} :${Math.max(0, p.atMs)}, ${Math.max(p.atMs + 1, end)}`];
    });
    if (bars.length) lines.push(`  section ${plain(node)}`, ...bars);
  }
  return lines.join("\n");
}
var ganttMarkdown = (title, timeline, endMs) => `\`\`\`mermaid
${ganttChart(title, timeline, endMs)}
\`\`\`
`;

// src/events/report.ts
function buildReport(events) {
  const start = events.find((e) => e.type === "rollout-start");
  const end = events.find((e) => e.type === "rollout-end");
  const t0 = start?.at ?? 0;
  const rows = events.flatMap((e) => e.type === "node-result" ? [e.row] : []);
  const count = (r) => rows.filter((x) => x.result === r).length;
  return {
    result: end?.type === "rollout-end" ? end.result : "failure",
    image: start?.type === "rollout-start" ? start.image : "",
    dryRun: start?.type === "rollout-start" ? start.dryRun : false,
    order: start?.type === "rollout-start" ? start.order : [],
    startedAt: new Date(t0).toISOString(),
    durationMs: (end?.at ?? t0) - t0,
    message: end?.type === "rollout-end" ? end.message : void 0,
    totals: {
      updated: count("updated"),
      skipped: count("skipped"),
      failed: count("failed"),
      rolledBack: count("rolled-back"),
      planned: count("planned")
    },
    nodes: rows,
    warnings: events.flatMap(
      (e) => e.type === "warning" ? [{ node: e.node, message: e.message }] : []
    ),
    timeline: phaseTimeline(events, t0)
  };
}
function phaseTimeline(events, t0) {
  return events.flatMap(
    (e) => e.type === "phase" ? [{ node: e.node, phase: e.phase, atMs: e.at - t0, detail: e.detail }] : []
  );
}
function progressLine(e, t0) {
  const at = `[${((e.at - t0) / 1e3).toFixed(1).padStart(6)}s]`;
  switch (e.type) {
    case "rollout-start":
      return `${at} ${e.dryRun ? "plan" : "roll"} ${e.image} over ${e.order.join(" -> ")}`;
    case "pull":
      return `${at} ${e.node.padEnd(8)} image ${e.pulled ? "pulled" : "present"}`;
    case "phase":
      return `${at} ${e.node.padEnd(8)} ${e.phase}${e.detail ? `: ${e.detail}` : ""}`;
    case "warning":
      return `${at} ${(e.node ?? "").padEnd(8)} warning: ${e.message}`;
    case "node-result": {
      const r = e.row;
      const down2 = r.downtimeMs !== void 0 ? ` down ${(r.downtimeMs / 1e3).toFixed(1)}s` : "";
      const read = walReadText(r);
      return `${at} ${r.node.padEnd(8)} ${r.result}: ${r.imageBefore} -> ${r.imageAfter}, was ${r.roleBefore}, WAL ${r.wal}${read ? ` (${read})` : ""}, handover ${r.handover}${down2}${r.finalLag !== void 0 ? `, lag ${r.finalLag}` : ""}${r.message ? ` (${r.message})` : ""}`;
    }
    case "rollout-end":
      return `${at} ${e.result}${e.message ? `: ${e.message}` : ""}`;
    case "finding":
      return `${at} ${e.node.padEnd(8)} ${e.finding.class} -> ${e.finding.action}: ${e.finding.why} [${factsLine(e.finding)}]`;
    case "heal-result":
      return `${at} ${e.node.padEnd(8)} ${e.result.outcome}: ${e.result.message}`;
  }
}
var MiB = (n) => `${Math.round(n / 2 ** 20)} MiB`;
function walReadText(r) {
  if (r.walBytesRead === void 0 && r.walBytesReadBeforeStop === void 0) return void 0;
  const mib = (b) => `${((b ?? 0) / 2 ** 20).toFixed(1)} MiB`;
  return `${mib(r.walBytesReadBeforeStop)} read before the stop, ${mib(r.walBytesRead)} after`;
}
function factsLine(d) {
  const f = d.facts;
  const parts = [`${d.role}${f.lag !== void 0 ? `, lag ${f.lag}` : ""}`];
  if (f.container) parts.push(f.container);
  if (f.memoryUsage !== void 0)
    parts.push(
      `memory ${MiB(f.memoryUsage)} of ${f.memoryLimit ? MiB(f.memoryLimit) : "no limit"}`
    );
  parts.push(`memory defaults ${d.memoryDefaults.applied ? "on" : "off"}`);
  if (f.diskFree !== void 0) parts.push(`${MiB(f.diskFree)} free on the data disk`);
  if (f.walVerdict) parts.push(`WAL ${f.walVerdict}`);
  if (f.staleBackups.length) parts.push(`stale backups: ${f.staleBackups.join(", ")}`);
  if (f.kernelOom?.length) parts.push(`${f.kernelOom.length} kernel OOM line(s)`);
  return parts.join("; ");
}

// src/node/thresholds.ts
var DEFAULT_THRESHOLDS = {
  maxLag: 1e3,
  stopGraceSeconds: 30,
  startTimeoutMs: 6e4,
  catchUpTimeoutMs: 3e5,
  // Caught up in STABLE_SAMPLES observations in a row is the default test; no fixed window.
  stabilizeMs: 0,
  handoverTimeoutMs: 3e4,
  leaderWaitMs: 3e4,
  pollMs: 250
};
function stopGraceOf(inv, given) {
  return given ?? inv.container.stopGraceSeconds ?? DEFAULT_THRESHOLDS.stopGraceSeconds;
}
function startTimeoutMsOf(inv, givenSeconds) {
  if (givenSeconds !== void 0) return givenSeconds * 1e3;
  return inv.engine === "elastickv" ? 3e5 : DEFAULT_THRESHOLDS.startTimeoutMs;
}

// src/node/views.ts
var ClusterViews = class {
  constructor(session) {
    this.session = session;
  }
  session;
  last;
  /** Every node's view, observed anew unless the last observation is at most maxAgeMs old. */
  async get(maxAgeMs = 0) {
    if (!this.last || Date.now() - this.last.at > maxAgeMs) {
      const at = Date.now();
      this.last = { at, views: await observe(this.session, this.session.inv.nodes) };
    }
    return this.last.views;
  }
};

// src/cli/progress.ts
function printProgress(events) {
  const t0 = Date.now();
  events.on((e) => {
    const line = progressLine(e, t0);
    if (line) process.stdout.write(`${line}
`);
  });
}

// src/node/errors.ts
var StepError = class extends Error {
  constructor(message, node, phase2, row) {
    super(message);
    this.node = node;
    this.phase = phase2;
    this.row = row;
  }
  node;
  phase;
  row;
  name = "StepError";
};

// src/node/guards.ts
function down(v) {
  if (!v.reachable) return `${v.id} is unreachable (${v.error})`;
  if (!v.container) return `${v.id} has no container`;
  if (!v.container.state.running || v.container.state.restarting) {
    return `${v.id}'s container is ${v.container.state.status}${v.container.state.restarting ? " (restarting)" : ""}`;
  }
  if (!v.raft) return `${v.id} does not answer Raft status (${v.raftError})`;
  return void 0;
}
function unhealthy(v, t) {
  const d = down(v);
  if (d) return d;
  if (v.lag === void 0) return `${v.id}'s lag is unknown (no leader seen)`;
  if (v.lag > t.maxLag) return `${v.id} trails the leader by ${v.lag} entries (max ${t.maxLag})`;
  return void 0;
}
function groupIdsOf(views) {
  const ids = new Set(views.flatMap((v) => (v.groups ?? []).map((g) => g.id)));
  return [...ids].sort((a, b) => a - b);
}
function projectGroup(views, id) {
  return views.map((v) => {
    const { groups, ...rest } = v;
    if (!groups) return rest;
    const g = groups.find((x) => x.id === id);
    return {
      ...rest,
      raft: g?.raft,
      raftError: g ? g.raftError : `does not serve Raft group ${id}`,
      lag: g?.lag
    };
  });
}
function perGroup(views) {
  const ids = groupIdsOf(views);
  if (!ids.length) return [[void 0, views]];
  return ids.map((id) => [id, projectGroup(views, id)]);
}
var inGroup = (id, why) => id === void 0 ? why : `Raft group ${id}: ${why}`;
function quorumOfGroup(target, views, t) {
  const peers = views.filter((v) => v.id !== target);
  const risk = `taking ${target} down now could cost the cluster its majority`;
  for (const v of peers) {
    const why = down(v);
    if (why) return { why: `peer ${why}; ${risk}`, electing: false };
  }
  if (!views.some((v) => v.raft?.role === "leader")) {
    const seen = views.find((v) => v.raft?.leaderId)?.raft?.leaderId;
    if (seen)
      return {
        why: `the cluster's leader (member ${seen}) is not a node of the inventory, so the guard cannot see it; add every member of the cluster to the inventory`,
        electing: false
      };
    return {
      why: "the cluster has no leader; nothing is touched while it elects or has lost quorum",
      electing: true
    };
  }
  const leaders = new Set(views.flatMap((v) => v.raft?.leaderId ? [v.raft.leaderId] : []));
  if (views.filter((v) => v.raft?.role === "leader").length > 1 || leaders.size > 1) {
    const seen = views.filter((v) => v.raft).map((v) => `${v.id} follows ${v.raft.leaderId ?? "none"} (term ${v.raft.term})`).join(", ");
    return {
      why: `the nodes do not agree on the leader (${seen}); nothing is touched during an election`,
      electing: true
    };
  }
  for (const v of peers) {
    const why = unhealthy(v, t);
    if (why) return { why: `peer ${why}; ${risk}`, electing: false };
  }
  return { electing: false };
}
function quorumCheck(target, views, t) {
  let electing;
  for (const [id, vs] of perGroup(views)) {
    const c = quorumOfGroup(target, vs, t);
    if (!c.why) continue;
    const out = { why: inGroup(id, c.why), electing: c.electing };
    if (!c.electing) return out;
    electing ??= out;
  }
  return electing ?? { electing: false };
}
function quorumGuard(target, views, t) {
  return quorumCheck(target, views, t).why;
}
function alreadyDown(v) {
  if (!v?.reachable || v.raft) return false;
  return !v.container?.state.running || v.container.state.restarting;
}
function handoverCandidates(leaderId, views, t) {
  return views.filter(
    (v) => v.id !== leaderId && v.raft?.role === "follower" && unhealthy(v, t) === void 0
  ).sort((a, b) => b.raft.appliedIndex - a.raft.appliedIndex || a.lag - b.lag);
}
function caughtUp(v, t) {
  if (!v) return "no observation";
  if (!v.container?.state.running || v.container.state.restarting)
    return `container ${v.container?.state.status ?? "missing"}`;
  for (const [id, [p]] of perGroup([v])) {
    const why = caughtUpInGroup(p, t);
    if (why) return inGroup(id, why);
  }
  return void 0;
}
function caughtUpInGroup(v, t) {
  if (!v.raft) return `raft status unavailable (${v.raftError ?? "no answer"})`;
  if (!v.raft.leaderId) return "no leader seen yet";
  if (v.lag === void 0) return "lag unknown";
  if (v.lag > t.maxLag) return `trails by ${v.lag} entries`;
  return void 0;
}
function transferTargets(leaderId, views, members, leader, t) {
  const targets = [];
  const skipped = [];
  const snap = leader.lastSnapshotIndex ?? 0;
  for (const view of handoverCandidates(leaderId, views, t)) {
    const member = members.find((m) => m.id === view.raft.id || m.name === view.id);
    if (!member) skipped.push(`${view.id} is not in the leader's member list`);
    else if (!member.voter) skipped.push(`${view.id} is a learner (no vote)`);
    else if (snap > 0 && (view.raft.lastLogIndex ?? -1) < snap)
      skipped.push(
        `${view.id}'s last log index ${view.raft.lastLogIndex ?? "unknown"} is below the leader's last snapshot index ${snap}`
      );
    else targets.push({ view, member });
  }
  return { targets, skipped };
}
function hostOf(address) {
  const rest = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/.*$/, "");
  const v6 = /^\[([^\]]+)\]/.exec(rest);
  if (v6) return v6[1];
  const colon = rest.lastIndexOf(":");
  return colon >= 0 ? rest.slice(0, colon) : rest;
}
function isMemberOf(m, n) {
  return m.name === n.id || m.id === n.id || hostOf(m.address) === n.host.replace(/^\[|\]$/g, "");
}
function membershipGuard(members, nodes) {
  const unknown = members.filter((m) => m.voter && !nodes.some((n) => isMemberOf(m, n)));
  if (!unknown.length) return void 0;
  const list2 = unknown.map((m) => `${m.name || m.id} (${m.address})`).join(", ");
  return `the cluster has voting member(s) the inventory does not list: ${list2}; the quorum guard cannot see them, so it cannot vouch for the majority. Add them to the inventory`;
}

// src/node/context.ts
function nodeContext(run, id, spec) {
  return { ...nodeBase(run, id), spec };
}
function nodeBase(run, id) {
  const inv = run.session.inv;
  const node = inv.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`node "${id}" is not in the inventory`);
  return {
    ...run,
    id,
    node,
    host: run.session.host(node),
    name: inv.container.name,
    prevName: previousName(inv.container.name),
    dataDir: inv.container.dataDir
  };
}
function phase(ctx, p, detail) {
  ctx.events.emit({ type: "phase", at: Date.now(), node: ctx.id, phase: p, detail });
}
function warn(ctx, message) {
  ctx.events.emit({ type: "warning", at: Date.now(), node: ctx.id, message });
}
function specRef(ctx, c) {
  const fingerprint = c.labels[LABEL.fingerprint];
  return { name: ctx.name, image: c.image, ...fingerprint ? { fingerprint } : {} };
}
async function journal(ctx, p, more = {}) {
  await ctx.journal?.record({ node: ctx.id, phase: p, ...more });
}

// src/node/catch-up.ts
var STABLE_SAMPLES = 3;
var CONFIRM_GAP_MS = 100;
var sleep = (ms) => new Promise((r) => setTimeout(r, ms));
var NO_NODE = "";
async function waitCaughtUp(session, id, t, o) {
  let stableSince;
  let samples = 0;
  let last = "";
  let seen = o.started;
  let first = true;
  for (; ; ) {
    o.signal?.throwIfAborted();
    const askedAt = Date.now();
    const between = samples > 0 && samples < STABLE_SAMPLES - 1 || first && o.started !== void 0;
    first = false;
    const views = await observe(session, session.inv.nodes, {
      inspectOnly: between ? NO_NODE : id
    });
    o.signal?.throwIfAborted();
    if (samples === 0) o.onViews?.(views);
    const v = views.find((x) => x.id === id);
    if (between) v.container = seen;
    seen = v.container;
    const c = v.container;
    if (c && (c.restartCount > (o.baselineRestarts ?? 0) || c.state.restarting)) {
      throw new Error(
        `the new container is crash-looping (restarted ${c.restartCount} time(s), last exit code ${c.state.exitCode})`
      );
    }
    if (c && c.state.status === "exited")
      throw new Error(`the new container exited with code ${c.state.exitCode}`);
    const why = caughtUp(v, t) ?? followsLeader(views, id) ?? o.also?.(v);
    const now = Date.now();
    if (why === void 0) {
      stableSince ??= now;
      samples++;
      if (samples >= STABLE_SAMPLES && now - stableSince >= t.stabilizeMs) return v.lag;
    } else {
      stableSince = void 0;
      samples = 0;
      last = why;
    }
    const limit = v.raft ? t.catchUpTimeoutMs : t.startTimeoutMs;
    if (now - o.startedAt > limit)
      throw new Error(`not caught up after ${Math.round((now - o.startedAt) / 1e3)} s: ${last}`);
    const gap = samples > 0 ? Math.min(t.pollMs, CONFIRM_GAP_MS) : t.pollMs;
    const wait = askedAt + gap - Date.now();
    if (wait > 0) await sleep(wait);
  }
}
function followsLeader(views, id) {
  for (const [group, gv] of perGroup(views)) {
    const where = group === void 0 ? "" : `Raft group ${group}: `;
    const v = gv.find((x) => x.id === id);
    const leader = gv.find((x) => x.raft?.role === "leader");
    if (!v?.raft) return `${where}no Raft status`;
    if (!leader?.raft) return `${where}no node answers as the leader`;
    if (leader.id === id) continue;
    if (v.raft.leaderId !== leader.raft.id || v.raft.term !== leader.raft.term)
      return `${where}follows ${v.raft.leaderId ?? "no leader"} in term ${v.raft.term}, but ${leader.id} leads in term ${leader.raft.term}`;
    if (v.raft.role !== "follower" && v.raft.role !== "learner")
      return `${where}is ${v.raft.role}, not yet a follower of ${leader.id}`;
  }
  return void 0;
}
function catchUp(ctx, startedAt, baselineRestarts = 0, signal, started) {
  return waitCaughtUp(ctx.session, ctx.id, ctx.t, {
    startedAt,
    baselineRestarts,
    signal,
    ...started ? { started } : {}
  });
}

// src/remote/host-files.ts
import { posix } from "node:path";

// src/remote/read-ahead.ts
var DATA_END_BLOCK = 512 * 1024;
var DATA_END_MARGIN = 512 * 1024;
var Range = class {
  constructor(io, path, want, after) {
    this.io = io;
    this.path = path;
    this.want = want;
    this.it = io.read(path, 0, want, after)[Symbol.asyncIterator]();
    void this.pump();
  }
  io;
  path;
  want;
  chunks = [];
  received = 0;
  /** Set when the stream ended: an Error when it failed, GIVEN_UP when it was stopped. */
  ended;
  waiters = [];
  it;
  wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  async pump() {
    try {
      for (; ; ) {
        const r = await this.it.next();
        if (r.done) break;
        this.chunks.push(Buffer.from(r.value));
        this.received += r.value.length;
        this.wake();
        if (this.ended) break;
      }
      this.ended ??= this.received === this.want ? true : new Error("the range came short");
    } catch (e) {
      this.ended ??= e;
    }
    this.wake();
  }
  get complete() {
    return this.ended === true;
  }
  /** Waits up to ms for the stream to end; true when the whole range arrived. */
  async settle(ms) {
    if (!this.ended && ms > 0) {
      let timer;
      await new Promise((done) => {
        timer = setTimeout(done, ms);
        const check = () => this.ended ? done() : this.waiters.push(check);
        check();
      });
      clearTimeout(timer);
    }
    return this.complete;
  }
  /** Stops the stream where it is: the rest of the range is fetched only if it is read. */
  giveUp() {
    if (this.ended) return;
    this.ended = GIVEN_UP;
    void this.it.return?.();
    this.wake();
  }
  /** The range's bytes: those that arrived, then the rest from the host if it was given up. */
  async *replay() {
    let at = 0;
    try {
      for (let k = 0; ; k++) {
        while (k >= this.chunks.length && !this.ended)
          await new Promise((r) => this.waiters.push(r));
        if (k < this.chunks.length) {
          at += this.chunks[k].length;
          yield this.chunks[k];
          continue;
        }
        if (this.ended === GIVEN_UP) {
          if (at < this.want) yield* this.io.read(this.path, at, this.want);
          return;
        }
        if (this.ended !== true) throw this.ended;
        return;
      }
    } finally {
      this.giveUp();
    }
  }
  /**
   * Index of the first non-zero byte at or after `from` among the bytes that arrived, or
   * `received` when none (`want` once the range is complete).
   */
  firstNonZero(from) {
    let base = 0;
    for (const c of this.chunks) {
      for (let i = Math.max(0, from - base); i < c.length; i++) if (c[i] !== 0) return base + i;
      base += c.length;
    }
    return this.received;
  }
};
var GIVEN_UP = new Error("the read ahead was given up");
var ReadAhead = class {
  constructor(io, window) {
    this.io = io;
    this.window = window;
  }
  io;
  window;
  ahead = /* @__PURE__ */ new Map();
  /**
   * Starts the first range's read and the zero check of the rest, for each segment; with
   * `after`, each waits on the host for the container's stop.
   */
  start(tails, after) {
    for (const { path, size, dataEnd } of tails) {
      if (this.ahead.has(path) || size <= 0) continue;
      const end = Math.min(Math.max(this.window, (dataEnd ?? 0) + DATA_END_MARGIN), size);
      const range = new Range(this.io, path, end, after);
      const rest = end < size ? this.io.zeros(path, end, size, after).catch(() => "unknown") : Promise.resolve(void 0);
      this.ahead.set(path, { size, range, rest });
    }
  }
  /** Everything fetched is forgotten: a write may have changed any of it. */
  clear() {
    for (const a of this.ahead.values()) a.range.giveUp();
    this.ahead.clear();
  }
  /** Where the range fetched ahead from `start` ends, if one is. */
  rangeEnd(path, start) {
    return start === 0 ? this.ahead.get(path)?.range.want : void 0;
  }
  /** Bytes [start, end) of path, as they arrive, when exactly those are being fetched. */
  bytes(path, start, end) {
    const a = this.ahead.get(path);
    if (!a || start !== 0 || end !== a.range.want) return void 0;
    if (a.range.ended instanceof Error && a.range.ended !== GIVEN_UP) return void 0;
    return a.range.replay();
  }
  /**
   * The first non-zero byte in [start, end) of a file whose size is `end`, from the fetched range
   * and the zero check beyond it; 'unknown' when they do not cover the question.
   */
  async firstNonZero(path, start, end) {
    const a = this.ahead.get(path);
    if (!a || end !== a.size || start < 0) return "unknown";
    const inRange = await this.firstNonZeroInRange(path, a.range, start);
    if (inRange === "unknown" || inRange < a.range.want) return inRange;
    const rest = await a.rest;
    if (rest === "unknown" || rest === void 0) return rest;
    return rest >= start ? rest : "unknown";
  }
  /**
   * The first non-zero byte in [start, want) of the range, `want` for none. What is missing of
   * it comes from the stream if it arrives within RANGE_GRACE_MS, else from cmp on the host over
   * just the missing part: both are the file as it is after the stop.
   */
  async firstNonZeroInRange(path, range, start) {
    if (start >= range.want) return range.want;
    if (!await range.settle(RANGE_GRACE_MS)) range.giveUp();
    const seen = range.firstNonZero(start);
    if (seen < range.received || range.complete) return seen;
    const from = Math.max(start, range.received);
    const r = await this.io.zeros(path, from, range.want).catch(() => "unknown");
    return r === void 0 ? range.want : r;
  }
};
var RANGE_GRACE_MS = 100;

// src/remote/host-files.ts
var KINDS = { f: "file", d: "dir" };
function absolutePath(path, what = "path") {
  if (!path.startsWith("/") || posix.normalize(path) !== path || path.length > 1 && path.endsWith("/") || path.includes("\0"))
    throw new Error(
      `${what} ${JSON.stringify(path)} is not an absolute, normalized path: expected /dir/... with no "..", ".", "//" or trailing "/"`
    );
  return path;
}
var READ_WINDOW = 1 << 20;
function zeroCheckCommand(path, start, end) {
  return [
    "env",
    "LC_ALL=C",
    "cmp",
    `--bytes=${end - start}`,
    `--ignore-initial=${start}:0`,
    "--",
    path,
    "/dev/zero"
  ];
}
function dataEndCommand(path, size, block) {
  return [
    "sh",
    "-c",
    [
      "p=$1; n=$2; b=$3; x=0",
      'while [ "$x" -lt "$n" ]; do',
      '  r=$(LC_ALL=C cmp --bytes=$((n - x)) --ignore-initial="$x":0 -- "$p" /dev/zero) && break',
      '  case $r in *" differ: "*) ;; *) exit 1 ;; esac',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's parameter expansion
      "  k=${r##* differ: }; k=${k#byte }; k=${k#char }; k=${k%%,*}",
      '  case $k in "" | *[!0-9]*) exit 1 ;; esac',
      "  x=$(( (x + k - 1) / b * b + b ))",
      "done",
      'echo "$x"'
    ].join("\n"),
    "raftroll-data-end",
    path,
    String(size),
    String(block)
  ];
}
function identityStatCommand(paths) {
  return ["find", ...paths, "-maxdepth", "0", "-printf", "%s %T@ %C@ %i %f\\0"];
}
function contentsCommand(paths) {
  return [
    "sh",
    "-c",
    [
      "for p do",
      '  [ -e "$p" ] || continue',
      '  h=$(sha256sum < "$p") || exit 1',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's parameter expansion
      '  printf "%s " "${h%% *}"',
      `  find "$p" -maxdepth 0 -printf '%s %T@ %C@ %i %f\\0' || exit 1`,
      "done"
    ].join("\n"),
    "raftroll-contents",
    ...paths
  ];
}
function parseIdentities(out, withHash) {
  const ids = /* @__PURE__ */ new Map();
  for (const rec of out.split("\0").filter(Boolean)) {
    const words = rec.split(" ");
    const sha256 = withHash ? words.shift() : void 0;
    if (withHash && !isSha256(sha256 ?? "")) continue;
    const [size, mtime, ctime, inode, ...name] = words;
    const n = name.join(" ");
    const id = {
      name: n,
      size: Number(size),
      mtimeNs: mtime ?? "",
      fingerprint: fingerprintOf(ctime, inode)
    };
    ids.set(n, withHash ? { ...id, sha256: sha256 ?? "" } : id);
  }
  return ids;
}
var fingerprintOf = (ctime, inode) => `ctime ${ctime} inode ${inode}`;
var SURVEY_DEPTH = 8;
function surveyCommand(root) {
  return ["find", root, "-maxdepth", String(SURVEY_DEPTH), "-printf", "%y %s %T@ %C@ %i %p\\0"];
}
function parseSurvey(root, out) {
  const at = /* @__PURE__ */ new Map();
  const children = /* @__PURE__ */ new Map();
  const depth = (p) => p === root ? 0 : p.slice(root.length).split("/").length - 1;
  for (const rec of out.split("\0").filter(Boolean)) {
    const [type, size, mtime, ctime, inode, ...rest] = rec.split(" ");
    const path = rest.join(" ");
    const kind = KINDS[type] ?? "other";
    at.set(path, {
      kind,
      size: Number(size),
      mtimeNs: mtime ?? "",
      fingerprint: fingerprintOf(ctime, inode)
    });
    if (kind === "dir" && depth(path) < SURVEY_DEPTH && !children.has(path)) children.set(path, []);
  }
  for (const path of at.keys()) {
    if (path === root) continue;
    children.get(posix.dirname(path))?.push(posix.basename(path));
  }
  return { root, at, children };
}
var HostFiles = class {
  /**
   * `everyByte`: stream whole files and read zeros too, as before ranges and on-host zero checks
   * existed; for measuring what they save.
   */
  constructor(host, opts = {}) {
    this.host = host;
    this.opts = opts;
    this.readWindow = opts.everyByte ? void 0 : READ_WINDOW;
    this.ahead = new ReadAhead(
      {
        read: (p, a, b, after) => this.fetch(p, a, b, after),
        zeros: (p, a, b, after) => this.compareWithZeros(p, a, b, after)
      },
      READ_WINDOW
    );
  }
  host;
  opts;
  ahead;
  /** The survey of `root` sent with readAhead, until survey() takes it. */
  surveyAhead;
  /**
   * Starts the reads the WAL step will ask first after a stop: the survey of `root`, each last
   * segment's first range and the zero check of the rest (see ReadAhead). What they fetch is
   * taken as the files' content from then on: call it once the node is stopped, or give
   * `after`, whose gate holds each read on the host until the container is down; then call
   * forget() unless the container stopped is the run seen before the stop.
   */
  readAhead(tails, root, after) {
    if (root !== void 0 && !this.known) {
      const answer = this.runAfter(surveyCommand(absolutePath(root)), after);
      answer.catch(() => {
      });
      this.surveyAhead = { root, answer };
    }
    if (this.readWindow)
      this.ahead.start(
        tails.map((t) => ({ ...t, path: absolutePath(t.path) })),
        after
      );
  }
  /** argv on the host, held by `after`'s gate when given, its failure returned. */
  runAfter(argv, after) {
    return this.host.run(after ? after.gate(argv) : argv, {
      allowFailure: true,
      ...after ? { timeoutMs: after.timeoutMs } : {}
    });
  }
  get where() {
    return `${this.host.name} (${this.host.address})`;
  }
  /** What the last survey found; forgotten at every write. */
  known;
  async survey(root) {
    if (this.known?.root === root) return;
    this.known = void 0;
    const ahead = this.surveyAhead?.root === root ? this.surveyAhead.answer : void 0;
    this.surveyAhead = void 0;
    const early = await ahead?.catch(() => void 0);
    const r = early?.code === 0 ? early : await this.host.run(surveyCommand(absolutePath(root)), { allowFailure: true });
    if (r.code === 0) this.known = parseSurvey(root, r.stdout);
  }
  forget() {
    this.known = void 0;
    this.surveyAhead = void 0;
    this.ahead.clear();
  }
  /** The survey's entry for path, null when the survey shows it absent, undefined: unknown. */
  surveyed(path) {
    const k = this.known;
    if (!k) return void 0;
    const hit = k.at.get(path);
    if (hit) return hit;
    return k.children.has(posix.dirname(path)) ? null : void 0;
  }
  async stat(path) {
    const known = this.surveyed(path);
    if (known === null) return void 0;
    if (known) return { kind: known.kind, size: known.size, mtimeNs: known.mtimeNs };
    const r = await this.host.run(
      ["find", absolutePath(path), "-maxdepth", "0", "-printf", "%y %s %T@\\n"],
      {
        allowFailure: true
      }
    );
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return void 0;
      throw new Error(`${this.where}: cannot stat ${path}: ${r.stderr.trim()}`);
    }
    const [type, size, mtime] = r.stdout.trim().split(" ");
    return { kind: KINDS[type] ?? "other", size: Number(size), mtimeNs: mtime ?? "" };
  }
  async list(dir) {
    const names = this.known?.children.get(dir);
    if (names)
      return names.map((name) => {
        const e = this.known.at.get(posix.join(dir, name));
        return { kind: e.kind, size: e.size, name };
      });
    const r = await this.host.run([
      "find",
      absolutePath(dir),
      "-mindepth",
      "1",
      "-maxdepth",
      "1",
      "-printf",
      "%y %s %f\\0"
    ]);
    return r.stdout.split("\0").filter(Boolean).map((line) => {
      const a = line.indexOf(" ");
      const b = line.indexOf(" ", a + 1);
      return {
        kind: KINDS[line.slice(0, a)] ?? "other",
        size: Number(line.slice(a + 1, b)),
        name: line.slice(b + 1)
      };
    });
  }
  async findWalDirs(root) {
    const k = this.known;
    if (k && k.root === root) {
      const dirs = /* @__PURE__ */ new Set();
      for (const [path, e] of k.at)
        if (e.kind === "file" && path.endsWith(".wal")) dirs.add(posix.dirname(path));
      return [...dirs].sort();
    }
    const r = await this.host.run([
      "find",
      absolutePath(root),
      "-maxdepth",
      "8",
      "-type",
      "f",
      "-name",
      "*.wal",
      "-printf",
      "%h\\0"
    ]);
    return [...new Set(r.stdout.split("\0").filter(Boolean))].sort();
  }
  /** Bytes streamed from the host so far: what the WAL step costs on a slow link. */
  bytesRead = 0;
  async *read(path, start, end) {
    const fetched = start !== void 0 && end !== void 0 ? this.ahead.bytes(absolutePath(path), start, end) : void 0;
    if (fetched) {
      yield* fetched;
      return;
    }
    yield* this.fetch(path, start, end);
  }
  async *fetch(path, start, end, after) {
    for await (const chunk of this.host.readStream(absolutePath(path), start, end, after?.gate)) {
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }
  /**
   * One range fetched past the point where the WAL reader stops costs at most this much on the
   * link; a range costs a round trip, so it is not made smaller than it needs to be.
   */
  readWindow;
  /**
   * cmp(1) against /dev/zero over the range: the zeros are compared on the host and only the
   * answer travels. cmp names the first differing byte (1-based, counted from the skip); when
   * its answer cannot be read, the start of the range is returned, so the caller reads it all.
   */
  async firstNonZero(path, start, end) {
    if (end <= start) return void 0;
    if (this.opts.everyByte) return start;
    const known = await this.ahead.firstNonZero(absolutePath(path), start, end);
    if (known !== "unknown") return known;
    return this.compareWithZeros(path, start, end);
  }
  async compareWithZeros(path, start, end, after) {
    const r = await this.runAfter(zeroCheckCommand(absolutePath(path), start, end), after);
    if (r.code === 0) return void 0;
    const m = /differ: (?:byte|char) (\d+)/.exec(r.stdout);
    if (r.code === 1 && m) return start + Number(m[1]) - 1;
    if (r.code === 1) return start;
    throw new Error(
      `${this.where}: cannot compare ${path} [${start}, ${end}) with /dev/zero: ${r.stderr.trim() || `cmp exited ${r.code}`}`
    );
  }
  /**
   * Where path's non-zero bytes ended, rounded up to `block` (see dataEndCommand), or undefined
   * when the host could not tell: a hint for sizing reads, never a verdict.
   */
  async dataEnd(path, size, block) {
    const r = await this.host.run(dataEndCommand(absolutePath(path), size, block), {
      allowFailure: true
    });
    const x = Number(r.stdout.trim());
    return r.code === 0 && /^\d+$/.test(r.stdout.trim()) ? Math.min(x, size) : void 0;
  }
  rangeEnd(path, start) {
    return this.readWindow ? this.ahead.rangeEnd(absolutePath(path), start) : void 0;
  }
  /**
   * find(1) for size, mtime, ctime and inode: no byte of content is read, so it costs the same
   * for a 64 MB segment as for an empty one. Any write through the file system moves ctime,
   * and no call can set it back (touch and utimes move it too); a file replaced by another has
   * a new inode.
   */
  async identify(dir, names) {
    const out = /* @__PURE__ */ new Map();
    if (names.length === 0) return out;
    const paths = names.map((n) => absolutePath(posix.join(absolutePath(dir), n), "WAL file"));
    if (this.known?.children.has(dir)) {
      for (const [k, path] of paths.entries()) {
        const e = this.known.at.get(path);
        if (e)
          out.set(names[k], {
            name: names[k],
            size: e.size,
            mtimeNs: e.mtimeNs,
            fingerprint: e.fingerprint
          });
      }
      return out;
    }
    const r = await this.host.run(identityStatCommand(paths), { allowFailure: true });
    if (r.code !== 0 && !/No such file or directory/.test(r.stderr))
      throw new Error(`${this.where}: cannot stat the WAL segments in ${dir}: ${r.stderr.trim()}`);
    return parseIdentities(r.stdout, false);
  }
  /** sha256sum on the host; a missing file is left out (see contentsCommand). */
  async contents(dir, names) {
    if (names.length === 0) return /* @__PURE__ */ new Map();
    const paths = names.map((n) => absolutePath(posix.join(absolutePath(dir), n), "WAL file"));
    const r = await this.host.run(contentsCommand(paths), { allowFailure: true });
    if (r.code !== 0)
      throw new Error(`${this.where}: cannot hash the WAL segments in ${dir}: ${r.stderr.trim()}`);
    return parseIdentities(r.stdout, true);
  }
  /**
   * A small file's text (raftroll's own record beside the data directory), or undefined when
   * there is none. Its bytes count as read.
   */
  async readText(path) {
    const r = await this.host.run(["env", "LC_ALL=C", "cat", "--", absolutePath(path)], {
      allowFailure: true
    });
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return void 0;
      throw new Error(`${this.where}: cannot read ${path}: ${r.stderr.trim()}`);
    }
    this.bytesRead += Buffer.byteLength(r.stdout);
    return r.stdout;
  }
  /**
   * Replaces path with text, readable by its owner only, in one rename: a reader sees the old
   * text or the new, never part of it. Not a WAL file: nothing is synced.
   */
  async replaceText(path, text) {
    const r = await this.host.run(
      [
        "sh",
        "-c",
        // A leftover `.new` (a run killed mid-write) is removed, not written through.
        [
          // mv would move the file into a directory of that name.
          'if [ -d "$1" ]; then echo "$1 is a directory" >&2; exit 1; fi',
          'rm -f -- "$1.new" && umask 077 && set -C && cat > "$1.new" && mv -f -- "$1.new" "$1"'
        ].join("\n"),
        "raftroll-replace",
        absolutePath(path)
      ],
      { input: text, allowFailure: true }
    );
    if (r.code !== 0) throw new Error(`${this.where}: cannot write ${path}: ${r.stderr.trim()}`);
  }
  async copyNew(src, dst) {
    this.forget();
    absolutePath(src);
    const exists = await this.host.run(["test", "-e", absolutePath(dst)], { allowFailure: true });
    if (exists.code === 0)
      throw new Error(`${this.where}: ${dst} already exists; refusing to overwrite a backup`);
    await this.host.run([
      "cp",
      "--no-clobber",
      "--preserve=mode,ownership,timestamps",
      "--",
      src,
      dst
    ]);
    await this.host.run(["cmp", "--", src, dst]);
    await this.host.run(["sync", "--", dst, posix.dirname(dst)]);
  }
  async ensureDir(path) {
    this.forget();
    await this.host.run(["mkdir", "-p", "-m", "0700", "--", absolutePath(path)]);
    await this.host.run(["sync", "--", posix.dirname(path)]);
  }
  async truncate(path, size) {
    this.forget();
    absolutePath(path);
    await this.host.run(["truncate", "--no-create", `--size=${size}`, "--", path]);
    await this.host.run(["sync", "--", path, posix.dirname(path)]);
  }
};

// src/wal/sealed.ts
async function readSealed(files, path, rules, recorded = /* @__PURE__ */ new Map()) {
  if (!files.identify) return [];
  const out = [];
  for (const dir of await walDirsOf(files, path)) {
    const p = await readSealedDir(files, dir, rules, recorded.get(dir));
    if (p) out.push(p);
  }
  return out;
}
async function readSealedDir(files, dir, rules, recorded) {
  const { segments } = selectSegments((await files.list(dir)).map((e) => e.name));
  const sealed = segments.slice(0, -1);
  if (sealed.length === 0 || findSequenceGap(segments)) return void 0;
  const names = sealed.map((s) => s.name);
  const ids = await files.identify(dir, names);
  const kept = await stillRecorded(files, dir, rules, names, ids, recorded);
  const state = kept ? cloneLoaderState(kept.state) : newLoaderState(Number(segments[0].index));
  const hazards = kept ? [...kept.hazards] : [];
  const identities = kept ? [...kept.segments] : [];
  const sha256 = kept ? [...kept.sha256] : [];
  const fresh = sealed.slice(identities.length);
  for (const s of fresh) {
    const id = ids.get(s.name);
    if (!id || id.size === 0) return void 0;
    const end = await readSealedSegment(files, `${dir}/${s.name}`, id.size, state, rules, hazards);
    if (end.kind === "fail") return void 0;
    identities.push(id);
  }
  const prefix = {
    dir,
    etcdVersion: rules.version,
    segments: identities,
    state,
    hazards
  };
  const now = fresh.length ? await files.contents?.(
    dir,
    fresh.map((s) => s.name)
  ).catch(() => void 0) : /* @__PURE__ */ new Map();
  for (const s of fresh) {
    const c = now?.get(s.name);
    if (!c || !sameFile(ids.get(s.name), c)) return prefix;
    sha256.push(c.sha256);
  }
  prefix.sha256 = sha256;
  return prefix;
}
async function stillRecorded(files, dir, rules, names, ids, recorded) {
  if (!recorded?.sha256 || !files.contents) return void 0;
  const segs = recorded.segments;
  if (recorded.dir !== dir || recorded.etcdVersion !== rules.version) return void 0;
  if (segs.length > names.length || segs.some((s, i) => s.name !== names[i])) return void 0;
  if (!segs.every((s) => sameFile(s, ids.get(s.name)))) return void 0;
  const now = await files.contents(
    dir,
    segs.map((s) => s.name)
  ).catch(() => void 0);
  const same = segs.every((s, i) => {
    const c = now?.get(s.name);
    return !!c && sameFile(s, c) && c.sha256 === recorded.sha256[i];
  });
  return same ? recorded : void 0;
}

// src/wal/sealed-manifest.ts
import { createHash } from "node:crypto";
var MANIFEST_FORMAT = "raftroll sealed WAL segments 1";
var WAL_ENGINE = true ? "a22a49ed1855519ed214fdc1dad738ab4979e4a88479cfe9429ea44fc35026f6" : "unbundled";
function manifestPath(dataDir) {
  const trimmed = dataDir.replace(/\/+$/, "");
  const cut = trimmed.lastIndexOf("/");
  return `${trimmed.slice(0, cut + 1)}.raftroll-sealed-${trimmed.slice(cut + 1)}.json`;
}
var recordable = (p) => p.sha256?.length === p.segments.length;
function encodeManifest(prefixes) {
  const dirs = prefixes.filter(recordable).map((p) => ({
    dir: p.dir,
    etcdVersion: p.etcdVersion,
    segments: p.segments.map((s, i) => ({
      name: s.name,
      size: s.size,
      mtimeNs: s.mtimeNs,
      fingerprint: s.fingerprint,
      sha256: p.sha256[i]
    })),
    state: {
      ...p.state,
      metadata: p.state.metadata && Buffer.from(p.state.metadata).toString("base64")
    },
    // In one order whatever order they were made in: the same record is the same text.
    hazards: p.hazards.map((h) => ({
      kind: h.kind,
      message: h.message,
      segment: h.segment,
      offset: h.offset
    }))
  }));
  if (dirs.length === 0) return void 0;
  const body = JSON.stringify(dirs);
  return `${JSON.stringify({ format: MANIFEST_FORMAT, engine: WAL_ENGINE, sha256: digest(body), dirs: JSON.parse(body) })}
`;
}
var digest = (s) => createHash("sha256").update(s).digest("hex");
var ManifestError = class extends Error {
  name = "ManifestError";
};
function decodeManifest(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ManifestError("not JSON");
  }
  const o = obj(doc, "the record");
  if (o.format !== MANIFEST_FORMAT)
    throw new ManifestError(`format ${JSON.stringify(o.format)}, expected "${MANIFEST_FORMAT}"`);
  if (o.engine !== WAL_ENGINE)
    throw new ManifestError("it was written by another build of the WAL engine");
  if (!Array.isArray(o.dirs)) throw new ManifestError("no list of directories");
  if (o.sha256 !== digest(JSON.stringify(o.dirs)))
    throw new ManifestError("its checksum does not match its content");
  const out = /* @__PURE__ */ new Map();
  for (const d of o.dirs) {
    const p = prefixOf(obj(d, "a directory"));
    if (out.has(p.dir)) throw new ManifestError(`${p.dir} is recorded twice`);
    out.set(p.dir, p);
  }
  return out;
}
function prefixOf(d) {
  const segs = list(d.segments, "segments").map((s) => obj(s, "a segment"));
  if (segs.length === 0) throw new ManifestError("a directory without segments");
  const version = str(d.etcdVersion, "etcdVersion");
  if (!ETCD_VERSIONS.includes(version))
    throw new ManifestError(`unknown etcd version ${version}`);
  return {
    dir: str(d.dir, "dir"),
    etcdVersion: version,
    segments: segs.map((s) => ({
      name: str(s.name, "name"),
      size: int(s.size, "size"),
      mtimeNs: str(s.mtimeNs, "mtimeNs"),
      fingerprint: str(s.fingerprint, "fingerprint")
    })),
    sha256: segs.map((s) => {
      const h = str(s.sha256, "sha256");
      if (!isSha256(h)) throw new ManifestError(`sha256 ${h} is not a SHA-256`);
      return h;
    }),
    state: stateOf(obj(d.state, "state")),
    hazards: list(d.hazards, "hazards").map((h) => hazardOf(obj(h, "a hazard")))
  };
}
function stateOf(s) {
  const decoder = obj(s.decoder, "decoder");
  return {
    decoder: { crc: int(decoder.crc, "decoder.crc") },
    startIndex: int(s.startIndex, "startIndex"),
    startTerm: opt(s.startTerm, (v) => int(v, "startTerm")),
    entsLen: int(s.entsLen, "entsLen"),
    metadata: opt(s.metadata, (v) => base64(str(v, "metadata"))),
    hardState: opt(s.hardState, (v) => hardStateOf(obj(v, "hardState"))),
    firstEntryIndex: opt(s.firstEntryIndex, (v) => int(v, "firstEntryIndex")),
    records: int(s.records, "records"),
    entryRecords: int(s.entryRecords, "entryRecords"),
    snapshots: int(s.snapshots, "snapshots"),
    snapshotMatched: bool(s.snapshotMatched, "snapshotMatched"),
    snapshotRefs: list(s.snapshotRefs, "snapshotRefs").map((r) => snapshotRefOf(obj(r, "ref")))
  };
}
var hardStateOf = (h) => ({
  term: int(h.term, "term"),
  vote: str(h.vote, "vote"),
  commit: int(h.commit, "commit")
});
var snapshotRefOf = (r) => ({
  index: int(r.index, "index"),
  term: int(r.term, "term")
});
var HAZARD_KINDS = /* @__PURE__ */ new Set([
  "data-after-end",
  "stale-backup",
  "sequence-gap",
  "empty-segment",
  "ignored-file",
  "skipped-tail"
]);
function hazardOf(h) {
  const kind = str(h.kind, "kind");
  if (!HAZARD_KINDS.has(kind)) throw new ManifestError(`unknown hazard ${kind}`);
  return {
    kind,
    message: str(h.message, "message"),
    ...h.segment === void 0 ? {} : { segment: str(h.segment, "segment") },
    ...h.offset === void 0 ? {} : { offset: int(h.offset, "offset") }
  };
}
function obj(v, what) {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ManifestError(`${what} is not an object`);
  return v;
}
function list(v, what) {
  if (!Array.isArray(v)) throw new ManifestError(`${what} is not a list`);
  return v;
}
function str(v, what) {
  if (typeof v !== "string") throw new ManifestError(`${what} is not a string`);
  return v;
}
function int(v, what) {
  if (!Number.isSafeInteger(v)) throw new ManifestError(`${what} is not an integer`);
  return v;
}
function bool(v, what) {
  if (typeof v !== "boolean") throw new ManifestError(`${what} is not true or false`);
  return v;
}
function base64(v) {
  const b = Buffer.from(v, "base64");
  if (b.toString("base64") !== v) throw new ManifestError("metadata is not base64");
  return b;
}
var opt = (v, f) => v === void 0 || v === null ? void 0 : f(v);

// src/wal/snapshots.ts
var SnapshotInputError = class extends Error {
  name = "SnapshotInputError";
};
var hex16 = (n) => n.toString(16).padStart(16, "0");
var hex8 = (n) => n.toString(16).padStart(8, "0");
var snapFileName = (r) => `${hex16(r.term)}-${hex16(r.index)}.snap`;
var fsmFileName = (index) => `${hex16(index)}.fsm`;
async function walSnapshotRecords(files, walDir, rules) {
  const entries = await files.list(walDir);
  const { segments } = selectSegments(entries.map((e) => e.name));
  const sizes = new Map(entries.map((e) => [e.name, e.size]));
  const state = { crc: 0 };
  const records = [];
  let commit = 0;
  const onRecord = (rec) => {
    if (rec.type.hi !== 0) return void 0;
    if (rec.type.lo === RecordType.crc) {
      if (state.crc !== 0 && rec.crc !== state.crc)
        return { kind: "error", message: "wal: crc mismatch" };
      state.crc = rec.crc;
    } else if (rec.type.lo === RecordType.state) {
      const h = decodeHardState(rec.buf, rec.dataStart, rec.dataEnd, rules.skip);
      if (isFailure(h)) return { kind: "panic", message: `mustUnmarshalState: ${h.message}` };
      commit = h.commit;
    } else if (rec.type.lo === RecordType.snapshot) {
      const s = decodeSnapshotRef(
        rec.buf,
        rec.dataStart,
        rec.dataEnd,
        rules.skip,
        rules.snapshotConfState
      );
      if (isFailure(s)) return { kind: "panic", message: `unmarshal snapshot: ${s.message}` };
      records.push({ index: s.index, term: s.term });
    }
    return void 0;
  };
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i].name;
    const cursor = new ByteCursor(files.read(joinPath(walDir, name)));
    try {
      const end = await decodeSegment(
        cursor,
        sizes.get(name) ?? 0,
        i === segments.length - 1,
        state,
        rules,
        onRecord
      );
      if (end.kind === "fail")
        throw new SnapshotInputError(
          `${joinPath(walDir, name)} at offset ${end.failure.offset}: ${end.failure.message}, while reading its snapshot records; the log changed after it was verified: is the node still running?`
        );
    } finally {
      await cursor.close();
    }
  }
  return { records, commit };
}
function startRecord(records, commit) {
  let best;
  for (const r of records) if (r.index <= commit && (!best || r.index >= best.index)) best = r;
  return best;
}
async function checkSnapshotFiles(files, dir, record, early = /* @__PURE__ */ new Map()) {
  const out = { dir, record, ok: true, files: [] };
  if (!record || record.index === 0) return out;
  const fail = (problem) => ({ ...out, ok: false, problem });
  const where = `the WAL's newest committed snapshot record (index ${record.index}, term ${record.term})`;
  const snapPath = joinPath(joinPath(dir, "snap"), snapFileName(record));
  const st = await files.stat(snapPath);
  if (!st)
    return fail(
      `${snapPath} does not exist; ${where} needs it, and the node cannot start without it`
    );
  if (st.kind !== "file") return fail(`${snapPath} is not a regular file; ${where} needs it`);
  if (st.size === 0)
    return fail(`${snapPath} is empty (0 bytes); expected the snapshot ${where} names`);
  const before = await unchanged(files, snapPath, early.get(snapPath));
  const snap = before?.kind === "snap" ? before.snap : await readSnapFile(files, snapPath, st.size);
  if ("problem" in snap)
    return fail(`${snapPath}: ${snap.problem}; expected the snapshot ${where} names`);
  if (snap.index !== record.index || snap.term !== record.term)
    return fail(
      `${snapPath} holds the snapshot of index ${snap.index}, term ${snap.term}, not the one its name and ${where} give; etcd would not start from it`
    );
  out.files.push(snapPath);
  const token = snap.token;
  if (!token) return out;
  if ("problem" in token) return fail(`${snapPath}: ${token.problem}`);
  const fsmPath = joinPath(joinPath(dir, "fsm-snap"), fsmFileName(token.index));
  const fsmBefore = await unchanged(files, fsmPath, early.get(fsmPath));
  const fsmRead = fsmBefore?.kind === "fsm" ? fsmBefore.fsm : await readFsmFile(files, fsmPath, token.crc);
  const fsm = fsmProblem(fsmRead, token.crc);
  if (fsm)
    return fail(
      `${fsmPath}: ${fsm}; the raft snapshot ${snapFileName(record)} names it (FSM snapshot index ${token.index}, CRC-32C ${hex8(token.crc)}) and elastickv cannot restore its state machine without it`
    );
  out.files.push(fsmPath);
  const unsummed = "unsummed" in fsmRead ? fsmRead.unsummed : void 0;
  if (unsummed !== void 0)
    out.skipped = `${fsmPath}: its footer matches the raft snapshot's token, but its ${unsummed} bytes of payload were not summed (more than ${FSM_SUM_LIMIT / 2 ** 20} MiB over the link); elastickv checks them when it restores`;
  return out;
}
async function checkSnapshots(files, walDir, rules, known, early) {
  const dir = parentOfWal(walDir);
  if (dir === void 0)
    return {
      dir: walDir,
      record: void 0,
      ok: true,
      files: [],
      skipped: `${walDir} is not named "wal", so the snapshot directory beside it is unknown (etcd keeps member/wal and member/snap, elastickv <group>/wal and <group>/snap); its snapshots were not checked`
    };
  const { records, commit } = known ?? await walSnapshotRecords(files, walDir, rules);
  return checkSnapshotFiles(files, dir, startRecord(records, commit), early);
}
function parentOfWal(walDir) {
  const trimmed = walDir.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (trimmed.slice(slash + 1) !== "wal") return void 0;
  return slash <= 0 ? "/" : trimmed.slice(0, slash);
}
var SNAP_NAME = /^[0-9a-f]{16}-[0-9a-f]{16}\.snap$/;
async function readSnapshotsEarly(files, walDirs) {
  const out = /* @__PURE__ */ new Map();
  if (!files.identify) return out;
  for (const walDir of walDirs) {
    const dir = parentOfWal(walDir);
    if (dir === void 0) continue;
    const snapDir = joinPath(dir, "snap");
    const names = (await files.list(snapDir).catch(() => [])).filter((e) => e.kind === "file" && SNAP_NAME.test(e.name)).map((e) => e.name).sort();
    const newest = names.at(-1);
    if (!newest) continue;
    const id = (await files.identify(snapDir, [newest])).get(newest);
    if (!id || id.size === 0) continue;
    const snapPath = joinPath(snapDir, newest);
    const snap = await readSnapFile(files, snapPath, id.size);
    out.set(snapPath, { kind: "snap", identity: id, snap });
    if ("problem" in snap || !snap.token || "problem" in snap.token) continue;
    const fsmDir = joinPath(dir, "fsm-snap");
    const fsmName = fsmFileName(snap.token.index);
    const fid = (await files.identify(fsmDir, [fsmName])).get(fsmName);
    if (!fid) continue;
    const fsm = await readFsmFile(files, joinPath(fsmDir, fsmName));
    out.set(joinPath(fsmDir, fsmName), { kind: "fsm", identity: fid, fsm });
  }
  return out;
}
async function unchanged(files, path, early) {
  if (!early || !files.identify) return void 0;
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const now = (await files.identify(path.slice(0, slash) || "/", [name])).get(name);
  return sameFile(early.identity, now) ? early : void 0;
}
var TOKEN_BYTES = 17;
var TOKEN_MAGIC = [69, 75, 86, 84];
var MAX_METADATA_BYTES = 1 << 20;
async function readSnapFile(files, path, size) {
  const s = new ProtoStream(new ByteCursor(files.read(path)));
  try {
    let crc;
    let inner;
    while (s.offset < size) {
      const { field, wire } = await s.tag(size);
      if (field === 1 && wire === 0) crc = Number(BigInt.asUintN(32, await s.varint(size)));
      else if (field === 2 && wire === 2) {
        const length = await s.length(size);
        s.crc = 0;
        s.crcOn = true;
        inner = { ...await readInnerSnapshot(s, s.offset + length), crc: s.crc, length };
        s.crcOn = false;
      } else await s.skipField(wire, size);
    }
    if (!inner || inner.length === 0 || !crc)
      return { problem: 'it holds no snapshot data or no checksum (etcd: "snap: empty snapshot")' };
    if (inner.crc !== crc)
      return {
        problem: `CRC-32C mismatch: the file records ${hex8(crc)}, its data sums to ${hex8(inner.crc)} (etcd: "snap: crc mismatch")`
      };
    return { index: inner.index, term: inner.term, token: inner.token };
  } catch (e) {
    if (e instanceof StreamError) return { problem: e.message };
    throw e;
  } finally {
    await s.close();
  }
}
async function readInnerSnapshot(s, end) {
  const out = { index: 0, term: 0 };
  while (s.offset < end) {
    const { field, wire } = await s.tag(end);
    if (field === 1 && wire === 2) {
      const n = await s.length(end);
      if (n === TOKEN_BYTES) out.token = decodeToken(await s.take(n));
      else {
        out.token = void 0;
        await s.skip(n);
      }
    } else if (field === 2 && wire === 2) {
      const n = await s.length(end);
      if (n > MAX_METADATA_BYTES)
        throw new StreamError(`the snapshot's metadata is ${n} bytes long, not a SnapshotMetadata`);
      const meta = await s.take(n);
      const f = walkMessage(
        meta,
        0,
        meta.length,
        { 1: "bytes", 2: "varint", 3: "varint" },
        "gogo-depth",
        {
          varint(num, v) {
            if (num === 2) out.index = toUint64(v);
            else out.term = toUint64(v);
          },
          bytes() {
          }
        },
        "SnapshotMetadata"
      );
      if (f) throw new StreamError(`the snapshot's metadata does not parse (${f.message})`);
    } else await s.skipField(wire, end);
  }
  if (s.offset !== end) throw new StreamError("the raft snapshot overruns its data field");
  return out;
}
function decodeToken(b) {
  if (!TOKEN_MAGIC.every((m, i) => b[i] === m)) return void 0;
  if (b[4] !== 1)
    return {
      problem: `the snapshot token has version ${b[4]}; elastickv knows version 1 only`
    };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { index: v.getBigUint64(5, false), crc: v.getUint32(13, false) };
}
var FSM_SUM_LIMIT = 256 * 2 ** 20;
async function readFsmFile(files, path, expectCrc) {
  const problem = (p) => ({ problem: p });
  const st = await files.stat(path);
  if (!st) return problem("it does not exist");
  if (st.kind !== "file") return problem("it is not a regular file");
  if (st.size < 4)
    return problem(`it is ${st.size} bytes long, shorter than its 4-byte CRC-32C footer`);
  const footerBytes = await collect(files.read(path, st.size - 4, st.size), 4);
  if (footerBytes.length !== 4) return problem("its CRC-32C footer could not be read whole");
  const footer = new DataView(footerBytes.buffer, footerBytes.byteOffset, 4).getUint32(0, false);
  if (expectCrc !== void 0 && footer !== expectCrc) return { footer };
  if (st.size - 4 > FSM_SUM_LIMIT) return { footer, unsummed: st.size - 4 };
  let crc = 0;
  let seen = 0;
  for await (const chunk of files.read(path, 0, st.size - 4)) {
    crc = crc32cUpdate(crc, chunk);
    seen += chunk.length;
  }
  if (seen !== st.size - 4)
    return problem(`it changed while it was read (${seen} of ${st.size - 4} bytes)`);
  if (crc !== footer)
    return problem(
      `its payload sums to CRC-32C ${hex8(crc)}, not the ${hex8(footer)} its footer records: the file is damaged`
    );
  return { footer };
}
function fsmProblem(r, tokenCrc) {
  if ("problem" in r) return r.problem;
  if (r.footer !== tokenCrc)
    return `its footer records CRC-32C ${hex8(r.footer)}, but the raft snapshot's token says ${hex8(tokenCrc)}`;
  return void 0;
}
async function collect(chunks, max) {
  const out = new Uint8Array(max);
  let n = 0;
  for await (const c of chunks) {
    const take = Math.min(c.length, max - n);
    out.set(c.subarray(0, take), n);
    n += take;
  }
  return out.subarray(0, n);
}
var StreamError = class extends Error {
};
var ProtoStream = class {
  constructor(c) {
    this.c = c;
  }
  c;
  crc = 0;
  crcOn = false;
  get offset() {
    return this.c.offset;
  }
  consume(n) {
    if (this.crcOn) this.crc = crc32cUpdate(this.crc, this.c.buf, this.c.pos, this.c.pos + n);
    this.c.pos += n;
  }
  async varint(end) {
    const want = Math.min(10, end - this.offset);
    await this.c.fill(want);
    const { buf, pos } = this.c;
    const have = Math.min(this.c.available, want);
    let v = 0n;
    for (let k = 0; k < have; k++) {
      const b = buf[pos + k];
      v |= BigInt(b & 127) << BigInt(7 * k);
      if (b < 128) {
        this.consume(k + 1);
        return v;
      }
    }
    throw new StreamError(
      `the file is cut or damaged at offset ${this.offset}: a number runs past its end`
    );
  }
  async tag(end) {
    const t = await this.varint(end);
    const field = Number(t >> 3n);
    if (field < 1 || field > 2 ** 29 - 1)
      throw new StreamError(`the file is damaged at offset ${this.offset}: field number ${field}`);
    return { field, wire: Number(t & 7n) };
  }
  async length(end) {
    const at = this.offset;
    const n = await this.varint(end);
    if (n > BigInt(end - this.offset))
      throw new StreamError(
        `the file is cut or damaged: a field at offset ${at} claims ${n} bytes, more than remain`
      );
    return Number(n);
  }
  async take(n) {
    if (!await this.c.fill(n))
      throw new StreamError(
        `the file ends at offset ${this.offset + this.c.available}, inside a field`
      );
    const out = Uint8Array.prototype.slice.call(this.c.buf, this.c.pos, this.c.pos + n);
    this.consume(n);
    return out;
  }
  async skip(n) {
    let left = n;
    while (left > 0) {
      if (this.c.available === 0 && !await this.c.fill(1))
        throw new StreamError(`the file ends at offset ${this.offset}, ${left} bytes into a field`);
      const step = Math.min(left, this.c.available);
      this.consume(step);
      left -= step;
    }
  }
  async skipField(wire, end) {
    if (wire === 0) await this.varint(end);
    else if (wire === 1) await this.skip(8);
    else if (wire === 5) await this.skip(4);
    else if (wire === 2) await this.skip(await this.length(end));
    else throw new StreamError(`the file is damaged at offset ${this.offset}: wire type ${wire}`);
  }
  close() {
    return this.c.close();
  }
};

// src/node/snapshots.ts
async function checkNodeSnapshots(ctx, files, verified, early) {
  let sound = 0;
  const known = new Map(verified.map((d) => [d.dir, d.snapshotRecords]));
  for (const dir of await walDirsOf(files, ctx.dataDir)) {
    const c = await checkSnapshots(files, dir, ctx.rules, known.get(dir), early);
    if (c.skipped) warn(ctx, c.skipped);
    if (!c.ok)
      throw new StepError(
        `${ctx.id}: the snapshot the node would start from is not usable: ${c.problem}. Nothing was started and the node stays stopped; the rest of the cluster keeps its majority. Restore the file, or re-seed the member, then run again.`,
        ctx.id,
        "wal"
      );
    sound += c.files.length;
  }
  return sound ? `; ${sound} snapshot file(s) sound` : "";
}

// src/node/wal.ts
var FULL_READ_ENV = "RAFTROLL_WAL_FULL_READ";
var fullRead = () => process.env[FULL_READ_ENV] === "1";
var NOTHING_EARLY = { sealed: [], snapshots: /* @__PURE__ */ new Map(), tails: [] };
async function lastSegments(files, dirs) {
  const out = [];
  for (const dir of dirs) {
    const entries = await files.list(dir);
    const last = selectSegments(entries.map((e) => e.name)).segments.at(-1);
    const size = entries.find((e) => e.name === last?.name)?.size;
    if (last && size) out.push({ path: `${dir}/${last.name}`, size });
  }
  return out;
}
async function readBeforeStop(ctx) {
  if (fullRead()) return NOTHING_EARLY;
  const files = new HostFiles(ctx.host);
  const record = manifestPath(ctx.dataDir);
  const recorded = readRecord(files, record);
  try {
    const dirs = await walDirsOf(files, ctx.dataDir);
    const ending = lastSegments(files, dirs).then(
      (tails2) => Promise.all(
        tails2.map(async (t) => {
          t.dataEnd = await files.dataEnd(t.path, t.size, DATA_END_BLOCK).catch(() => void 0);
          return t;
        })
      )
    );
    ending.catch(() => {
    });
    const known = await recorded;
    const sealed = await readSealed(files, ctx.dataDir, ctx.rules, known.prefixes);
    const text = encodeManifest(sealed);
    const saved = text && text !== known.text ? files.replaceText(record, text).then(
      () => void 0,
      (e) => `the record of verified sealed segments could not be written to ${record} (${e.message}); the next run reads them again`
    ) : void 0;
    const snapshots = await readSnapshotsEarly(files, dirs);
    const tails = await ending;
    const notes = [known.problem, await saved].filter((x) => !!x);
    return { sealed, snapshots, tails, bytes: files.bytesRead, ...notes.length ? { notes } : {} };
  } catch (e) {
    return {
      ...NOTHING_EARLY,
      bytes: files.bytesRead,
      problem: `the WAL could not be read before the stop (${e.message}); it is read in full after it`
    };
  }
}
async function readRecord(files, path) {
  let text;
  try {
    text = await files.readText(path);
    return { prefixes: text === void 0 ? /* @__PURE__ */ new Map() : decodeManifest(text), text };
  } catch (e) {
    return {
      prefixes: /* @__PURE__ */ new Map(),
      text,
      problem: `the record of verified sealed segments in ${path} was not used (${e.message}); they were read again`
    };
  }
}
function walFiles(ctx) {
  return new HostFiles(ctx.host, { everyByte: fullRead() });
}
function sendFirstReads(files, ctx, early, after) {
  if (!fullRead()) files.readAhead(early.tails, ctx.dataDir, after);
}
async function checkWal(ctx, read, early = NOTHING_EARLY, beforeWrite, sent) {
  const files = sent ?? walFiles(ctx);
  const { sealed, snapshots } = fullRead() ? NOTHING_EARLY : early;
  try {
    if (!sent) sendFirstReads(files, ctx, early);
    const { verdict, dirs } = await judge(ctx, files, sealed, beforeWrite);
    return verdict + await checkNodeSnapshots(ctx, files, dirs, snapshots);
  } finally {
    files.forget();
    read?.(files.bytesRead);
  }
}
async function judge(ctx, files, sealed, beforeWrite) {
  const { id, dataDir, rules } = ctx;
  const report = await verifyPath(files, dataDir, rules, sealed);
  for (const d2 of report.dirs) {
    if (d2.sealed && "why" in d2.sealed && sealed.some((p) => p.dir === d2.dir))
      warn(ctx, `${d2.dir}: ${d2.sealed.why}; its sealed segments were read again after the stop`);
  }
  if (report.verdict === "clean") return { verdict: "clean", dirs: report.dirs };
  if (report.verdict === "torn") {
    await beforeWrite;
    files.forget();
    const r = await repairPath(files, dataDir, rules, { sealed });
    if (r.after.verdict !== "clean") {
      throw new StepError(
        `${id}: the WAL is still ${r.after.verdict} after the repair; nothing was started`,
        id,
        "wal"
      );
    }
    for (const x of r.actions.slice(1))
      warn(ctx, `also repaired ${x.dir}/${x.segment} at ${x.truncatedAt} (backup ${x.backup})`);
    const a = r.actions[0];
    const dropped = droppedText(a.bytesDropped, report.dirs.find((x) => x.dir === a.dir)?.repair);
    warn(
      ctx,
      `repaired a torn WAL tail: ${a.segment} truncated at ${a.truncatedAt} (${dropped}; backup ${a.backup})`
    );
    return {
      verdict: `torn, repaired (${dropped}, ${a.entriesDropped.count} entries)`,
      dirs: r.after.dirs
    };
  }
  const d = report.dirs.find((x) => x.verdict !== "clean" && x.verdict !== "torn");
  const where = d.problem ? `${d.dir}/${d.problem.segment} at offset ${d.problem.offset} (${d.problem.etcdError})` : `${d.dir} (${d.reason})`;
  throw new StepError(
    `${id}: WAL ${d.verdict} in ${where}. Nothing was started on this log and the node stays stopped; the rest of the cluster keeps its majority. Re-seed the member or restore the log, then run again.`,
    id,
    "wal"
  );
}
function droppedText(total, plan) {
  const record = plan && plan.nonZeroBytesDropped >= 0 ? plan.nonZeroBytesDropped : void 0;
  if (record === void 0) return `${total} bytes dropped`;
  const zeros = total - record;
  return `${record} non-zero bytes dropped (the torn record)${zeros > 0 ? `; the other ${zeros} of ${total} were zeros (preallocation)` : ""}`;
}

// src/node/guard.ts
var sleep2 = (ms) => new Promise((r) => setTimeout(r, ms));
async function membership(session, views) {
  for (const [group, vs] of perGroup(views)) {
    const where = group === void 0 ? "" : `Raft group ${group}: `;
    const leader = vs.find((x) => x.raft?.role === "leader");
    if (!leader) return `${where}the cluster has no leader`;
    const node = session.inv.nodes.find((n) => n.id === leader.id);
    const members = await (await session.raft(node, group)).members().catch((e) => e);
    if (members instanceof Error) return `${where}cannot read the member list: ${members.message}`;
    const why = membershipGuard(members, session.inv.nodes);
    if (why) return `${where}${why}`;
  }
  return void 0;
}
async function quorumAfterElection(ctx, views) {
  const limit = ctx.t.leaderWaitMs ?? DEFAULT_THRESHOLDS.leaderWaitMs;
  const until = Date.now() + limit;
  let check = quorumCheck(ctx.id, views, ctx.t);
  while (check.why && check.electing && Date.now() < until) {
    await sleep2(ctx.t.pollMs);
    views = await ctx.views.get();
    check = quorumCheck(ctx.id, views, ctx.t);
  }
  if (check.why && check.electing)
    return {
      why: `${check.why} (waited ${limit >= 1e3 ? `${Math.round(limit / 1e3)} s` : `${limit} ms`} for a leader)`,
      views
    };
  return { why: check.why, views };
}
function refuse(ctx, why) {
  throw new StepError(
    `${ctx.id}: refused: ${why}. Nothing was touched on ${ctx.id}.`,
    ctx.id,
    "guard"
  );
}
function leftoverPrevious(ctx) {
  const seen = inspect(ctx.host, ctx.prevName);
  seen.catch(() => {
  });
  return seen;
}
async function guardNode(ctx, v, views, allowDownTarget, leftoverSeen = leftoverPrevious(ctx)) {
  phase(ctx, "guard");
  if (!v.reachable) refuse(ctx, `${ctx.id} cannot be reached (${v.error})`);
  const wasDown = alreadyDown(v);
  if (!(allowDownTarget && wasDown)) {
    const q = await quorumAfterElection(ctx, views);
    const why = q.why ?? await membership(ctx.session, q.views);
    if (why) refuse(ctx, why);
  }
  const leftover = await leftoverSeen;
  if (leftover?.state.running || leftover?.state.restarting) {
    refuse(
      ctx,
      `${ctx.prevName} (left by an earlier run) is running on ${ctx.id} and may be using the data directory; stop it or remove it`
    );
  }
  if (leftover) await ctx.host.run(removeContainer(ctx.prevName));
  return wasDown;
}
async function leadsGroup(session, node, group) {
  const c = await session.raft(node, group).catch(() => void 0);
  if (!c) return void 0;
  const h = await c.health?.("RawKV").catch(() => void 0);
  if (h === "serving") return true;
  const s = await c.status().catch(() => void 0);
  if (s) return s.role === "leader";
  return h === "not-serving" ? false : void 0;
}
async function ledGroups(session, node, v) {
  const groups = session.groups(node).map((g) => g.id);
  const out = [];
  for (const g of groups.length ? groups : [void 0]) {
    const seen = g === void 0 ? v?.raft : v?.groups?.find((x) => x.id === g)?.raft;
    if (await leadsGroup(session, node, g) ?? seen?.role === "leader") out.push(g);
  }
  return out;
}
async function leadsNow(ctx, v, letThroughDown) {
  if (letThroughDown) {
    const fresh = await ctx.views.get();
    const now = fresh.find((x) => x.id === ctx.id);
    if (now?.raft || now?.groups?.some((g) => g.raft)) {
      const why = quorumGuard(ctx.id, fresh, ctx.t);
      if (why) refuse(ctx, `${ctx.id} answers Raft again, and ${why}`);
    }
  }
  return (await ledGroups(ctx.session, ctx.node, v)).length > 0;
}

// src/node/pre-stop.ts
function readsBeforeStop(ctx) {
  return { leftover: leftoverPrevious(ctx), early: readBeforeStop(ctx) };
}

// src/node/rollback.ts
async function restartOriginal(ctx) {
  const before = await inspect(ctx.host, ctx.name).catch(() => void 0);
  if (!before) return "the node has no container to start again";
  try {
    if (!before.state.running) await ctx.host.run(startContainer(ctx.name));
    await catchUp(ctx, Date.now(), before.restartCount);
    return "the original container was started again and caught up";
  } catch (e) {
    return `starting the original container again failed: ${e.message}`;
  }
}
async function rollback(ctx) {
  const { host, name, prevName } = ctx;
  const prev = await inspect(host, prevName);
  const cur = await inspect(host, name);
  if (prev) {
    if (cur) {
      if (cur.state.running || cur.state.restarting)
        await stop(host, name, ctx.t.stopGraceSeconds);
      await host.run(removeContainer(name));
    }
    await host.run(renameContainer(prevName, name));
  } else if (!cur || cur.labels[LABEL.fingerprint] === ctx.spec.labels[LABEL.fingerprint]) {
    return "the previous container is gone; nothing to restore";
  }
  const wal = await checkWal(ctx);
  await host.run(startContainer(name));
  await catchUp(ctx, Date.now(), (prev ?? cur).restartCount);
  return `the previous container is back and caught up (WAL ${wal})`;
}

// src/node/handover.ts
var sleep3 = (ms) => new Promise((r) => setTimeout(r, ms));
var HEALTH_RECHECK_MS = 100;
var inGroup2 = (g) => g === void 0 ? "" : ` of Raft group ${g}`;
async function settledStatus(ctx, group) {
  const client = await ctx.session.raft(ctx.node, group);
  const limit = ctx.t.leaderWaitMs ?? DEFAULT_THRESHOLDS.leaderWaitMs;
  const until = Date.now() + limit;
  let last = "";
  for (; ; ) {
    const s = await client.status().catch((e) => e);
    if (!(s instanceof Error) && s.leaderId) return s;
    last = s instanceof Error ? s.message : `${ctx.id} is ${s.role} and sees no leader`;
    if (Date.now() >= until)
      throw new StepError(
        `${ctx.id}: no leader${inGroup2(group)} after ${limit >= 1e3 ? `${Math.round(limit / 1e3)} s` : `${limit} ms`} (${last}). Nothing was stopped.`,
        ctx.id,
        "handover"
      );
    await sleep3(ctx.t.pollMs);
  }
}
async function handoverGroup(ctx, viewsNow, group) {
  const t = ctx.t;
  const me = await settledStatus(ctx, group);
  if (me.role !== "leader") return void 0;
  const leaderClient = await ctx.session.raft(ctx.node, group);
  const members = await leaderClient.members();
  const views = typeof viewsNow === "function" ? await viewsNow() : viewsNow;
  const seen = group === void 0 ? views : projectGroup(views, group);
  const { targets, skipped } = transferTargets(ctx.id, seen, members, me, t);
  const tried = [...skipped];
  const transfer = leaderClient.transferLeadership.bind(leaderClient);
  for (const [k, { view, member }] of targets.entries()) {
    const gate = {
      maxLag: t.maxLag,
      candidates: targets.slice(k).map((x) => ({ id: x.member.id, address: x.member.address }))
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      const started = Date.now();
      try {
        await transfer(member, t.handoverTimeoutMs, gate);
        const deadline = Date.now() + t.handoverTimeoutMs;
        while (Date.now() < deadline) {
          const s = await leaderClient.status().catch(() => void 0);
          if (s?.leaderId && s.leaderId !== s.id) {
            const to = targets.find((x) => x.member.id === s.leaderId)?.view.id ?? view.id;
            return { group: group ?? 0, from: ctx.id, to, ms: Date.now() - started };
          }
          await sleep3(t.pollMs);
        }
        throw new Error("no other node took over in time");
      } catch (e) {
        tried.push(`${view.id} (attempt ${attempt}: ${e.message})`);
        warn(
          ctx,
          `leadership transfer${inGroup2(group)} to ${view.id} failed: ${e.message}`
        );
        await sleep3(500 * 2 ** (attempt - 1));
      }
    }
  }
  throw new StepError(
    `${ctx.id}: could not hand leadership${inGroup2(group)} over; tried ${tried.join("; ") || "no healthy follower"}. Nothing was stopped.`,
    ctx.id,
    "handover"
  );
}
async function handover(ctx, views, row) {
  phase(ctx, "handover");
  const groups = ctx.session.groups(ctx.node).map((g) => g.id);
  if (!groups.length) {
    const moved = await handoverGroup(ctx, views, void 0);
    return moved ? `to ${moved.to}` : "not needed (no longer leads)";
  }
  const moves = [];
  const until = Date.now() + ctx.t.handoverTimeoutMs;
  let rounds = 0;
  let todo = await ledGroups(ctx.session, ctx.node, void 0);
  while (todo.length) {
    if (rounds >= 3 || Date.now() > until)
      throw new StepError(
        `${ctx.id}: still leads Raft group(s) ${todo.join(",")} after handing them over (is a leader balancer moving them back? set its kill switch during the rollout). Nothing was stopped.`,
        ctx.id,
        "handover"
      );
    let again;
    const fresh = moves.length ? () => again ??= ctx.views.get() : views;
    let moved = false;
    for (const g of todo) {
      const m = await handoverGroup(ctx, fresh, g);
      if (m) {
        moved = true;
        moves.push(m);
        phase(ctx, "handover", `group ${m.group}: ${m.from} -> ${m.to} in ${m.ms} ms`);
      }
    }
    if (moved) rounds++;
    else await sleep3(Math.min(ctx.t.pollMs, HEALTH_RECHECK_MS));
    todo = await ledGroups(ctx.session, ctx.node, void 0);
  }
  if (row) row.groupHandovers = [...row.groupHandovers ?? [], ...moves];
  return moves.length ? moves.map((m) => `group ${m.group} to ${m.to}`).join(", ") : "not needed (leads no group)";
}

// src/node/stop.ts
async function stopNode(ctx, hasContainer, after) {
  phase(ctx, "stop", `docker stop --time ${ctx.t.stopGraceSeconds}`);
  const stopped = hasContainer ? await stopAndInspectThen(ctx.host, ctx.name, ctx.t.stopGraceSeconds, after) : { info: await inspect(ctx.host, ctx.name) };
  const c = stopped.info;
  if (c?.state.running || c?.state.restarting) {
    const back = await restartOriginal(ctx);
    if (back.startsWith("the original container was started again"))
      await journal(ctx, "restored", { detail: back }).catch(() => {
      });
    throw new StepError(
      `${ctx.id}: ${ctx.name} is still running after docker stop; ${back}; the rollout stopped`,
      ctx.id,
      "stop"
    );
  }
  return stopped;
}

// src/node/procedure.ts
async function replaceNode(ctx, v, views, row, o = {}) {
  const allowDown = !!o.allowDownTarget;
  const pre = o.pre ?? readsBeforeStop(ctx);
  const early = await pre.early;
  row.walBytesReadBeforeStop = early.bytes;
  if (early.problem) warn(ctx, early.problem);
  for (const note of early.notes ?? []) warn(ctx, note);
  const prepared = o.inPlace && v.container ? void 0 : prepare(ctx.host, ctx.spec);
  prepared?.catch(() => {
  });
  const specs = {
    ...v.container ? { old: specRef(ctx, v.container) } : {},
    new: o.inPlace && v.container ? specRef(ctx, v.container) : specRef(ctx, ctx.spec)
  };
  let wasDown;
  let stoppedAt;
  let stop2;
  const files = walFiles(ctx);
  const seen = v.container?.state.running && !v.container.state.restarting && early.tails.length <= GATED_DIRS_MAX ? v.container : void 0;
  try {
    wasDown = await guardNode(ctx, v, views, allowDown, pre.leftover);
    if (await leadsNow(ctx, v, allowDown && wasDown))
      row.handover = await handover(ctx, views, row);
    await journal(ctx, "stop", specs);
    const line = ctx.journal?.pending?.({ node: ctx.id, phase: "wal", ...specs });
    stoppedAt = Date.now();
    const stopping = stopNode(ctx, !!v.container, line?.host === ctx.host ? line : void 0);
    try {
      if (seen) sendFirstReads(files, ctx, early, afterStop(ctx));
    } catch {
      files.forget();
    }
    stop2 = await stopping;
  } catch (e) {
    files.forget();
    await discard(ctx, prepared);
    throw e;
  }
  const stopped = stop2.info;
  if (!seen || !stoppedAsSeen(seen, stopped)) {
    files.forget();
    sendFirstReads(files, ctx, seen ? withoutHints(early) : early);
  }
  const walFrom = Date.now();
  row.stopMs = walFrom - stoppedAt;
  const walLine = (stop2.line === "written" ? Promise.resolve() : stop2.line instanceof Error ? Promise.reject(stop2.line) : journal(ctx, "wal", specs)).then(() => phase(ctx, "wal"));
  walLine.catch(() => {
  });
  try {
    row.wal = await checkWal(
      ctx,
      (n) => {
        row.walBytesRead = n;
        row.walMs = Date.now() - walFrom;
      },
      early,
      walLine,
      files
    );
    await walLine;
  } catch (e) {
    await Promise.all([discard(ctx, prepared), walLine.catch(() => {
    })]);
    if (e instanceof StepError && e.phase === "wal") {
      await journal(ctx, "left-stopped", { detail: e.message }).catch(() => {
      });
      throw e;
    }
    const back = wasDown ? "it was down before and stays down" : await restartOriginal(ctx);
    if (wasDown || back.startsWith("the original container was started again"))
      await journal(ctx, "restored", { detail: back }).catch(() => {
      });
    throw new StepError(
      `${ctx.id}: the WAL check failed: ${e.message}; ${back}. The rollout stopped.`,
      ctx.id,
      "wal"
    );
  }
  if (o.inPlace && v.container) {
    await journal(ctx, "start", specs);
    phase(ctx, "start", "the same container again");
    await ctx.host.run(startContainer(ctx.name));
    await journal(ctx, "catch-up", specs);
    phase(ctx, "catch-up");
    try {
      row.finalLag = await catchUp(ctx, Date.now(), stopped?.restartCount ?? 0);
    } catch (e) {
      const message = `${ctx.id}: started again, but ${e.message}`;
      throw new StepError(`${message}. Nothing after ${ctx.id} was touched.`, ctx.id, "catch-up", {
        ...row,
        result: "failed",
        message,
        downtimeMs: Date.now() - stoppedAt
      });
    }
    row.downtimeMs = Date.now() - stoppedAt;
    await journal(ctx, "done", specs);
    phase(ctx, "done");
    return row;
  }
  let at = "start";
  let envGone;
  try {
    const line = ctx.journal?.pending?.({ node: ctx.id, phase: "start", ...specs });
    const together = line?.host === ctx.host ? line : void 0;
    if (!together) {
      await journal(ctx, "start", specs);
      phase(ctx, "start", ctx.spec.image);
    }
    const startFrom = Date.now();
    const started = await startPrepared(
      ctx.host,
      prepared,
      v.container ? [ctx.name, ctx.prevName] : void 0,
      together
    );
    row.startMs = Date.now() - startFrom;
    if (together) phase(ctx, "start", ctx.spec.image);
    at = "catch-up";
    const stopWaiting = new AbortController();
    const waiting = catchUp(ctx, Date.now(), 0, stopWaiting.signal, started.info);
    waiting.catch(() => {
    });
    try {
      await journal(ctx, "catch-up", specs);
    } catch (e) {
      stopWaiting.abort();
      throw e;
    }
    phase(ctx, "catch-up");
    row.finalLag = await waiting;
    row.downtimeMs = Date.now() - stoppedAt;
    envGone = discard(ctx, prepared);
  } catch (e) {
    await (envGone ?? discard(ctx, prepared));
    const why = e.message;
    await journal(ctx, "rollback", specs).catch(() => {
    });
    phase(ctx, "rollback", why);
    let restored = false;
    const back = v.container ? await rollback(ctx).then(
      (m) => {
        restored = true;
        return m;
      },
      (r) => `rollback failed too: ${r.message}`
    ) : "there was no previous container to restore";
    if (restored) await journal(ctx, "rolled-back", { detail: back }).catch(() => {
    });
    throw new StepError(
      `${ctx.id}: ${why}; ${back}. The rollout stopped; the nodes after ${ctx.id} were not touched.`,
      ctx.id,
      at,
      {
        ...row,
        result: v.container ? "rolled-back" : "failed",
        message: `${why}; ${back}`,
        downtimeMs: Date.now() - stoppedAt
      }
    );
  }
  const finishing = finish(ctx, specs, envGone);
  if (!o.finishLater) {
    await finishing;
    return row;
  }
  finishing.catch(() => {
  });
  o.finishLater(finishing);
  return row;
}
async function finish(ctx, specs, envGone) {
  const [removed, unjournaled] = await Promise.all([
    ctx.host.run(removeContainer(ctx.prevName), { allowFailure: true }),
    journal(ctx, "done", specs).then(
      () => void 0,
      (e) => e
    ),
    envGone
  ]);
  if (unjournaled) throw unjournaled;
  if (removed.code !== 0 && !/No such container/i.test(removed.stderr))
    warn(ctx, `could not remove ${ctx.prevName}: ${removed.stderr.trim()}`);
  phase(ctx, "done");
}
var GATED_DIRS_MAX = 3;
function withoutHints(early) {
  return { ...early, tails: early.tails.map(({ path, size }) => ({ path, size })) };
}
function afterStop(ctx) {
  const waitSeconds = ctx.t.stopGraceSeconds + 30;
  return {
    gate: (argv) => afterStopped(ctx.name, waitSeconds, argv),
    timeoutMs: (waitSeconds + 30) * 1e3
  };
}
async function discard(ctx, p) {
  const why = await p?.then(
    (r) => r.discard(),
    () => void 0
  );
  if (why) warn(ctx, why);
}

// src/runtime/disk.ts
async function freeBytes(host, dir) {
  const r = await host.run(["df", "-Pk", "--", dir], { allowFailure: true });
  const kb = Number(r.stdout.trim().split("\n").at(-1)?.split(/\s+/)[3]);
  return r.code === 0 && Number.isFinite(kb) ? { free: kb * 1024 } : { error: r.stderr.trim() || `df printed ${JSON.stringify(r.stdout.slice(0, 80))}` };
}

export {
  Events,
  retryWarnings,
  ganttMarkdown,
  buildReport,
  phaseTimeline,
  StepError,
  quorumGuard,
  alreadyDown,
  caughtUp,
  isMemberOf,
  membershipGuard,
  nodeContext,
  nodeBase,
  phase,
  journal,
  waitCaughtUp,
  catchUp,
  DEFAULT_THRESHOLDS,
  stopGraceOf,
  startTimeoutMsOf,
  membership,
  absolutePath,
  HostFiles,
  checkWal,
  readsBeforeStop,
  rollback,
  replaceNode,
  ClusterViews,
  freeBytes,
  printProgress
};
