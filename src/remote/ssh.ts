// A Host over the OpenSSH client, so users' ssh_config, agents, ProxyJump and Tailscale all
// work as they do for them. One multiplexed connection per host per run (ControlMaster, with
// its socket in a private temporary directory), strict host key checking, batch mode.

import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { isIP, isIPv6 } from 'node:net';
import { isAbsolute, join } from 'node:path';
import {
  type Gate,
  type Host,
  HostUnreachableError,
  RemoteCommandError,
  type RunOptions,
  type RunResult,
  type Tunnel,
} from './host.js';
import { quoteCommand } from './quote.js';
import { processSpawner, SpawnError, type Spawner } from './spawn.js';

export interface SshSettings {
  /** user@host or host (ssh_config aliases work). */
  target: string;
  port?: number;
  /** Private key file (written 0600 by the caller); otherwise ssh's own defaults and agent. */
  identityFile?: string;
  /** known_hosts to check host keys against; otherwise the user's own. */
  knownHostsFile?: string;
  /** Accept and record an unknown host key (only when explicitly asked). Never a changed one. */
  acceptNewHostKeys?: boolean;
  /** Prefix commands with `sudo -n`. */
  sudo?: boolean;
  connectTimeoutSec?: number;
  /** Extra `-o Key=Value` options, e.g. ProxyJump=bastion. */
  options?: string[];
  /** A private directory (0700) for the control socket and tunnels. */
  controlDir: string;
  /** Default timeout for a command. */
  commandTimeoutMs?: number;
  /** Attempts for a connection that fails before the command ran. */
  connectAttempts?: number;
  /** Called before each retry of a connection that failed before the command ran. */
  onRetry?: (attempt: number, reason: string) => void;
  /** How ssh itself is started (default: the spawner installed for this process). */
  spawner?: Spawner;
}

// What ssh prints when it never got to run the command: safe to try again.
// Only failures that come before the remote command can have started: a reset or a lost
// master mid-session might follow a command that already ran, and must not repeat it.
const TRANSIENT =
  /ssh: connect to host .* port \d+: (Connection refused|Connection timed out|No route to host|Network is unreachable)|kex_exchange_identification|Connection timed out during banner exchange|Control socket connect.*: Connection refused/;
// What must never be retried: the answer will not change, and retrying a key mismatch is unsafe.
const FATAL =
  /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|Permission denied \(|No such file or directory.*identity|Could not resolve hostname/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long an idle shared connection stays up after its last use (ssh's ControlPersist). */
const PERSIST_SECONDS = 300;
/** A connection used this recently is taken to be up; older, it is asked for again. */
const TRUST_CONNECTION_MS = (PERSIST_SECONDS - 60) * 1000;

export class SshSettingError extends Error {
  override name = 'SshSettingError';
}

// A login name as useradd takes it; never starting with '-', so never an ssh option.
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
// A DNS name (or an ssh_config alias, which may hold '_'): labels of letters, digits, '-' and
// '_', neither starting nor ending with '-'.
const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
export const MAX_CONNECT_TIMEOUT_SECONDS = 300;
// ssh expands % and ~ in these paths, splits them at whitespace and reads quotes.
const UNSAFE_PATH = /[\s%"'\\]/;
// Unix socket paths hold 107 bytes; ssh's master first binds <ControlPath>.<16 random chars>.
const SOCKET_MAX = 107;
const MASTER_SUFFIX = 17;

/** Whether text holds a control character (a line break, NUL, escape...). */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** A host ssh can only read as a host: a DNS name, an ssh_config alias, or an IP address. */
export function isHostName(host: string): boolean {
  return (host.length <= 253 && DNS_NAME.test(host)) || isIP(host) !== 0;
}

/** A user name ssh can only read as a user name. */
export const isSshUser = (user: string): boolean => USER.test(user);

/** Splits user@host, refusing anything ssh could read as an option or a URI. */
export function parseSshTarget(target: string): { user?: string; host: string } {
  const at = target.lastIndexOf('@');
  const user = at < 0 ? undefined : target.slice(0, at);
  const host = target.slice(at + 1);
  if (user !== undefined && !isSshUser(user))
    throw new SshSettingError(
      `ssh target ${JSON.stringify(target)}: the user is not a login name: expected letters, digits, _ . -, starting with a letter or _`,
    );
  if (!isHostName(host))
    throw new SshSettingError(
      `ssh target ${JSON.stringify(target)}: ${JSON.stringify(host)} is not a host: expected a DNS name, an ssh_config alias or an IP address`,
    );
  return { user, host };
}

/** The connect timeout in whole seconds, 1 to MAX_CONNECT_TIMEOUT_SECONDS. */
export function checkConnectTimeout(seconds: number, what = 'ssh connect timeout'): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_CONNECT_TIMEOUT_SECONDS)
    throw new SshSettingError(
      `${what} is ${seconds}: expected whole seconds from 1 to ${MAX_CONNECT_TIMEOUT_SECONDS}`,
    );
  return seconds;
}

/** A local path handed to ssh: absolute, with nothing ssh would expand, split or unquote. */
export function checkSshPath(path: string, what: string): string {
  if (!isAbsolute(path) || UNSAFE_PATH.test(path) || hasControlChar(path))
    throw new SshSettingError(
      `${what} ${JSON.stringify(path)}: expected an absolute path without spaces, quotes, backslashes or %`,
    );
  return path;
}

/** An extra ssh option as Key=Value; ssh would read anything else differently. */
export function checkSshOption(option: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*=/.test(option) || hasControlChar(option))
    throw new SshSettingError(
      `ssh option ${JSON.stringify(option)}: expected Key=Value (e.g. ProxyJump=bastion)`,
    );
  return option;
}

export class SshHost implements Host {
  readonly address: string;
  private readonly control: string;
  private readonly user?: string;
  private readonly host: string;
  // Names this host's sockets: a hash of everything that says where commands go, so two nodes
  // never share a connection however alike their names are.
  private readonly tag: string;
  private tunnels = 0;

  constructor(
    readonly name: string,
    private readonly s: SshSettings,
  ) {
    this.address = s.target;
    ({ user: this.user, host: this.host } = parseSshTarget(s.target));
    if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535))
      throw new SshSettingError(`${name}: ssh port ${s.port}: expected 1 to 65535`);
    if (s.connectTimeoutSec !== undefined)
      checkConnectTimeout(s.connectTimeoutSec, `${name}: ssh connect timeout`);
    checkSshPath(s.controlDir, `${name}: ssh control directory`);
    if (s.identityFile !== undefined) checkSshPath(s.identityFile, `${name}: ssh identity file`);
    if (s.knownHostsFile !== undefined)
      checkSshPath(s.knownHostsFile, `${name}: ssh known_hosts file`);
    for (const o of s.options ?? []) checkSshOption(o);
    this.tag = createHash('sha256')
      .update(JSON.stringify([name, this.user ?? '', this.host, s.port ?? 0]))
      .digest('hex')
      .slice(0, 16);
    this.control = this.socket(`${this.tag}.ctl`, MASTER_SUFFIX);
  }

  /** A socket path in the control directory, refused when it would not fit a unix socket. */
  private socket(file: string, reserve = 0): string {
    const path = join(this.s.controlDir, file);
    if (Buffer.byteLength(path) + reserve > SOCKET_MAX)
      throw new SshSettingError(
        `${this.name}: ssh socket path ${path} is too long for a unix socket (${SOCKET_MAX - reserve} bytes at most): use a shorter temporary directory (TMPDIR)`,
      );
    return path;
  }

  /** Where ssh connects, after every option and a `--`, so it cannot be read as one. */
  private destination(): string[] {
    return ['--', this.host];
  }

  /** ssh's options, the same for every call so all of them share the one connection. */
  sshArgs(): string[] {
    const s = this.s;
    const o = (kv: string) => ['-o', kv];
    return [
      ...o('BatchMode=yes'),
      ...o(`ConnectTimeout=${s.connectTimeoutSec ?? 10}`),
      ...o(`StrictHostKeyChecking=${s.acceptNewHostKeys ? 'accept-new' : 'yes'}`),
      ...(s.knownHostsFile ? o(`UserKnownHostsFile=${s.knownHostsFile}`) : []),
      ...(s.identityFile ? [...o('IdentitiesOnly=yes'), '-i', s.identityFile] : []),
      ...o('ControlMaster=auto'),
      ...o(`ControlPath=${this.control}`),
      ...o(`ControlPersist=${PERSIST_SECONDS}`),
      ...o('ServerAliveInterval=15'),
      ...o('ServerAliveCountMax=4'),
      ...(s.options ?? []).flatMap(o),
      ...(this.user ? ['-l', this.user] : []),
      ...(s.port ? ['-p', String(s.port)] : []),
    ];
  }

  private remote(argv: readonly string[], sudo: boolean): string {
    return quoteCommand(sudo && this.s.sudo ? ['sudo', '-n', '--', ...argv] : argv);
  }

  /** The connection being made for this host, while it is being made (see connected). */
  private connecting?: Promise<void>;

  /**
   * When a command last came back over this host's shared connection (0: never, or since found
   * lost or closed). While that is recent, the next commands and tunnels ride on it without
   * asking first; the master itself lives ControlPersist after its last use.
   */
  private lastBack = 0;

  private get up(): boolean {
    return Date.now() - this.lastBack < TRUST_CONNECTION_MS;
  }

  /**
   * Makes sure the host's shared connection is up, once for all who ask at the same time:
   * three commands or tunnels started at once would otherwise each race to become the master,
   * and pay for three handshakes where one serves. A connection seen working costs nothing.
   */
  private connected(): Promise<void> {
    if (this.up) return Promise.resolve();
    this.connecting ??= this.run(['true'], { sudo: false }).then(
      () => {
        this.connecting = undefined;
      },
      (e: unknown) => {
        this.connecting = undefined;
        throw e;
      },
    );
    return this.connecting;
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    // A command that arrives before the connection is made waits for it, and then rides on it
    // rather than making a connection of its own; if it cannot be made (after its own
    // retries), the command fails with that, rather than trying all over again.
    if (!(argv.length === 1 && argv[0] === 'true')) await this.connected();
    const command = this.remote(argv, opts.sudo ?? true);
    const attempts = this.s.connectAttempts ?? 4;
    let last: RunResult | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const r = await this.exec(
        [...this.sshArgs(), ...this.destination(), command],
        opts.input,
        opts.timeoutMs ?? this.s.commandTimeoutMs ?? 120_000,
      );
      if (r.code !== 255 || !TRANSIENT.test(r.stderr) || FATAL.test(r.stderr)) {
        if (r.code === 255 && FATAL.test(r.stderr))
          throw new HostUnreachableError(this.explain(r.stderr));
        // ssh's own failures exit 255 too; anything else came from the host.
        if (r.code !== 255) this.lastBack = Date.now();
        if (r.code !== 0 && !opts.allowFailure)
          throw new RemoteCommandError(`${this.name} (${this.address})`, argv, r);
        return r;
      }
      this.lastBack = 0;
      last = r;
      if (attempt < attempts) {
        this.s.onRetry?.(attempt, r.stderr.trim().split('\n').at(-1) ?? '');
        await sleep(500 * 2 ** (attempt - 1));
      }
    }
    throw new HostUnreachableError(`${this.explain(last!.stderr)} (after ${attempts} attempts)`);
  }

  private explain(stderr: string): string {
    const line = stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ');
    let hint = '';
    if (/Host key verification failed|IDENTIFICATION HAS CHANGED/.test(stderr)) {
      hint = `; the host key is not the one in ${this.s.knownHostsFile ?? 'known_hosts'} — check the host, then update known_hosts`;
    } else if (/Permission denied/.test(stderr)) {
      hint = '; the key was refused — check the SSH key and the user';
    } else if (/Could not resolve hostname/.test(stderr)) {
      hint = '; check the host name in the inventory';
    } else if (/Connection refused|timed out/.test(stderr)) {
      hint = '; is sshd running, and may this runner reach port 22 (Tailscale ACLs)?';
    }
    return `${this.name} (${this.address}): cannot connect over SSH: ${line}${hint}`;
  }

  private async exec(
    args: string[],
    input: RunOptions['input'],
    timeoutMs: number,
  ): Promise<RunResult> {
    const spawner = this.s.spawner ?? processSpawner();
    let r: Awaited<ReturnType<Spawner['run']>>;
    try {
      r = await spawner.run(['ssh', ...args], { input, timeoutMs });
    } catch (e) {
      if (e instanceof SpawnError)
        throw new Error(`${e.message}; is the OpenSSH client installed?`);
      throw e;
    }
    // ssh writes some of its own messages with CRLF.
    const stderr = r.stderr.replace(/\r\n?/g, '\n');
    return {
      code: r.code,
      stdout: r.stdout,
      stderr: r.timedOut ? `${stderr}\nraftroll: timed out after ${timeoutMs} ms\n` : stderr,
    };
  }

  async *readStream(path: string, start = 0, end?: number, gate?: Gate): AsyncIterable<Uint8Array> {
    const dd = [
      'dd',
      `if=${path}`,
      'bs=1M',
      'status=none',
      'iflag=skip_bytes,count_bytes',
      `skip=${start}`,
    ];
    if (end !== undefined) dd.push(`count=${Math.max(0, end - start)}`);
    const argv = gate ? gate(dd) : dd;
    // A stream costs no round trip of its own first: only one that could not connect, before
    // any byte came, has the connection made (retried and reported as for any command) and is
    // asked again, once.
    for (let attempt = 1; ; attempt++) {
      const child = (this.s.spawner ?? processSpawner()).stream([
        'ssh',
        ...this.sshArgs(),
        ...this.destination(),
        this.remote(argv, true),
      ]);
      let finished = false;
      let bytes = 0;
      try {
        for await (const chunk of child.stdout) {
          bytes += chunk.length;
          yield chunk;
        }
        finished = true;
      } finally {
        // The consumer may stop early (a verdict needs no more bytes): end the transfer.
        if (!finished) child.kill();
      }
      const { code, stderr } = await child.done;
      if (code === 0) return;
      if (attempt === 1 && bytes === 0 && code === 255 && TRANSIENT.test(stderr)) {
        this.lastBack = 0;
        await this.connected();
        continue;
      }
      if (code === 255 && FATAL.test(stderr)) throw new HostUnreachableError(this.explain(stderr));
      throw new RemoteCommandError(`${this.name} (${this.address})`, argv, {
        code,
        stdout: '',
        stderr,
      });
    }
  }

  async tunnel(remoteHost: string, remotePort: number): Promise<Tunnel> {
    const counted = this.up;
    await this.connected();
    if (
      !isHostName(remoteHost) ||
      !Number.isInteger(remotePort) ||
      remotePort < 1 ||
      remotePort > 65535
    )
      throw new SshSettingError(
        `${this.name}: cannot forward to ${JSON.stringify(remoteHost)}:${remotePort}: expected a host name or IP address and a port from 1 to 65535`,
      );
    const socketPath = this.socket(
      `${this.tag}-${remotePort}-${Date.now().toString(36)}-${++this.tunnels}.sock`,
    );
    const to = isIPv6(remoteHost) ? `[${remoteHost}]` : remoteHost;
    const spec = `${socketPath}:${to}:${remotePort}`;
    const forward = () =>
      this.exec(
        [...this.sshArgs(), '-O', 'forward', '-L', spec, ...this.destination()],
        undefined,
        15_000,
      );
    let r = await forward();
    if (r.code !== 0 && counted) {
      // The connection a command came back over a while ago has gone since (its master was
      // killed, or timed out): it is made again, as for any command, and asked once more.
      this.lastBack = 0;
      await this.connected();
      r = await forward();
    }
    if (r.code !== 0)
      throw new HostUnreachableError(
        `${this.name}: cannot forward to ${remoteHost}:${remotePort}: ${r.stderr.trim()}`,
      );
    return {
      socketPath,
      close: async () => {
        await this.exec(
          [...this.sshArgs(), '-O', 'cancel', '-L', spec, ...this.destination()],
          undefined,
          10_000,
        );
        await rm(socketPath, { force: true });
      },
    };
  }

  async close(): Promise<void> {
    this.lastBack = 0;
    await this.exec([...this.sshArgs(), '-O', 'exit', ...this.destination()], undefined, 10_000);
  }
}
