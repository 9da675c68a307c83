// Container environment: defaults (GOMEMLIMIT) merged with the user's extra variables, a user
// key replacing the default of the same name. Keys must be POSIX names; values reach the
// container through docker's --env-file, which takes each line literally, so a value must be
// something that format can carry (see checkEnvFileValue).
//
// Messages never quote a value: extra env carries secrets. A line that is not KEY=VALUE may be a
// pasted secret, so it is named by its line number only; a key is quoted only once it is known
// to be a valid name (a base64 secret's "key" part would otherwise leak).

export type Env = Record<string, string>;

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEY_RULE = 'expected letters, digits and _, not starting with a digit';

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Whether key is a valid environment variable name (letters, digits, _; no leading digit). */
export const isEnvKey = (key: string): boolean => KEY.test(key);

/**
 * Refuses an invalid key. The key is shown escaped and cut short: this is for keys that are
 * keys by structure (a YAML map's), never for free text that might be a value.
 */
export function checkKey(key: string, where: string): void {
  if (!KEY.test(key)) {
    const shown = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}...` : key);
    throw new EnvError(`${where}: ${shown} is not a valid environment variable name: ${KEY_RULE}`);
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
    const at = `${where}, line ${n + 1}`;
    const eq = line.indexOf('=');
    if (eq < 0)
      throw new EnvError(`${at}: expected KEY=VALUE, found no "=" (the line is not shown)`);
    const key = line.slice(0, eq);
    if (!KEY.test(key))
      throw new EnvError(
        `${at}: the name before "=" is not a valid environment variable name: ${KEY_RULE} (the line is not shown)`,
      );
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

// docker reads --env-file with Go's line scanner, whose longest line is 64 KiB; stay below it.
export const MAX_ENV_LINE_BYTES = 60 * 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why docker's --env-file cannot carry this value literally, or undefined when it can. The
 * format has no quoting: a line is KEY=VALUE, the value running to the end of the line.
 */
export function envFileProblem(key: string, value: string): string | undefined {
  if (value.includes('\n')) return 'contains a line break, which an env file cannot carry';
  if (value.endsWith('\r'))
    return 'ends with a carriage return, which docker drops from an env file line';
  if (value.includes('\0')) return 'contains a NUL byte, which no environment can carry';
  if (LONE_SURROGATE.test(value))
    return 'is not valid Unicode (a lone surrogate), which docker refuses in an env file';
  // Newer docker releases strip one pair of matching outer quotes from env-file values and
  // older ones keep them: such a value would arrive differently depending on the host.
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
    return `starts and ends with ${value[0]}, which some docker releases strip from env-file values: remove the quotes (values are taken literally)`;
  if (Buffer.byteLength(`${key}=${value}`) > MAX_ENV_LINE_BYTES)
    return `is longer than docker's env file line limit (${MAX_ENV_LINE_BYTES} bytes with its key)`;
  return undefined;
}

/** Refuses, naming the key (never the value), any variable an env file cannot carry. */
export function checkEnvFileValues(env: Env, where: string): void {
  for (const [k, v] of Object.entries(env)) {
    checkKey(k, where);
    const problem = envFileProblem(k, v);
    if (problem) throw new EnvError(`${where}: the value of ${k} ${problem}`);
  }
}
