// Builds test/reference/walref, a small Go program over etcd's own wal package (Debian's
// golang-etcd-server-dev, etcd 3.4.23), once per source version. Used by the tests and by
// the WAL benchmark.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = join(ROOT, 'test/reference/walref/main.go');
const CACHE = join(ROOT, 'node_modules/.cache/raftroll');
const GOPATH_ETCD = '/usr/share/gocode';

/** Path of the walref binary, built on first use. */
export function walrefBinary() {
  if (!existsSync(join(GOPATH_ETCD, 'src/go.etcd.io/etcd/wal'))) {
    throw new Error(
      "etcd's wal sources are missing: run 'bash scripts/setup.sh' (installs golang-go and golang-etcd-server-dev)",
    );
  }
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const bin = join(CACHE, `walref-${hash}`);
  if (!existsSync(bin)) {
    mkdirSync(join(CACHE, 'gopath'), { recursive: true });
    execFileSync('go', ['build', '-o', bin, SOURCE], {
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: `${join(CACHE, 'gopath')}:${GOPATH_ETCD}`,
        GOCACHE: join(CACHE, 'go-build'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return bin;
}

/** Runs walref and parses its JSON answer. */
export function walref(cmd, dir, ...args) {
  const out = execFileSync(walrefBinary(), [cmd, dir, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out);
}
