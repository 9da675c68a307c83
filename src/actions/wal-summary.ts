// Markdown for a GitHub job summary, drawn from a WAL report and nothing else.
import type { PathReport } from '../wal/engine.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function walSummaryMarkdown(r: PathReport): string {
  const rows = r.dirs.map((d) => {
    const where = d.problem ? `${d.problem.segment} @ ${d.problem.offset}` : '';
    const entries = d.summary.entries.count
      ? `${d.summary.entries.first}..${d.summary.entries.last}`
      : 'none';
    return `| ${cell(d.dir)} | ${d.verdict} | ${d.etcdVerdict} | ${cell(where)} | ${entries} | ${cell(d.reason)} |`;
  });
  return [
    `### raftroll WAL check (etcd ${r.etcdVersion} rules): ${r.verdict}`,
    '',
    '| directory | verdict | etcd loader | where | entries | why |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
