// Containers started through the builders on a lab host's real Docker engine.

import { afterAll, beforeAll, expect, it } from 'vitest';
import * as containers from '../../src/runtime/containers.js';
import { fingerprint, LABEL, type RunSpec } from '../../src/runtime/docker.js';
import { envFilesOn, freshLab, lab, labSsh } from '../helpers/lab.js';

const host = labSsh(1);
beforeAll(() => freshLab(), 240_000);
afterAll(async () => {
  await host.close();
  lab('down');
}, 120_000);

it('starts exactly the memory limit, env and labels asked for, values full of shell metacharacters', async () => {
  // Everything an env file carries literally; a line break cannot be carried and is refused
  // when the spec is built (see the security tests).
  const nasty = ` a'b"c $(touch /tmp/pwned) \`id\` ; | && \t second \\n \\ é✓ =x= #`;
  const spec: RunSpec = {
    name: 'raftroll-builder-test',
    image: 'raftroll-lab/etcd:a',
    restart: 'no',
    network: 'host',
    memory: '300m',
    volumes: [],
    labels: { 'org.example.team': 'db; rm -rf /' },
    env: { GOMEMLIMIT: '200MiB', NASTY: nasty, EMPTY: '', QUOTE: '"' },
    args: ['--version'],
  };
  spec.labels[LABEL.fingerprint] = fingerprint(spec);
  const envFiles = () => envFilesOn(host);
  const before = await envFiles();
  // What a killed run leaves: an env file from 20 minutes ago goes, one just written stays.
  await host.run(['touch', '-d', '20 minutes ago', '/tmp/raftroll-env.killedrun01']);
  await host.run(['touch', '/tmp/raftroll-env.liverun0001']);
  await containers.run(host, spec);
  expect(
    (await host.run(['ls', '/tmp/raftroll-env.killedrun01'], { allowFailure: true })).code,
  ).not.toBe(0);
  expect(
    (await host.run(['ls', '/tmp/raftroll-env.liverun0001'], { allowFailure: true })).code,
  ).toBe(0);
  await host.run(['rm', '-f', '--', '/tmp/raftroll-env.liverun0001']);
  const c = await containers.inspect(host, spec.name);
  expect(c).toBeDefined();
  expect(c!.memory).toBe(300 * 1024 * 1024);
  expect(c!.env.NASTY).toBe(nasty);
  expect(c!.env.GOMEMLIMIT).toBe('200MiB');
  expect(c!.env.EMPTY).toBe('');
  expect(c!.env.QUOTE).toBe('"');
  expect(c!.labels['org.example.team']).toBe('db; rm -rf /');
  expect(c!.labels[LABEL.fingerprint]).toBe(fingerprint(spec));
  // Nothing was interpreted by a shell, and the env file is gone.
  expect((await host.run(['sh', '-c', 'ls /tmp/pwned 2>/dev/null || true'])).stdout).toBe('');
  expect((await envFiles()).filter((f) => !before.includes(f))).toEqual([]);
  // The value never reached any process's argv.
  await host.run(['docker', 'rm', '--', spec.name]);
});

it('stops a node gracefully and reports its state', async () => {
  await containers.stop(host, 'etcd', 10);
  const c = await containers.inspect(host, 'etcd');
  expect(c!.state.running).toBe(false);
  expect(c!.state.exitCode).toBe(0); // SIGTERM: etcd shut down cleanly
  expect(await containers.inspect(host, 'no-such-container')).toBeUndefined();
});
