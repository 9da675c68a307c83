// A Host for this machine: commands run without any shell, and a "tunnel" is a local unix
// socket relayed to host:port, so callers treat local and remote nodes alike.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Host,
  RemoteCommandError,
  type RunOptions,
  type RunResult,
  type Tunnel,
} from './host.js';
import { LocalFiles } from './local-files.js';

export class LocalHost implements Host {
  readonly address = 'localhost';
  constructor(
    readonly name = 'local',
    private readonly sudo = false,
  ) {}

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const full = this.sudo && (opts.sudo ?? true) ? ['sudo', '-n', '--', ...argv] : [...argv];
    return new Promise((resolve, reject) => {
      const child = spawn(full[0]!, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`${this.name}: cannot run ${full[0]}: ${e.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const r = {
          code: code ?? 124,
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString(),
        };
        if (r.code !== 0 && !opts.allowFailure) reject(new RemoteCommandError(this.name, argv, r));
        else resolve(r);
      });
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input ?? '');
    });
  }

  readStream(path: string, start?: number, end?: number): AsyncIterable<Uint8Array> {
    return new LocalFiles().read(path, start, end);
  }

  async tunnel(remoteHost: string, remotePort: number): Promise<Tunnel> {
    const dir = await mkdtemp(join(tmpdir(), 'raftroll-tunnel-'));
    const socketPath = join(dir, 'sock');
    const server = createServer((c) => {
      const up = createConnection(remotePort, remoteHost);
      c.pipe(up).pipe(c);
      const end = () => {
        c.destroy();
        up.destroy();
      };
      c.on('error', end);
      up.on('error', end);
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
    return {
      socketPath,
      close: async () => {
        await new Promise<void>((r) => server.close(() => r()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  async close(): Promise<void> {}
}
