// The I/O edge: a Host runs argv arrays and streams files, over SSH or on this machine. All
// of raftroll's effects on a database host go through this interface.

export interface RunOptions {
  /** Bytes for the command's stdin (secrets travel here, never in argv). */
  input?: string | Uint8Array;
  /** Kill the command after this long. Every call has a timeout; this overrides the default. */
  timeoutMs?: number;
  /** Run through `sudo -n` when the host is configured for it (default true). */
  sudo?: boolean;
  /** Do not throw on a non-zero exit: return it. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Tunnel {
  /** Where to connect locally: a unix socket path. */
  socketPath: string;
  close(): Promise<void>;
}

/** Wraps argv in a command that runs it only once something holds on the host. */
export type Gate = (argv: readonly string[]) => string[];

export interface Host {
  /** The node this host carries, for messages. */
  readonly name: string;
  /** Where it is, for messages (user@address). */
  readonly address: string;
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /**
   * Streams a remote file's bytes [start, end). `gate` wraps the reading command in one that
   * runs it only once a condition holds on the host (see docker.afterStopped); the stream fails
   * when it does not.
   */
  readStream(path: string, start?: number, end?: number, gate?: Gate): AsyncIterable<Uint8Array>;
  /** Forwards a local unix socket to host:port as seen from the remote host. */
  tunnel(remoteHost: string, remotePort: number): Promise<Tunnel>;
  close(): Promise<void>;
}

/** A command ran and failed on the host. Never retried blindly: it may have had effects. */
export class RemoteCommandError extends Error {
  override name = 'RemoteCommandError';
  constructor(
    readonly host: string,
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    super(
      `${host}: \`${argv.slice(0, 3).join(' ')}${argv.length > 3 ? ' ...' : ''}\` exited ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ') || '(no error output)'}${hint(argv, result)}`,
    );
  }
}

function hint(argv: readonly string[], r: RunResult): string {
  if (/sudo: (a password is required|a terminal is required)/.test(r.stderr)) {
    return '; this user needs passwordless sudo (sudo -n) on the host, or set ssh.sudo: false';
  }
  if (r.code === 127 || /command not found/.test(r.stderr)) {
    return `; is ${argv[0] === 'sh' ? 'the program' : argv[0]} installed on the host (raftroll needs sshd, docker, coreutils and sudo)?`;
  }
  if (/permission denied.*docker\.sock/i.test(r.stderr)) {
    return '; this user may not use Docker: add it to the docker group or set ssh.sudo: true';
  }
  return '';
}

/** The host could not be reached (after retries); nothing ran. */
export class HostUnreachableError extends Error {
  override name = 'HostUnreachableError';
}
