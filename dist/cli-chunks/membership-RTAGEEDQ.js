#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  ADD_LEARNER,
  CATCH_UP_AS_LEARNER,
  CATCH_UP_AS_VOTER,
  PROMOTE,
  REMOVE_MEMBER,
  START_EMPTY,
  change,
  joinRefusal,
  leader,
  peerAddress,
  redeployAsMember,
  undo
} from "./chunk-3SWUZZVE.js";
import {
  ClusterViews,
  DEFAULT_THRESHOLDS,
  Events,
  StepError,
  alreadyDown,
  buildReport,
  caughtUp,
  ganttMarkdown,
  isMemberOf,
  membershipGuard,
  printProgress,
  quorumGuard,
  retryWarnings,
  startTimeoutMsOf,
  stopGraceOf
} from "./chunk-4NKZOZNU.js";
import {
  withTag
} from "./chunk-W5BFIYAD.js";
import {
  observe
} from "./chunk-CJCWXONM.js";
import {
  ClusterSession,
  ElastickvClient,
  EtcdClient,
  groupIds,
  nodeSpec,
  stop
} from "./chunk-ED7TOYZQ.js";
import {
  value
} from "./chunk-HTIQHKCO.js";
import "./chunk-6OLVQDZI.js";
import {
  takeLease
} from "./chunk-ASQ42LHN.js";
import {
  InventoryError,
  checkNodes,
  loadInventory,
  removeContainer,
  walRulesVersion
} from "./chunk-OYZR7IG2.js";
import "./chunk-THGSPKRE.js";
import "./chunk-6XTDMOB3.js";
import "./chunk-X6X2WM6E.js";
import {
  EXIT,
  ExitError,
  rulesFor
} from "./chunk-B2HVS2M6.js";

// src/cli/run/membership.ts
import { writeFile } from "node:fs/promises";

// src/membership/old-member.ts
async function probe(session, via, old) {
  const inv = session.inv;
  const port = inv.engine === "etcd" ? inv.ports.client : inv.ports.admin;
  const tunnel = await session.host(via).tunnel(old.host, port);
  const label = `node ${old.id} at ${old.host} (asked from ${via.id})`;
  const client = inv.engine === "etcd" ? new EtcdClient(tunnel, label) : new ElastickvClient(tunnel, label, old.id);
  try {
    const s = await client.status(3e3);
    return `${old.id} at ${old.host} answers Raft (${s.role}, term ${s.term}, applied ${s.appliedIndex})`;
  } catch {
    return void 0;
  } finally {
    await client.close().catch(() => {
    });
  }
}
async function oldMemberLive(session, old, oldView, peers) {
  if (oldView.reachable) {
    if (alreadyDown(oldView)) return void 0;
    return `${old.id} is running on ${old.host} (${oldView.raft ? `Raft ${oldView.raft.role}` : `container ${oldView.container?.state.status}`}); replace only replaces a dead node: stop it first, or roll it`;
  }
  const via = peers.find((v) => v.raft && v.reachable);
  if (!via)
    return `${old.id}'s host cannot be reached (${oldView.error}) and no healthy peer is left to ask whether it still answers Raft`;
  const node = session.inv.nodes.find((n) => n.id === via.id);
  const live = await probe(session, node, old).catch((e) => {
    return `cannot ask from ${via.id} whether ${old.id} still answers Raft: ${e.message}`;
  });
  return live ? `${live}, although its host cannot be reached over SSH (${oldView.error}); a member that still votes is not replaced: stop it first` : void 0;
}

// src/membership/steps.ts
var ADD = {
  ...ADD_LEARNER,
  phase: "add as a learner",
  undo: async (r) => {
    const learner = r.p.learner;
    if (!learner) return;
    await change(
      r.session,
      "removing the learner again",
      (ms) => ms.some((m) => m.id === learner.id) ? void 0 : true,
      (c) => c.removeMember(learner),
      15e3
    );
    r.p.learner = void 0;
  }
};
var START = {
  ...START_EMPTY,
  phase: "start with the joining flags",
  undo: async (r) => {
    if (!r.p.started) return;
    await stop(r.host, r.name, r.stopGraceSeconds).catch(() => {
    });
    await r.host.run(removeContainer(r.name), { allowFailure: true });
    r.p.started = false;
  }
};
var LEARNER_CAUGHT_UP = { ...CATCH_UP_AS_LEARNER, undo: async () => {
} };
var REMOVE_OLD = {
  phase: "remove the old member",
  when: (r) => r.replacing !== void 0,
  run: (r) => REMOVE_MEMBER.run(r.replacing)
};
var JOIN_STEPS = [
  // replace only; see replacePath for why the removal comes first.
  REMOVE_OLD,
  ADD,
  START,
  LEARNER_CAUGHT_UP,
  PROMOTE,
  CATCH_UP_AS_VOTER
];

// src/membership/tolerance.ts
function quorum(voters2) {
  return Math.floor(voters2 / 2) + 1;
}
function tolerance(m) {
  return m.healthy - quorum(m.voters);
}
function lowersTolerance(path) {
  const start = path[0];
  if (!start) return void 0;
  const t0 = tolerance(start);
  if (t0 < 0)
    return `the cluster has no majority now (${start.healthy} of ${start.voters} voters healthy, ${quorum(start.voters)} needed)`;
  for (const m of path.slice(1)) {
    const t = tolerance(m);
    if (t < t0)
      return `${m.label} would leave ${m.healthy} of ${m.voters} voters healthy with ${quorum(m.voters)} needed: it could lose ${t < 0 ? "its majority" : `only ${t} more`}, where now it may lose ${t0}`;
  }
  return void 0;
}
function replacePath(voters2, healthy, old) {
  return [
    { label: "now", voters: voters2, healthy },
    { label: `${old} removed`, voters: voters2 - 1, healthy },
    { label: "the new node added as a learner", voters: voters2 - 1, healthy },
    { label: "the learner promoted", voters: voters2, healthy: healthy + 1 }
  ];
}
function joinPath(voters2, healthy) {
  return [
    { label: "now", voters: voters2, healthy },
    { label: "the new node added as a learner", voters: voters2, healthy },
    { label: "the learner promoted", voters: voters2 + 1, healthy: healthy + 1 }
  ];
}

// src/membership/join.ts
var Refused = class extends Error {
};
function emitStart(o, id, image) {
  o.events.emit({ type: "rollout-start", at: Date.now(), image, order: [id], dryRun: false });
}
function emitEnd(o, r) {
  o.events.emit({
    type: "rollout-end",
    at: Date.now(),
    result: r.outcome === "joined" || r.outcome === "replaced" ? "success" : "failure",
    message: r.message
  });
  return r;
}
async function checkNewHost(session, node, v) {
  const inv = session.inv;
  if (!v.reachable)
    throw new Refused(`${node.id}'s host ${node.host} cannot be reached (${v.error})`);
  if (v.container)
    throw new Refused(
      `a container ${inv.container.name} already exists on ${node.host} (${v.container.state.status}, ${v.container.image}); a node joins empty: remove it there first`
    );
  const dir = inv.container.dataDir;
  const found = await session.host(node).run(["find", dir, "-mindepth", "1", "-maxdepth", "1", "-print", "-quit"], {
    allowFailure: true
  });
  if (found.code !== 0)
    throw new Refused(
      `the data directory ${dir} is missing or unreadable on ${node.host} (${found.stderr.trim()}); create it empty, owned by the user the container runs as`
    );
  if (found.stdout.trim())
    throw new Refused(
      `the data directory ${dir} on ${node.host} is not empty (it holds ${found.stdout.trim()}); a node joins empty: move its contents aside`
    );
}
var voters = (ms) => ms.filter((m) => m.voter);
async function runJoin(session, r, o, outcome) {
  const phase = (detail) => o.events.emit({ type: "phase", at: Date.now(), node: r.id, phase: "join", detail });
  const done = [];
  let at = "";
  try {
    for (const step of JOIN_STEPS) {
      if (step.when && !step.when(r)) continue;
      at = step.phase;
      phase(step.phase);
      await step.run(r);
      done.push(step);
    }
  } catch (e) {
    const promoted = r.p.promoted;
    await undo(done, r);
    const added = done.some((s) => s.phase === "add as a learner");
    const learner = r.p.learner ? `the learner could not be removed again: remove it by hand${r.p.started ? `, and ${r.name} on ${r.node.host}` : ""}` : added ? `the learner was removed again${r.p.started ? `, but ${r.name} could not be stopped on ${r.node.host}` : ""}` : "no learner was added";
    const where = promoted ? `${r.id} is a voter but has not caught up; watch it, or re-run once it has` : r.replacing?.p.removed ? `the old member was removed (that cannot be undone); ${learner}; the cluster runs on the other members: re-run replace to finish` : `${learner}; the cluster is as it was`;
    return {
      outcome: "failed",
      message: `${r.id}: the ${outcome === "joined" ? "join" : "replace"} stopped at "${at}": ${e.message}. Where it stands: ${where}.`
    };
  }
  const run = {
    session,
    t: r.t,
    rules: rulesFor(o.etcdVersion),
    events: o.events,
    views: new ClusterViews(session),
    journal: o.journal
  };
  const spec = nodeSpec(session.inv, r.node, { ...o.overrides, image: r.image });
  try {
    const done2 = await redeployAsMember(run, r.id, spec, "joined");
    o.events.emit({ type: "node-result", at: Date.now(), node: r.id, row: done2 });
    return {
      outcome,
      message: `${r.id} is a voter at ${r.address}, running as every member does (lag ${done2.finalLag})`
    };
  } catch (e) {
    if (e instanceof StepError && e.row)
      o.events.emit({ type: "node-result", at: Date.now(), node: r.id, row: e.row });
    return {
      outcome: "failed",
      message: `${r.id} joined as a voter, but its redeploy with the normal flags failed: ${e.message}`
    };
  }
}
function joinContext(session, node, image, o, replacing) {
  return {
    session,
    id: node.id,
    node,
    host: session.host(node),
    address: peerAddress(session, node.host),
    image,
    t: o.thresholds,
    p: { started: false, promoted: false },
    name: session.inv.container.name,
    stopGraceSeconds: o.thresholds.stopGraceSeconds,
    replacing: replacing && { session, old: replacing, p: { removed: false } }
  };
}
var engineRefusal = (session) => joinRefusal(session.inv.engine, groupIds(session.inv));
async function joinNode(session, id, o) {
  const inv = session.inv;
  const node = inv.nodes.find((n) => n.id === id);
  const image = o.image ?? inv.container.image;
  emitStart(o, id, image);
  o.events.emit({ type: "phase", at: Date.now(), node: id, phase: "guard" });
  try {
    const engine = engineRefusal(session);
    if (engine) throw new Refused(engine);
    const views = await observe(session, inv.nodes);
    const members = await (await leader(session)).members();
    const mine = members.filter((m) => isMemberOf(m, node));
    const voter = mine.find((m) => m.voter);
    if (voter)
      throw new Refused(
        `${id} is already a voting member (member ${voter.name || voter.id} at ${voter.address}): there is nothing to join; roll it to redeploy it`
      );
    const others = inv.nodes.filter((n) => n.id !== id);
    const unseen = membershipGuard(members, others);
    if (unseen) throw new Refused(unseen);
    const quorum2 = quorumGuard(id, views, o.thresholds);
    if (quorum2) throw new Refused(quorum2);
    const healthy = views.filter((v) => v.id !== id && !caughtUp(v, o.thresholds)).length;
    const lower = lowersTolerance(joinPath(voters(members).length, healthy));
    if (lower) throw new Refused(lower);
    if (!mine.some((m) => !m.voter))
      await checkNewHost(session, node, views.find((v) => v.id === id));
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    return emitEnd(o, {
      outcome: "refused",
      message: `${id}: join refused: ${e.message}. Nothing was changed.`
    });
  }
  return emitEnd(o, await runJoin(session, joinContext(session, node, image, o), o, "joined"));
}
async function replaceMember(session, old, o) {
  const inv = session.inv;
  const id = old.id;
  const node = inv.nodes.find((n) => n.id === id);
  const image = o.image ?? inv.container.image;
  emitStart(o, id, image);
  o.events.emit({ type: "phase", at: Date.now(), node: id, phase: "guard" });
  let member;
  try {
    const engine = engineRefusal(session);
    if (engine) throw new Refused(engine);
    if (node.host === old.host)
      throw new Refused(
        `the new host is ${old.host}, which is ${id}'s host already: give another host`
      );
    const views = await observe(session, inv.nodes);
    const [oldView] = await observe(session, [{ ...old, id: `${id}@${old.host}` }]);
    const peers = views.filter((v) => v.id !== id);
    const live = await oldMemberLive(session, old, oldView, peers);
    if (live) throw new Refused(live);
    const members = await (await leader(session)).members();
    const matching = members.filter((m) => isMemberOf(m, old));
    const byAddress = matching.filter((m) => m.address === peerAddress(session, old.host));
    const theOld = byAddress.length === 1 ? byAddress : matching.filter((m) => m.voter);
    if (theOld.length > 1)
      throw new Refused(
        `more than one member matches ${id}: ${theOld.map((m) => `${m.name || m.id} (${m.address})`).join(", ")}`
      );
    member = theOld[0];
    const already = members.find(
      (m) => isMemberOf(m, node) && m.address === peerAddress(session, node.host)
    );
    if (already?.voter)
      throw new Refused(
        `${node.host} is already a voting member (${already.name || already.id} at ${already.address})`
      );
    const others = inv.nodes.filter((n) => n.id !== id);
    const unseen = membershipGuard(
      member ? members.filter((m) => m.id !== member.id) : members,
      others
    );
    if (unseen) throw new Refused(unseen);
    const quorum2 = quorumGuard(id, views, o.thresholds);
    if (quorum2) throw new Refused(quorum2);
    const healthy = peers.filter((v) => !caughtUp(v, o.thresholds)).length;
    const count = voters(members).length;
    const lower = lowersTolerance(
      member?.voter ? replacePath(count, healthy, id) : joinPath(count, healthy)
    );
    if (lower) throw new Refused(lower);
    if (!already) await checkNewHost(session, node, views.find((v) => v.id === id));
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    return emitEnd(o, {
      outcome: "refused",
      message: `${id}: replace refused: ${e.message}. Nothing was changed.`
    });
  }
  if (member)
    o.events.emit({
      type: "warning",
      at: Date.now(),
      node: id,
      message: `${id}'s old member (${member.id} at ${member.address}) is removed first; its container on ${old.host} must never be started again: remove it when that host is back`
    });
  return emitEnd(
    o,
    await runJoin(session, joinContext(session, node, image, o, member), o, "replaced")
  );
}

// src/membership/run.ts
function joiningNode(inv, id) {
  const node = inv.nodes.find((n) => n.id === id);
  if (!node)
    throw new InventoryError(
      `node "${id}" is not in ${inv.source}: add a host entry for it (id, host, ssh) first, then join it (nodes: ${inv.nodes.map((n) => n.id).join(", ")})`
    );
  return node;
}
var HOST = /^(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])$/;
function movedInventory(inv, id, host, ssh) {
  const old = joiningNode(inv, id);
  if (!HOST.test(host))
    throw new InventoryError(
      `the new host "${host}" is not a host name or IP address (an IPv6 address goes in brackets)`
    );
  const user = old.ssh?.includes("@") ? old.ssh.slice(0, old.ssh.lastIndexOf("@")) : void 0;
  const moved = {
    ...old,
    host,
    ...ssh !== void 0 ? { ssh } : old.ssh !== void 0 ? { ssh: user ? `${user}@${host}` : host } : {}
  };
  const out = { ...inv, nodes: inv.nodes.map((n) => n.id === id ? moved : n) };
  checkNodes(out, `${inv.source} with ${id} moved to ${host}`);
  return { inv: out, old };
}
async function changeMembership(session, change2, o) {
  const id = change2.kind === "join" ? change2.id : change2.old.id;
  const lease = await takeLease(session, `raftroll ${change2.kind} ${id}`, {
    onWarning: (node, message) => o.events.emit({ type: "warning", at: Date.now(), node, message })
  });
  let r;
  try {
    r = change2.kind === "join" ? await joinNode(session, id, { ...o, journal: lease }) : await replaceMember(session, change2.old, { ...o, journal: lease });
    return r;
  } finally {
    const kept = await lease.release();
    if (kept && r) r.message = `${r.message}; ${kept}`;
  }
}

// src/cli/run/membership.ts
async function runMembership(inv, change2, o) {
  if (o.image && o.imageTag)
    throw new ExitError(EXIT.usage, "give --image or --image-tag, not both");
  const image = o.image ? String(o.image) : o.imageTag ? withTag(inv.container.image, String(o.imageTag)) : inv.container.image;
  const thresholds = {
    ...DEFAULT_THRESHOLDS,
    maxLag: value("maxLag", o.maxLag),
    stopGraceSeconds: stopGraceOf(inv, value("stopGrace", o.stopGrace)),
    startTimeoutMs: startTimeoutMsOf(inv, value("startTimeout", o.startTimeout)),
    catchUpTimeoutMs: value("catchUpTimeout", o.catchUpTimeout) * 1e3,
    stabilizeMs: value("stabilize", o.stabilize) * 1e3
  };
  const etcdVersion = walRulesVersion(inv, o.etcd);
  const events = new Events();
  printProgress(events);
  const session = await ClusterSession.open(inv, { onRetry: retryWarnings(events) });
  try {
    const r = await changeMembership(session, change2, { image, etcdVersion, thresholds, events });
    const report = buildReport(events.log);
    if (o.jsonReport)
      await writeFile(
        String(o.jsonReport),
        `${JSON.stringify({ ...report, outcome: r.outcome }, null, 2)}
`,
        { mode: 384 }
      );
    if (o.timeline)
      await writeFile(
        String(o.timeline),
        ganttMarkdown(
          `${change2.kind} ${report.order.join(",")}`,
          report.timeline,
          report.durationMs
        )
      );
    process.stdout.write(`${r.outcome}: ${r.message}
`);
    if (r.outcome === "refused" || r.outcome === "failed") throw new ExitError(EXIT.failed, "");
  } finally {
    await session.close();
  }
}
async function joinAction(o) {
  const inv = await loadInventory(String(o.inventory));
  const node = joiningNode(inv, String(o.node));
  await runMembership(inv, { kind: "join", id: node.id }, o);
}
async function replaceAction(o) {
  const inv = await loadInventory(String(o.inventory));
  const moved = movedInventory(
    inv,
    String(o.node),
    String(o.host),
    o.ssh === void 0 ? void 0 : String(o.ssh)
  );
  await runMembership(moved.inv, { kind: "replace", old: moved.old }, o);
  process.stdout.write(`update ${inv.source}: node ${moved.old.id} is now on ${o.host}
`);
}
export {
  joinAction,
  replaceAction
};
