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

/** Starts a container from a spec; its environment travels through a root-only file. */
export async function run(host: Host, spec: docker.RunSpec): Promise<string> {
  const envFile = (await host.run(docker.makeEnvFile())).stdout.trim();
  if (!envFile.startsWith('/'))
    throw new Error(`${host.name}: mktemp returned "${envFile}", expected a path`);
  try {
    await host.run(docker.writeStdinTo(envFile), { input: docker.envFileText(spec.env) });
    const r = await host.run(docker.withEnvFile(envFile, docker.runContainer(spec)));
    return r.stdout.trim();
  } finally {
    // The loader deletes the file before exec; this covers a failure before that point.
    await host.run(['rm', '-f', '--', envFile], { allowFailure: true });
  }
}

/** SIGTERM, then up to graceSeconds for the node to shut down cleanly, then SIGKILL. */
export async function stop(host: Host, name: string, graceSeconds: number): Promise<void> {
  await host.run(docker.stopContainer(name, graceSeconds), {
    timeoutMs: (graceSeconds + 60) * 1000,
  });
}
