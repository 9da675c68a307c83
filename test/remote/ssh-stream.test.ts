// A WAL byte stream over SSH costs one ssh process when the connection is there, and makes the
// connection (retried as any command) only when the stream itself could not connect.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RemoteCommandError } from '../../src/remote/host.js';
import type { Spawner, StreamedProcess } from '../../src/remote/spawn.js';
import { SshHost } from '../../src/remote/ssh.js';

type Answer = { code: number; stderr: string; bytes?: string };

/** A spawner that answers streams and commands from scripts, and records every argv. */
function scripted(streams: Answer[], runs: Answer[] = []) {
  const calls: { kind: 'run' | 'stream'; remote: string }[] = [];
  const spawner: Spawner = {
    async run(argv) {
      calls.push({ kind: 'run', remote: argv.at(-1)! });
      const a = runs.shift() ?? { code: 0, stderr: '' };
      return { code: a.code, stdout: '', stderr: a.stderr, timedOut: false };
    },
    stream(argv): StreamedProcess {
      calls.push({ kind: 'stream', remote: argv.at(-1)! });
      const a = streams.shift()!;
      return {
        stdout: (async function* () {
          if (a.bytes) yield Buffer.from(a.bytes);
        })(),
        done: Promise.resolve({ code: a.code, stderr: a.stderr }),
        kill() {},
      };
    },
  };
  return { spawner, calls };
}

function host(spawner: Spawner) {
  return new SshHost('n1', {
    target: 'root@10.0.0.1',
    controlDir: mkdtempSync(join(tmpdir(), 'raftroll-ssh-')),
    connectAttempts: 2,
    spawner,
  });
}

async function readAll(h: SshHost, path: string): Promise<string> {
  let out = '';
  for await (const c of h.readStream(path, 0, 10)) out += Buffer.from(c).toString();
  return out;
}

const REFUSED = 'ssh: connect to host 10.0.0.1 port 22: Connection refused\n';

describe('readStream over SSH', () => {
  it('starts one ssh for a stream when the connection answers', async () => {
    const { spawner, calls } = scripted([{ code: 0, stderr: '', bytes: 'walbytes' }]);
    expect(await readAll(host(spawner), '/d/x.wal')).toBe('walbytes');
    expect(calls.map((c) => c.kind)).toEqual(['stream']);
    expect(calls[0]!.remote).toContain('dd');
  });

  it('connects (as a command does) and asks once more when the stream could not connect', async () => {
    const { spawner, calls } = scripted([
      { code: 255, stderr: REFUSED },
      { code: 0, stderr: '', bytes: 'walbytes' },
    ]);
    expect(await readAll(host(spawner), '/d/x.wal')).toBe('walbytes');
    expect(calls.map((c) => c.kind)).toEqual(['stream', 'run', 'stream']);
    expect(calls[1]!.remote).toBe('true');
  });

  it('does not ask again after a remote failure, and names the command', async () => {
    const { spawner, calls } = scripted([
      { code: 1, stderr: "dd: failed to open '/d/x.wal': No such file or directory\n" },
    ]);
    await expect(readAll(host(spawner), '/d/x.wal')).rejects.toBeInstanceOf(RemoteCommandError);
    expect(calls.map((c) => c.kind)).toEqual(['stream']);
  });
});
