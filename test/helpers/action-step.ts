// Runs a bundled action step the way a GitHub runner does: a node process with INPUT_* and
// STATE_* variables, and GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files to read back.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lab.js';
import { tmp } from './tmp.js';

export interface StepRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

/** name<<DELIM ... DELIM blocks, as @actions/core writes outputs and state. */
function fileCommands(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of readFileSync(path, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    out[m[1]!] = m[3]!;
  return out;
}

interface Step {
  env: Record<string, string>;
  read(code: number | null, stdout: string): StepRun;
}

function prepare(
  inputs: Record<string, string>,
  state: Record<string, string>,
  extraEnv: Record<string, string>,
): Step {
  const dir = tmp();
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    RUNNER_TEMP: dir,
    ...files,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
  Object.assign(env, extraEnv);
  return {
    env,
    read: (code, stdout) => ({
      code,
      stdout,
      outputs: fileCommands(files.GITHUB_OUTPUT),
      state: fileCommands(files.GITHUB_STATE),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    }),
  };
}

export function runStep(
  script: string,
  inputs: Record<string, string>,
  state: Record<string, string> = {},
  timeoutMs = 300_000,
): StepRun {
  const step = prepare(inputs, state, {});
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', script)], {
    env: step.env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return step.read(r.status, r.stdout);
}

/**
 * The same, without blocking this process: for steps that talk to a server the test itself
 * runs (a stand-in GitHub API). `env` adds runner variables (GITHUB_API_URL, GITHUB_SHA, ...).
 */
export async function runStepAsync(
  script: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  timeoutMs = 300_000,
): Promise<StepRun> {
  const step = prepare(inputs, {}, env);
  const child = spawn(process.execPath, [join(ROOT, 'dist', script)], {
    env: step.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(timer);
  return step.read(code, stdout);
}
