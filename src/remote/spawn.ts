// The one way raftroll starts a local process (ssh, or a command on this machine): argv in,
// exit code and output out, no shell. The default runs node:child_process; inside a GitHub
// action the action installs one that goes through @actions/exec, so the processes show in the
// job log the way GitHub's own actions show theirs. Hosts take whichever is installed.

import { spawn } from 'node:child_process';

export interface SpawnOptions {
  /** Bytes for stdin (secrets travel here, never in argv); stdin is closed after them. */
  input?: string | Uint8Array;
  /** Kill the process after this long. */
  timeoutMs: number;
}

export interface SpawnResult {
  /** The exit code; a process ended by a signal (the timeout's included) reports 124. */
  code: number;
  stdout: string;
  stderr: string;
  /** Ended because timeoutMs passed. */
  timedOut: boolean;
}

/** A process whose stdout is read as it comes (bytes that must stay out of any log). */
export interface StreamedProcess {
  stdout: AsyncIterable<Uint8Array>;
  /** Its exit code and stderr, once it has ended. */
  done: Promise<{ code: number; stderr: string }>;
  /** Ends it early (the reader needs no more bytes). */
  kill(): void;
}

export interface Spawner {
  run(argv: readonly string[], opts: SpawnOptions): Promise<SpawnResult>;
  stream(argv: readonly string[]): StreamedProcess;
}

/** The program could not be started at all (not installed, not executable). */
export class SpawnError extends Error {
  override name = 'SpawnError';
  constructor(
    readonly program: string,
    reason: string,
  ) {
    super(`cannot run ${program}: ${reason}`);
  }
}

export const nodeSpawner: Spawner = {
  run(argv, opts) {
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new SpawnError(argv[0]!, e.message));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          code: code ?? 124,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          timedOut,
        });
      });
      child.stdin.on('error', () => {}); // the program may not read its stdin
      child.stdin.end(opts.input ?? '');
    });
  },

  stream(argv) {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const done = new Promise<{ code: number; stderr: string }>((resolve) => {
      child.on('error', (e) => {
        err.push(Buffer.from(`cannot run ${argv[0]}: ${e.message}\n`));
        resolve({ code: 127, stderr: Buffer.concat(err).toString('utf8') });
      });
      child.on('close', (code) =>
        resolve({ code: code ?? 124, stderr: Buffer.concat(err).toString('utf8') }),
      );
    });
    return {
      stdout: child.stdout,
      done,
      kill: () => child.kill('SIGTERM'),
    };
  },
};

let installed: Spawner = nodeSpawner;

/** The spawner every host uses unless given its own. */
export const processSpawner = (): Spawner => installed;

/**
 * Makes `s` the spawner every host uses from now on in this process: an action installs its
 * own once, before it opens a session, so the CLI and the library never see it.
 */
export function installSpawner(s: Spawner): void {
  installed = s;
}
