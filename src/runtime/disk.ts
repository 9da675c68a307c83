// Free space on the file system holding a path, as df reports it on the host.

import type { Host } from '../remote/host.js';

/** Free bytes under `dir` on the host, or why it could not be read. */
export async function freeBytes(
  host: Host,
  dir: string,
): Promise<{ free: number } | { error: string }> {
  const r = await host.run(['df', '-Pk', '--', dir], { allowFailure: true });
  // POSIX format: a header, then one line whose fourth field is the available 1024-byte blocks.
  const kb = Number(r.stdout.trim().split('\n').at(-1)?.split(/\s+/)[3]);
  return r.code === 0 && Number.isFinite(kb)
    ? { free: kb * 1024 }
    : { error: r.stderr.trim() || `df printed ${JSON.stringify(r.stdout.slice(0, 80))}` };
}
