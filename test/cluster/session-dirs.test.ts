// A run's private directory (SSH control sockets, maybe a key) does not outlive the run: close()
// removes it, so do exit and SIGINT/SIGTERM, and the directory of a run killed outright is
// removed by the next session opened on this machine once that run's pid is gone.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterSession, removeStaleDirs } from '../../src/cluster/session.js';
import type { Inventory } from '../../src/inventory/load.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const inv = {
  engine: 'etcd',
  nodes: [{ id: 'n1', host: '127.0.0.1' }],
  container: { name: 'etcd', image: 'etcd:1', dataDir: '/var/lib/etcd' },
  ports: { client: 2379, peer: 2380 },
  source: 'inventory.yml',
} as Inventory;

/** The pid of a process that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

function leftover(base: string, name: string, madeOn?: string): string {
  const dir = join(base, name);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'id'), 'key\n');
  if (madeOn !== undefined) writeFileSync(join(dir, 'made-on'), madeOn);
  return dir;
}

afterAll(cleanupTmp);

describe('a killed run', () => {
  it("leaves a directory that the next session removes once its pid is gone, and nobody else's", async () => {
    const base = tmp();
    const dead = deadPid();
    const me = `${hostname()}\n`;
    const stale = leftover(base, `raftroll-${dead}-aB3dE9`, me);
    const keep = [
      leftover(base, `raftroll-${process.pid}-aB3dE9`, me), // a live run
      leftover(base, `raftroll-${dead}-zZ9yY8`, 'another-machine\n'), // shared /tmp, other pid space
      leftover(base, `raftroll-${dead}-qQ1wW2`), // not known to be ours
      leftover(base, 'raftroll-aB3dE9'), // an earlier release's: no pid to judge by
      leftover(base, `raftroll-${dead}-dist`, me), // not a session's name
    ];
    writeFileSync(join(base, `raftroll-${dead}-fF4gG5`), me); // a file, not a directory

    const session = await ClusterSession.open(inv, { baseDir: base, privateKey: 'KEY' });
    expect(existsSync(stale)).toBe(false);
    for (const d of keep) expect(existsSync(d), d).toBe(true);
    expect(existsSync(join(base, `raftroll-${dead}-fF4gG5`))).toBe(true);

    // Its own directory says whose it is: the pid in the name, the machine inside.
    expect(session.dir).toMatch(new RegExp(`/raftroll-${process.pid}-[A-Za-z0-9]{6}$`));
    expect(readFileSync(join(session.dir, 'made-on'), 'utf8')).toBe(me);
    expect(await removeStaleDirs(base)).toEqual([]);
    await session.close();
    expect(existsSync(session.dir)).toBe(false);
  });
});

describe('a stopped run', () => {
  let bundle: string;
  beforeAll(async () => {
    const dir = tmp();
    bundle = join(dir, 'child.mjs');
    // Opens a session, prints its directory, and waits to be stopped; with "graceful" it also
    // listens for SIGTERM the way a run finishing its node does, and exits on its own.
    writeFileSync(
      join(dir, 'child.ts'),
      `import { ClusterSession } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/cluster/session.ts'))};
const [base, mode] = process.argv.slice(2);
const inv = ${JSON.stringify(inv)};
const s = await ClusterSession.open(inv, { baseDir: base, privateKey: 'KEY' });
if (mode === 'graceful')
  process.on('SIGTERM', () => {
    console.log('finishing');
    setTimeout(() => process.exit(130), 100);
  });
console.log(s.dir);
setInterval(() => {}, 1000);
`,
    );
    await build({
      entryPoints: [join(dir, 'child.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'error',
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
  }, 60_000);

  /** Starts the child, waits for its directory, sends `sig`, and returns how it ended. */
  function stop(base: string, sig: NodeJS.Signals, mode = '') {
    const child = spawn(process.execPath, [bundle, base, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    return new Promise<{ dir: string; out: string; code: number | null; signal: string | null }>(
      (done, fail) => {
        let dir = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (!dir && out.includes('\n')) {
            dir = out.split('\n')[0]!;
            expect(existsSync(join(dir, 'id'))).toBe(true);
            child.kill(sig);
          }
        });
        child.on('error', fail);
        child.on('exit', (code, signal) =>
          dir ? done({ dir, out, code, signal }) : fail(new Error(`child ended early: ${err}`)),
        );
      },
    );
  }

  it('removes its directory on SIGTERM and SIGINT, and still dies of the signal', async () => {
    const base = tmp();
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const r = await stop(base, sig);
      expect(r.signal).toBe(sig);
      expect(existsSync(r.dir)).toBe(false);
    }
    expect(readdirSync(base)).toEqual([]);
  }, 30_000);

  it('lets a run that handles SIGTERM finish, and removes the directory when it exits', async () => {
    const base = tmp();
    const r = await stop(base, 'SIGTERM', 'graceful');
    expect(r.out).toContain('finishing');
    expect(r.code).toBe(130);
    expect(existsSync(r.dir)).toBe(false);
  }, 30_000);

  it('cannot clean up after SIGKILL, so the next session does', async () => {
    const base = tmp();
    const r = await stop(base, 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(r.dir)).toBe(true);
    expect(await removeStaleDirs(base)).toEqual([r.dir]);
    expect(readdirSync(base)).toEqual([]);
  }, 30_000);
});
