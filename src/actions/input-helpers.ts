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

// The runner replaces every occurrence of a masked string; a fragment this short would star out
// ordinary log text and hides nothing worth hiding.
const MIN_MASK = 3;

/**
 * Masks a secret input before anything could print it: the whole of it, every line (with and
 * without its surrounding spaces), and for KEY=VALUE lines the value alone too, since a value
 * may be printed on its own. Lines without '=' are masked as well: a malformed line is often a
 * secret pasted on the wrong line.
 */
export function maskSecretLines(text: string | undefined): void {
  if (!text) return;
  const parts = new Set<string>([text, text.trim()]);
  for (const line of text.split(/\r?\n/)) {
    parts.add(line.replace(/\r$/, ''));
    parts.add(line.trim());
    const eq = line.indexOf('=');
    if (eq >= 0) {
      parts.add(line.slice(eq + 1));
      parts.add(line.slice(eq + 1).trim());
    }
  }
  for (const p of parts) if (p.length >= MIN_MASK) core.setSecret(p);
}

/** Masks an SSH key before anything could print it: the whole and each line, as keys span many. */
export function maskKey(key: string | undefined): void {
  if (!key) return;
  const parts = new Set<string>([key, key.trim()]);
  for (const line of key.split(/\r?\n/)) parts.add(line.trim());
  for (const p of parts) if (p.length >= MIN_MASK) core.setSecret(p);
}

/** An input that is a credential: masked before anything could print it. */
export function secretInput(name: string): string | undefined {
  const v = core.getInput(name) || undefined;
  if (v) core.setSecret(v);
  return v;
}
