// One SSH connection per host: commands started at once before it exists wait for one `true`
// to make it, and ride on it; once a command has come back over it, nothing asks first; a
// tunnel whose connection has gone since has it made again and asks once more.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Spawner } from '../../src/remote/spawn.js';
import { SshHost } from '../../src/remote/ssh.js';

type Answer = { code: number; stderr?: string };

/**
 * A spawner that answers from a script: `forward` for `-O forward`, `run` for remote commands
 * (`true` included), taken in order; every call is recorded, with how many ran at once.
 */
function scripted(o: { run?: Answer[]; forward?: Answer[] } = {}) {
  const calls: string[] = [];
  const spans: { call: string; start: number; end: number }[] = [];
  const spawner: Spawner = {
    async run(argv) {
      const forward = argv.includes('forward');
      const cancel = argv.includes('cancel');
      const call = forward ? 'forward' : cancel ? 'cancel' : argv.at(-1)!;
      calls.push(call);
      const start = performance.now();
      await new Promise((r) => setTimeout(r, 5));
      spans.push({ call, start, end: performance.now() });
      const a = (forward ? o.forward?.shift() : cancel ? undefined : o.run?.shift()) ?? {
        code: 0,
      };
      return { code: a.code, stdout: '', stderr: a.stderr ?? '', timedOut: false };
    },
    stream() {
      throw new Error('no streams here');
    },
  };
  return { spawner, calls, spans };
}

function host(spawner: Spawner) {
  return new SshHost('n1', {
    target: 'root@10.0.0.1',
    controlDir: mkdtempSync(join(tmpdir(), 'raftroll-ssh-')),
    connectAttempts: 2,
    spawner,
  });
}

const GONE = 'Control socket connect(/tmp/x.sock): No such file or directory\n';

describe('the shared connection', () => {
  it('is made once, by one true, for commands started at once; then nothing asks first', async () => {
    const s = scripted();
    const h = host(s.spawner);
    await Promise.all([h.run(['docker', 'ps']), h.run(['find', '/d']), h.run(['ls'])]);
    expect(s.calls.filter((c) => c === 'true')).toHaveLength(1);
    expect(s.calls.filter((c) => c !== 'true').sort()).toEqual(['docker ps', 'find /d', 'ls']);
    // Each command waited for the connection: none started before the `true` was back.
    const made = s.spans.find((x) => x.call === 'true')!;
    for (const c of s.spans.filter((x) => x.call !== 'true'))
      expect(c.start).toBeGreaterThanOrEqual(made.end);
    s.calls.length = 0;
    await h.run(['docker', 'ps']);
    const t = await h.tunnel('127.0.0.1', 2379);
    expect(s.calls).toEqual(['docker ps', 'forward']);
    await t.close();
  });

  it('is made again for a tunnel when it has gone since a command came back over it', async () => {
    const s = scripted({ forward: [{ code: 255, stderr: GONE }, { code: 0 }] });
    const h = host(s.spawner);
    await h.run(['docker', 'ps']);
    s.calls.length = 0;
    await h.tunnel('127.0.0.1', 2379);
    expect(s.calls).toEqual(['forward', 'true', 'forward']);
  });

  it('is asked for again after a command found it lost', async () => {
    const refused = 'ssh: connect to host 10.0.0.1 port 22: Connection refused\n';
    const lost = { code: 255, stderr: refused };
    const s = scripted({ run: [{ code: 0 }, { code: 0 }, lost, lost] });
    const h = host(s.spawner);
    await h.run(['ls']);
    await expect(h.run(['docker', 'ps'])).rejects.toThrow(/cannot connect over SSH/);
    s.calls.length = 0;
    await h.run(['ls']);
    expect(s.calls).toEqual(['true', 'ls']);
  });

  it('is asked for again once closed, and once unused for longer than ssh keeps it', async () => {
    const s = scripted();
    const h = host(s.spawner);
    await h.run(['ls']);
    await h.close();
    s.calls.length = 0;
    await h.run(['ls']);
    expect(s.calls).toEqual(['true', 'ls']);
    // Only the clock is faked: the spawner's own timer still runs.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 250_000);
      s.calls.length = 0;
      await h.run(['ls']);
      expect(s.calls).toEqual(['true', 'ls']);
    } finally {
      vi.useRealTimers();
    }
  });
});
