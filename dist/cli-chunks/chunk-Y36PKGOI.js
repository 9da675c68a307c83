#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  ageText,
  describeHolder,
  inFlight,
  lockPath,
  readLock,
  sharedLockPath
} from "./chunk-ASQ42LHN.js";

// src/cluster/lock-status.ts
async function lockStatus(session) {
  const dataDir = session.inv.container.dataDir;
  return Promise.all(
    session.inv.nodes.map(async (node) => {
      const host = session.host(node);
      try {
        const [lock, shared] = await Promise.all([
          readLock(host, lockPath(dataDir)),
          readLock(host, sharedLockPath(dataDir))
        ]);
        return { node: node.id, address: host.address, reachable: true, lock, shared };
      } catch (e) {
        const free = { state: "free" };
        const error = e.message;
        return {
          node: node.id,
          address: host.address,
          reachable: false,
          error,
          lock: free,
          shared: free
        };
      }
    })
  );
}
var isHeld = (s) => s.lock.state === "held" || s.shared.state === "held";
function interruptedRuns(statuses, nodeIds) {
  const out = [];
  for (const s of statuses) {
    const l = s.lock;
    if (l.state !== "held") continue;
    const o = l.owner.kind === "lease" ? l.owner.owner : void 0;
    for (const entry of inFlight(l.entries))
      out.push({
        holder: describeHolder(l),
        stale: l.stale,
        heartbeatAgeMs: l.heartbeatAgeMs,
        host: s.node,
        entry,
        known: nodeIds.includes(entry.node),
        ...o?.image ? { image: o.image } : {},
        ...o ? { purpose: o.purpose } : {}
      });
  }
  return out;
}
function finishCommand(r, inventory) {
  if (!r.stale) return `wait: the holder is alive (heartbeat ${ageText(r.heartbeatAgeMs)} ago)`;
  if (r.purpose?.startsWith("raftroll roll") && r.image)
    return `raftroll roll --inventory ${inventory} --image ${r.image} --take-over-stale`;
  return `raftroll remediate --inventory ${inventory} --mode auto --take-over-stale`;
}
function lockLine(s) {
  const at = `${s.node} (${s.address})`;
  if (!s.reachable) return `${at}: unreachable: ${s.error}`;
  const parts = [];
  for (const [what, l] of [
    ["lock", s.lock],
    ["old shared lock", s.shared]
  ]) {
    if (l.state !== "held") continue;
    const kind = l.owner.kind === "lease" ? l.stale ? "stale" : "live" : l.owner.kind === "old-format" ? "old-format" : "unreadable";
    const flight = inFlight(l.entries).map((e) => `${e.node} at ${e.phase} since ${e.at}`).join(", ");
    parts.push(
      `${what} held (${kind}) by ${describeHolder(l)}, age ${ageText(l.lockAgeMs)}, heartbeat ${ageText(l.heartbeatAgeMs)} ago; in flight: ${flight || "none"}${l.badLines.length ? `; ${l.badLines.length} unreadable journal line(s)` : ""}`
    );
  }
  return `${at}: ${parts.length ? parts.join("; ") : "free"}`;
}

export {
  lockStatus,
  isHeld,
  interruptedRuns,
  finishCommand,
  lockLine
};
