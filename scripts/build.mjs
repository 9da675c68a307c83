#!/usr/bin/env node
// Bundles every entry point into one committed file under dist/ (GitHub Actions run the
// committed bundle, not the sources). `--check` rebuilds into a scratch folder and fails when
// dist/ differs, so a stale bundle can never land unnoticed.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const entries = {
  cli: 'src/cli/main.ts',
  wal: 'src/actions/wal/index.ts',
  rollout: 'src/actions/rollout/index.ts',
  'rollout-post': 'src/actions/rollout/post.ts',
  remediate: 'src/actions/remediate/index.ts',
  'remediate-post': 'src/actions/remediate/post.ts',
};

const check = process.argv.includes('--check');
const quiet = process.argv.includes('--quiet');
const outdir = check ? mkdtempSync(join(tmpdir(), 'raftroll-dist-')) : 'dist';

await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: quiet ? 'error' : 'info',
  banner: {
    // Bundled CommonJS dependencies still call require(); give them one.
    js: "#!/usr/bin/env node\nimport { createRequire as __raftrollCreateRequire } from 'node:module';\nconst require = __raftrollCreateRequire(import.meta.url);",
  },
});

if (check) {
  const stale = [];
  const built = readdirSync(outdir).sort();
  const committed = readdirSync('dist').sort();
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
