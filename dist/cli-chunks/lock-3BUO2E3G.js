#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  interruptedRuns,
  isHeld,
  lockLine,
  lockStatus
} from "./chunk-Y36PKGOI.js";
import {
  previousName
} from "./chunk-W5BFIYAD.js";
import {
  inventoryAndNodes
} from "./chunk-3GAGTSFC.js";
import {
  ClusterSession,
  inspect
} from "./chunk-ED7TOYZQ.js";
import "./chunk-HTIQHKCO.js";
import {
  ageText,
  archiveJournal,
  describeHolder,
  inFlight,
  walVerified
} from "./chunk-ASQ42LHN.js";
import {
  LABEL
} from "./chunk-OYZR7IG2.js";
import "./chunk-THGSPKRE.js";
import "./chunk-X6X2WM6E.js";
import {
  EXIT,
  ExitError,
  print
} from "./chunk-B2HVS2M6.js";

// src/cli/run/lock.ts
import { writeFile } from "node:fs/promises";

// src/remediate/lock-release.ts
async function nodeState(session, inv, e) {
  const node = inv.nodes.find((n) => n.id === e.node);
  if (!node) return `${e.node} is not in the inventory: check that host by hand`;
  const host = session.host(node);
  const name = inv.container.name;
  const [cur, prev] = await Promise.all([
    inspect(host, name).catch(() => void 0),
    inspect(host, previousName(name)).catch(() => void 0)
  ]);
  const which = (fp) => fp && fp === e.new?.fingerprint ? "new" : fp && fp === e.old?.fingerprint ? "old" : "unknown";
  const c = cur ? `${name} ${cur.state.running ? "running" : "stopped"} on ${cur.image} (${which(cur.labels[LABEL.fingerprint])} spec)` : `no ${name} container`;
  const p = prev ? `; ${previousName(name)} kept (${which(prev.labels[LABEL.fingerprint])} spec)` : "";
  const wal = walVerified(e) ? "WAL verified before the run died" : "WAL not verified";
  return `${e.node}: the run died at ${e.phase} (${e.at}): ${c}${p}; ${wal}`;
}
function statusJson(s) {
  const one = (l) => l.state === "free" ? { state: "free" } : {
    state: "held",
    path: l.path,
    kind: l.owner.kind,
    holder: describeHolder(l),
    owner: l.owner.kind === "lease" ? l.owner.owner : void 0,
    stale: l.stale,
    ageMs: l.lockAgeMs,
    heartbeatAgeMs: l.heartbeatAgeMs,
    inFlight: inFlight(l.entries),
    unreadableJournalLines: l.badLines.length
  };
  return {
    node: s.node,
    address: s.address,
    reachable: s.reachable,
    error: s.error,
    lock: one(s.lock),
    sharedLock: one(s.shared)
  };
}
async function lockReport(session) {
  const inv = session.inv;
  const st = await lockStatus(session);
  const unknown = interruptedRuns(
    st,
    inv.nodes.map((n) => n.id)
  ).filter((r) => !r.known);
  const lines = st.map(lockLine);
  for (const r of unknown)
    lines.push(`the journal on ${r.host} names ${r.entry.node}, which is not in the inventory`);
  return {
    held: st.some(isHeld),
    hosts: st.map(statusJson),
    unknownNodes: unknown.map((r) => r.entry.node),
    unreachable: st.filter((s) => !s.reachable).map((s) => s.node),
    lines
  };
}
var ReleaseRefused = class extends Error {
  name = "ReleaseRefused";
};
async function releaseLock(session, o) {
  const inv = session.inv;
  const { say } = o;
  const st = await lockStatus(session);
  if (st.some((s) => !s.reachable))
    throw new ReleaseRefused(
      `cannot release: ${st.filter((s) => !s.reachable).map((s) => `${s.node} (${s.error})`).join(", ")} cannot be reached; a lock there would stay. Nothing was removed`
    );
  if (!st.some(isHeld)) {
    say("the cluster lock is not held on any host: nothing to release");
    return { released: [] };
  }
  for (const s of st)
    for (const l of [s.lock, s.shared]) {
      if (l.state !== "held") continue;
      if (l.owner.kind === "lease" && !l.stale && !o.force)
        throw new ReleaseRefused(
          `${s.node}: ${l.path} is held by a live run: ${describeHolder(l)}, heartbeat ${ageText(l.heartbeatAgeMs)} ago. Wait for it; --force breaks it (only if you know that run is gone)`
        );
      if (l.owner.kind !== "lease" && !o.force)
        throw new ReleaseRefused(
          `${s.node}: ${l.path} is ${l.owner.kind === "old-format" ? "an earlier release's lock" : "not a lock this release wrote"}: ${describeHolder(l)}. Check the nodes (raftroll diagnose), then release with --force. Nothing was removed`
        );
    }
  for (const r of interruptedRuns(
    st,
    inv.nodes.map((n) => n.id)
  ))
    say(`in flight: ${await nodeState(session, inv, r.entry)}`);
  const released = [];
  for (const s of st) {
    const node = inv.nodes.find((n) => n.id === s.node);
    const host = session.host(node);
    for (const l of [s.lock, s.shared]) {
      if (l.state !== "held") continue;
      const kept = await archiveJournal(host, l.path, inv.container.dataDir);
      if (kept) say(`${s.node}: journal kept as ${kept}`);
      await host.run(["rm", "-rf", "--", l.path]);
      say(`${s.node}: removed ${l.path} (held by ${describeHolder(l)})`);
      released.push(`${s.node}:${l.path}`);
    }
  }
  return { released };
}

// src/cli/run/lock.ts
async function report(o, value) {
  if (o.jsonReport)
    await writeFile(o.jsonReport, `${JSON.stringify(value, null, 2)}
`, { mode: 384 });
}
async function statusAction(o) {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  try {
    const r = await lockReport(session);
    const value = { held: r.held, hosts: r.hosts, unknownNodes: r.unknownNodes };
    await report(o, value);
    print(!!o.json, value, r.lines.join("\n"));
    if (r.unreachable.length) throw new ExitError(EXIT.failed, "some host could not be reached");
    if (r.held) throw new ExitError(EXIT.held, "");
  } finally {
    await session.close();
  }
}
async function releaseAction(o) {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  const lines = [];
  const say = (l) => {
    lines.push(l);
    if (!o.json) process.stdout.write(`${l}
`);
  };
  try {
    const { released } = await releaseLock(session, { force: o.force, say }).catch((e) => {
      if (e instanceof ReleaseRefused) throw new ExitError(EXIT.failed, e.message);
      throw e;
    });
    await report(o, { released, lines });
    if (o.json) print(true, { released, lines }, "");
  } finally {
    await session.close();
  }
}
export {
  releaseAction,
  statusAction
};
