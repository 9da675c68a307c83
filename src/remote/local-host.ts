// A Host for this machine: commands run without any shell, and a "tunnel" is a local unix
// socket relayed to host:port, so callers treat local and remote nodes alike.

import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Gate,
  type Host,
  RemoteCommandError,
  type RunOptions,
  type RunResult,
  type Tunnel,
} from './host.js';
import { LocalFiles } from './local-files.js';
import { processSpawner, type Spawner } from './spawn.js';

export class LocalHost implements Host {
  readonly address = 'localhost';
  constructor(
    readonly name = 'local',
    private readonly sudo = false,
    /** How commands are started (default: the spawner installed for this process). */
    private readonly spawner?: Spawner,
  ) {}

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const full = this.sudo && (opts.sudo ?? true) ? ['sudo', '-n', '--', ...argv] : [...argv];
    let r: RunResult;
    try {
      r = await (this.spawner ?? processSpawner()).run(full, {
        input: opts.input,
        timeoutMs: opts.timeoutMs ?? 120_000,
      });
    } catch (e) {
      throw new Error(`${this.name}: ${(e as Error).message}`);
    }
    if (r.code !== 0 && !opts.allowFailure) throw new RemoteCommandError(this.name, argv, r);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  async *readStream(
    path: string,
    start?: number,
    end?: number,
    gate?: Gate,
  ): AsyncIterable<Uint8Array> {
    // The gate as a command of its own, then the read: the same order as on a remote host.
    if (gate) await this.run(gate(['true']));
    yield* new LocalFiles().read(path, start, end);
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
