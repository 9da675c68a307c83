#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  redactEnv,
  withGroups
} from "./chunk-FM4XUR3X.js";
import {
  inventoryAndNodes
} from "./chunk-3GAGTSFC.js";
import {
  observe
} from "./chunk-CJCWXONM.js";
import {
  ClusterSession
} from "./chunk-ED7TOYZQ.js";
import "./chunk-HTIQHKCO.js";
import "./chunk-OYZR7IG2.js";
import "./chunk-THGSPKRE.js";
import "./chunk-X6X2WM6E.js";
import {
  EXIT,
  ExitError,
  print
} from "./chunk-B2HVS2M6.js";

// src/cli/status-text.ts
var mib = (b) => b ? `${Math.round(b / 1024 ** 2)}MiB` : "unlimited";
function statusLine(v) {
  if (!v.reachable) return `${v.id}  ${v.ssh}  UNREACHABLE  ${v.error}`;
  const c = v.container;
  const box = c ? `${c.state.status}${c.state.oomKilled ? " OOMKilled" : ""}${c.restartCount ? ` restarts=${c.restartCount}` : ""}  ${c.image}  memory=${mib(c.memory)}  GOMEMLIMIT=${c.env.GOMEMLIMIT ?? "unset"}` : "no container";
  return `${v.id}  ${v.ssh}  ${box}  ${v.groups ? groupsText(v) : raftText(v)}`;
}
function raftText(v) {
  const r = v.raft;
  return r ? `${r.role}  term=${r.term}  commit=${r.commitIndex}  applied=${r.appliedIndex}  lag=${v.lag ?? "?"}` : `raft unreachable (${v.raftError})`;
}
function groupsText(v) {
  const gs = v.groups;
  const leads = gs.filter((g) => g.raft?.role === "leader").map((g) => g.id);
  const parts = [`groups=${gs.length}`, leads.length ? `leads ${leads.join(",")}` : "leads none"];
  parts.push(v.lag === void 0 ? "lag unknown" : `lag <= ${v.lag}`);
  for (const g of gs) {
    if (!g.raft) parts.push(`group ${g.id} unreachable (${g.raftError})`);
    else if (g.raft.role !== "leader" && g.raft.role !== "follower")
      parts.push(`group ${g.id} ${g.raft.role}`);
    else if (!g.raft.leaderId) parts.push(`group ${g.id} sees no leader`);
  }
  return parts.join("; ");
}

// src/cli/run/status.ts
async function statusAction(o) {
  const { inv, nodes } = await inventoryAndNodes(o.inventory, o.nodes);
  const session = await ClusterSession.open(inv);
  try {
    const views = await observe(session, nodes);
    print(
      !!o.json,
      views.map((v) => withGroups(redactEnv(v))),
      views.map(statusLine).join("\n")
    );
    if (views.some((v) => !v.reachable || !v.raft)) throw new ExitError(EXIT.failed, "");
  } finally {
    await session.close();
  }
}
export {
  statusAction
};
