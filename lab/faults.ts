// Faults, each as real as this machine allows: real signals, a real kernel OOM kill inside the
// container's cgroup, real bytes cut from a real WAL, a real sshd stopped, real packets dropped.

import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { removeContainer, stopContainer } from '../src/runtime/docker.js';
import { runNode } from './cluster.js';
import { IPTABLES_CHAIN, nodeUid } from './config.js';
import { docker, type Inspected, inspect } from './docker.js';
import type { LabEngine } from './engine.js';
import { startSshd, stopSshd } from './hosts.js';
import { waitFor } from './wait.js';
import { frames } from './wal-frames.js';

export const FAULTS = [
  'kill',
  'oom',
  'torn-tail',
  'corrupt',
  'corrupt-sealed',
  'ssh-down',
  'ssh-up',
  'partition',
  'heal',
] as const;

export interface FaultOptions {
  /** torn-tail: zero a sector of the last record instead of cutting it. */
  sector?: boolean;
  /** oom: the tiny memory limit. */
  memory?: string;
  /** torn-tail, corrupt: the Raft group whose WAL is damaged (default: the engine's first). */
  group?: number;
  timeoutMs?: number;
}

async function existing(engine: LabEngine, i: number): Promise<Inspected> {
  const c = await inspect(i, engine.container);
  if (!c) throw new Error(`node ${i} has no ${engine.container} container`);
  return c;
}

/** SIGKILL the container's process, as the OOM killer does; the restart policy brings it back. */
async function kill(engine: LabEngine, i: number) {
  const c = await existing(engine, i);
  if (!c.State.Running) throw new Error(`node ${i}'s container is not running (${c.State.Status})`);
  process.kill(c.State.Pid, 'SIGKILL');
  return { pid: c.State.Pid };
}

/**
 * Recreates the node with a memory limit far below what it needs under load, until Docker
 * reports OOMKilled=true. Keeps the node's image, arguments and restart policy.
 */
async function oom(
  engine: LabEngine,
  i: number,
  hosts: number[],
  { memory = '20m', timeoutMs = 90_000 }: FaultOptions,
) {
  const c = await existing(engine, i);
  await docker(i, stopContainer(engine.container, 10));
  await docker(i, removeContainer(engine.container));
  await runNode(engine, i, hosts, { image: c.Config.Image, memory });
  let signalled: number | undefined;
  const state = await waitFor(
    `node ${i} to be OOM-killed under a ${memory} limit`,
    async () => {
      const s = (await inspect(i, engine.container))?.State;
      if (s?.OOMKilled) return s;
      // An engine that eats memory on a signal is made to, once: the load alone may not
      // reach even a tiny limit.
      // Only once the process has been up a moment: a signal that arrives before its handler is
      // installed simply ends it (Go's default), and a restart would meet the same fate.
      const upMs = s?.StartedAt ? Date.now() - Date.parse(s.StartedAt) : 0;
      if (engine.oomSignal && s?.Running && s.Pid > 0 && signalled !== s.Pid && upMs > 1500) {
        process.kill(s.Pid, engine.oomSignal);
        signalled = s.Pid;
      }
      return undefined;
    },
    timeoutMs,
    100,
  );
  return {
    memory,
    oomKilled: state.OOMKilled,
    exitCode: state.ExitCode,
    ...(signalled ? { signal: engine.oomSignal } : {}),
  };
}

async function stopped(engine: LabEngine, i: number): Promise<void> {
  const c = await existing(engine, i);
  if (c.State.Running || c.State.Restarting) await docker(i, stopContainer(engine.container, 10));
}

/** The WAL directory of node i's Raft group `group` (the engine's first group by default). */
export function walDirOf(engine: LabEngine, i: number, group = engine.groups[0]): string {
  const k = engine.groups.indexOf(group ?? Number.NaN);
  const wal = k < 0 ? undefined : engine.walDirs(i)[k];
  if (!wal) {
    throw new Error(
      `--group is "${group}": the ${engine.name} lab runs Raft groups ${engine.groups.join(', ')}`,
    );
  }
  return wal;
}

/** The last segment of one Raft group's WAL directory. */
function lastSegment(engine: LabEngine, i: number, group?: number): string {
  const wal = walDirOf(engine, i, group);
  const segs = readdirSync(wal)
    .filter((n) => n.endsWith('.wal'))
    .sort();
  const last = segs.at(-1);
  if (!last) throw new Error(`node ${i} has no WAL segment in ${wal}`);
  return join(wal, last);
}

/**
 * With the node stopped, leave its last segment as a kill inside a write leaves it: one more
 * record, begun but not finished, after the last durable one. Its framing is cut (the file ends
 * inside it, never in the zero padding, where the reader would see a clean end), or with
 * `sector` it is whole but one 512-byte sector piece of it never reached the disk. Only the
 * record that was being written is damaged: a record the node had already synced (and
 * acknowledged to the leader) is never lost, exactly as in a real torn write.
 */
async function tornTail(engine: LabEngine, i: number, { sector = false, group }: FaultOptions) {
  walDirOf(engine, i, group); // a bad --group fails before the node is stopped
  await stopped(engine, i);
  const path = lastSegment(engine, i, group);
  const buf = readFileSync(path);
  const fs = frames(buf);
  const last = fs.at(-1);
  if (!last || fs.length < 4) throw new Error(`${path} has too few records to tear`);
  // The record being written when the kill came: here, a copy of the last one.
  const record = buf.subarray(last.offset, last.end);
  const at = last.end;
  if (sector) {
    if (at + record.length > buf.length)
      throw new Error(`${path} has no preallocated space left for a torn record`);
    record.copy(buf, at);
    const end = at + record.length;
    const from = Math.max(at + 8, Math.floor((end - 1) / 512) * 512);
    buf.fill(0, from, end);
    writeFileSync(path, buf.subarray(0, Math.max(buf.length, end)));
    return { segment: path, recordAt: at, zeroed: [from, end] };
  }
  const cut = at + 8 + Math.max(1, Math.floor(last.recBytes / 2));
  const torn = Buffer.concat([buf.subarray(0, at), record.subarray(0, cut - at)]);
  writeFileSync(path, torn);
  return { segment: path, cutAt: cut, recordAt: at };
}

/** With the node stopped, flip one byte inside a middle record's data: a CRC mismatch. */
async function corrupt(engine: LabEngine, i: number, { group }: FaultOptions) {
  walDirOf(engine, i, group);
  await stopped(engine, i);
  const path = lastSegment(engine, i, group);
  const buf = readFileSync(path);
  const fs = frames(buf);
  const f = fs[Math.floor(fs.length / 2)];
  if (!f || fs.length < 8)
    throw new Error(`${path} has too few records to corrupt one in the middle`);
  const at = f.end - f.padBytes - 1;
  buf[at] = buf[at]! ^ 0x5a;
  writeFileSync(path, buf);
  return { segment: path, offset: at, recordAt: f.offset };
}

/**
 * Flip one byte inside a middle record's data in the first sealed segment (one the node no
 * longer writes), while the node keeps running: it only notices at its next start. Flipping
 * the same byte again (`undo`) puts the file back as it was.
 */
export function corruptSealed(engine: LabEngine, i: number, { group }: FaultOptions = {}) {
  const wal = walDirOf(engine, i, group);
  const segs = readdirSync(wal)
    .filter((n) => n.endsWith('.wal'))
    .sort();
  if (segs.length < 2)
    throw new Error(
      `node ${i} has ${segs.length} WAL segment(s) in ${wal}: write more (about 64 MB) to seal one first`,
    );
  const path = join(wal, segs[0]!);
  // In place, one byte: the file is never truncated under a reader.
  const flip = (at: number) => {
    const fd = openSync(path, 'r+');
    try {
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, at);
      b[0] = b[0]! ^ 0x5a;
      writeSync(fd, b, 0, 1, at);
    } finally {
      closeSync(fd);
    }
  };
  const fs = frames(readFileSync(path));
  const f = fs[Math.floor(fs.length / 2)];
  if (!f || fs.length < 8)
    throw new Error(`${path} has too few records to corrupt one in the middle`);
  const at = f.end - f.padBytes - 1;
  flip(at);
  return { segment: path, offset: at, recordAt: f.offset, undo: () => flip(at) };
}

async function iptables(args: string[], nothrow = false) {
  return $({ quiet: true, nothrow })`iptables -w ${args}`;
}

async function ensureChain(): Promise<void> {
  if ((await iptables(['-n', '-L', IPTABLES_CHAIN], true)).exitCode !== 0)
    await iptables(['-N', IPTABLES_CHAIN]);
  if ((await iptables(['-C', 'OUTPUT', '-j', IPTABLES_CHAIN], true)).exitCode !== 0) {
    await iptables(['-I', 'OUTPUT', '-j', IPTABLES_CHAIN]);
  }
}

/**
 * Every node runs as its own uid, so its packets can be told apart on loopback: drop all of
 * the node's peer traffic (its dials to peer ports and its answers from its own peer ports).
 * Client traffic stays up, as in a real partition between data-centre links.
 *
 * The node's SYN-ACKs are let through: the kernel counts them as the listening socket's, so
 * they carry the node's uid too, and dropping them leaves every dialler (the lab's own status
 * and load clients among them) in SYN-SENT until the kernel gives up on the SYN, about two
 * minutes: the lab's gRPC client fails its call at the deadline, but the pending connect keeps
 * its process alive that long, so each `lab status` took over two minutes. With the handshake
 * done the node still answers nothing: every data packet and ACK it sends from these ports is
 * dropped.
 */
function partitionRules(engine: LabEngine, i: number): string[][] {
  const uid = String(nodeUid(i));
  const owned = ['-m', 'owner', '--uid-owner', uid, '-p', 'tcp'];
  return engine.peerPorts(i).flatMap((port) => [
    [...owned, '--dport', String(port), '-j', 'DROP'],
    [...owned, '--sport', String(port), '!', '--tcp-flags', 'SYN,ACK', 'SYN,ACK', '-j', 'DROP'],
  ]);
}

async function partition(engine: LabEngine, i: number) {
  await ensureChain();
  const rules = partitionRules(engine, i);
  for (const r of rules) {
    if ((await iptables(['-C', IPTABLES_CHAIN, ...r], true)).exitCode !== 0)
      await iptables(['-A', IPTABLES_CHAIN, ...r]);
  }
  return { rules: rules.length };
}

async function heal(engine: LabEngine, i: number) {
  for (const r of partitionRules(engine, i)) {
    while ((await iptables(['-D', IPTABLES_CHAIN, ...r], true)).exitCode === 0);
  }
  return {};
}

/** Removes the lab's chain and its jump (lab down). */
export async function removeChain(): Promise<void> {
  while ((await iptables(['-D', 'OUTPUT', '-j', IPTABLES_CHAIN], true)).exitCode === 0);
  await iptables(['-F', IPTABLES_CHAIN], true);
  await iptables(['-X', IPTABLES_CHAIN], true);
}

export async function fault(
  engine: LabEngine,
  kind: string,
  i: number,
  hosts: number[],
  opts: FaultOptions = {},
): Promise<object> {
  switch (kind) {
    case 'kill':
      return kill(engine, i);
    case 'oom':
      return oom(engine, i, hosts, opts);
    case 'torn-tail':
      return tornTail(engine, i, opts);
    case 'corrupt':
      return corrupt(engine, i, opts);
    case 'corrupt-sealed': {
      const { undo: _, ...r } = corruptSealed(engine, i, opts);
      return r;
    }
    case 'ssh-down':
      await stopSshd(i);
      return {};
    case 'ssh-up':
      await startSshd(i);
      return {};
    case 'partition':
      return partition(engine, i);
    case 'heal':
      return heal(engine, i);
    default:
      throw new Error(`unknown fault "${kind}": expected one of ${FAULTS.join(', ')}`);
  }
}
