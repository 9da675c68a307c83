// Through the lab's real sshd and Docker engines: a container's variables never steer the
// docker client that starts it, and two nodes whose names differ only once sanitized never
// share an SSH connection.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SshHost } from '../../src/remote/ssh.js';
import * as containers from '../../src/runtime/containers.js';
import type { RunSpec } from '../../src/runtime/docker.js';
import { envFilesOn, freshLab, LAB, lab, labDocker, labSsh } from '../helpers/lab.js';

beforeAll(() => freshLab(), 240_000);
afterAll(() => lab('down'), 120_000);

it('container variables that steer docker reach the container byte for byte, and docker ignores them', async () => {
  const host = labSsh(2);
  // Each would redirect, break or retune the docker client if it reached the client's env:
  // host 1's engine, no docker binary, a library that does not exist, a malformed Go setting.
  const env = {
    DOCKER_HOST: 'unix:///run/raftroll-lab/h1/docker.sock',
    PATH: '/nonexistent',
    LD_PRELOAD: '/nonexistent/raftroll-evil.so',
    GODEBUG: 'madvdontneed=1,x=$(id);`id` "q"',
    GOMEMLIMIT: '1.5GiB',
    DOCKER_CONFIG: '/nonexistent',
  };
  const spec: RunSpec = {
    name: 'raftroll-env-probe',
    image: 'raftroll-lab/etcd:a',
    restart: 'no',
    network: 'host',
    volumes: [],
    labels: {},
    env,
    args: ['--version'],
  };
  const envFiles = () => envFilesOn(host);
  const before = await envFiles();
  try {
    const id = await containers.run(host, spec);
    // It landed on host 2's own engine, not on the engine DOCKER_HOST names.
    const c = JSON.parse(labDocker(2, 'container', 'inspect', spec.name))[0];
    expect(c.Id).toBe(id);
    expect(() => labDocker(1, 'container', 'inspect', spec.name)).toThrow(/No such container/);
    for (const [k, v] of Object.entries(env)) expect(c.Config.Env).toContain(`${k}=${v}`);
    // raftroll reads them back the same way.
    const seen = await containers.inspect(host, spec.name);
    for (const [k, v] of Object.entries(env)) expect(seen!.env[k]).toBe(v);
    // The env file is gone.
    expect((await envFiles()).filter((f) => !before.includes(f))).toEqual([]);
  } finally {
    await host.run(['docker', 'rm', '--force', '--', spec.name], { allowFailure: true });
    await host.close();
  }
}, 120_000);

it('gives nodes whose names differ only once sanitized their own connections', async () => {
  const controlDir = mkdtempSync(join(tmpdir(), 'raftroll-ssh-'));
  const reach = (name: string, i: number) =>
    new SshHost(name, {
      target: `root@127.0.1.${i}`,
      identityFile: join(LAB, 'ssh/id_ed25519'),
      knownHostsFile: join(LAB, 'ssh/known_hosts'),
      controlDir,
      connectTimeoutSec: 5,
    });
  const a = reach('a b', 1);
  const b = reach('a_b', 2);
  const serverAddress = async (h: SshHost) =>
    (await h.run(['sh', '-c', 'echo "$SSH_CONNECTION"'], { sudo: false })).stdout.split(' ')[2];
  try {
    for (let round = 0; round < 3; round++) {
      const [x, y] = await Promise.all([serverAddress(a), serverAddress(b)]);
      expect(x).toBe('127.0.1.1');
      expect(y).toBe('127.0.1.2');
    }
  } finally {
    await a.close();
    await b.close();
  }
}, 60_000);
