// Runs the docker builders on a Host. The only place a container is started or stopped.

import { type Host, RemoteCommandError, type RunResult } from '../remote/host.js';
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

/** A journal line to append on the host (at path) before a start begins, in its round trip. */
export interface LineFirst {
  path: string;
  /** The line, without its newline. */
  text: string;
  /** Told once the host has shown the line appended, even when a later step failed. */
  written?(): void;
}

/** Whether a command that began with journalThen got past appending its line. */
const appended = (code: number) =>
  code === 0 || (code > 0 && code < 255 && code !== docker.JOURNAL_FAILED);

/** A container just started: its id, and how it looked right after (when it could be seen). */
export interface Started {
  id: string;
  info?: docker.ContainerInfo;
}

/** A container ready to start: its env file (if any) is already on the host. */
export interface PreparedRun {
  /**
   * Starts it; returns docker's container id and the container as inspected right after the
   * start, in the same round trip (when that inspect answered). With `renameFirst` ([from, to]), the container
   * of that name is renamed first, in the same round trip, and nothing starts if that fails.
   * With `line`, that is appended before anything else, in the same round trip too, and
   * nothing is renamed or started if it fails.
   */
  start(renameFirst?: readonly [string, string], line?: LineFirst): Promise<Started>;
  /**
   * Removes the env file; safe to call more than once, and after a failed start. Never
   * rejects: it resolves to why the file could not be removed, if it could not (a stale one is
   * swept by a later run), so that a failed cleanup never decides a node's fate.
   */
  discard(): Promise<string | undefined>;
}

/** Half the sweep's age: a file written again after this cannot be swept before the start. */
const REWRITE_AFTER_MS = (docker.ENV_FILE_SWEEP_MINUTES * 60_000) / 2;

/**
 * Gets a container ready to start from a spec. Its environment goes into a file only the SSH
 * user (root under sudo) can read, written through stdin, handed to docker with --env-file and
 * removed by discard(): values stay out of argv and out of the docker client's own environment.
 * Env files that a killed run left behind are removed on the way. Preparing apart from starting
 * lets a caller write the file before the node goes down, while it waits for something else.
 */
export async function prepare(host: Host, spec: docker.RunSpec): Promise<PreparedRun> {
  if (Object.keys(spec.env).length === 0)
    return {
      start: (renameFirst, line) =>
        startRun(host, spec.name, docker.runContainer(spec), renameFirst, line),
      discard: async () => undefined,
    };
  // Checked before anything runs on the host.
  const text = docker.envFileText(spec.env);
  const envFile = (await host.run(docker.createEnvFile(), { input: text })).stdout.trim();
  if (!/^\/[^\s]*$/.test(envFile))
    throw new Error(`${host.name}: mktemp returned "${envFile}", expected an absolute path`);
  let writtenAt = Date.now();
  let gone: Promise<string | undefined> | undefined;
  const discard = () => {
    gone ??= host.run(['rm', '-f', '--', envFile], { allowFailure: true }).then(
      (r) => (r.code === 0 ? undefined : `could not remove ${envFile}: ${r.stderr.trim()}`),
      (e: Error) => `could not remove ${envFile}: ${e.message}`,
    );
    return gone;
  };
  const write = async () => {
    await host.run(docker.writeStdinTo(envFile), { input: text });
    writtenAt = Date.now();
  };
  return {
    async start(renameFirst, line) {
      // A start long after the write (a handover, a long stop, a slow WAL read) writes the file
      // again first, so that another run's sweep of old env files cannot have taken it. If that
      // fails, the line and the rename still happen, as they would have: a rollback looks for
      // the old container under its previous name.
      if (Date.now() - writtenAt > REWRITE_AFTER_MS)
        await write().catch((e: unknown) => renameThenThrow(host, e, renameFirst, line));
      return startRun(host, spec.name, docker.runContainer(spec, envFile), renameFirst, line);
    },
    discard,
  };
}

/**
 * Starts a run that is being prepared. When the env file could not be made (or, in start,
 * written again), `renameFirst` still happens before the error goes on: a rollback looks for
 * the old container under its previous name.
 */
export async function startPrepared(
  host: Host,
  prepared: Promise<PreparedRun>,
  renameFirst?: readonly [string, string],
  line?: LineFirst,
): Promise<Started> {
  const run = await prepared.catch((e: unknown) => renameThenThrow(host, e, renameFirst, line));
  return run.start(renameFirst, line);
}

async function renameThenThrow(
  host: Host,
  e: unknown,
  renameFirst?: readonly [string, string],
  line?: LineFirst,
): Promise<never> {
  if (renameFirst) await runAfterLine(host, docker.renameContainer(...renameFirst), line);
  else if (line) await runAfterLine(host, ['true'], line);
  throw e;
}

/**
 * argv, after line if one is given, in one round trip; a failed append names itself, any other
 * failure what `named` picks from the result and the command as sent (by default argv).
 */
async function runAfterLine(
  host: Host,
  argv: string[],
  line?: LineFirst,
  named: (r: RunResult, whole: string[]) => string[] = () => argv,
): Promise<RunResult> {
  const whole = line ? docker.journalThen(line.path, line.text, argv) : argv;
  const r = await host.run(whole, { allowFailure: true });
  if (line && appended(r.code)) line.written?.();
  if (r.code === 0) return r;
  const failed =
    line && r.code === docker.JOURNAL_FAILED ? docker.appendLineTo(line.path) : named(r, whole);
  throw new RemoteCommandError(`${host.name} (${host.address})`, failed, r);
}

async function startRun(
  host: Host,
  name: string,
  run: string[],
  renameFirst?: readonly [string, string],
  line?: LineFirst,
): Promise<Started> {
  // The container's first look rides on the run: the wait for it to catch up starts from it.
  const runLook = docker.runThenInspect(name, run);
  const steps = renameFirst ? docker.renameThen(renameFirst[0], renameFirst[1], runLook) : runLook;
  const r = await runAfterLine(host, steps, line, (failed, whole) =>
    renameFirst ? stepArgv(failed, docker.renameContainer(...renameFirst), run, whole) : run,
  );
  return docker.parseRunThenInspect(r.stdout);
}

/**
 * What a two-step command's failure names: the step that failed, or the whole command when
 * neither did (ssh, sudo, a timeout).
 */
function stepArgv(r: RunResult, first: string[], second: string[], whole: string[]): string[] {
  return r.code === docker.FIRST_STEP_FAILED
    ? first
    : r.code === docker.SECOND_STEP_FAILED
      ? second
      : whole;
}

/** The error of a two-step command, naming what stepArgv picks. */
function stepError(
  host: Host,
  r: RunResult,
  first: string[],
  second: string[],
  whole: string[],
): RemoteCommandError {
  return new RemoteCommandError(
    `${host.name} (${host.address})`,
    stepArgv(r, first, second, whole),
    r,
  );
}

/** Starts a container from a spec (see prepare), its env file removed before this returns. */
export async function run(host: Host, spec: docker.RunSpec): Promise<string> {
  const p = await prepare(host, spec);
  try {
    return (await p.start()).id;
  } finally {
    // A file it could not remove is swept by a later run; the start's outcome stands.
    await p.discard();
  }
}

/** SIGTERM, then up to graceSeconds for the node to shut down cleanly, then SIGKILL. */
export async function stop(host: Host, name: string, graceSeconds: number): Promise<void> {
  await host.run(docker.stopContainer(name, graceSeconds), {
    timeoutMs: (graceSeconds + 60) * 1000,
  });
}

/**
 * stop, then the container as it is afterwards (undefined if it is gone), in one round trip.
 * A failed stop throws as stop does.
 */
export async function stopAndInspect(
  host: Host,
  name: string,
  graceSeconds: number,
): Promise<docker.ContainerInfo | undefined> {
  return (await stopAndInspectThen(host, name, graceSeconds)).info;
}

/**
 * stopAndInspect, with `after` appended once both have succeeded, in the same round trip.
 * `line` says what became of it: written, or why not (the container is stopped either way);
 * absent when it was not tried (no line given, or the container is gone).
 */
export async function stopAndInspectThen(
  host: Host,
  name: string,
  graceSeconds: number,
  after?: LineFirst,
): Promise<{ info: docker.ContainerInfo | undefined; line?: 'written' | Error }> {
  const steps = docker.stopThenInspect(name, graceSeconds);
  const argv = after ? docker.appendAfter(steps, after.path, after.text) : steps;
  const r = await host.run(argv, { timeoutMs: (graceSeconds + 60) * 1000, allowFailure: true });
  if (r.code === 0) {
    after?.written?.();
    return { info: docker.parseInspect(r.stdout), ...(after ? { line: 'written' as const } : {}) };
  }
  if (after && r.code === docker.LINE_AFTER_FAILED)
    return {
      info: docker.parseInspect(r.stdout),
      line: new RemoteCommandError(
        `${host.name} (${host.address})`,
        docker.appendLineTo(after.path),
        r,
      ),
    };
  if (r.code === docker.SECOND_STEP_FAILED && /No such container/i.test(r.stderr))
    return { info: undefined };
  throw stepError(
    host,
    r,
    docker.stopContainer(name, graceSeconds),
    docker.inspectContainer(name),
    argv,
  );
}
