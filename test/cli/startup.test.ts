// The CLI's start-up: dist/cli.js and the chunks it imports statically must not contain the
// heavy code (the YAML reader, the schema library, gRPC, the WAL engine, the rollout) that
// only some command needs; that is reached through import() when the command runs. --help
// still lists every command, built from the light definitions alone.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

/** Every file start-up loads: the entry and, transitively, its static imports (not import()). */
function loadedAtStart(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"/gms)) {
    loadedAtStart(resolve(dirname(file), m[1]!), seen);
  }
  for (const m of text.matchAll(/^import\s*"(\.[^"]+)"/gm)) {
    loadedAtStart(resolve(dirname(file), m[1]!), seen);
  }
  return seen;
}

describe('raftroll start-up', () => {
  const files = [...loadedAtStart(CLI)];
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');

  it('follows the static imports of dist/cli.js into its chunks', () => {
    // commander lives in a chunk: if none were followed, the checks below would prove nothing.
    expect(files.length).toBeGreaterThan(1);
    expect(text).toMatch(/node_modules\/commander\//);
  });

  it.each([
    ['yaml', /node_modules\/yaml\//],
    ['zod', /node_modules\/zod\//],
    ['grpc', /node_modules\/@grpc\//],
    ['the WAL engine', /src\/wal\/decoder\.ts/],
    ['the rollout', /src\/rollout\/rollout\.ts/],
  ])('does not load %s before a command runs', (_name, marker) => {
    expect(text).not.toMatch(marker);
  });

  it('still lists every command and its options in --help', () => {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const c of ['wal', 'status', 'plan', 'roll', 'remediate', 'diagnose', 'lock', 'join'])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    const roll = spawnSync(process.execPath, [CLI, 'roll', '--help'], { encoding: 'utf8' });
    expect(roll.stdout).toMatch(/--extra-env-file <file>/);
    expect(roll.stdout).toMatch(/--take-over-stale/);
  });
});
