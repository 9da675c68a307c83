// Docker commands as argv arrays. Pure: a test of "what would we run" needs no Docker. Nothing
// here ever removes a running container: stops are graceful (SIGTERM, then a grace period).

import { createHash } from 'node:crypto';
import { checkEnvFileValues, type Env } from './env.js';

export const LABEL = {
  managed: 'org.raftroll.managed',
  fingerprint: 'org.raftroll.fingerprint',
  previousImage: 'org.raftroll.previous-image',
  previousFingerprint: 'org.raftroll.previous-fingerprint',
} as const;

export interface RunSpec {
  name: string;
  image: string;
  restart?: string;
  network?: string;
  /** Docker memory limit, e.g. "2500m"; undefined for none. */
  memory?: string;
  user?: string;
  volumes: string[];
  labels: Record<string, string>;
  env: Env;
  args: string[];
}

export const inspectContainer = (name: string) => ['docker', 'container', 'inspect', '--', name];
export const inspectImage = (image: string) => [
  'docker',
  'image',
  'inspect',
  '--format',
  '{{.Id}}',
  '--',
  image,
];
export const pullImage = (image: string) => ['docker', 'pull', '--quiet', '--', image];
/** Asks the image's registry for its manifest: proves it can be pulled, and downloads nothing. */
export const inspectManifest = (image: string) => ['docker', 'manifest', 'inspect', '--', image];

/** Bounds of a stop grace period: docker stop waits this long for a clean shutdown. */
export const MIN_STOP_GRACE_SECONDS = 1;
export const MAX_STOP_GRACE_SECONDS = 3600;

export class StopGraceError extends Error {
  override name = 'StopGraceError';
}

/** Refuses a grace period docker would misread or that would hang a rollout for hours. */
export function checkStopGrace(seconds: number, what = 'stop grace'): number {
  if (
    !Number.isInteger(seconds) ||
    seconds < MIN_STOP_GRACE_SECONDS ||
    seconds > MAX_STOP_GRACE_SECONDS
  )
    throw new StopGraceError(
      `${what} is ${seconds}: expected whole seconds from ${MIN_STOP_GRACE_SECONDS} to ${MAX_STOP_GRACE_SECONDS}`,
    );
  return seconds;
}

export const stopContainer = (name: string, graceSeconds: number) => [
  'docker',
  'stop',
  '--time',
  String(checkStopGrace(graceSeconds)),
  '--',
  name,
];
export const startContainer = (name: string) => ['docker', 'start', '--', name];

/**
 * The exit codes of stopThenInspect and renameThen when their first or second command failed;
 * any other failure (ssh, sudo, a timeout) belongs to the command as a whole.
 */
export const FIRST_STEP_FAILED = 96;
export const SECOND_STEP_FAILED = 97;

/**
 * `docker stop`, then `docker container inspect` of the same container, in one round trip (a
 * node is down for both): the inspect runs only once the stop has returned.
 */
export const stopThenInspect = (name: string, graceSeconds: number) => [
  'sh',
  '-c',
  `docker stop --time "$1" -- "$2" >/dev/null || exit ${FIRST_STEP_FAILED}; docker container inspect -- "$2" || exit ${SECOND_STEP_FAILED}`,
  'raftroll-stop',
  String(checkStopGrace(graceSeconds)),
  name,
];

/**
 * `docker rename from to`, then argv (a `docker run`) only if the rename succeeded, in one round
 * trip.
 */
export const renameThen = (from: string, to: string, argv: readonly string[]) => [
  'sh',
  '-c',
  `docker rename -- "$1" "$2" || exit ${FIRST_STEP_FAILED}; shift 2; "$@" || exit ${SECOND_STEP_FAILED}`,
  'raftroll-start',
  from,
  to,
  ...argv,
];

/**
 * argv (a `docker run --detach`), then, only if it succeeded, `docker container inspect` of the
 * container it started, in the same round trip: its first look costs the caller nothing more.
 * The run's exit code comes through; an inspect that fails changes nothing (what it prints is
 * not taken for a container, and the caller then looks itself).
 */
export const runThenInspect = (name: string, argv: readonly string[]) => [
  'sh',
  '-c',
  'n=$1; shift; "$@" || exit; docker container inspect -- "$n" 2>/dev/null || :',
  'raftroll-run',
  name,
  ...argv,
];

/**
 * What runThenInspect printed: the container id (docker run's line), and the container as the
 * inspect saw it, when it did.
 */
export function parseRunThenInspect(stdout: string): { id: string; info?: ContainerInfo } {
  const nl = stdout.indexOf('\n');
  const id = (nl < 0 ? stdout : stdout.slice(0, nl)).trim();
  const rest = nl < 0 ? '' : stdout.slice(nl + 1).trim();
  if (!rest) return { id };
  try {
    const info = parseInspect(rest);
    return info.id === id ? { id, info } : { id };
  } catch {
    return { id };
  }
}

/** The exit code of afterStopped when the container was not seen stopped (argv did not run). */
export const NOT_STOPPED = 93;

/**
 * Runs argv on the host once the container has stopped (`docker wait`), at most `waitSeconds`
 * from now: a command sent beside the stop starts the moment the container is down, rather
 * than a round trip after the stop's own command is back. Whoever sends it must still check
 * that the run of the container it waited on is the one that was stopped (see stoppedAsSeen):
 * a container that a restart policy started again may have been waited on too early.
 */
export const afterStopped = (name: string, waitSeconds: number, argv: readonly string[]) => [
  'sh',
  '-c',
  `timeout "$1" docker wait -- "$2" >/dev/null || exit ${NOT_STOPPED}; shift 2; exec "$@"`,
  'raftroll-after-stop',
  String(Math.max(1, Math.ceil(waitSeconds))),
  name,
  ...argv,
];

/**
 * The container seen `before` (running) is the one now stopped, with no restart in between:
 * what a command gated on its stop read, it read after the last write of that run.
 */
export function stoppedAsSeen(before: ContainerInfo, after: ContainerInfo | undefined): boolean {
  return (
    !!after &&
    before.state.running &&
    !before.state.restarting &&
    after.id === before.id &&
    after.state.startedAt === before.state.startedAt &&
    after.restartCount === before.restartCount &&
    !after.state.running &&
    !after.state.restarting
  );
}

/** The exit code of journalThen when the line could not be appended (argv did not run). */
export const JOURNAL_FAILED = 95;

/**
 * Appends line (a journal line, without its newline) to path, then runs argv only if that worked,
 * in one round trip: the line is on the host before the step it announces begins. The line is
 * an argument, not stdin: a run that dies while it sends the command sends none of it, whereas
 * a cut-short stdin would still end cat well and let argv run with the line lost. argv's own
 * exit code comes through (exec).
 */
export const journalThen = (path: string, line: string, argv: readonly string[]) => [
  'sh',
  '-c',
  `printf '%s\\n' "$2" >> "$1" || exit ${JOURNAL_FAILED}; shift 2; exec "$@"`,
  'raftroll-journal',
  path,
  line,
  ...argv,
];

/** The exit code of appendAfter when argv succeeded but its line could not be appended. */
export const LINE_AFTER_FAILED = 98;

/**
 * Runs argv, then appends line (a journal line, without its newline) to path only if argv
 * succeeded, in one round trip: the line is on the host as soon as the step it follows is
 * done. argv's own exit code comes through when it fails. The line is an argument, as in
 * journalThen.
 */
export const appendAfter = (argv: readonly string[], path: string, line: string) => [
  'sh',
  '-c',
  `j=$1; l=$2; shift 2; "$@" || exit; printf '%s\\n' "$l" >> "$j" || exit ${LINE_AFTER_FAILED}`,
  'raftroll-journal',
  path,
  line,
  ...argv,
];

/** What journalThen's first step is, for naming it when it fails. */
export const appendLineTo = (path: string) => [
  'sh',
  '-c',
  'printf >> "$1"',
  'raftroll-journal',
  path,
];

/** Removes a stopped container; without --force Docker refuses a running one. */
export const removeContainer = (name: string) => ['docker', 'rm', '--', name];
export const renameContainer = (from: string, to: string) => ['docker', 'rename', '--', from, to];
export const containerLogs = (name: string, tail: number) => [
  'docker',
  'logs',
  '--tail',
  String(tail),
  '--',
  name,
];

/** Stands for the env file in an argv that is shown rather than run (a dry run). */
export const ENV_FILE_PLACEHOLDER = '<env-file>';

/**
 * `docker run` with the environment read by docker from envFile (`--env-file`), so values
 * never appear in argv, `ps` or logs, and never touch the environment of the docker client
 * itself (a container's DOCKER_HOST, PATH or GODEBUG must not steer the client).
 */
export function runContainer(spec: RunSpec, envFile: string = ENV_FILE_PLACEHOLDER): string[] {
  const argv = ['docker', 'run', '--detach', '--name', spec.name];
  if (spec.restart) argv.push('--restart', spec.restart);
  if (spec.network) argv.push('--network', spec.network);
  if (spec.memory) argv.push('--memory', spec.memory, '--memory-swap', spec.memory);
  if (spec.user) argv.push('--user', spec.user);
  for (const v of spec.volumes) argv.push('--volume', v);
  for (const [k, v] of Object.entries(spec.labels).sort(([a], [b]) => (a < b ? -1 : 1)))
    argv.push('--label', `${k}=${v}`);
  if (Object.keys(spec.env).length > 0) argv.push('--env-file', envFile);
  argv.push('--', spec.image, ...spec.args);
  return argv;
}

/**
 * The env file's text in docker's --env-file format: KEY=VALUE per line, taken literally (no
 * quoting exists). Throws, naming the key, for a value that format cannot carry.
 */
export function envFileText(env: Env): string {
  checkEnvFileValues(env, 'container env');
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]!}\n`)
    .join('');
}

/** Env files older than this belong to no run (see createEnvFile). */
export const ENV_FILE_SWEEP_MINUTES = 10;
/**
 * One round trip: a new env file from mktemp (mode 0600) holding stdin, its path on stdout. On
 * the way, env files older than `minutes` go from the same directory: a run killed between
 * creating one and removing it (a cancelled workflow's SIGKILL) leaves it behind. A live one
 * is needed from before a node's stop to its start (a run writes it again when that took
 * long: a handover, a long grace, a slow WAL read), so an old one belongs to no run, and this
 * one is too young to be taken. A write that fails
 * removes its file.
 */
export const createEnvFile = (minutes = ENV_FILE_SWEEP_MINUTES) => [
  'sh',
  '-c',
  [
    'f=$(mktemp -t raftroll-env.XXXXXXXXXX) || exit 1',
    // Nothing is written to a path raftroll could not read back and remove.
    'case "$f" in ""|[!/]*|*[[:space:]]*) rm -f -- "$f"; echo "mktemp returned [$f]: expected an absolute path without spaces (check TMPDIR on the host)" >&2; exit 1 ;; esac',
    'find "$(dirname -- "$f")" -maxdepth 1 -type f -name "raftroll-env.*" -mmin +"$1" -delete',
    'umask 077',
    'cat > "$f" || { rm -f -- "$f"; exit 1; }',
    'printf "%s\\n" "$f"',
  ].join('; '),
  'raftroll-env',
  String(minutes),
];
/** Writes stdin into an existing file (the values travel on stdin, not in argv). */
export const writeStdinTo = (path: string) => [
  'sh',
  '-c',
  'umask 077 && cat > "$1"',
  'raftroll-write',
  path,
];

/** sha256 over the canonical run spec: equal fingerprints mean an identical container. */
export function fingerprint(spec: RunSpec): string {
  const labels = Object.fromEntries(
    Object.entries(spec.labels)
      .filter(([k]) => !k.startsWith('org.raftroll.'))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const env = Object.fromEntries(Object.entries(spec.env).sort(([a], [b]) => (a < b ? -1 : 1)));
  const canonical = JSON.stringify({
    name: spec.name,
    image: spec.image,
    restart: spec.restart ?? null,
    network: spec.network ?? null,
    memory: spec.memory ?? null,
    user: spec.user ?? null,
    volumes: spec.volumes,
    labels,
    env,
    args: spec.args,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  imageId: string;
  labels: Record<string, string>;
  state: {
    status: string;
    running: boolean;
    restarting: boolean;
    oomKilled: boolean;
    exitCode: number;
    startedAt: string;
    finishedAt: string;
  };
  restartCount: number;
  /** Docker's restart policy name: no, always, unless-stopped, on-failure ('' when unknown). */
  restartPolicy: string;
  /** Bytes; 0 when there is no limit. */
  memory: number;
  env: Env;
}

/** Reads what `docker container inspect` prints for one container. */
export function parseInspect(json: string): ContainerInfo {
  const c = JSON.parse(json)[0];
  const env: Env = {};
  for (const e of (c.Config?.Env ?? []) as string[]) {
    const i = e.indexOf('=');
    if (i > 0) env[e.slice(0, i)] = e.slice(i + 1);
  }
  return {
    id: c.Id,
    name: String(c.Name ?? '').replace(/^\//, ''),
    image: c.Config?.Image ?? '',
    imageId: c.Image ?? '',
    labels: c.Config?.Labels ?? {},
    state: {
      status: c.State?.Status ?? 'unknown',
      running: !!c.State?.Running,
      restarting: !!c.State?.Restarting,
      oomKilled: !!c.State?.OOMKilled,
      exitCode: c.State?.ExitCode ?? 0,
      startedAt: c.State?.StartedAt ?? '',
      finishedAt: c.State?.FinishedAt ?? '',
    },
    restartCount: c.RestartCount ?? 0,
    restartPolicy: c.HostConfig?.RestartPolicy?.Name ?? '',
    memory: c.HostConfig?.Memory ?? 0,
    env,
  };
}
