// The rollout job summary: what the inventory and the nodes said is shown as text, never as
// markup, and never breaks out of its table cell.

import { describe, expect, it } from 'vitest';
import { rolloutSummaryMarkdown } from '../../src/actions/rollout-summary.js';
import type { RolloutReport } from '../../src/events/report.js';

const HOSTILE = 'boom <img src=x onerror=alert(1)> | `rm -rf /` **bold** [x](https://evil.example)';

function report(over: Partial<RolloutReport['nodes'][number]> = {}): RolloutReport {
  return {
    result: 'failure',
    image: 'registry.example/kv:<b>1.4</b>',
    dryRun: false,
    order: ['n1'],
    startedAt: new Date(0).toISOString(),
    durationMs: 12_300,
    message: 'stopped at <script>x</script>',
    totals: { updated: 0, skipped: 0, failed: 1, rolledBack: 0, planned: 0 },
    nodes: [
      {
        node: 'n1',
        result: 'failed',
        roleBefore: 'follower',
        imageBefore: 'kv:1.3',
        imageAfter: 'kv:1.4',
        wal: 'clean',
        handover: 'not needed',
        downtimeMs: 4200,
        finalLag: 3,
        message: HOSTILE,
        ...over,
      },
    ],
    warnings: [],
    timeline: [],
  };
}

/** The cells of a table row, split only on the unescaped bars. */
const cells = (line: string) => line.split(/(?<!\\)\|/).slice(1, -1);

describe('rolloutSummaryMarkdown', () => {
  it('shows a node message with HTML, bars and backticks as text, in its own cell', () => {
    const md = rolloutSummaryMarkdown(report());
    expect(md).not.toMatch(/<img|<script|<b>/);
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).toContain('\\`rm -rf /\\`');
    expect(md).not.toMatch(/(?<!\\)`/);
    expect(md).not.toContain('https://');
    const row = md.split('\n').find((l) => l.startsWith('| n1 '))!;
    const c = cells(row);
    expect(c).toHaveLength(8);
    expect(c[7]).toContain('failed: boom &lt;img');
    expect(c[7]).toContain('\\|');
    expect(c[6]!.trim()).toBe('3');
    expect(c[5]!.trim()).toBe('4.2 s');
  });

  it('escapes node ids, images and the run message too', () => {
    const md = rolloutSummaryMarkdown(
      report({ node: 'n1|<i>', imageBefore: 'kv:`x`', imageAfter: 'kv:@team' }),
    );
    expect(md.split('\n')[0]).toBe(
      '### raftroll rollout to registry.example/kv:&lt;b&gt;1.4&lt;/b&gt;: failure',
    );
    expect(md).toContain('> stopped at &lt;script&gt;x&lt;/script&gt;');
    const row = md.split('\n').find((l) => l.startsWith('| n1'))!;
    const c = cells(row);
    expect(c).toHaveLength(8);
    expect(c[0]!.trim()).toBe('n1\\|&lt;i&gt;');
    expect(c[2]!.trim()).toBe('kv:\\`x\\` → kv:&#64;team');
  });

  it('puts each message on one line, so a newline cannot end the table', () => {
    const md = rolloutSummaryMarkdown(report({ message: 'a\n\n| forged | row |\nb' }));
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(3);
  });

  it('keeps the totals', () => {
    expect(rolloutSummaryMarkdown(report())).toContain(
      '**Totals:** 0 updated, 0 skipped, 1 failed (0 rolled back) in 12.3 s.',
    );
  });

  it('shows the WAL bytes read before and after the stop in the WAL cell', () => {
    const md = rolloutSummaryMarkdown(
      report({ walBytesReadBeforeStop: 64 * 2 ** 20, walBytesRead: 3 * 2 ** 19 }),
    );
    expect(md).toContain('clean (64.0 MiB read before the stop, 1.5 MiB after)');
  });
});
