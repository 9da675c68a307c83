// Builds and runs test/reference/walref, a small Go program over etcd's own wal package
// (Debian's golang-etcd-server-dev, etcd 3.4.23). It is the reference every WAL verdict is
// compared against.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE = join(ROOT, 'test/reference/walref/main.go');
const CACHE = join(ROOT, 'node_modules/.cache/raftroll');
const GOPATH_ETCD = '/usr/share/gocode';

let built: string | undefined;

export function walrefBinary(): string {
  if (built) return built;
  if (!existsSync(join(GOPATH_ETCD, 'src/go.etcd.io/etcd/wal'))) {
    throw new Error(
      'etcd wal sources missing: apt-get install golang-go golang-etcd-server-dev (the test setup does this)',
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
        GOFLAGS: '-mod=mod',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  built = bin;
  return bin;
}

export interface ReadAllResult {
  result: 'ok' | 'unexpected-eof' | 'error' | 'panic';
  error?: string;
  entries: number;
  lastIndex: number;
  commit: number;
  millis: number;
}

export interface LoadResult {
  verdict: 'clean' | 'torn' | 'corrupt';
  first: ReadAllResult;
  repair?: boolean;
  second?: ReadAllResult;
}

export function walref<T = unknown>(cmd: string, dir: string, ...args: string[]): T {
  const out = execFileSync(walrefBinary(), [cmd, dir, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as T;
}

export interface CreateOptions {
  entries: number;
  entrySize: number;
  segmentSize: number;
  batch?: number;
  seed?: number;
}

export function createWal(dir: string, o: CreateOptions): string[] {
  const r = walref<{ segments: string[] }>(
    'create',
    dir,
    '-entries',
    String(o.entries),
    '-entry-size',
    String(o.entrySize),
    '-segment-size',
    String(o.segmentSize),
    '-batch',
    String(o.batch ?? 1),
    '-seed',
    String(o.seed ?? 1),
  );
  return r.segments;
}
