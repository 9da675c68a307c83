// Lab hosts: each is a loopback address with its own sshd and its own dockerd, both living in
// a private mount namespace in which the host's data directory is mounted at HOST_DATA, so
// that every host shows the same paths, as production hosts do.

import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { $ } from 'zx';
import { HOST_DATA, hostIp, hostPaths, RUN, SSH, SUDOERS, USERS } from './config.js';
import { docker } from './docker.js';
import type { LabEngine } from './engine.js';
import { pidOf, waitFor } from './wait.js';

/** Generates the client key, each host's key, authorized_keys and known_hosts (once). */
export async function ensureKeys(hosts: number[]): Promise<void> {
  mkdirSync(SSH.dir, { recursive: true, mode: 0o700 });
  if (!existsSync(SSH.key))
    await $({ quiet: true })`ssh-keygen -q -t ed25519 -N ${''} -C raftroll-lab -f ${SSH.key}`;
  mkdirSync(RUN, { recursive: true });
  writeFileSync(SSH.authorizedKeys, readFileSync(`${SSH.key}.pub`), { mode: 0o644 });
  const known = [];
  for (const i of hosts) {
    const p = hostPaths(i);
    mkdirSync(p.dir, { recursive: true });
    if (!existsSync(p.hostKey))
      await $({ quiet: true })`ssh-keygen -q -t ed25519 -N ${''} -C lab-h${i} -f ${p.hostKey}`;
    const [type, key] = readFileSync(`${p.hostKey}.pub`, 'utf8').trim().split(/\s+/);
    known.push(`${hostIp(i)} ${type} ${key}`);
  }
  writeFileSync(SSH.knownHosts, `${known.join('\n')}\n`, { mode: 0o600 });
}

function sshdConfig(i: number): string {
  const p = hostPaths(i);
  return [
    `ListenAddress ${hostIp(i)}:22`,
    `HostKey ${p.hostKey}`,
    `PidFile ${p.sshdPid}`,
    `AuthorizedKeysFile ${SSH.authorizedKeys}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // The lab's files live in a checkout whose parents sshd's ownership checks would refuse.
    'StrictModes no',
    'MaxStartups 100:30:200',
    `SetEnv DOCKER_HOST=unix://${p.dockerSock}`,
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

export function hostUp(i: number): boolean {
  const p = hostPaths(i);
  return pidOf(p.dockerPid) !== undefined && pidOf(p.sshdPid) !== undefined;
}

/** Starts host i's dockerd and sshd in a fresh mount namespace. Idempotent. */
export async function startHost(i: number): Promise<void> {
  const p = hostPaths(i);
  if (hostUp(i)) return;
  await stopHost(i);
  for (const d of [p.run, p.dockerData, p.data]) mkdirSync(d, { recursive: true });
  mkdirSync(HOST_DATA, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  writeFileSync(p.sshdConfig, sshdConfig(i));
  await $({ quiet: true })`/usr/sbin/sshd -t -f ${p.sshdConfig}`;
  const boot = [
    'set -e',
    `mount --bind ${p.data} ${HOST_DATA}`,
    `setsid -f dockerd --data-root ${p.dockerData} --exec-root ${p.run}/exec -H unix://${p.dockerSock} --pidfile ${p.dockerPid} --bridge=none --iptables=false --ip6tables=false --ip-masq=false --storage-driver=overlay2 >${p.dockerLog} 2>&1 </dev/null`,
    `/usr/sbin/sshd -f ${p.sshdConfig} -E ${p.sshdLog}`,
  ].join('\n');
  await $({ quiet: true })`unshare --mount --propagation private bash -c ${boot}`;
  await waitFor(
    `host ${i}'s docker engine`,
    async () =>
      (await docker(i, ['docker', 'version', '--format', '{{.Server.Version}}'])).exitCode === 0,
  );
  await waitFor(`host ${i}'s sshd`, () => pidOf(p.sshdPid));
}

/** Restarts only sshd, inside the host's namespace (the `ssh-up` fault). */
export async function startSshd(i: number): Promise<void> {
  const p = hostPaths(i);
  if (pidOf(p.sshdPid)) return;
  const ns = pidOf(p.dockerPid);
  if (!ns) throw new Error(`host ${i}'s docker engine is not running; run 'npm run lab -- up'`);
  await $({
    quiet: true,
  })`nsenter --mount --target ${ns} /usr/sbin/sshd -f ${p.sshdConfig} -E ${p.sshdLog}`;
  await waitFor(`host ${i}'s sshd`, () => pidOf(p.sshdPid));
}

export async function stopSshd(i: number): Promise<void> {
  await killAndWait(hostPaths(i).sshdPid, 5_000);
}

async function killAndWait(pidFile: string, timeoutMs: number): Promise<void> {
  const pid = pidOf(pidFile);
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  const gone = () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  try {
    await waitFor(`pid ${pid} to exit`, gone, timeoutMs, 50);
  } catch {
    process.kill(pid, 'SIGKILL');
    await waitFor(`pid ${pid} to exit after SIGKILL`, gone, 5_000, 50);
  }
}

/** Removes every container of host i's engine, then stops the engine and sshd. */
export async function stopHost(i: number): Promise<void> {
  const p = hostPaths(i);
  if (pidOf(p.dockerPid)) {
    const ids = (await docker(i, ['docker', 'ps', '-aq'], { nothrow: true })).stdout
      .split('\n')
      .filter(Boolean);
    // The lab owns this engine and every container in it; a quick kill is fine here.
    if (ids.length) await docker(i, ['docker', 'rm', '-f', '-v', ...ids], { nothrow: true });
  }
  await killAndWait(p.dockerPid, 15_000);
  await killAndWait(p.sshdPid, 5_000);
  rmSync(p.run, { recursive: true, force: true });
}

const userExists = async (u: string) =>
  (await $({ quiet: true, nothrow: true })`id -u ${u}`).exitCode === 0;

/** The lab's deploy users (see USERS). '*' as password: no password, but not a locked account. */
export async function ensureUsers(): Promise<void> {
  for (const u of Object.values(USERS)) {
    if (!(await userExists(u)))
      await $({
        quiet: true,
      })`useradd --system --no-create-home --home-dir / --shell /bin/sh --password ${'*'} ${u}`;
  }
  writeFileSync(
    SUDOERS,
    `Defaults:${USERS.sudo} env_keep += "DOCKER_HOST"\n${USERS.sudo} ALL=(root) NOPASSWD: ALL\n`,
    { mode: 0o440 },
  );
  await $({ quiet: true })`visudo -c -q -f ${SUDOERS}`;
}

export async function removeUsers(): Promise<void> {
  rmSync(SUDOERS, { force: true });
  for (const u of Object.values(USERS)) {
    if (await userExists(u)) await $({ quiet: true, nothrow: true })`userdel ${u}`;
  }
}

/**
 * An empty data directory on host i for a node that is to join, owned by the uid that node's
 * container runs as (the node replaced, when host i takes over another node's place).
 */
export function emptyDataDir(engine: LabEngine, i: number, uid: number): void {
  const dir = engine.dataDir(i);
  mkdirSync(dir, { recursive: true });
  chownSync(dir, uid, uid);
  chmodSync(dir, 0o700);
}
