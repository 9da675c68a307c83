// Where the lab keeps things, and what it is made of. Everything the lab starts or writes is
// found from here, so `down` can remove exactly that.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const LAB = join(ROOT, '.lab');
/** Sockets and pid files: a short path, since unix socket paths are limited to 108 bytes. */
export const RUN = '/run/raftroll-lab';
/** The data path every host sees; each host's own directory is bind-mounted over it. */
export const HOST_DATA = '/var/lib/raftroll-lab';
export const IMAGE_REPO = 'raftroll-lab/etcd';
export const CONTAINER = 'etcd';
export const CLIENT_PORT = 2379;
export const PEER_PORT = 2380;
export const MAX_HOSTS = 5;
export const IPTABLES_CHAIN = 'RAFTROLL-LAB';

export function hostIp(i) {
  return `127.0.1.${i}`;
}

export function nodeId(i) {
  return `n${i}`;
}

/** Each node's etcd runs as its own uid, so a partition can pick its packets by owner. */
export function nodeUid(i) {
  return 10000 + i;
}

export function hostPaths(i) {
  const dir = join(LAB, 'hosts', `h${i}`);
  const run = join(RUN, `h${i}`);
  return {
    dir,
    run,
    dockerData: join(dir, 'docker'),
    data: join(dir, 'data'),
    sshdConfig: join(dir, 'sshd_config'),
    hostKey: join(dir, 'ssh_host_ed25519_key'),
    sshdPid: join(run, 'sshd.pid'),
    dockerPid: join(run, 'dockerd.pid'),
    dockerSock: join(run, 'docker.sock'),
    dockerLog: join(dir, 'dockerd.log'),
    sshdLog: join(dir, 'sshd.log'),
    /** The node's etcd data dir as the host's own filesystem shows it. */
    etcdData: join(dir, 'data', 'etcd'),
  };
}

export const SSH = {
  dir: join(LAB, 'ssh'),
  key: join(LAB, 'ssh', 'id_ed25519'),
  knownHosts: join(LAB, 'ssh', 'known_hosts'),
  // Readable by every lab user (sshd reads it with the user's own rights).
  authorizedKeys: join(RUN, 'authorized_keys'),
};

/**
 * Non-root accounts, as production deploy users usually are: one with passwordless sudo (which
 * keeps DOCKER_HOST, since each lab host's engine has its own socket), one without.
 */
export const USERS = { sudo: 'raftroll-deploy', plain: 'raftroll-nosudo' };
export const SUDOERS = '/etc/sudoers.d/raftroll-lab';

export const STATE = join(LAB, 'state.json');
/** Which checkout's lab is running: the machine-wide paths above are shared by all checkouts. */
export const OWNER = join(RUN, 'owner');

export function labOwner() {
  return existsSync(OWNER) ? readFileSync(OWNER, 'utf8').trim() : undefined;
}
export const INVENTORY = join(LAB, 'inventory.yml');

/** The host count of the running lab (from `up`), or undefined. */
export function labHosts() {
  if (!existsSync(STATE)) return undefined;
  return JSON.parse(readFileSync(STATE, 'utf8')).hosts;
}

export function requireLab() {
  const n = labHosts();
  if (!n) throw new Error("no lab is up: run 'npm run lab -- up' first");
  return Array.from({ length: n }, (_, k) => k + 1);
}

export function parseNode(arg, hosts) {
  const m = /^(?:n|h)?(\d+)$/.exec(String(arg ?? ''));
  const i = m ? Number(m[1]) : Number.NaN;
  if (!hosts.includes(i)) {
    throw new Error(`unknown node "${arg}": expected one of ${hosts.map(nodeId).join(', ')}`);
  }
  return i;
}
