// One line per node for `raftroll status`, drawn from the observation only.

import type { NodeView } from '../cluster/observe.js';

const mib = (b: number) => (b ? `${Math.round(b / 1024 ** 2)}MiB` : 'unlimited');

export function statusLine(v: NodeView): string {
  if (!v.reachable) return `${v.id}  ${v.ssh}  UNREACHABLE  ${v.error}`;
  const c = v.container;
  const box = c
    ? `${c.state.status}${c.state.oomKilled ? ' OOMKilled' : ''}${c.restartCount ? ` restarts=${c.restartCount}` : ''}  ${c.image}  memory=${mib(c.memory)}  GOMEMLIMIT=${c.env.GOMEMLIMIT ?? 'unset'}`
    : 'no container';
  return `${v.id}  ${v.ssh}  ${box}  ${v.groups ? groupsText(v) : raftText(v)}`;
}

function raftText(v: NodeView): string {
  const r = v.raft;
  return r
    ? `${r.role}  term=${r.term}  commit=${r.commitIndex}  applied=${r.appliedIndex}  lag=${v.lag ?? '?'}`
    : `raft unreachable (${v.raftError})`;
}

/** Several Raft groups: what the node leads, its worst lag, and any group that is not well. */
function groupsText(v: NodeView): string {
  const gs = v.groups!;
  const leads = gs.filter((g) => g.raft?.role === 'leader').map((g) => g.id);
  const parts = [`groups=${gs.length}`, leads.length ? `leads ${leads.join(',')}` : 'leads none'];
  parts.push(v.lag === undefined ? 'lag unknown' : `lag <= ${v.lag}`);
  for (const g of gs) {
    if (!g.raft) parts.push(`group ${g.id} unreachable (${g.raftError})`);
    else if (g.raft.role !== 'leader' && g.raft.role !== 'follower')
      parts.push(`group ${g.id} ${g.raft.role}`);
    else if (!g.raft.leaderId) parts.push(`group ${g.id} sees no leader`);
  }
  return parts.join('; ');
}
