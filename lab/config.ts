// Where the lab keeps things, and what every host is made of, whatever engine it runs.
// Everything the lab starts or writes is found from here, so `down` can remove exactly that,
// and the tests reach the lab through these same facts.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout this lab belongs to. Found by walking up to package.json, because this file
 * runs both from its source folder and bundled into the build folder, at different depths.
 */
function checkoutRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`no package.json above ${from}: run the lab from a raftroll checkout`);
  }
}

export const ROOT = checkoutRoot(import.meta.dirname);
export const LAB = join(ROOT, '.lab');
/** Sockets and pid files: a short path, since unix socket paths are limited to 108 bytes. */
export const RUN = '/run/raftroll-lab';
/** The data path every host sees; each host's own directory is bind-mounted over it. */
export const HOST_DATA = '/var/lib/raftroll-lab';
export const MAX_HOSTS = 5;
export const IPTABLES_CHAIN = 'RAFTROLL-LAB';
/** Marks every container the lab itself starts. */
export const LAB_LABEL = 'org.raftroll.lab';

export function hostIp(i: number): string {
  return `127.0.1.${i}`;
}

export function nodeId(i: number): string {
  return `n${i}`;
}

/** Each node runs as its own uid, so a partition can pick its packets by owner. */
export function nodeUid(i: number): number {
  return 10000 + i;
}

export interface HostPaths {
  dir: string;
  run: string;
  dockerData: string;
  /** What the host shows at HOST_DATA, as this machine's filesystem shows it. */
  data: string;
  sshdConfig: string;
  hostKey: string;
  sshdPid: string;
  dockerPid: string;
  dockerSock: string;
  dockerLog: string;
  sshdLog: string;
}

export function hostPaths(i: number): HostPaths {
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
export const INVENTORY = join(LAB, 'inventory.yml');
