// The remediation job summary: a pure rendering of the result, with untrusted text escaped.

import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/actions/markdown.js';
import {
  REASON_LIMIT,
  type RemediationSummaryInput,
  remediationSummaryMarkdown,
} from '../../src/actions/remediate-summary.js';

const healthy = (node: string) => ({
  node,
  class: 'healthy',
  all: ['healthy'],
  action: 'none',
  why: 'running and caught up',
});

const diagnosed: RemediationSummaryInput = {
  result: 'attention',
  mode: 'diagnose',
  reason: 'PagerDuty: etcd n2 down',
  findings: [
    healthy('n1'),
    {
      node: 'n2',
      class: 'crash-looping',
      all: ['crash-looping', 'oom-killed'],
      action: 'recreate-with-defaults',
      why: 'restarted 5 times, now exited (last exit code 137)',
    },
    healthy('n3'),
  ],
  actions: [],
};

describe('remediationSummaryMarkdown', () => {
  it('shows mode, reason and result, and a row per node', () => {
    const md = remediationSummaryMarkdown(diagnosed);
    expect(md).toMatch(/^### raftroll remediation \(diagnose\): attention\n/);
    expect(md).toContain('**Mode:** diagnose (read only: nothing was changed)');
    expect(md).toContain('**Reason:** PagerDuty: etcd n2 down');
    expect(md).toContain('**Result:** attention: Something is still wrong and needs a person.');
    expect(md).toContain('| node | class | action | outcome | why |');
    expect(md).toContain(
      '| n2 | crash-looping \\(also oom-killed\\) | recreate-with-defaults | not changed \\(diagnose\\) | restarted 5 times, now exited \\(last exit code 137\\) |',
    );
    expect(md).toContain('| n1 | healthy | none |  | running and caught up |');
    expect(md.split('\n').filter((l) => /^\| n\d /.test(l))).toHaveLength(3);
  });

  it('shows each heal outcome and its message in auto mode', () => {
    const md = remediationSummaryMarkdown({
      ...diagnosed,
      result: 'failed',
      mode: 'auto',
      reason: undefined,
      actions: [
        {
          node: 'n2',
          class: 'crash-looping',
          action: 'recreate-with-defaults',
          outcome: 'refused',
          message: 'n1 is down: stopping n2 would lose quorum',
        },
        { ...healthy('n1'), outcome: 'nothing-to-do', message: 'healthy' },
      ],
    });
    expect(md).toMatch(/^### raftroll remediation \(auto\): failed\n/);
    expect(md).toContain('**Mode:** auto  ');
    expect(md).toContain('**Reason:** (none given)');
    expect(md).toContain('| refused: n1 is down: stopping n2 would lose quorum |');
    expect(md).toContain('| n1 | healthy | none | nothing-to-do: healthy |');
  });

  it('escapes a hostile reason: no HTML, links, code, mentions, table breaks or new lines', () => {
    const reason =
      '<img src=x onerror=alert(1)> [click](https://evil.example) `rm -rf /` **bold** | cell @team\n## heading\r\n<script>x</script> &amp;';
    const md = remediationSummaryMarkdown({ ...diagnosed, reason });
    const line = md.split('\n').find((l) => l.startsWith('**Reason:**'))!;
    expect(line).toBe(
      '**Reason:** &lt;img src=x onerror=alert\\(1\\)&gt; \\[click\\]\\(https&#58;//evil.example\\) \\`rm -rf /\\` \\*\\*bold\\*\\* \\| cell &#64;team ## heading &lt;script&gt;x&lt;/script&gt; &amp;amp;  ',
    );
    expect(md).not.toMatch(/<(img|script)/);
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(1);
  });

  it('escapes text from the hosts in the table too', () => {
    const md = remediationSummaryMarkdown({
      ...diagnosed,
      findings: [{ ...healthy('n1'), class: 'stopped', why: 'exit <b>1</b> | x\n| y |' }],
    });
    expect(md).toContain('| exit &lt;b&gt;1&lt;/b&gt; \\| x \\| y \\| |');
  });

  it('shortens a very long reason', () => {
    const md = remediationSummaryMarkdown({ ...diagnosed, reason: 'a'.repeat(5000) });
    const line = md.split('\n').find((l) => l.startsWith('**Reason:**'))!;
    expect(line).toBe(`**Reason:** ${'a'.repeat(REASON_LIMIT)}…  `);
  });

  it('lists a heal result even for a node without a finding', () => {
    const md = remediationSummaryMarkdown({
      result: 'attention',
      mode: 'auto',
      findings: [],
      actions: [
        { node: 'n3', class: 'lagging', action: 'wait', outcome: 'not-reached', message: 'x' },
      ],
    });
    expect(md).toContain('| n3 | lagging | wait | not-reached: x |  |');
  });
});

describe('escapeMarkdown', () => {
  it('keeps bare URLs from becoming links', () => {
    expect(escapeMarkdown('see https://evil.example/x or www.evil.example')).toBe(
      'see https&#58;//evil.example/x or www&#46;evil.example',
    );
  });
  it('leaves plain text alone and removes control characters', () => {
    expect(escapeMarkdown('n2 is 1500 entries behind the leader')).toBe(
      'n2 is 1500 entries behind the leader',
    );
    expect(escapeMarkdown('a\u0000b\u001bc\u007f')).toBe('abc');
  });
});
