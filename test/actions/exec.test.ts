// Inside the actions, local processes run through @actions/exec: the job log shows a
// `[command]` line and the process's stderr, never its stdout (data, some of it secret) nor its
// stdin (where secrets travel). The bundled actions install it; ssh goes through it.

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { actionsSpawner } from '../../src/actions/exec.js';
import { HostUnreachableError } from '../../src/remote/host.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { SpawnError, type Spawner } from '../../src/remote/spawn.js';
import { SshHost } from '../../src/remote/ssh.js';
import { runStep } from '../helpers/action-step.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

/** What a call wrote to this process's stdout (the job log, in an action). */
async function logged<T>(f: () => Promise<T>): Promise<{ value: T; log: string }> {
  let log = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log += Buffer.from(chunk).toString();
    return true;
  });
  try {
    return { value: await f(), log };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the @actions/exec spawner', () => {
  it('logs the command line and stderr; returns stdout, stderr and the exit code', async () => {
    const { value: r, log } = await logged(() =>
      actionsSpawner.run(
        // The output is put together at run time, so the echoed argv does not hold it.
        ['sh', '-c', 'echo "$0-data"; echo "err-$0" >&2; cat; exit 3', 'out'],
        { input: 'stdin-s3cret', timeoutMs: 10_000 },
      ),
    );
    expect(r).toEqual({
      code: 3,
      stdout: 'out-data\nstdin-s3cret',
      stderr: 'err-out\n',
      timedOut: false,
    });
    expect(log).toMatch(
      /^\[command\]\S*timeout --kill-after=5 10 sh -c echo "\$0-data"; echo "err-\$0" >&2; cat; exit 3 out\n/,
    );
    expect(log).toContain('err-out');
    expect(log).not.toContain('out-data');
    expect(log).not.toContain('s3cret');
  });

  it('ends a process that outlives its timeout, and says so', async () => {
    const t0 = Date.now();
    const { value: r } = await logged(() =>
      actionsSpawner.run(['sleep', '30'], { timeoutMs: 1000 }),
    );
    expect(r.timedOut).toBe(true);
    expect(r.code).toBe(124);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('tells a program that is not there from one that failed', async () => {
    const { value: e } = await logged(() =>
      actionsSpawner.run(['raftroll-no-such-program'], { timeoutMs: 5000 }).catch((x) => x),
    );
    expect(e).toBeInstanceOf(SpawnError);
    expect((e as Error).message).toMatch(/^cannot run raftroll-no-such-program: /);
  });

  it('echoes a streamed process, but never its bytes', async () => {
    const { value: text, log } = await logged(async () => {
      const p = actionsSpawner.stream(['printf', 'wal-bytes']);
      let s = '';
      for await (const c of p.stdout) s += Buffer.from(c).toString();
      expect((await p.done).code).toBe(0);
      return s;
    });
    expect(text).toBe('wal-bytes');
    expect(log).toBe('[command]printf wal-bytes\n');
  });
});

describe('hosts use the spawner they are given', () => {
  it('ssh runs through it: the command line, quoted remote command included, is in the log', async () => {
    const host = new SshHost('n1', {
      target: 'root@n1.raftroll.invalid',
      controlDir: tmp(),
      connectAttempts: 1,
      spawner: actionsSpawner,
    });
    // The first command to a host makes its connection first, with `true`.
    const { value: e, log } = await logged(() =>
      host.run(['docker', 'inspect', 'etcd']).catch((x) => x),
    );
    expect(e).toBeInstanceOf(HostUnreachableError);
    expect((e as Error).message).toMatch(/Could not resolve hostname/);
    expect(log).toMatch(
      /\[command\]\S*timeout --kill-after=5 120 ssh -o BatchMode=yes .* -- n1\.raftroll\.invalid true\n/,
    );
    expect(log).toMatch(/Could not resolve hostname/);
    // A stream goes straight out: its quoted remote command is in the log.
    const streamed = await logged(async () => {
      try {
        for await (const _ of host.readStream('/var/lib/etcd/a b.wal', 0, 8)) break;
      } catch (x) {
        return x;
      }
    });
    expect(streamed.value).toBeInstanceOf(HostUnreachableError);
    expect(streamed.log).toMatch(
      /\[command\]ssh -o BatchMode=yes .* -- n1\.raftroll\.invalid dd 'if=\/var\/lib\/etcd\/a b\.wal' /,
    );
  });

  it('a local host runs through it', async () => {
    const calls: string[][] = [];
    const spy: Spawner = {
      run: async (argv) => {
        calls.push([...argv]);
        return { code: 0, stdout: 'ok', stderr: '', timedOut: false };
      },
      stream: () => {
        throw new Error('not streamed here');
      },
    };
    const r = await new LocalHost('n1', true, spy).run(['docker', 'ps']);
    expect(r.stdout).toBe('ok');
    expect(calls).toEqual([['sudo', '-n', '--', 'docker', 'ps']]);
  });
});

describe('the bundled actions install it', () => {
  // Hosts in a reserved, never-resolving domain: ssh fails at once, after being logged.
  const inventory = stringify({
    engine: 'etcd',
    etcdVersion: '3.5',
    nodes: ['n1', 'n2', 'n3'].map((id) => ({ id, host: `${id}.raftroll.invalid` })),
    container: { name: 'etcd', image: 'quay.io/coreos/etcd:v3.5.17', dataDir: '/var/lib/etcd' },
  });

  it.each([
    ['rollout.js', { 'image-tag': 'v3.5.18' }],
    ['remediate.js', { mode: 'diagnose' }],
  ])('%s logs each ssh it starts as a [command] line', (script, more) => {
    const r = runStep(script, { inventory, ...more }, {}, 60_000);
    expect(r.stdout).toMatch(
      /^\[command\]\S*timeout --kill-after=5 \d+ ssh -o BatchMode=yes .* -- n\d\.raftroll\.invalid /m,
    );
  });
});
