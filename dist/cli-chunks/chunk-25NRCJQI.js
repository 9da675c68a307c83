#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  catchUp,
  checkWal,
  journal,
  nodeContext,
  phase,
  quorumGuard,
  rollback
} from "./chunk-4NKZOZNU.js";
import {
  inspect,
  nodeSpec
} from "./chunk-ED7TOYZQ.js";
import {
  finishPlan
} from "./chunk-ASQ42LHN.js";
import {
  LABEL,
  removeContainer,
  startContainer
} from "./chunk-OYZR7IG2.js";

// src/remediate/finish.ts
var seenOf = (c) => c ? {
  fingerprint: c.labels[LABEL.fingerprint],
  running: c.state.running && !c.state.restarting
} : void 0;
async function seeNode(ctx) {
  const [current, previous] = await Promise.all([
    inspect(ctx.host, ctx.name),
    inspect(ctx.host, ctx.prevName)
  ]);
  return { current: seenOf(current), previous: seenOf(previous) };
}
function contextFor(run, e) {
  const node = run.session.inv.nodes.find((n) => n.id === e.node);
  const spec = nodeSpec(run.session.inv, node, {
    image: e.new?.image ?? run.session.inv.container.image
  });
  if (e.new?.fingerprint)
    spec.labels = { ...spec.labels, [LABEL.fingerprint]: e.new.fingerprint };
  return nodeContext(run, e.node, spec);
}
async function finishNode(run, e) {
  const base = { node: e.node, phase: e.phase, at: e.at };
  if (!run.session.inv.nodes.some((n) => n.id === e.node))
    return {
      ...base,
      plan: "report",
      outcome: "reported",
      message: `the journal names ${e.node}, which is not in the inventory: check that host by hand`
    };
  const ctx = contextFor(run, e);
  const seen = await seeNode(ctx);
  const plan = finishPlan(e, seen);
  const done = (outcome, message) => ({
    ...base,
    plan: plan.kind,
    outcome,
    message
  });
  if (plan.kind === "report") return done("reported", plan.why);
  const specs = { ...e.old ? { old: e.old } : {}, ...e.new ? { new: e.new } : {} };
  try {
    if (plan.kind === "start-new") {
      await journal(ctx, "catch-up", specs);
      phase(ctx, "start", `finishing: ${plan.why}`);
      if (!seen.current?.running) {
        const wal = await checkWal(ctx);
        await ctx.host.run(startContainer(ctx.name));
        phase(ctx, "catch-up", `WAL ${wal}`);
      }
      await catchUp(ctx, Date.now());
      if (seen.previous) await ctx.host.run(removeContainer(ctx.prevName));
      await journal(ctx, "done", specs);
      phase(ctx, "done");
      return done(
        "finished",
        `${plan.why}; ${e.new?.image ?? "the new container"} runs and caught up`
      );
    }
    if (seen.current?.running && !seen.previous) {
      await journal(ctx, "catch-up", specs);
      await catchUp(ctx, Date.now());
      await journal(ctx, "restored", specs);
      return done("finished", `${plan.why}; it was still running, and is caught up`);
    }
    if (seen.current?.running) {
      const views = await run.views.get();
      const why = quorumGuard(e.node, views, run.t);
      if (why)
        return done(
          "reported",
          `${plan.why}, but that means stopping the running new container while ${why}; nothing was touched`
        );
    }
    await journal(ctx, "rollback", specs);
    phase(ctx, "rollback", `finishing: ${plan.why}`);
    const back = await rollback(ctx);
    await journal(ctx, "restored", { ...specs, detail: back });
    phase(ctx, "done");
    return done("finished", `${plan.why}; ${back}`);
  } catch (x) {
    return done("failed", `${e.node}: finishing failed: ${x.message}`);
  }
}

// src/cli/interrupt.ts
function onInterrupt() {
  const abort = new AbortController();
  let interrupts = 0;
  const stop = (signal) => {
    if (signal === "SIGINT") interrupts++;
    if (interrupts >= 2) {
      process.stderr.write(
        "raftroll: second interrupt: stopping now; the current node may be half-done (raftroll lock status shows where)\n"
      );
      process.exit(130);
    }
    if (abort.signal.aborted) {
      process.stderr.write(`raftroll: ${signal}: still finishing the current node
`);
      return;
    }
    process.stderr.write(
      `raftroll: ${signal === "SIGINT" ? "interrupt" : signal}: finishing (or rolling back) the current node, then stopping.${signal === "SIGINT" ? " Press Ctrl-C again only if you accept a half-done node." : ""}
`
    );
    abort.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  };
}

export {
  finishNode,
  onInterrupt
};
