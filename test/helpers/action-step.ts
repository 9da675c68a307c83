// Runs a bundled action step the way a GitHub runner does: a node process with INPUT_* and
// STATE_* variables, and GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files to read back.

import { spawnSync } from 'node:child_process';
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

export function runStep(
  script: string,
  inputs: Record<string, string>,
  state: Record<string, string> = {},
  timeoutMs = 300_000,
): StepRun {
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
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', script)], {
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return {
    code: r.status,
    stdout: r.stdout,
    outputs: fileCommands(files.GITHUB_OUTPUT),
    state: fileCommands(files.GITHUB_STATE),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}
