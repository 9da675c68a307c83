// Container environment: defaults (GOMEMLIMIT) merged with the user's extra variables, a user
// key replacing the default of the same name. Values are arbitrary bytes of text; keys must be
// POSIX names, because they reach the container through a shell-sourced env file.

export type Env = Record<string, string>;

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class EnvError extends Error {
  override name = 'EnvError';
}

export function checkKey(key: string, where: string): void {
  if (!KEY.test(key)) {
    throw new EnvError(
      `${where}: "${key}" is not a valid environment variable name: expected letters, digits and _, not starting with a digit`,
    );
  }
}

/**
 * Parses KEY=VALUE lines (GitHub Actions inputs, the shell script's variables). Blank lines
 * and lines starting with # are skipped; the value is everything after the first '='. The
 * single word `none` means "no variables", since an empty input cannot say that.
 */
export function parseEnvLines(text: string, where: string): Env {
  const env: Env = {};
  if (text.trim() === 'none') return env;
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0)
      throw new EnvError(`${where}, line ${n + 1}: "${line.slice(0, 40)}" is not KEY=VALUE`);
    const key = line.slice(0, eq);
    checkKey(key, `${where}, line ${n + 1}`);
    env[key] = line.slice(eq + 1);
  }
  return env;
}

/** Defaults first, then the user's: a user key replaces the default of the same name. */
export function mergeEnv(defaults: Env, extra: Env): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(defaults)) {
    checkKey(k, 'default env');
    out[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    checkKey(k, 'extra env');
    out[k] = v;
  }
  return out;
}
