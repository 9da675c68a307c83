// Reading GitHub Actions inputs, which always arrive as strings ('' when not given).
import * as core from '@actions/core';

export function boolInput(name: string, fallback: boolean): boolean {
  const v = core.getInput(name).trim().toLowerCase();
  if (v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`input ${name} is "${v}"; expected true or false`);
}
