#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  inspect
} from "./chunk-ED7TOYZQ.js";

// src/cluster/observe.ts
async function observeRaft(session, node) {
  const gs = session.groups(node);
  if (!gs.length) {
    try {
      return { raft: await (await session.raft(node)).status() };
    } catch (e) {
      return { raftError: e.message };
    }
  }
  const groups = await Promise.all(
    gs.map(async (g) => {
      try {
        return { id: g.id, raft: await (await session.raft(node, g.id)).status() };
      } catch (e) {
        return { id: g.id, raftError: e.message };
      }
    })
  );
  return { groups };
}
var ODD_ROLES = /* @__PURE__ */ new Set(["learner", "candidate", "shutdown", "unknown"]);
function summarizeGroups(v) {
  const gs = v.groups;
  if (!gs) return;
  const failed = gs.filter((g) => !g.raft);
  if (failed.length || !gs.length) {
    v.raft = void 0;
    v.raftError = failed.length ? failed.map((g) => `group ${g.id}: ${g.raftError}`).join("; ") : "serves no Raft group";
    v.lag = void 0;
    return;
  }
  const lags = gs.map((g) => g.lag);
  v.lag = lags.some((l) => l === void 0) ? void 0 : Math.max(...lags);
  const worst = [...gs].sort((a, b) => (b.lag ?? Infinity) - (a.lag ?? Infinity))[0];
  const pick = gs.find((g) => ODD_ROLES.has(g.raft.role)) ?? gs.find((g) => g.raft.role === "leader") ?? worst;
  v.raft = pick.raft;
  v.raftError = void 0;
}
function computeLags(views) {
  const single = views.filter((v) => !v.groups);
  const leader = single.find((v) => v.raft?.role === "leader")?.raft;
  for (const v of single) {
    if (leader && v.raft) v.lag = Math.max(0, leader.commitIndex - v.raft.appliedIndex);
  }
  const ids = new Set(views.flatMap((v) => (v.groups ?? []).map((g) => g.id)));
  for (const id of ids) {
    const members = views.flatMap((v) => v.groups?.filter((g) => g.id === id) ?? []);
    const lead = members.filter((g) => g.raft?.role === "leader").sort((a, b) => b.raft.term - a.raft.term)[0]?.raft;
    for (const g of members) {
      g.lag = lead && g.raft ? Math.max(0, lead.commitIndex - g.raft.appliedIndex) : void 0;
    }
  }
  for (const v of views) summarizeGroups(v);
}
async function observe(session, nodes, o = {}) {
  for (const n of nodes) session.groups(n);
  const views = await Promise.all(
    nodes.map(async (node) => {
      const v = { id: node.id, ssh: session.sshTarget(node), reachable: false };
      if (o.inspectOnly !== void 0 && o.inspectOnly !== node.id) {
        Object.assign(v, await observeRaft(session, node));
        v.reachable = !!(v.raft || v.groups?.some((g) => g.raft));
        return v;
      }
      try {
        v.container = await inspect(session.host(node), session.inv.container.name);
        v.reachable = true;
      } catch (e) {
        v.error = e.message;
        return v;
      }
      Object.assign(v, await observeRaft(session, node));
      return v;
    })
  );
  computeLags(views);
  return views;
}

export {
  observe
};
