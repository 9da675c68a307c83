// The SSH layer against the lab's real sshd: quoting, host keys, retries, streams, repair and
// tunnels, exactly as raftroll will use them in production.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostUnreachableError, RemoteCommandError } from '../../src/remote/host.js';
import { HostFiles } from '../../src/remote/host-files.js';
import { LocalFiles } from '../../src/remote/local-files.js';
import { QuoteError } from '../../src/remote/quote.js';
import { repairPath, verifyPath } from '../../src/wal/engine.js';
import { rulesFor } from '../../src/wal/versions.js';
import { freshLab, LAB, lab, labSsh } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const rules = rulesFor('3.4');

beforeAll(() => freshLab(), 240_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

describe('commands', () => {
  const host = labSsh(1);
  afterAll(() => host.close());

  it('carries any argument byte-for-byte, as one argument', async () => {
    const nasty = [
      "'",
      '"',
      '$(id)',
      '`id`',
      'a;b',
      'a|b',
      'a && b',
      'line\nbreak',
      ' lead',
      'trail ',
      '',
      '*',
      '~',
      '\\',
      'é✓🚀',
      '-n',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.constantFrom(...nasty),
            fc.string({ unit: 'binary', maxLength: 60 }),
            fc.string({ maxLength: 60 }),
          )
          .filter((s) => !s.includes('\0')),
        async (s) => {
          const r = await host.run(['printf', '[%s]', s]);
          expect(Buffer.from(r.stdout)).toEqual(Buffer.from(`[${s}]`));
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('refuses a NUL byte with a clear error, before anything runs', async () => {
    await expect(host.run(['printf', 'a\0b'])).rejects.toThrow(QuoteError);
    await expect(host.run(['printf', 'a\0b'])).rejects.toThrow(/NUL byte/);
  });

  it('makes a new connection when its shared one dies in the middle of a run', async () => {
    expect((await host.run(['echo', 'before'])).stdout).toBe('before\n');
    // Kill the master connection the way a network drop or an OOM kill of ssh would.
    const check = spawnSync('ssh', [...host.sshArgs(), '-O', 'check', 'root@127.0.1.1'], {
      encoding: 'utf8',
    });
    const pid = Number(/pid=(\d+)/.exec(check.stderr)?.[1]);
    expect(pid, check.stderr).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    expect((await host.run(['echo', 'after'])).stdout).toBe('after\n');
  });

  it("does not retry a command's own failure", async () => {
    const marker = `/tmp/raftroll-once-${Date.now()}`;
    const err = await host
      .run(['sh', '-c', 'echo ran >> "$1"; exit 3', 'sh', marker])
      .catch((e) => e);
    expect(err).toBeInstanceOf(RemoteCommandError);
    expect(err.result.code).toBe(3);
    expect((await host.run(['cat', marker])).stdout).toBe('ran\n');
    await host.run(['rm', '-f', marker]);
  });

  it('refuses a host whose key is not the known one, naming known_hosts', async () => {
    const known = join(tmp(), 'known_hosts');
    const real = readFileSync(join(LAB, 'ssh/known_hosts'), 'utf8');
    // Host 2's key filed under host 1's address: a man in the middle, as far as ssh can tell.
    const k2 = real.split('\n').find((l) => l.startsWith('127.0.1.2 '))!;
    writeFileSync(known, `${k2.replace('127.0.1.2', '127.0.1.1')}\n`);
    const h = labSsh(1, { knownHostsFile: known });
    const err = await h.run(['true']).catch((e) => e);
    expect(err).toBeInstanceOf(HostUnreachableError);
    expect(err.message).toMatch(/host key .*known_hosts/i);
  });

  it('reports a refused key as such', async () => {
    const key = join(tmp(), 'other_key');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const err = await labSsh(1, { identityFile: key })
      .run(['true'])
      .catch((e) => e);
    expect(err).toBeInstanceOf(HostUnreachableError);
    expect(err.message).toMatch(/key was refused/);
  });

  it('does not retry a host name that does not resolve, and says what to check', async () => {
    const t = Date.now();
    const err = await labSsh(1, { target: 'root@no-such-host.invalid' })
      .run(['true'])
      .catch((e) => e);
    expect(err).toBeInstanceOf(HostUnreachableError);
    expect(err.message).toMatch(/check the host name in the inventory/);
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('retries an unreachable host with backoff, then says so', async () => {
    lab('fault', 'ssh-down', 'n3');
    try {
      const t = Date.now();
      const err = await labSsh(3, { connectAttempts: 3 })
        .run(['true'])
        .catch((e) => e);
      expect(err).toBeInstanceOf(HostUnreachableError);
      expect(err.message).toMatch(/after 3 attempts/);
      expect(err.message).toMatch(/is sshd running/);
      expect(Date.now() - t).toBeGreaterThanOrEqual(1400); // 0.5 s + 1 s of backoff
    } finally {
      lab('fault', 'ssh-up', 'n3');
    }
  });
});

describe('the WAL over SSH', () => {
  it('verifies a remote WAL exactly as a local read does, and repairs a torn tail there', async () => {
    const h = labSsh(2);
    try {
      lab('fault', 'torn-tail', 'n2');
      const remote = await verifyPath(new HostFiles(h), '/var/lib/raftroll-lab/etcd', rules);
      const local = await verifyPath(new LocalFiles(), join(LAB, 'hosts/h2/data/etcd'), rules);
      expect(remote.verdict).toBe('torn');
      const strip = (r: typeof remote) =>
        r.dirs.map(({ dir: _d, lastSegment: _l, ...rest }) => rest);
      expect(strip(remote)).toEqual(strip(local));

      const fixed = await repairPath(new HostFiles(h), '/var/lib/raftroll-lab/etcd', rules);
      expect(fixed.after.verdict).toBe('clean');
      expect(
        (await h.run(['ls', '/var/lib/raftroll-lab/etcd/member/wal.raftroll-backup'])).stdout,
      ).toMatch(/\.wal\.raftroll-backup/);
      await h.run(['docker', 'start', 'etcd']);
    } finally {
      await h.close();
    }
  }, 60_000);
});

describe('tunnels', () => {
  it("reach a node's client port through the SSH connection", async () => {
    const h = labSsh(1);
    const t = await h.tunnel('127.0.1.1', 2379);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          { socketPath: t.socketPath, path: '/v3/maintenance/status', method: 'POST' },
          (res) => {
            let s = '';
            res.on('data', (d) => {
              s += d;
            });
            res.on('end', () => resolve(s));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(JSON.parse(body).leader).toMatch(/^\d+$/);
    } finally {
      await t.close();
      await h.close();
    }
  });
});
