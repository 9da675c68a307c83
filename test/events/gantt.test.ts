import { describe, expect, it } from 'vitest';
import { ganttChart, ganttMarkdown } from '../../src/events/gantt.js';
import type { Timeline } from '../../src/events/report.js';

// Mermaid's gantt grammar, as far as this chart uses it: a header, settings, sections and
// `name :start, end` tasks with integer millisecond times (dateFormat x).
const LINE = [
  /^gantt$/,
  /^ {2}title [^:;#\n]+$/,
  /^ {2}dateFormat x$/,
  /^ {2}axisFormat %M:%S$/,
  /^ {2}section [^:;#\n]+$/,
  /^ {2}[^:;#\n]+ :\d+, \d+$/,
];

function checkGrammar(chart: string): void {
  for (const l of chart.split('\n'))
    expect(
      LINE.some((r) => r.test(l)),
      `not gantt grammar: ${JSON.stringify(l)}`,
    ).toBe(true);
}

const timeline: Timeline = [
  { node: 'n1', phase: 'observe', atMs: 0 },
  { node: 'n1', phase: 'guard', atMs: 10 },
  { node: 'n1', phase: 'stop', atMs: 50, detail: 'docker stop --time 30' },
  { node: 'n1', phase: 'wal', atMs: 400 },
  { node: 'n1', phase: 'start', atMs: 900 },
  { node: 'n1', phase: 'catch-up', atMs: 1000 },
  { node: 'n1', phase: 'done', atMs: 2500 },
  { node: 'n:2;#', phase: 'guard', atMs: 2600 },
  { node: 'n:2;#', phase: 'handover', atMs: 2610 },
];

describe('the gantt chart', () => {
  it('draws each phase until the next one, in a section per node', () => {
    const chart = ganttChart('roll repo/etcd:b', timeline, 3000);
    checkGrammar(chart);
    expect(chart).toContain('  section n1\n  guard :10, 50\n  stop :50, 400\n  wal :400, 900');
    expect(chart).toContain('  catch-up :1000, 2500');
    expect(chart).not.toMatch(/done|observe/);
    // The last phase runs to the end; names are kept out of Mermaid's syntax.
    expect(chart).toContain('  section n 2\n  guard :2600, 2610\n  handover :2610, 3000');
  });

  it('is a fenced mermaid block in Markdown', () => {
    expect(ganttMarkdown('x', timeline, 3000)).toMatch(/^```mermaid\ngantt\n[\s\S]+\n```\n$/);
  });

  it('catches a line outside the grammar (the check can fail)', () => {
    expect(() => checkGrammar('gantt\n  stop: 1, 2')).toThrow();
  });
});
