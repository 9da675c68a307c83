// Plain-text rendering of WAL reports for the terminal. It only formats what the report says.

import type { PathReport, RepairReport } from '../wal/engine.js';
import type { DirReport } from '../wal/verify.js';

function entries(e: {
  count: number;
  first: number | undefined;
  last: number | undefined;
}): string {
  if (e.count === 0 || e.first === undefined) return 'no entries';
  return e.first === e.last
    ? `1 entry (index ${e.first})`
    : `${e.count} entries (index ${e.first}..${e.last})`;
}

function dirLines(d: DirReport): string[] {
  const head = `${d.dir}: ${d.verdict}${d.repairable ? ' (repairable)' : ''}   [etcd ${d.etcdVersion} loader: ${d.etcdVerdict}]`;
  const out = [head, `  ${d.reason}`];
  if (d.problem) {
    out.push(
      `  at ${d.problem.segment} offset ${d.problem.offset} (record ${d.problem.recordIndex}): ${d.problem.etcdError}`,
    );
  }
  if (d.repair) {
    out.push(
      `  repair: truncate ${d.repair.segment} at ${d.repair.truncateAt}, dropping ${d.repair.bytesDropped} bytes (${d.repair.nonZeroBytesDropped} non-zero) and ${entries(d.repair.entriesDropped)}`,
    );
  }
  const s = d.summary;
  const hs = s.hardState
    ? `; hard state term ${s.hardState.term}, commit ${s.hardState.commit}, vote ${s.hardState.vote}`
    : '';
  out.push(`  ${d.segments.length} segment(s), ${s.records} records, ${entries(s.entries)}${hs}`);
  for (const h of d.hazards) out.push(`  warning: ${h.message}`);
  return out;
}

export function verifyText(r: PathReport): string {
  return r.dirs.flatMap(dirLines).join('\n');
}

export function repairText(r: RepairReport): string {
  if (r.actions.length === 0) return `${verifyText(r)}\nnothing to repair; nothing was written`;
  const done = r.actions.map(
    (a) =>
      `repaired ${a.dir}/${a.segment}: backup ${a.backup}, truncated at ${a.truncatedAt}, dropped ${a.bytesDropped} bytes and ${entries(a.entriesDropped)}${a.lossy ? ' (lossy, as asked)' : ''}`,
  );
  return [...done, 'after the repair:', verifyText(r.after)].join('\n');
}
