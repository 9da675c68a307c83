// Reading GitHub Actions inputs, which always arrive as strings ('' when not given).
import * as core from '@actions/core';

/** The trimmed input, or undefined when empty. */
export const opt = (name: string): string | undefined => core.getInput(name).trim() || undefined;

export function boolInput(name: string, fallback: boolean): boolean {
  const v = core.getInput(name).trim().toLowerCase();
  if (v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`input ${name} is "${v}"; expected true or false`);
}

/** A number input; `ok` says which values are allowed and `expected` how to say so. */
export function num(
  name: string,
  fallback: number,
  ok: (n: number) => boolean = (n) => n >= 0,
  expected = 'a non-negative number',
): number {
  const v = core.getInput(name).trim();
  if (v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || !ok(n))
    throw new Error(`input ${name} is "${v}"; expected ${expected}`);
  return n;
}

/** Masks an SSH key before anything could print it: the whole and each line, as keys span many. */
export function maskKey(key: string | undefined): void {
  if (!key) return;
  for (const line of [key, ...key.split('\n')])
    if (line.trim().length > 8) core.setSecret(line.trim());
}
