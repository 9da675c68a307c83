// The timeline drawn: a Mermaid gantt chart of each node's phases, from the same timeline the
// JSON report carries. GitHub renders it in job summaries and Markdown files.

import type { Timeline } from './report.js';

/** Mermaid reads `:` `;` and `#` as syntax in a task line; keep names to plain words. */
const plain = (s: string) => s.replace(/[:;#\n\r`]/g, ' ').trim() || '-';

/**
 * Each phase lasts until the node's next phase (the last one until `endMs`); `done` and
 * `observe` mark moments rather than work and are not drawn.
 */
export function ganttChart(title: string, timeline: Timeline, endMs: number): string {
  const nodes = [...new Set(timeline.map((p) => p.node))];
  const lines = ['gantt', `  title ${plain(title)}`, '  dateFormat x', '  axisFormat %M:%S'];
  for (const node of nodes) {
    const phases = timeline.filter((p) => p.node === node);
    const bars = phases.flatMap((p, i) => {
      if (p.phase === 'done' || p.phase === 'observe') return [];
      const end = phases[i + 1]?.atMs ?? endMs;
      return [`  ${plain(p.phase)} :${Math.max(0, p.atMs)}, ${Math.max(p.atMs + 1, end)}`];
    });
    if (bars.length) lines.push(`  section ${plain(node)}`, ...bars);
  }
  return lines.join('\n');
}

/** The chart as a Markdown block. */
export const ganttMarkdown = (title: string, timeline: Timeline, endMs: number) =>
  `\`\`\`mermaid\n${ganttChart(title, timeline, endMs)}\n\`\`\`\n`;
