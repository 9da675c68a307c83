// Runs the docker builders on a Host. The only place a container is started or stopped.

import { type Host, RemoteCommandError } from '../remote/host.js';
import * as docker from './docker.js';

export async function inspect(host: Host, name: string): Promise<docker.ContainerInfo | undefined> {
  const r = await host.run(docker.inspectContainer(name), { allowFailure: true });
  if (r.code !== 0) {
    if (/No such container/i.test(r.stderr)) return undefined;
    throw new RemoteCommandError(
      `${host.name} (${host.address})`,
      docker.inspectContainer(name),
      r,
    );
  }
  return docker.parseInspect(r.stdout);
}

/**
 * Starts a container from a spec. Its environment goes into a file only the SSH user (root
 * under sudo) can read, written through stdin, handed to docker with --env-file and removed
 * afterwards: values stay out of argv and out of the docker client's own environment. Env files
 * that a killed run left behind are removed on the way.
 */
export async function run(host: Host, spec: docker.RunSpec): Promise<string> {
  if (Object.keys(spec.env).length === 0)
    return (await host.run(docker.runContainer(spec))).stdout.trim();
  // Checked before anything runs on the host.
  const text = docker.envFileText(spec.env);
  const envFile = (await host.run(docker.makeEnvFile())).stdout.trim();
  if (!/^\/[^\s]*$/.test(envFile))
    throw new Error(`${host.name}: mktemp returned "${envFile}", expected an absolute path`);
  try {
    const dir = envFile.slice(0, envFile.lastIndexOf('/')) || '/';
    // The sweep spares anything younger than minutes, so it may run beside the write: one
    // round trip fewer while the node is down.
    await Promise.all([
      host.run(docker.sweepEnvFiles(dir), { allowFailure: true }),
      host.run(docker.writeStdinTo(envFile), { input: text }),
    ]);
    const r = await host.run(docker.runContainer(spec, envFile));
    return r.stdout.trim();
  } finally {
    await host.run(['rm', '-f', '--', envFile], { allowFailure: true });
  }
}

/** SIGTERM, then up to graceSeconds for the node to shut down cleanly, then SIGKILL. */
export async function stop(host: Host, name: string, graceSeconds: number): Promise<void> {
  await host.run(docker.stopContainer(name, graceSeconds), {
    timeoutMs: (graceSeconds + 60) * 1000,
  });
}
