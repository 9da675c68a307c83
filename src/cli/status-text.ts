// One line per node for `raftroll status`, drawn from the observation only.

import type { NodeView } from '../cluster/observe.js';

const mib = (b: number) => (b ? `${Math.round(b / 1024 ** 2)}MiB` : 'unlimited');

export function statusLine(v: NodeView): string {
  if (!v.reachable) return `${v.id}  ${v.ssh}  UNREACHABLE  ${v.error}`;
  const c = v.container;
  const box = c
    ? `${c.state.status}${c.state.oomKilled ? ' OOMKilled' : ''}${c.restartCount ? ` restarts=${c.restartCount}` : ''}  ${c.image}  memory=${mib(c.memory)}  GOMEMLIMIT=${c.env.GOMEMLIMIT ?? 'unset'}`
    : 'no container';
  const r = v.raft;
  const raft = r
    ? `${r.role}  term=${r.term}  commit=${r.commitIndex}  applied=${r.appliedIndex}  lag=${v.lag ?? '?'}`
    : `raft unreachable (${v.raftError})`;
  return `${v.id}  ${v.ssh}  ${box}  ${raft}`;
}
