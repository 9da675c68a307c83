// Local processes inside the actions go through @actions/exec, so the job log shows each one
// the way GitHub's own actions show theirs: a `[command]` line with its argv, then what it
// writes to stderr (ssh's own messages, a remote command's errors).
//
// Its stdout stays out of the log: it is data raftroll parses, and some of it is secret that
// no mask knows about (`docker inspect` prints a container's whole environment). Secrets
// themselves never reach argv: they travel on stdin, which is never echoed.

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Writable } from 'node:stream';
import * as exec from '@actions/exec';
import { nodeSpawner, SpawnError, type Spawner } from '../remote/spawn.js';

// Left for the process to end on its own after the timeout's SIGTERM, before it is killed.
const KILL_AFTER_SECONDS = 5;

/** Writes `[command]...` as @actions/exec does, for the processes it cannot run. */
function echo(argv: readonly string[]): void {
  process.stdout.write(`[command]${argv.join(' ')}\n`);
}

/**
 * Whether a program can be run as named: a path, or a name found on PATH. @actions/exec
 * writes stdin to `timeout` even when it could not start the program and has exited, and the
 * broken pipe then escapes as an uncaught error; a missing program is therefore told here.
 */
function runnable(program: string): boolean {
  const can = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return can(program);
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && can(join(d, program)));
}

export const actionsSpawner: Spawner = {
  async run(argv, opts) {
    if (!runnable(argv[0]!)) {
      echo(argv);
      throw new SpawnError(argv[0]!, 'no such program on this runner (not on PATH)');
    }
    // @actions/exec has no timeout and no handle on its process: coreutils' timeout ends it
    // (exit 124 after SIGTERM, 137 once it had to be killed).
    const seconds = Math.max(1, Math.ceil(opts.timeoutMs / 1000));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const fromStdout = new WeakSet<Buffer>();
    const log = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (!fromStdout.has(chunk)) process.stdout.write(chunk);
        done();
      },
    });
    const t0 = Date.now();
    const code = await exec.exec(
      'timeout',
      [`--kill-after=${KILL_AFTER_SECONDS}`, String(seconds), ...argv],
      {
        input: Buffer.from(opts.input ?? ''),
        ignoreReturnCode: true,
        outStream: log,
        listeners: {
          stdout: (d) => {
            fromStdout.add(d);
            out.push(d);
          },
          stderr: (d) => err.push(d),
        },
      },
    );
    const stderr = Buffer.concat(err).toString('utf8');
    if (code === 127 && /^\S*timeout: failed to run command/m.test(stderr))
      throw new SpawnError(argv[0]!, stderr.trim());
    const timedOut = (code === 124 || code === 137) && Date.now() - t0 >= seconds * 1000;
    return {
      code: timedOut ? 124 : code,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr,
      timedOut,
    };
  },

  // A stream carries bulk bytes (a WAL) that must not reach the log, and must be ended early
  // when its reader has seen enough, which @actions/exec cannot do: it runs as the CLI runs it.
  stream(argv) {
    echo(argv);
    return nodeSpawner.stream(argv);
  },
};
