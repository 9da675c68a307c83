// action.yml documents the shared options exactly as src/settings defines them: the same
// description and the same default, so a user reads one meaning wherever they set it.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPTIONS } from '../../src/settings/options.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe.each([
  ['action.yml', 'src/actions/rollout/inputs.ts'],
  ['actions/remediate/action.yml', 'src/actions/remediate/inputs.ts'],
])('%s', (file, code) => {
  const inputs: Record<string, { description: string; default: string }> = parse(
    readFileSync(join(ROOT, file), 'utf8'),
  ).inputs;
  // The options the action reads through the shared definitions.
  const read = [...readFileSync(join(ROOT, code), 'utf8').matchAll(/settingInput\('(\w+)'\)/g)].map(
    (m) => m[1] as keyof typeof OPTIONS,
  );
  const shared = read.map((n) => OPTIONS[n]);

  it('takes the tuning options every cluster action shares', () => {
    const names = shared.map((d) => d.input);
    for (const n of [
      'max-lag',
      'stop-grace-seconds',
      'start-timeout-seconds',
      'catch-up-timeout-seconds',
    ])
      expect(names).toContain(n);
  });

  it.each(shared.map((d) => [d.input, d] as const))(
    'documents %s as the settings define it',
    (input, d) => {
      expect(inputs[input]!.description).toBe(d.description);
      expect(String(inputs[input]!.default)).toBe(d.fallback);
    },
  );
});
