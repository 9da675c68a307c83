import { describe, expect, it } from 'vitest';
import { OPTIONS, readOption, SettingError } from '../../src/settings/options.js';

const cli = (d: { flag: string }) => `--${d.flag}`;

describe('the shared options', () => {
  it.each(Object.entries(OPTIONS).filter(([, d]) => d.fallback))(
    '%s accepts its own default',
    (name) => {
      expect(() => readOption(name as keyof typeof OPTIONS, undefined, cli)).not.toThrow();
    },
  );

  it.each([
    ['catchUpTimeout', '0'],
    ['catchUpTimeout', '86401'],
    ['catchUpTimeout', '2147484'], // past a 32-bit setTimeout in ms, were it unbounded
    ['startTimeout', 'Infinity'],
    ['stabilize', '-1'],
    ['stopGrace', '0'],
    ['stopGrace', '3601'],
    ['stopGrace', '1.5'],
    ['maxLag', '-1'],
    ['maxLag', '10.5'],
    ['memoryPressure', '0'],
    ['memoryPressure', '1.01'],
    ['crashLoopRestarts', '0'],
    ['etcd', '3.8'],
    ['mode', 'heal'],
  ] as const)('%s refuses %s, naming the flag and what it expected', (name, raw) => {
    expect(() => readOption(name, raw, cli)).toThrow(SettingError);
    expect(() => readOption(name, raw, cli)).toThrow(
      new RegExp(`^--${OPTIONS[name].flag} is "${raw.replace('.', '\\.')}": expected `),
    );
  });

  it('reads an empty value as the default, and as nothing when there is none', () => {
    expect(readOption('maxLag', '', cli)).toBe(1000);
    expect(readOption('stopGrace', '', cli)).toBeUndefined();
    expect(readOption('stabilize', ' 2.5 ', cli)).toBe(2.5);
  });

  it('names an action input in the action style', () => {
    expect(() => readOption('mode', 'heal', (d) => `input ${d.input}`, ';')).toThrow(
      'input mode is "heal"; expected diagnose or auto',
    );
  });
});
