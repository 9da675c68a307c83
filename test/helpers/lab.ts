// Access to the lab from tests: bring it up fresh, reach its hosts the way raftroll does.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
