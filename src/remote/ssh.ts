// A Host over the OpenSSH client, so users' ssh_config, agents, ProxyJump and Tailscale all
// work as they do for them. One multiplexed connection per host per run (ControlMaster, with
// its socket in a private temporary directory), strict host key checking, batch mode.

import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Host,
  HostUnreachableError,
  RemoteCommandError,
  type RunOptions,
  type RunResult,
  type Tunnel,
} from './host.js';
import { quoteCommand } from './quote.js';

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

export class SshHost implements Host {
  readonly address: string;
  private readonly control: string;

  constructor(
    readonly name: string,
    private readonly s: SshSettings,
  ) {
    this.address = s.target;
    this.control = join(s.controlDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.ctl`);
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
      ...o('ControlPersist=300'),
      ...o('ServerAliveInterval=15'),
      ...o('ServerAliveCountMax=4'),
      ...(s.options ?? []).flatMap(o),
      ...(s.port ? ['-p', String(s.port)] : []),
    ];
  }

  private remote(argv: readonly string[], sudo: boolean): string {
    return quoteCommand(sudo && this.s.sudo ? ['sudo', '-n', '--', ...argv] : argv);
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const command = this.remote(argv, opts.sudo ?? true);
    const attempts = this.s.connectAttempts ?? 4;
    let last: RunResult | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const r = await this.exec(
        [...this.sshArgs(), this.s.target, '--', command],
        opts.input,
        opts.timeoutMs ?? this.s.commandTimeoutMs ?? 120_000,
      );
      if (r.code !== 255 || !TRANSIENT.test(r.stderr) || FATAL.test(r.stderr)) {
        if (r.code === 255 && FATAL.test(r.stderr))
          throw new HostUnreachableError(this.explain(r.stderr));
        if (r.code !== 0 && !opts.allowFailure)
          throw new RemoteCommandError(`${this.name} (${this.address})`, argv, r);
        return r;
      }
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

  private exec(args: string[], input: RunOptions['input'], timeoutMs: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const timer = setTimeout(() => {
        err.push(Buffer.from(`\nraftroll: timed out after ${timeoutMs} ms\n`));
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ssh: ${e.message}; is the OpenSSH client installed?`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code: code ?? (signal ? 124 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          // ssh writes some of its own messages with CRLF.
          stderr: Buffer.concat(err).toString('utf8').replace(/\r\n?/g, '\n'),
        });
      });
      child.stdin.on('error', () => {}); // the remote side may not read its stdin
      child.stdin.end(input ?? '');
    });
  }

  async *readStream(path: string, start = 0, end?: number): AsyncIterable<Uint8Array> {
    // Make sure the shared connection exists, so a connection failure is retried and reported
    // like any other before the stream begins.
    await this.run(['true'], { sudo: false });
    const argv = [
      'dd',
      `if=${path}`,
      'bs=1M',
      'status=none',
      'iflag=skip_bytes,count_bytes',
      `skip=${start}`,
    ];
    if (end !== undefined) argv.push(`count=${Math.max(0, end - start)}`);
    const child = spawn('ssh', [...this.sshArgs(), this.s.target, '--', this.remote(argv, true)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const closed = new Promise<number>((r) => child.on('close', (code) => r(code ?? 1)));
    let finished = false;
    try {
      for await (const chunk of child.stdout) yield chunk as Buffer;
      finished = true;
    } finally {
      // The consumer may stop early (a verdict needs no more bytes): end the transfer.
      if (!finished) child.kill('SIGTERM');
    }
    const code = await closed;
    if (code !== 0) {
      throw new RemoteCommandError(`${this.name} (${this.address})`, argv, {
        code,
        stdout: '',
        stderr: Buffer.concat(err).toString(),
      });
    }
  }

  async tunnel(remoteHost: string, remotePort: number): Promise<Tunnel> {
    await this.run(['true'], { sudo: false });
    const socketPath = join(
      this.s.controlDir,
      `${this.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${remotePort}-${Date.now().toString(36)}.sock`,
    );
    const spec = `${socketPath}:${remoteHost}:${remotePort}`;
    const r = await this.exec(
      [...this.sshArgs(), '-O', 'forward', '-L', spec, this.s.target],
      undefined,
      15_000,
    );
    if (r.code !== 0)
      throw new HostUnreachableError(
        `${this.name}: cannot forward to ${remoteHost}:${remotePort}: ${r.stderr.trim()}`,
      );
    return {
      socketPath,
      close: async () => {
        await this.exec(
          [...this.sshArgs(), '-O', 'cancel', '-L', spec, this.s.target],
          undefined,
          10_000,
        );
        await rm(socketPath, { force: true });
      },
    };
  }

  async close(): Promise<void> {
    await this.exec([...this.sshArgs(), '-O', 'exit', this.s.target], undefined, 10_000);
  }
}
