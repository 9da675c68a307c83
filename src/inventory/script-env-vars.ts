// Where the script's variables come from, in the script's order of precedence: the process
// environment, with the upstream workflow's conventions applied, then ROLLING_UPDATE_ENV_FILE,
// whose assignments win because the script sources it over the environment.

import { readFileSync } from 'node:fs';
import { parseEnvFile } from './env-file.js';
import { InventoryError } from './load.js';
import { unknownVariableWarnings } from './script-vars.js';

type Env = Record<string, string | undefined>;

/** The upstream workflow's "was this repository variable defined at all" flags. */
const CONFIGURED = {
  CONTAINER_MEMORY_LIMIT: 'CONTAINER_MEMORY_LIMIT_CONFIGURED',
  DEFAULT_EXTRA_ENV: 'DEFAULT_EXTRA_ENV_CONFIGURED',
} as const;

/** Comma map, entries stripped of blanks, as the workflow normalizes it before comparing. */
const normalizeMap = (v: string) =>
  v
    .split(',')
    .map((e) => e.replace(/\s/g, ''))
    .filter(Boolean)
    .join(',');

export class ScriptVars {
  readonly warnings: string[] = [];
  readonly notes: string[] = [];
  private readonly env: Env;

  constructor(
    processEnv: Env,
    readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
  ) {
    const env: Env = { ...processEnv };
    for (const [name, flag] of Object.entries(CONFIGURED)) {
      const f = env[flag];
      if (f === undefined) continue;
      if (f !== 'true' && f !== 'false' && f !== '')
        throw new InventoryError(
          `${flag} is ${JSON.stringify(f)}: expected true or false (whether the repository variable ${name} is defined)`,
        );
      // GitHub hands an undefined repository variable over as '', which would read as "off".
      if (f !== 'true') delete env[name];
    }
    const file = env.ROLLING_UPDATE_ENV_FILE;
    let fileKeys: string[] = [];
    if (file) {
      let text: string;
      try {
        text = readFile(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new InventoryError(
          `ROLLING_UPDATE_ENV_FILE is ${JSON.stringify(file)}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}; expected a file of KEY=VALUE lines on this machine`,
        );
      }
      const assigned = parseEnvFile(text, `ROLLING_UPDATE_ENV_FILE ${file}`);
      fileKeys = Object.keys(assigned);
      Object.assign(env, assigned);
    }
    this.takeWorkflowMap(env, 'NODES', 'NODES_RAFT_MAP');
    this.takeWorkflowMap(env, 'SSH_TARGETS', 'SSH_TARGETS_MAP');
    this.warnings.push(...unknownVariableWarnings(env, fileKeys));
    this.env = env;
  }

  /** The workflow's repository variable stands in for the script's when that is empty. */
  private takeWorkflowMap(env: Env, name: string, workflowName: string): void {
    const theirs = env[workflowName];
    if (!theirs) return;
    const ours = env[name];
    if (!ours) {
      env[name] = theirs;
      return;
    }
    if (normalizeMap(ours) !== normalizeMap(theirs))
      throw new InventoryError(
        `${name} and ${workflowName} are both set and differ: give one (the upstream workflow copies ${workflowName} into ${name})`,
      );
  }

  /** The script's "${NAME:-default}": empty counts as unset. */
  get(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  /** The script's "${NAME-default}": only unset means the default; empty is a value. */
  raw(name: string): string | undefined {
    return this.env[name];
  }

  /** A true/false switch, refused otherwise as the script refuses it. */
  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (v !== 'true' && v !== 'false')
      throw new InventoryError(
        `${name} is ${JSON.stringify(v)}: expected true or false (exactly, lower case)`,
      );
    return v === 'true';
  }

  port(name: string, fallback: number): number {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > 65535)
      throw new InventoryError(`${name} is "${v}": expected a port number`);
    return n;
  }
}
