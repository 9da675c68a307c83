// Access to the lab from tests: bring it up fresh, reach its hosts the way raftroll does.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SshHost, type SshSettings } from '../../src/remote/ssh.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const LAB = join(ROOT, '.lab');

export function lab(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/lab.mjs'), ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0)
    throw new Error(`lab ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A fresh lab (down, then up): no test inherits another's faults. */
export function freshLab(): void {
  lab('down');
  lab('up');
}

export function labSsh(i: number, over: Partial<SshSettings> = {}): SshHost {
  return new SshHost(`n${i}`, {
    target: `root@127.0.1.${i}`,
    identityFile: join(LAB, 'ssh/id_ed25519'),
    knownHostsFile: join(LAB, 'ssh/known_hosts'),
    controlDir: mkdtempSync(join(tmpdir(), 'raftroll-ssh-')),
    connectTimeoutSec: 5,
    ...over,
  });
}

export interface LabContainer {
  id: string;
  image: string;
  startedAt: string;
  running: boolean;
  memory: number;
  env: string[];
}

/** Host i's `etcd` container, read straight from its engine (not through raftroll). */
export function labContainer(i: number): LabContainer {
  const r = spawnSync(
    'docker',
    ['-H', `unix:///run/raftroll-lab/h${i}/docker.sock`, 'inspect', 'etcd'],
    { encoding: 'utf8' },
  );
  const c = JSON.parse(r.stdout)[0];
  return {
    id: c.Id,
    image: c.Config.Image,
    startedAt: c.State.StartedAt,
    running: c.State.Running,
    memory: c.HostConfig.Memory,
    env: c.Config.Env,
  };
}

/** sha256 of every file in host i's WAL directory: proves a log was left byte-for-byte alone. */
export function labWalDigest(i: number): string[] {
  const dir = join(LAB, `hosts/h${i}/data/etcd/member/wal`);
  return readdirSync(dir)
    .sort()
    .map(
      (n) =>
        `${n}:${createHash('sha256')
          .update(readFileSync(join(dir, n)))
          .digest('hex')}`,
    );
}
