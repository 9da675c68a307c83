// Docker on one lab host: each host has its own engine, reached through its own socket.
// The argv comes whole from a builder (the product's in src/runtime/docker.ts wherever it has
// one), so the lab starts and stops containers exactly as raftroll does.

import { $, type ProcessOutput } from 'zx';
import { inspectContainer } from '../src/runtime/docker.js';
import { hostPaths } from './config.js';

export interface DockerOptions {
  nothrow?: boolean;
  input?: string;
}

/** Runs a `docker ...` argv against host i's engine. */
export async function docker(
  i: number,
  argv: readonly string[],
  opts: DockerOptions = {},
): Promise<ProcessOutput> {
  if (argv[0] !== 'docker')
    throw new Error(`expected a docker command for host ${i}, got: ${argv.join(' ')}`);
  return $({
    quiet: true,
    nothrow: opts.nothrow ?? false,
    input: opts.input,
    env: { ...process.env, DOCKER_HOST: `unix://${hostPaths(i).dockerSock}` },
  })`${argv}`;
}

/** What the lab reads from `docker container inspect`. */
export interface Inspected {
  Id: string;
  Image: string;
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    ExitCode: number;
    Pid: number;
    StartedAt: string;
  };
  Config: { Image: string; Env: string[] };
  HostConfig: { Memory: number };
}

/** Container `name` on host i, or undefined when there is none. */
export async function inspect(i: number, name: string): Promise<Inspected | undefined> {
  const r = await docker(i, inspectContainer(name), { nothrow: true });
  if (r.exitCode !== 0) return undefined;
  return (JSON.parse(r.stdout) as Inspected[])[0];
}
