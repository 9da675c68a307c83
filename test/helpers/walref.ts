// Builds and runs test/reference/walref, a small Go program over etcd's own wal package
// (Debian's golang-etcd-server-dev, etcd 3.4.23). It is the reference every WAL verdict is
// compared against.

import { walref } from '../../scripts/lib/walref.mjs';

export { walref, walrefBinary } from '../../scripts/lib/walref.mjs';

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
