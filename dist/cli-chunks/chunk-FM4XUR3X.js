#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);

// src/cli/status-json.ts
function redactEnv(v) {
  if (!v.container) return v;
  const env = Object.fromEntries(
    Object.entries(v.container.env).map(([k, x]) => [k, k === "GOMEMLIMIT" ? x : "(set)"])
  );
  return { ...v, container: { ...v.container, env } };
}
function withGroups(v) {
  if (!v.groups) return v;
  const groups = v.groups.map((g) => ({
    id: g.id,
    role: g.raft?.role,
    leaderId: g.raft?.leaderId,
    term: g.raft?.term,
    commitIndex: g.raft?.commitIndex,
    appliedIndex: g.raft?.appliedIndex,
    lag: g.lag,
    ...g.raftError ? { error: g.raftError } : {}
  }));
  return { ...v, groups };
}

export {
  redactEnv,
  withGroups
};
