#!/usr/bin/env node
// Bundles every entry point into committed files under dist/ (GitHub Actions run the
// committed bundle, not the sources). `--check` rebuilds into a scratch folder and fails when
// dist/ differs, so a stale bundle can never land unnoticed.
// `--lab` bundles the lab instead, into the ignored build/lab/ (Node cannot run its .ts
// sources); it is never committed, and scripts/lab.mjs rebuilds it when its sources change.
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
export const LAB_BUILD = join(ROOT, 'build/lab');
const LAB_ENTRIES = {
  main: 'lab/main.ts',
  'load-worker': 'lab/load-worker.ts',
  api: 'lab/api.ts',
};
// The lab imports the product's own builders from src/, so both trees feed its bundle.
const LAB_SOURCES = ['lab', 'src'];
// Someone else's program in its own language, never part of the bundle.
const NOT_LAB_SOURCES = new Set(['elastickv-standin']);

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_LAB_SOURCES.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function labIsFresh() {
  let built;
  try {
    built = Math.min(
      ...Object.keys(LAB_ENTRIES).map((n) => statSync(join(LAB_BUILD, `${n}.js`)).mtimeMs),
    );
  } catch {
    return false;
  }
  const inputs = [
    ...LAB_SOURCES.map((d) => newestMtime(join(ROOT, d))),
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
  ];
  return built > Math.max(...inputs);
}

/**
 * Bundles the lab into build/lab/. With `ifStale`, only when a source is newer than the
 * bundle. Each file is written aside and renamed into place, so a lab command starting while
 * another one builds never loads half a file.
 */
export async function buildLab({ quiet = false, ifStale = false } = {}) {
  if (ifStale && labIsFresh()) return;
  const r = await build({
    absWorkingDir: ROOT,
    entryPoints: LAB_ENTRIES,
    outdir: LAB_BUILD,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // A development tool run from a checkout: its dependencies are in node_modules.
    packages: 'external',
    write: false,
    logLevel: quiet ? 'error' : 'info',
  });
  mkdirSync(LAB_BUILD, { recursive: true });
  for (const f of r.outputFiles) {
    const aside = join(dirname(f.path), `.${basename(f.path)}.${process.pid}`);
    writeFileSync(aside, f.contents);
    renameSync(aside, f.path);
  }
}

// The actions: one self-contained file each (an action's runner loads exactly one file).
const ACTION_ENTRIES = {
  wal: 'src/actions/wal/index.ts',
  rollout: 'src/actions/rollout/index.ts',
  'rollout-post': 'src/actions/rollout/post.ts',
  remediate: 'src/actions/remediate/index.ts',
  'remediate-post': 'src/actions/remediate/post.ts',
};
// The CLI is split instead: dist/cli.js holds the command definitions, and each command's
// work (import()ed when it runs) and the code shared between them are chunks under
// dist/cli-chunks/. Start-up then parses commander and the options, not the SSH client, the
// YAML reader or the WAL engine that one command or another needs.
const CLI_CHUNKS = 'cli-chunks';

/**
 * A digest of the WAL engine's sources: a record of verified sealed segments is trusted only by
 * the build of the engine that wrote it (src/wal/sealed-manifest.ts).
 */
function walEngineDigest() {
  const h = createHash('sha256');
  for (const rel of filesUnder(join(ROOT, 'src/wal'))) {
    h.update(`${rel}\0`);
    h.update(readFileSync(join(ROOT, 'src/wal', rel)));
    h.update('\0');
  }
  return h.digest('hex');
}

const COMMON = {
  define: { __RAFTROLL_WAL_ENGINE__: JSON.stringify(walEngineDigest()) },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  banner: {
    // Bundled CommonJS dependencies still call require(); give them one.
    js: "#!/usr/bin/env node\nimport { createRequire as __raftrollCreateRequire } from 'node:module';\nconst require = __raftrollCreateRequire(import.meta.url);",
  },
};

/** Every file under dir, as paths relative to it. */
function filesUnder(dir, prefix = '') {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out = out.concat(filesUnder(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

async function buildDist({ check, quiet }) {
  const outdir = check ? mkdtempSync(join(tmpdir(), 'raftroll-dist-')) : 'dist';

  const logLevel = quiet ? 'error' : 'info';
  await build({ ...COMMON, entryPoints: ACTION_ENTRIES, outdir, logLevel });
  // Chunk names carry a content hash: old ones would pile up beside the new ones.
  rmSync(join(outdir, CLI_CHUNKS), { recursive: true, force: true });
  await build({
    ...COMMON,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir,
    splitting: true,
    chunkNames: `${CLI_CHUNKS}/[name]-[hash]`,
    logLevel,
  });

  if (check) {
    const stale = [];
    const built = filesUnder(outdir);
    const committed = filesUnder('dist');
    for (const name of new Set([...built, ...committed])) {
      let a;
      let b;
      try {
        a = readFileSync(join(outdir, name));
        b = readFileSync(join('dist', name));
      } catch {
        stale.push(name);
        continue;
      }
      if (!a.equals(b)) stale.push(name);
    }
    rmSync(outdir, { recursive: true, force: true });
    if (stale.length > 0) {
      console.error(
        `dist/ is stale: ${stale.join(', ')} differ from the sources. Run 'npm run build' and commit dist/.`,
      );
      process.exit(1);
    }
    if (!quiet) console.log('dist/ matches the sources');
  }
}

// Run as a script (not imported by the lab's launcher for buildLab).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--quiet');
  if (process.argv.includes('--lab')) await buildLab({ quiet });
  else await buildDist({ check: process.argv.includes('--check'), quiet });
}
