#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  reseed
} from "./chunk-3SWUZZVE.js";
import {
  finishCommand,
  interruptedRuns,
  lockStatus
} from "./chunk-Y36PKGOI.js";
import {
  finishNode,
  onInterrupt
} from "./chunk-25NRCJQI.js";
import {
  ClusterViews,
  DEFAULT_THRESHOLDS,
  Events,
  HostFiles,
  StepError,
  absolutePath,
  alreadyDown,
  freeBytes,
  ganttMarkdown,
  nodeContext,
  phaseTimeline,
  printProgress,
  replaceNode,
  retryWarnings,
  startTimeoutMsOf,
  stopGraceOf,
  waitCaughtUp
} from "./chunk-4NKZOZNU.js";
import {
  ASIDE_SUFFIX,
  PREVIOUS_SUFFIX,
  withPrevious
} from "./chunk-W5BFIYAD.js";
import {
  inventoryAndNodes
} from "./chunk-3GAGTSFC.js";
import {
  observe
} from "./chunk-CJCWXONM.js";
import {
  ClusterSession,
  inspect,
  nodeSpec
} from "./chunk-ED7TOYZQ.js";
import {
  value
} from "./chunk-HTIQHKCO.js";
import {
  BACKUP_SUFFIX,
  verifyPath
} from "./chunk-6OLVQDZI.js";
import {
  takeLease
} from "./chunk-ASQ42LHN.js";
import {
  inspectImage,
  parseGoMemLimit,
  walRulesVersion
} from "./chunk-OYZR7IG2.js";
import "./chunk-THGSPKRE.js";
import "./chunk-6XTDMOB3.js";
import "./chunk-X6X2WM6E.js";
import {
  EXIT,
  ExitError,
  print,
  rulesFor
} from "./chunk-B2HVS2M6.js";

// src/cli/run/remediate.ts
import { writeFile } from "node:fs/promises";

// src/remediate/diagnose.ts
import { basename, dirname } from "node:path/posix";

// src/remediate/classify.ts
var PRIORITY = [
  "unreachable",
  "corrupt-wal",
  "wal-unreadable",
  "torn-wal",
  "crash-looping",
  "oom-killed",
  "memory-pressure",
  "disk-low",
  "stopped",
  "raft-unhealthy",
  "lagging",
  "healthy"
];
var RECENT_START_MS = 12e4;
function loopingWhileUp(v, t, now) {
  const c = v.container;
  if (!c?.state.running || c.state.restarting || v.raft) return false;
  const started = Date.parse(c.state.startedAt);
  return now !== void 0 && c.restartCount >= t.crashLoopRestarts && Number.isFinite(started) && now - started < RECENT_START_MS;
}
var DISK_LOW = 1024 * 2 ** 20;
function classify(f, t, defaultsEffective) {
  const v = f.view;
  const c = v.container;
  const reasons = /* @__PURE__ */ new Map();
  if (!v.reachable) reasons.set("unreachable", v.error ?? "cannot be reached");
  const walDir = f.wal?.dirs.find((d) => d.verdict !== "clean");
  if (walDir && walDir.verdict !== "torn") {
    const at = walDir.problem ? `${walDir.dir}/${walDir.problem.segment} at offset ${walDir.problem.offset}` : walDir.dir;
    reasons.set("corrupt-wal", `WAL ${walDir.verdict} in ${at}: ${walDir.reason}`);
  } else if (walDir) {
    reasons.set("torn-wal", walDir.reason);
  }
  if (f.walError) {
    const left = f.reseedLeftovers?.length ? `; a re-seed did not finish (old data kept at ${f.reseedLeftovers.join(", ")})` : "";
    reasons.set("wal-unreadable", `${f.walError}${left}`);
  }
  if (c && (c.state.restarting || c.restartCount >= t.crashLoopRestarts && !c.state.running || loopingWhileUp(v, t, f.observedAt))) {
    reasons.set(
      "crash-looping",
      `restarted ${c.restartCount} times, now ${c.state.status} (last exit code ${c.state.exitCode})`
    );
  }
  const kills = (f.kernelOom ?? []).filter((l) => /oom-kill:/.test(l)).length;
  if (c?.state.oomKilled) {
    reasons.set("oom-killed", `Docker reports OOMKilled=true (exit code ${c.state.exitCode})`);
  } else if (kills > 0) {
    reasons.set("oom-killed", `the kernel log shows ${kills} OOM kill(s) of this container`);
  }
  if (c?.memory && f.memoryUsage !== void 0 && f.memoryUsage > t.memoryPressure * c.memory) {
    reasons.set(
      "memory-pressure",
      `using ${Math.round(f.memoryUsage / 2 ** 20)} MiB of ${Math.round(c.memory / 2 ** 20)} MiB (over ${Math.round(t.memoryPressure * 100)}%)`
    );
  }
  if (f.diskFree !== void 0 && f.diskFree < DISK_LOW)
    reasons.set(
      "disk-low",
      `only ${Math.round(f.diskFree / 2 ** 20)} MiB free on the data directory's disk: free some before anything else`
    );
  if (v.reachable && !c) {
    reasons.set(
      "stopped",
      f.leftoverPrevious && !f.reseedLeftovers?.length ? `has no container, but ${f.leftoverPrevious} exists: an interrupted run left it; rename it back (docker rename) and start it, after checking its WAL` : "has no container"
    );
  } else if (c && !c.state.running && !c.state.restarting) {
    reasons.set(
      "stopped",
      `${c.state.status} with exit code ${c.state.exitCode}, restart policy ${c.restartPolicy || "unknown"}${diedOnItsOwn(c) ? "" : " (stopped by someone, or given up on by Docker)"}`
    );
  }
  if (c?.state.running && !c.state.restarting) {
    if (!v.raft)
      reasons.set("raft-unhealthy", `Raft does not answer (${v.raftError ?? "no answer"})`);
    else if (v.raft.role === "learner")
      reasons.set("raft-unhealthy", "is a learner (no vote): a re-seed may not have finished");
    else if (!v.raft.leaderId) reasons.set("raft-unhealthy", "sees no leader");
  }
  if (c?.state.running && v.lag !== void 0 && v.lag > t.maxLag)
    reasons.set("lagging", `${v.lag} entries behind the leader`);
  if (reasons.size === 0)
    reasons.set("healthy", c?.state.running ? "running and caught up" : "no problem found");
  const all = PRIORITY.filter((k) => reasons.has(k));
  const cls = all[0];
  const applied = defaultsEffective ?? (!!c?.memory && !!c.env.GOMEMLIMIT);
  return {
    node: v.id,
    class: cls,
    all,
    action: actionFor(cls, applied, all, c),
    why: all.map((k) => `${k}: ${reasons.get(k)}`).join("; "),
    memoryDefaults: { limit: c?.memory ?? 0, gomemlimit: c?.env.GOMEMLIMIT, applied }
  };
}
function diedOnItsOwn(c) {
  if ([0, 130, 137, 143].includes(c.state.exitCode)) return false;
  return c.restartPolicy === "no" || c.restartPolicy === "on-failure" || c.restartPolicy === "";
}
function actionFor(cls, defaultsApplied, all, c) {
  switch (cls) {
    case "unreachable":
      return "report";
    case "corrupt-wal":
      return "reseed";
    case "torn-wal":
      return "repair-and-restart";
    case "crash-looping":
      return all.includes("oom-killed") && !defaultsApplied ? "recreate-with-defaults" : "report";
    case "oom-killed":
      return defaultsApplied ? "report" : "recreate-with-defaults";
    case "memory-pressure":
      return "graceful-restart";
    case "stopped":
      return c && diedOnItsOwn(c) ? "start" : "report";
    case "wal-unreadable":
    case "raft-unhealthy":
    case "disk-low":
      return "report";
    case "lagging":
      return "wait";
    case "healthy":
      return "none";
  }
}

// src/remediate/diagnose.ts
var UNITS = {
  B: 1,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9
};
function parseMemUsage(text) {
  const m = /^\s*([\d.]+)\s*([A-Za-z]+)/.exec(text);
  if (!m || UNITS[m[2]] === void 0) return void 0;
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}
async function facts(session, node, view, etcdVersion, t) {
  const f = { view, staleBackups: [], observedAt: Date.now() };
  if (!view.reachable) return f;
  const host = session.host(node);
  const name = session.inv.container.name;
  const dataDir = session.inv.container.dataDir;
  absolutePath(dataDir, "container.dataDir");
  const c = view.container;
  if (c?.state.running && !c.state.restarting && !loopingWhileUp(view, t, f.observedAt)) {
    const s = await host.run(
      ["docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", name],
      { allowFailure: true }
    );
    if (s.code === 0) f.memoryUsage = parseMemUsage(s.stdout);
  } else {
    try {
      f.wal = await verifyPath(new HostFiles(host), dataDir, rulesFor(etcdVersion));
    } catch (e) {
      f.walError = e.message;
    }
  }
  const aside = await host.run(
    [
      "find",
      dirname(dataDir),
      "-mindepth",
      "1",
      "-maxdepth",
      "1",
      "-name",
      `${basename(dataDir)}${ASIDE_SUFFIX}*`,
      "-printf",
      "%p\\0"
    ],
    { allowFailure: true }
  );
  f.reseedLeftovers = aside.stdout.split("\0").filter(Boolean);
  const prev = `${name}${PREVIOUS_SUFFIX}`;
  if (await inspect(host, prev).catch(() => void 0)) f.leftoverPrevious = prev;
  const broken = await host.run(
    // etcd's own repair backups, and raftroll's (kept where etcd never writes).
    [
      "find",
      dataDir,
      "-maxdepth",
      "8",
      "(",
      "-name",
      "*.wal.broken*",
      "-o",
      "-name",
      `*.wal${BACKUP_SUFFIX}*`,
      ")",
      "-printf",
      "%p\\0"
    ],
    { allowFailure: true }
  );
  f.staleBackups = broken.stdout.split("\0").filter(Boolean);
  const disk = await freeBytes(host, dataDir);
  if ("free" in disk) f.diskFree = disk.free;
  if (c) {
    const k = await host.run(["dmesg"], { allowFailure: true });
    if (k.code === 0)
      f.kernelOom = k.stdout.split("\n").filter((l) => /oom/i.test(l) && l.includes(c.id.slice(0, 12)));
  }
  return f;
}
async function diagnose(session, nodes, t, etcdVersion) {
  const views = await observe(session, session.inv.nodes);
  return Promise.all(
    nodes.map(async (node) => {
      const view = views.find((v) => v.id === node.id);
      const f = await facts(session, node, view, etcdVersion, t);
      const c = view.container;
      let effective = false;
      try {
        effective = !!c?.memory && !!c.env.GOMEMLIMIT && parseGoMemLimit(c.env.GOMEMLIMIT) < c.memory;
      } catch {
      }
      return {
        ...classify(f, t, effective),
        down: alreadyDown(view),
        role: view.raft?.role ?? "unknown",
        facts: {
          memoryUsage: f.memoryUsage,
          staleBackups: f.staleBackups,
          diskFree: f.diskFree,
          kernelOom: f.kernelOom,
          walVerdict: f.wal?.verdict ?? (f.walError ? "unreadable" : void 0),
          reseedLeftovers: f.reseedLeftovers,
          lag: view.lag,
          memoryLimit: c?.memory || void 0,
          leftoverPrevious: f.leftoverPrevious,
          container: c ? `${c.state.status}${c.state.oomKilled ? " OOMKilled" : ""} restarts=${c.restartCount}` : void 0
        }
      };
    })
  );
}

// src/remediate/heal.ts
var RESTARTS = /* @__PURE__ */ new Set([
  "repair-and-restart",
  "recreate-with-defaults",
  "graceful-restart",
  "start"
]);
function healOrder(findings) {
  const rank = (f) => f.action === "reseed" ? 3 : f.down ? 0 : f.role === "leader" ? 2 : 1;
  return [...findings].sort((a, b) => rank(a) - rank(b));
}
async function heal(session, findings, opts) {
  const results = [];
  const events = opts.events ?? new Events();
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const run = {
    session,
    t: thresholds,
    rules: rulesFor(opts.etcdVersion),
    events,
    views: new ClusterViews(session),
    journal: opts.journal
  };
  let stopped;
  for (const f of healOrder(findings)) {
    const base = { node: f.node, class: f.class, action: f.action };
    const done = (r) => {
      const result = { ...base, ...r };
      results.push(result);
      events.emit({ type: "heal-result", at: Date.now(), node: f.node, result });
    };
    if (f.action === "none") {
      done({ outcome: "nothing-to-do", message: "healthy" });
      continue;
    }
    if (stopped || opts.signal?.aborted) {
      const why = stopped ? `${stopped} failed first` : "the run was interrupted";
      done({ outcome: "not-reached", message: `not tried: ${why}` });
      continue;
    }
    try {
      const r = await healOne(run, f, opts);
      done(r);
      if (r.outcome === "failed") stopped = f.node;
    } catch (e) {
      done({ outcome: "failed", message: `${f.node}: ${e.message}` });
      stopped = f.node;
    }
  }
  return results;
}
async function healOne(run, f, opts) {
  const { session, events, t } = run;
  const node = session.inv.nodes.find((n) => n.id === f.node);
  const views = await run.views.get();
  const view = views.find((v) => v.id === f.node);
  const c = view.container;
  if (f.action === "reseed" && opts.reseed) {
    const image2 = await sameImage(session, f.node, c, events);
    return reseed(run, f.node, image2);
  }
  if (f.action === "wait") {
    try {
      const lag = await waitCaughtUp(session, f.node, t, { startedAt: Date.now() });
      return { outcome: "healed", message: `caught up on its own (lag ${lag})` };
    } catch (e) {
      return { outcome: "reported", message: `still lagging: ${e.message}` };
    }
  }
  if (!RESTARTS.has(f.action)) {
    const hint = f.action === "reseed" ? " The log was not touched. The safe path: remove the member, move its data directory aside, and add it back empty so it catches up from the leader (opt in with allow-reseed)." : "";
    return { outcome: "reported", message: `${f.why}.${hint}` };
  }
  const recreate = f.action === "recreate-with-defaults" || f.all.includes("oom-killed") && !f.memoryDefaults.applied;
  const image = recreate ? await sameImage(session, f.node, c, events) : c?.imageId ?? session.inv.container.image;
  const spec = nodeSpec(session.inv, node, { image });
  if (recreate && (!spec.memory || !spec.env.GOMEMLIMIT))
    return {
      outcome: "reported",
      message: `${f.why}. The inventory switches the memory defaults off, so recreating the container would not add them; set container.memory and GOMEMLIMIT in the inventory`
    };
  const ctx = nodeContext(run, f.node, withPrevious(spec, c));
  events.emit({ type: "phase", at: Date.now(), node: f.node, phase: "observe" });
  const row = {
    node: f.node,
    result: "updated",
    roleBefore: view.raft?.role ?? "unknown",
    imageBefore: c?.image ?? "none",
    imageAfter: image,
    wal: "not checked",
    handover: "not needed"
  };
  try {
    const done = await replaceNode(ctx, view, views, row, {
      allowDownTarget: true,
      inPlace: !recreate
    });
    events.emit({ type: "node-result", at: Date.now(), node: f.node, row: done });
    return { outcome: "healed", message: `${f.action} done` };
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    if (e.row) events.emit({ type: "node-result", at: Date.now(), node: f.node, row: e.row });
    if (e.phase === "guard") return { outcome: "refused", message: e.message };
    return { outcome: "failed", message: e.message };
  }
}
async function sameImage(session, id, c, events) {
  if (!c) return session.inv.container.image;
  const node = session.inv.nodes.find((n) => n.id === id);
  const r = await session.host(node).run(inspectImage(c.image), { allowFailure: true });
  if (r.code === 0 && r.stdout.trim() === c.imageId) return c.image;
  events.emit({
    type: "warning",
    at: Date.now(),
    node: id,
    message: `${c.image} now names another image on ${id}'s host (or none); healing with the image it ran, ${c.imageId}`
  });
  return c.imageId;
}

// src/remediate/remediate.ts
async function remediate(session, nodes, o) {
  const t0 = Date.now();
  const events = o.events ?? new Events();
  const warn = (node, message) => events.emit({ type: "warning", at: Date.now(), node, message });
  const lease = o.mode === "auto" ? await takeLease(session, "raftroll remediate", {
    takeOverStale: o.takeOverStale,
    onWarning: warn
  }) : void 0;
  const ids = session.inv.nodes.map((n) => n.id);
  let findings;
  let actions = [];
  let interrupted = [];
  const finished = [];
  try {
    if (lease) {
      for (const t of lease.takenOver)
        warn(
          t.node,
          `took over the stale lease of ${t.previous.purpose} (${t.previous.user}@${t.previous.host} pid ${t.previous.pid})`
        );
      interrupted = lease.inherited().map((entry) => ({
        holder: lease.takenOver.find((t) => t.node === entry.node)?.previous.purpose ?? "a gone run",
        stale: true,
        host: entry.node,
        entry,
        known: ids.includes(entry.node)
      }));
      const run = {
        session,
        t: { ...DEFAULT_THRESHOLDS, maxLag: o.thresholds.maxLag, ...o.rollout },
        rules: rulesFor(o.etcdVersion),
        events,
        views: new ClusterViews(session),
        journal: lease
      };
      for (const r of interrupted) {
        const f = await finishNode(run, r.entry);
        finished.push(f);
        warn(f.node, `interrupted run at ${f.phase}: ${f.outcome}: ${f.message}`);
      }
    } else interrupted = interruptedRuns(await lockStatus(session), ids);
    findings = await diagnose(session, nodes, o.thresholds, o.etcdVersion);
    for (const f of findings)
      events.emit({ type: "finding", at: Date.now(), node: f.node, finding: f });
    if (o.mode === "diagnose") {
      const result2 = findings.every((f) => f.class === "healthy") && !interrupted.length ? "healthy" : "attention";
      return { result: result2, mode: o.mode, findings, actions: [], timeline: [], interrupted, finished };
    }
    if (!finished.some((f) => f.outcome !== "finished"))
      actions = await heal(session, findings, {
        etcdVersion: o.etcdVersion,
        thresholds: { maxLag: o.thresholds.maxLag, ...o.rollout },
        reseed: o.reseed,
        events,
        signal: o.signal,
        journal: lease
      });
  } finally {
    const kept = await lease?.release();
    if (kept) warn(void 0, kept);
  }
  let result;
  if (finished.some((f) => f.outcome === "failed") || actions.some((a) => a.outcome === "failed" || a.outcome === "refused"))
    result = "failed";
  else if (finished.some((f) => f.outcome === "reported")) result = "attention";
  else if (actions.some((a) => a.outcome === "reported" || a.outcome === "not-reached"))
    result = "attention";
  else if (actions.some((a) => a.outcome === "healed") || finished.length) result = "healed";
  else result = "healthy";
  return {
    result,
    mode: o.mode,
    findings,
    actions,
    timeline: phaseTimeline(events.log, t0),
    interrupted,
    finished
  };
}

// src/cli/run/remediate.ts
async function remediateAction(o, mode, findingsOnly) {
  const thresholds = {
    maxLag: value("maxLag", o.maxLag),
    memoryPressure: value("memoryPressure", o.memoryPressure),
    crashLoopRestarts: value("crashLoopRestarts", o.crashLoopRestarts)
  };
  const { inv, nodes } = await inventoryAndNodes(String(o.inventory), o.nodes);
  const rollout = mode === "auto" ? {
    stabilizeMs: value("stabilize", o.stabilize) * 1e3,
    catchUpTimeoutMs: value("catchUpTimeout", o.catchUpTimeout) * 1e3,
    startTimeoutMs: startTimeoutMsOf(inv, value("startTimeout", o.startTimeout)),
    stopGraceSeconds: stopGraceOf(inv, value("stopGrace", o.stopGrace))
  } : void 0;
  const etcdVersion = walRulesVersion(inv, o.etcd);
  const events = new Events();
  const session = await ClusterSession.open(inv, { onRetry: retryWarnings(events) });
  const interrupt = onInterrupt();
  const t0 = Date.now();
  try {
    if (!o.json) printProgress(events);
    const r = await remediate(session, nodes, {
      mode,
      etcdVersion,
      thresholds,
      rollout,
      reseed: !!o.allowReseed,
      events,
      signal: interrupt.signal,
      takeOverStale: !!o.takeOverStale
    });
    const interrupted = r.interrupted.map((x) => ({
      ...x,
      command: x.known ? finishCommand(x, String(o.inventory)) : "check that host by hand"
    }));
    if (o.jsonReport)
      await writeFile(String(o.jsonReport), `${JSON.stringify({ ...r, interrupted }, null, 2)}
`, {
        mode: 384
      });
    if (o.timeline)
      await writeFile(
        String(o.timeline),
        ganttMarkdown(`remediate (${mode})`, r.timeline, Date.now() - t0)
      );
    if (o.json) print(true, findingsOnly ? r.findings : { ...r, interrupted }, "");
    else {
      for (const x of interrupted)
        process.stdout.write(
          x.known ? `interrupted run: ${x.holder}${x.stale ? " (gone: its lease is stale)" : " (still alive)"} left ${x.entry.node} at ${x.entry.phase} since ${x.entry.at}; to finish: ${x.command}
` : `interrupted run: the journal on ${x.host} names ${x.entry.node}, which is not in the inventory (at ${x.entry.phase}); check that host by hand
`
        );
      for (const f of r.finished)
        process.stdout.write(
          `finished ${f.node} (the run died at ${f.phase}): ${f.outcome}: ${f.message}
`
        );
      for (const d of r.findings)
        if (d.facts.staleBackups.length)
          process.stdout.write(`${d.node}: stale backups: ${d.facts.staleBackups.join(", ")}
`);
      process.stdout.write(`${r.result}
`);
    }
    if (interrupt.signal.aborted)
      throw new ExitError(
        EXIT.interrupted,
        "interrupted; the node being healed was finished first"
      );
    if (r.result !== "healthy" && r.result !== "healed") throw new ExitError(EXIT.failed, "");
  } finally {
    interrupt.dispose();
    await session.close();
  }
}
export {
  remediateAction
};
