// What a cancelled rollout action writes to its job summary, and when: nothing before a signal;
// at once on the first one; again at each phase the run reaches after it (a kill may land at any
// of them); never after the run's own end, whose summary replaces it.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import { cancelSignal } from '../../src/actions/cancel.js';
import { cancelledRemediationMarkdown } from '../../src/actions/remediate-summary.js';
import { cancelledSummaryMarkdown } from '../../src/actions/rollout-summary.js';
import { Events, type Phase } from '../../src/events/events.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

let file: string;
let exitCode: typeof process.exitCode;
beforeEach(() => {
  file = join(tmp(), 'summary');
  writeFileSync(file, '');
  vi.stubEnv('GITHUB_STEP_SUMMARY', file);
  // core.warning's workflow command, kept out of the test's output.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  exitCode = process.exitCode;
});
afterEach(() => {
  process.exitCode = exitCode;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const summary = () => readFileSync(file, 'utf8');

it('writes the summary on SIGINT at once, follows the run to each later phase, and stops at its end', () => {
  const events = new Events();
  const signal = cancelSignal({
    events,
    render: (c) => cancelledSummaryMarkdown('registry/kv:1.4.2', c),
  });
  const phase = (node: string, p: Phase) =>
    events.emit({ type: 'phase', at: Date.now(), node, phase: p });
  phase('n1', 'done');
  phase('n2', 'handover');
  expect(summary()).toBe('');

  process.emit('SIGINT');
  expect(signal.aborted).toBe(true);
  expect(process.exitCode).toBe(130);
  expect(summary()).toMatch(/^### raftroll rollout to registry\/kv:1\.4\.2: cancelled\n/);
  expect(summary()).toMatch(/Cancelled by SIGINT at \S+ while n2 was at handover \(since \S+\)/);
  expect(summary()).toMatch(/n2 had not been stopped yet: nothing on it was changed/);

  phase('n2', 'stop');
  phase('n2', 'wal');
  expect(summary()).toMatch(/while n2 was at wal /);
  expect(summary()).toMatch(/If this job was killed first, n2 is left at wal/);
  expect(summary()).toContain('raftroll diagnose --inventory &lt;inventory&gt;');
  expect(summary()).toContain(
    'raftroll roll --inventory &lt;inventory&gt; --image registry/kv:1.4.2 --take-over-stale',
  );

  process.emit('SIGTERM');
  expect(summary()).toMatch(/Cancelled by SIGINT \(then SIGTERM\) at \S+ while n2 was at wal /);

  events.emit({ type: 'rollout-end', at: Date.now(), result: 'interrupted' });
  const last = summary();
  phase('n2', 'done');
  expect(summary()).toBe(last);
});

it('escapes what comes from the inventory', () => {
  const md = cancelledSummaryMarkdown('img', {
    signals: ['SIGINT'],
    at: 0,
    where: { node: '<b>n1</b>', phase: 'start', since: 0 },
  });
  expect(md).not.toContain('<b>');
  expect(md).toContain('while &lt;b&gt;n1&lt;/b&gt; was at start');
});

it('a cancelled remediation names the node and the command that finishes a heal', () => {
  const md = cancelledRemediationMarkdown('auto', {
    signals: ['SIGINT'],
    at: 0,
    where: { node: 'n3', phase: 'catch-up', since: 0 },
  });
  // Parentheses are escaped: Markdown renders them as themselves.
  expect(md).toMatch(/^### raftroll remediation \\\(auto\\\): cancelled\n/);
  expect(md).toMatch(/while n3 was at catch-up \(since /);
  expect(md).toContain(
    '- raftroll remediate --inventory &lt;inventory&gt; --mode auto --take-over-stale: finishes n3 as its journal says, then heals the rest;',
  );
  expect(md).not.toContain('raftroll roll');
});
