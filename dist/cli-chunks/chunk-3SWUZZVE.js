#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  HostFiles,
  alreadyDown,
  freeBytes,
  isMemberOf,
  membershipGuard,
  nodeContext,
  quorumGuard,
  replaceNode,
  waitCaughtUp
} from "./chunk-4NKZOZNU.js";
import {
  ASIDE_SUFFIX,
  PREVIOUS_SUFFIX
} from "./chunk-W5BFIYAD.js";
import {
  observe
} from "./chunk-CJCWXONM.js";
import {
  groupIds,
  inspect,
  nodeSpec,
  run,
  stop
} from "./chunk-ED7TOYZQ.js";
import {
  verifyPath
} from "./chunk-6OLVQDZI.js";
import {
  LABEL,
  fingerprint,
  removeContainer,
  renameContainer,
  startContainer
} from "./chunk-OYZR7IG2.js";

// src/inventory/joining.ts
function initialCluster(members, id, address) {
  const used = /* @__PURE__ */ new Set([id]);
  const entries = [`${id}=${address}`];
  for (const m of members) {
    if (m.address === address) continue;
    let name = m.name && !used.has(m.name) ? m.name : `member-${m.id}`;
    while (used.has(name)) name = `${name}-${m.id}`;
    used.add(name);
    entries.push(`${name}=${m.address}`);
  }
  return entries.join(",");
}
function joinMembers(members, id, address) {
  const others = members.filter((m) => m.id !== id && m.address !== address);
  return [`${id}=${address}`, ...others.map((m) => `${m.id}=${m.address}`)].join(",");
}
var FOUNDING = {
  etcd: [
    ["initial-cluster-state", true],
    ["initial-cluster", true]
  ],
  // Go's flag package never takes a separate value for a boolean flag.
  elastickv: [
    ["raftBootstrap", false],
    ["raftBootstrapMembers", true],
    ["raftGroupPeers", true],
    ["raftJoinAsLearner", false],
    ["raftJoinMembers", true]
  ]
};
function without(args, flags) {
  const out = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const m = /^--?([^=]+)(=.*)?$/.exec(a);
    const hit = m && flags.find(([f]) => f === m[1]);
    if (hit) {
      if (hit[1] && m[2] === void 0) k++;
      continue;
    }
    out.push(a);
  }
  return out;
}
function joinRefusal(engine, groupIds2) {
  if (engine === "elastickv" && groupIds2.length > 1)
    return `the node runs ${groupIds2.length} Raft groups (${groupIds2.join(",")}), and elastickv lets a fresh node join only a single-group cluster (its --raftJoinMembers requires exactly one Raft group, and --raftGroupPeers would found new groups): there is no safe way to add it empty. Restore its data from a member's backup, or run the cluster with one group`;
  return void 0;
}
function joiningSpec(inv, spec, members, id, address) {
  const args = without(spec.args, FOUNDING[inv.engine]);
  if (inv.engine === "etcd")
    args.push(
      "--initial-cluster",
      initialCluster(members, id, address),
      "--initial-cluster-state",
      "existing"
    );
  else args.push("--raftJoinAsLearner", "--raftJoinMembers", joinMembers(members, id, address));
  const out = { ...spec, args, labels: { ...spec.labels } };
  out.labels[LABEL.fingerprint] = fingerprint(out);
  return out;
}

// src/node/redeploy.ts
async function redeployAsMember(run2, id, spec, roleBefore) {
  const views = await run2.views.get();
  const v = views.find((x) => x.id === id);
  const row = {
    node: id,
    result: "updated",
    roleBefore,
    imageBefore: v.container?.image ?? "none",
    imageAfter: spec.image,
    wal: "not checked",
    handover: "not needed"
  };
  return replaceNode(nodeContext(run2, id, spec), v, views, row);
}

// src/remediate/reseed-steps.ts
var sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function leader(session) {
  const views = await observe(session, session.inv.nodes);
  const l = views.find((v) => v.raft?.role === "leader");
  if (!l) throw new Error("the cluster has no leader right now (an election, or lost quorum)");
  return session.raft(session.inv.nodes.find((n) => n.id === l.id));
}
async function change(session, what, done, act, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (; ; ) {
    try {
      const c = await leader(session);
      const already = done(await c.members());
      if (already !== void 0) return already;
      await act(c);
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not succeed in time: ${last}`);
    await sleep(500);
  }
}
async function undo(done, r) {
  for (const step of [...done].reverse()) {
    if (!step.undo) return;
    await step.undo(r).catch(() => {
    });
  }
}
var REMOVE_MEMBER = {
  phase: "remove the member",
  run: async (r) => {
    const old = r.old;
    if (old) {
      try {
        await change(
          r.session,
          "removing the member",
          (ms) => ms.some((m) => m.id === old.id) ? void 0 : true,
          (c) => c.removeMember(old),
          15e3
        );
      } catch (e) {
        const members = await (await leader(r.session)).members().catch(() => void 0);
        if (!members || members.some((m) => m.id === old.id))
          throw new Error(`could not remove the member: ${e.message}`);
      }
    }
    r.p.removed = true;
  }
};
var ADD_LEARNER = {
  phase: "add it back as a learner",
  run: async (r) => {
    r.p.learner = await change(
      r.session,
      "adding the learner",
      (ms) => ms.find((m) => m.address === r.address && !m.voter),
      (c) => c.addLearner(r.id, r.address),
      3e4
    );
  }
};
var ownSpec = (r) => nodeSpec(r.session.inv, r.node, { image: r.image });
var START_EMPTY = {
  phase: "start empty",
  run: async (r) => {
    const inv = r.session.inv;
    const members = await (await leader(r.session)).members();
    r.joinSpec = joiningSpec(inv, ownSpec(r), members, r.id, r.address);
    await run(r.host, r.joinSpec);
    r.p.started = true;
  }
};
var CATCH_UP_AS_LEARNER = {
  phase: "catch up as a learner",
  run: async (r) => {
    await waitCaughtUp(r.session, r.id, r.t, {
      startedAt: Date.now(),
      onViews: (vs) => {
        r.floor = vs.find((x) => x.raft?.role === "leader")?.raft?.commitIndex ?? r.floor;
      }
    });
  }
};
var PROMOTE = {
  phase: "promote to voter",
  run: async (r) => {
    const learner = r.p.learner;
    await change(
      r.session,
      "promoting the learner",
      (ms) => ms.some((m) => m.id === learner.id && m.voter) ? true : void 0,
      // The floor is a commit index the learner has already reached.
      (c) => c.promoteLearner(learner, r.floor ?? 0),
      r.t.catchUpTimeoutMs
    );
    r.p.promoted = true;
  }
};
var CATCH_UP_AS_VOTER = {
  phase: "catch up as a voter",
  run: async (r) => {
    r.lag = await waitCaughtUp(r.session, r.id, r.t, {
      startedAt: Date.now(),
      also: (x) => x.raft?.role === "learner" ? "still a learner" : void 0
    });
  }
};
var STEPS = [
  {
    // Nothing may start the old container on a moved directory, by hand or by a restart policy.
    phase: "set the old container aside",
    when: (r) => r.p.hasContainer,
    run: async (r) => {
      await r.host.run(renameContainer(r.name, r.prev));
      r.p.renamed = true;
    },
    undo: async (r) => {
      const back = await r.host.run(renameContainer(r.prev, r.name), {
        allowFailure: true
      });
      if (back.code === 0) r.p.renamed = false;
    }
  },
  REMOVE_MEMBER,
  {
    phase: "move the data directory aside",
    run: async (r) => {
      const { host, dataDir } = r;
      const stat = (await host.run(["stat", "-c", "%u:%g:%a", "--", dataDir])).stdout.trim();
      const [uid, gid, mode] = stat.split(":");
      const aside = `${dataDir}${ASIDE_SUFFIX}${(/* @__PURE__ */ new Date()).toISOString().replace(/[:.]/g, "-")}`;
      await host.run(["mv", "-n", "-T", "--", dataDir, aside]);
      r.p.aside = aside;
      r.events.emit({
        type: "warning",
        at: Date.now(),
        node: r.id,
        message: `the corrupt data directory was moved to ${aside} and is kept; remove it once you no longer need it`
      });
      await host.run(["install", "-d", "-o", uid, "-g", gid, "-m", mode, "--", dataDir]);
    }
  },
  ADD_LEARNER,
  START_EMPTY,
  CATCH_UP_AS_LEARNER,
  PROMOTE,
  CATCH_UP_AS_VOTER,
  {
    // The joining flags are for joining only (elastickv raises an alarm when a voter still
    // carries --raftJoinAsLearner): the member goes on as every member runs.
    phase: "redeploy with its own flags",
    when: (r) => !!r.joinSpec && ownSpec(r).labels[LABEL.fingerprint] !== r.joinSpec.labels[LABEL.fingerprint],
    run: async (r) => {
      const run2 = { ...r.run, journal: void 0 };
      r.redeployed = await redeployAsMember(run2, r.id, ownSpec(r), "reseeded");
    }
  }
];

// src/remediate/reseed.ts
function peerAddress(session, host) {
  const p = session.inv.ports;
  if (session.inv.engine === "etcd") return `http://${host}:${p.peer}`;
  const [only] = session.groups(session.inv.nodes[0]);
  return `${host}:${only?.port ?? p.admin}`;
}
function stateOf(id, p, prev, address, dataDir) {
  const parts = [];
  if (p.promoted) parts.push(`${id} is a voter again but has not caught up; watch it or re-run`);
  else if (p.learner)
    parts.push(
      `${id} is a learner (no vote, so the majority is unaffected)${p.started ? " and running" : " not yet started"}; start it empty with the joining flags and promote it once caught up, or remove the learner`
    );
  else if (p.removed)
    parts.push(
      `${id} is no longer a member; the cluster runs without it. Add it back as a learner named ${id} at ${address}, then start it empty`
    );
  else parts.push(`${id} is still a member, down`);
  if (p.aside)
    parts.push(`its old data directory is kept at ${p.aside} (${dataDir} is new and empty)`);
  else parts.push(`its data directory ${dataDir} is unchanged`);
  if (p.renamed) parts.push(`its old container is ${prev}`);
  return parts.join("; ");
}
async function checkRoom(host, dir) {
  const mount = (await host.run(["stat", "-c", "%m", "--", dir])).stdout.trim();
  if (mount === dir.replace(/\/+$/, ""))
    return `${dir} is a mount point, so it cannot be moved aside; move its contents aside yourself and re-run`;
  const used = Number((await host.run(["du", "-sxb", "--", dir])).stdout.split(/\s+/)[0]);
  const disk = await freeBytes(host, dir);
  if ("error" in disk) return `cannot read the free space for ${dir}: ${disk.error}`;
  if (Number.isFinite(used) && disk.free < used)
    return `the old data (${Math.round(used / 2 ** 20)} MiB) is kept, and the new copy needs about as much again, but only ${Math.round(disk.free / 2 ** 20)} MiB is free`;
  return void 0;
}
async function reseed(run2, id, image) {
  const { session, t, events } = run2;
  const node = session.inv.nodes.find((n) => n.id === id);
  const host = session.host(node);
  const name = session.inv.container.name;
  const prev = `${name}${PREVIOUS_SUFFIX}`;
  const dataDir = session.inv.container.dataDir;
  const phase = (detail) => events.emit({ type: "phase", at: Date.now(), node: id, phase: "reseed", detail });
  const p = {
    hasContainer: false,
    stoppedByUs: false,
    renamed: false,
    removed: false,
    started: false,
    promoted: false
  };
  phase("guard");
  const views = await observe(session, session.inv.nodes);
  const v = views.find((x) => x.id === id);
  const refused = async (why) => {
    if (p.stoppedByUs) await host.run(startContainer(name), { allowFailure: true });
    return {
      outcome: "refused",
      message: `${id}: re-seed refused: ${why}. ${p.stoppedByUs ? `${name} was stopped to read its log and has been started again.` : `Nothing was touched on ${id}.`}`
    };
  };
  const engine = joinRefusal(session.inv.engine, groupIds(session.inv));
  if (engine) return refused(engine);
  if (!v.reachable) return refused(`${id} cannot be reached (${v.error})`);
  if (!alreadyDown(v)) return refused(`${id} is up; only a node that is down is re-seeded`);
  const guard = quorumGuard(id, views, t);
  if (guard) return refused(guard);
  const stale = await inspect(host, prev);
  if (stale)
    return refused(
      `${prev} exists (left by an earlier run, possibly a re-seed that did not finish); look at it, remove it, and re-run`
    );
  if (v.container?.state.restarting || v.container?.state.running) {
    await stop(host, name, t.stopGraceSeconds);
    p.stoppedByUs = true;
  }
  const report = await verifyPath(new HostFiles(host), dataDir, run2.rules);
  if (report.verdict === "clean" || report.verdict === "torn")
    return refused(`the WAL is ${report.verdict} now, not corrupt; run remediate again`);
  const room = await checkRoom(host, dataDir);
  if (room) return refused(room);
  const before = await (await leader(session)).members();
  const unseen = membershipGuard(before, session.inv.nodes);
  if (unseen) return refused(unseen);
  const mine = before.filter((m) => isMemberOf(m, node));
  if (mine.length > 1)
    return refused(
      `more than one member matches ${id}: ${mine.map((m) => `${m.name || m.id} (${m.address})`).join(", ")}`
    );
  const address = mine[0]?.address || peerAddress(session, node.host);
  p.hasContainer = !!v.container;
  const r = {
    session,
    id,
    node,
    host,
    name,
    prev,
    dataDir,
    address,
    old: mine[0],
    image,
    run: run2,
    t,
    events,
    p
  };
  const done = [];
  try {
    for (const step of STEPS) {
      if (step.when && !step.when(r)) continue;
      phase(step.phase);
      await step.run(r);
      done.push(step);
    }
    if (p.renamed) await host.run(removeContainer(prev), { allowFailure: true });
    return {
      outcome: "healed",
      message: `re-seeded: removed, added back empty, caught up (lag ${r.lag}) and a voter again${r.redeployed ? `, then redeployed with its own flags (lag ${r.redeployed.finalLag})` : ""}; the old data directory is kept at ${p.aside}`
    };
  } catch (e) {
    await undo(done, r);
    return {
      outcome: "failed",
      message: `${id}: the re-seed stopped: ${e.message}. Where it stands: ${stateOf(id, p, prev, address, dataDir)}.`
    };
  }
}

export {
  joinRefusal,
  redeployAsMember,
  leader,
  change,
  undo,
  REMOVE_MEMBER,
  ADD_LEARNER,
  START_EMPTY,
  CATCH_UP_AS_LEARNER,
  PROMOTE,
  CATCH_UP_AS_VOTER,
  peerAddress,
  reseed
};
