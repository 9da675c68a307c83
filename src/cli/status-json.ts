// The JSON of `raftroll status`: what an operator compares across nodes, and no secrets.

import type { NodeView } from '../cluster/observe.js';

/** Container env values can be secrets: JSON output keeps GOMEMLIMIT and only the names of the rest. */
export function redactEnv<T extends { container?: { env: Record<string, string> } }>(v: T): T {
  if (!v.container) return v;
  const env = Object.fromEntries(
    Object.entries(v.container.env).map(([k, x]) => [k, k === 'GOMEMLIMIT' ? x : '(set)']),
  );
  return { ...v, container: { ...v.container, env } };
}

/** Each group flat in the JSON: what an operator compares across nodes. */
export function withGroups(v: NodeView) {
  if (!v.groups) return v;
  const groups = v.groups.map((g) => ({
    id: g.id,
    role: g.raft?.role,
    leaderId: g.raft?.leaderId,
    term: g.raft?.term,
    commitIndex: g.raft?.commitIndex,
    appliedIndex: g.raft?.appliedIndex,
    lag: g.lag,
    ...(g.raftError ? { error: g.raftError } : {}),
  }));
  return { ...v, groups };
}
