// Access to the lab from tests: bring it up fresh, reach its hosts the way raftroll does.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HOST_DATA, hostIp, hostPaths, LAB, nodeId, ROOT, RUN, SSH } from '../../lab/config.js';
import { labEngine } from '../../lab/engines/registry.js';
import { SshHost, type SshSettings } from '../../src/remote/ssh.js';

export { LAB, ROOT };

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
  return new SshHost(nodeId(i), {
    target: `root@${hostIp(i)}`,
    identityFile: SSH.key,
    knownHostsFile: SSH.knownHosts,
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
  restartCount: number;
  memory: number;
  env: string[];
}

/** docker on host i's own engine, straight (not through raftroll); throws when it fails. */
export function labDocker(i: number, ...args: string[]): string {
  const r = spawnSync('docker', ['-H', `unix://${hostPaths(i).dockerSock}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} on h${i}: ${r.stderr}`);
  return r.stdout;
}

/** Host i's database container, read straight from its engine (not through raftroll). */
export function labContainer(i: number): LabContainer {
  const c = JSON.parse(labDocker(i, 'inspect', labEngine().container))[0];
  return {
    id: c.Id,
    image: c.Config.Image,
    startedAt: c.State.StartedAt,
    running: c.State.Running,
    restartCount: c.RestartCount,
    memory: c.HostConfig.Memory,
    env: c.Config.Env,
  };
}

/** Host i's data directory (the WAL directories lie below it), as this machine sees it. */
export const labDataDir = (i: number) => labEngine().dataDir(i);

/** Host i's WAL directories (one per Raft group), as this machine sees them. */
export const labWalDirs = (i: number) => labEngine().walDirs(i);

/**
 * sha256 of every file in host i's WAL directories (named relative to dataDir, which may be a
 * copy moved aside): proves a log was left byte-for-byte alone.
 */
export function labWalDigest(i: number, dataDir = labDataDir(i)): string[] {
  return labEngine()
    .walDirs(i, dataDir)
    .flatMap((dir) =>
      readdirSync(dir)
        .sort()
        .map(
          (n) =>
            `${relative(dataDir, join(dir, n))}:${createHash('sha256')
              .update(readFileSync(join(dir, n)))
              .digest('hex')}`,
        ),
    );
}

/** The built CLI, run as a user runs it. */
export function raftroll(args: string[], timeoutMs = 240_000) {
  return spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}

export interface LabNodeStatus {
  node: string;
  raft: { role?: string; memberId?: string; error?: string; raftAppliedIndex?: number };
}

/** `lab status --json`: each node's container and Raft view, as the lab itself sees it. */
export const labStatus = (): LabNodeStatus[] => JSON.parse(lab('status', '--json'));

/** Runs the built CLI and sends it Ctrl-C (SIGINT) once its output matches `when`. */
export async function raftrollInterrupted(
  args: string[],
  when: RegExp,
): Promise<{ code: number | null; out: string }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (when.test(out) && !child.killed) child.kill('SIGINT');
    });
    child.on('close', resolve);
  });
  return { code, out };
}

/** Whatever the lab left behind after `down`: processes, mounts, listeners, rules, paths. */
export function labLeftovers(): string[] {
  const found: string[] = [];
  const procs = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
  // Paths only the lab's own processes carry: a bare "raftroll-lab" also matches the
  // `flock /tmp/raftroll-lab.flock ...` that runs this very test.
  for (const p of procs)
    if (/\/run\/raftroll-lab|\.lab\/hosts|load-worker\./.test(p)) found.push(`process: ${p}`);
  for (const m of readFileSync('/proc/mounts', 'utf8').split('\n'))
    if (m.includes('raftroll-lab') || m.includes('.lab/')) found.push(`mount: ${m}`);
  const listening = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
  for (const l of listening.split('\n'))
    if (/127\.0\.1\.\d+:/.test(l)) found.push(`listener: ${l}`);
  if (execFileSync('iptables', ['-S'], { encoding: 'utf8' }).includes('RAFTROLL-LAB'))
    found.push('iptables chain');
  for (const p of [RUN, HOST_DATA, LAB]) if (existsSync(p)) found.push(`path: ${p}`);
  return found;
}

/**
 * The env files in a host's /tmp. Other tests' SIGKILLed runs may have left some (between the
 * write and the start); a test holds a run only to the one it wrote itself.
 */
export async function envFilesOn(host: SshHost): Promise<string[]> {
  return (await host.run(['sh', '-c', 'ls /tmp/raftroll-env.* 2>/dev/null || true'])).stdout
    .split('\n')
    .filter(Boolean);
}
