// One run's connections to a cluster: a Host per node (one multiplexed SSH connection each,
// control sockets in a private temporary directory) and, on demand, a Raft client per node
// through that node's tunnel. close() tears all of it down.
//
// The private directory may hold an SSH key, so it must not outlive its run even when close()
// never comes: it is removed when the process exits or is stopped by SIGINT/SIGTERM, and a run
// that was killed outright (SIGKILL, a lost machine) leaves a directory whose name carries its
// pid, which the next session opened on this machine removes once that pid is gone.

import { lstatSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeGroups, type RaftGroup } from '../inventory/groups.js';
import { type Inventory, sshTargetOf } from '../inventory/load.js';
import type { NodeInput } from '../inventory/schema.js';
import { ElastickvClient } from '../raft/elastickv.js';
import { RaftAdminError, type RaftClient } from '../raft/engine.js';
import { EtcdClient } from '../raft/etcd.js';
import type { Host } from '../remote/host.js';
import { SshHost } from '../remote/ssh.js';

export interface SessionOptions {
  /** A private key's text (e.g. a GitHub secret): written 0600 for this run, removed by close(). */
  privateKey?: string;
  /** Told about each SSH connection retry, so it can be reported. */
  onRetry?: (node: string, attempt: number, reason: string) => void;
  /** Where to make the private directory (default: the system's temporary directory). */
  baseDir?: string;
  /** known_hosts content (e.g. from a secret or an input): written 0600 for this run. */
  knownHosts?: string;
}

const withNewline = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);

/** `raftroll-<pid>-<mkdtemp suffix>`: a session's private directory. */
const PRIVATE_DIR = /^raftroll-(\d+)-[A-Za-z0-9]{6}$/;
/** Names the machine that made the directory: a pid means nothing on another machine. */
const MADE_ON = 'made-on';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the private directories that killed runs left in `base`: only this user's, made on
 * this machine, by a process that no longer exists. Anything else is left alone, including the
 * directories of earlier releases, whose names carry no pid. Returns what it removed.
 */
export async function removeStaleDirs(base: string = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(base).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(PRIVATE_DIR.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const dir = join(base, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== process.getuid?.()) continue;
      if ((await readFile(join(dir, MADE_ON), 'utf8')) !== `${hostname()}\n`) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Gone meanwhile, or not ours to read: either way not ours to remove.
    }
  }
  return removed;
}

/** The private directories of this process's sessions that close() has not removed yet. */
const openDirs = new Set<string>();

function removeOpenDirs(): void {
  for (const dir of openDirs) rmSync(dir, { recursive: true, force: true });
  openDirs.clear();
}

let exitHooked = false;

/**
 * Removes the open directories on the way out. On exit (process.exit included) always. On
 * SIGINT or SIGTERM only when nobody else listens for it: then the signal would have killed the
 * process, and still does once the directories are gone. When someone listens (a run finishing
 * its node before it stops), that run's own close() or exit removes them. Prepended, so the count
 * is taken before any once-listener has removed itself.
 */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', removeOpenDirs);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      if (process.listenerCount(sig) > 1) return;
      process.off(sig, onSignal);
      removeOpenDirs();
      process.kill(process.pid, sig);
    };
    process.prependListener(sig, onSignal);
  }
}

export class ClusterSession {
  private readonly hosts = new Map<string, Host>();
  private readonly clients = new Map<string, Promise<RaftClient>>();

  private constructor(
    readonly inv: Inventory,
    private readonly controlDir: string,
    private readonly keyFile: string | undefined,
    private readonly opts: SessionOptions,
  ) {}

  static async open(inv: Inventory, opts: SessionOptions = {}): Promise<ClusterSession> {
    const base = opts.baseDir ?? tmpdir();
    await removeStaleDirs(base);
    hookExit();
    // 0700 by mkdtemp: control sockets, tunnel sockets and the key are for this process only.
    const dir = await mkdtemp(join(base, `raftroll-${process.pid}-`));
    openDirs.add(dir);
    await writeFile(join(dir, MADE_ON), `${hostname()}\n`, { mode: 0o600 });
    let keyFile: string | undefined;
    if (opts.privateKey) {
      keyFile = join(dir, 'id');
      await writeFile(keyFile, withNewline(opts.privateKey), { mode: 0o600 });
    }
    let inventory = inv;
    if (opts.knownHosts) {
      const file = join(dir, 'known_hosts');
      await writeFile(file, withNewline(opts.knownHosts), { mode: 0o600 });
      inventory = { ...inv, ssh: { ...inv.ssh, knownHostsFile: file } };
    }
    return new ClusterSession(inventory, dir, keyFile, opts);
  }

  /** The private directory holding sockets and key material (removed by close()). */
  get dir(): string {
    return this.controlDir;
  }

  sshTarget(node: NodeInput): string {
    return sshTargetOf(this.inv, node);
  }

  host(node: NodeInput): Host {
    let h = this.hosts.get(node.id);
    if (!h) {
      const s = this.inv.ssh ?? {};
      h = new SshHost(node.id, {
        target: this.sshTarget(node),
        port: s.port,
        identityFile: this.keyFile ?? s.identityFile,
        knownHostsFile: s.knownHostsFile,
        acceptNewHostKeys: s.acceptNewHostKeys,
        sudo: s.sudo,
        options: s.options,
        connectTimeoutSec: s.connectTimeoutSec,
        controlDir: this.controlDir,
        onRetry: this.opts.onRetry
          ? (attempt, reason) => this.opts.onRetry!(node.id, attempt, reason)
          : undefined,
      });
      this.hosts.set(node.id, h);
    }
    return h;
  }

  /** The node's Raft groups (empty: one group, on the admin or client port). */
  groups(node: NodeInput): RaftGroup[] {
    return nodeGroups(this.inv).get(node.id) ?? [];
  }

  /**
   * The node's Raft admin endpoint, through its own SSH connection: group `group`'s listener,
   * or without one the node's only group (etcd, single-group elastickv) or else its first group.
   * One tunnel per port, so one client per node and group.
   */
  raft(node: NodeInput, group?: number): Promise<RaftClient> {
    const gs = this.groups(node);
    const g = group === undefined ? gs[0] : gs.find((x) => x.id === group);
    if (group !== undefined && !g)
      return Promise.reject(
        new Error(
          `node ${node.id} has no Raft group ${group}: its groups are ${gs.map((x) => x.id).join(',') || 'none (a single group)'}`,
        ),
      );
    const key = g ? `${node.id}#${g.id}` : node.id;
    let c = this.clients.get(key);
    if (!c) {
      const p = this.inv.ports;
      const port = g ? g.port : this.inv.engine === 'etcd' ? p.client! : p.admin!;
      const label = g ? `node ${node.id} group ${g.id}` : `node ${node.id}`;
      const made: Promise<RaftClient> = this.host(node)
        .tunnel(g?.host ?? node.host, port)
        .then((t) =>
          this.forgetOnFailure(
            key,
            this.inv.engine === 'etcd'
              ? new EtcdClient(t, label)
              : new ElastickvClient(t, label, node.id),
            () => made,
          ),
        );
      c = made;
      // A failed tunnel is not cached: the next call tries again.
      c.catch(() => this.clients.delete(key));
      this.clients.set(key, c);
    }
    return c;
  }

  /**
   * A client whose call fails for any reason but the engine's own refusal is dropped, so the
   * next call builds a new tunnel: the SSH connection under it may have died and been replaced.
   */
  private forgetOnFailure(
    key: string,
    client: RaftClient,
    self: () => Promise<RaftClient>,
  ): RaftClient {
    const guard =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      (...a: A): Promise<R> =>
        f(...a).catch((e: unknown) => {
          if (!(e instanceof RaftAdminError) && this.clients.get(key) === self()) {
            this.clients.delete(key);
            void client.close().catch(() => {});
          }
          throw e;
        });
    return {
      status: guard(client.status.bind(client)),
      members: guard(client.members.bind(client)),
      transferLeadership: guard(client.transferLeadership.bind(client)),
      removeMember: guard(client.removeMember.bind(client)),
      addLearner: guard(client.addLearner.bind(client)),
      promoteLearner: guard(client.promoteLearner.bind(client)),
      health: client.health ? guard(client.health.bind(client)) : undefined,
      close: () => client.close(),
    };
  }

  async close(): Promise<void> {
    for (const c of this.clients.values())
      await (await c.catch(() => undefined))?.close().catch(() => {});
    for (const h of this.hosts.values()) await h.close().catch(() => {});
    await rm(this.controlDir, { recursive: true, force: true });
    openDirs.delete(this.controlDir);
  }
}
