// The project's own dependency check: every folder of src/ sits on a layer and imports only from
// layers below it, and no file imports itself back through a chain of others. A new folder
// must be given a layer here before it can land.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Lower numbers are lower layers. Folders on one layer may not import each other either. */
const LAYERS: Record<string, number> = {
  base: 0,
  wal: 1,
  remote: 1,
  runtime: 2,
  raft: 2,
  inventory: 3,
  cluster: 4,
  events: 5,
  node: 6,
  rollout: 7,
  remediate: 7,
  settings: 8,
  // Above remediate: a join reuses the re-seed's learner steps.
  membership: 8,
  actions: 9,
  cli: 9,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports (static and import()) and re-exports of a file, resolved to .ts paths under src/. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm),
    // A command's work is loaded with import() when it runs: still an import for the layers.
    ...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
  ];
  return specs.map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

const folderOf = (file: string) => relative(SRC, file).split('/')[0]!;

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of sources(SRC)) g.set(f, importsOf(f));
  return g;
}

/** Every cycle's files, as found by a depth-first walk (one witness per back edge). */
function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of g.get(f) ?? []) {
      if (state.get(to) === 'open') found.push(stack.slice(stack.indexOf(to)));
      else if (!state.has(to) && g.has(to)) visit(to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('the layers of src/', () => {
  const g = graph();

  it('gives every folder a layer', () => {
    const folders = new Set([...g.keys()].map(folderOf).filter((f) => !f.endsWith('.ts')));
    expect([...folders].filter((f) => LAYERS[f] === undefined)).toEqual([]);
  });

  it('imports only from lower layers', () => {
    const wrong: string[] = [];
    for (const [file, imports] of g) {
      const from = folderOf(file);
      for (const to of imports) {
        const into = folderOf(to);
        if (into === from) continue;
        if (!(LAYERS[into]! < LAYERS[from]!))
          wrong.push(
            `${relative(SRC, file)} -> ${relative(SRC, to)} (${from} may not import ${into})`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycle, between folders or between files', () => {
    expect(cycles(g).map((c) => c.map((f) => relative(SRC, f)).join(' -> '))).toEqual([]);
  });

  it('would catch a cycle and a climb (the check can fail)', () => {
    const a = join(SRC, 'wal/a.ts');
    const b = join(SRC, 'wal/b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toHaveLength(1);
    const climb = importsOf(
      join(SRC, 'wal/x.ts'),
      "import { Rollout } from '../rollout/rollout.js';",
    );
    expect(climb.map(folderOf)).toEqual(['rollout']);
    const lazy = importsOf(join(SRC, 'wal/x.ts'), "const m = await import('../actions/roll.js');");
    expect(lazy.map(folderOf)).toEqual(['actions']);
    expect(LAYERS.rollout! < LAYERS.wal!).toBe(false);
  });
});
