// Faults, each as real as this machine allows: real signals, a real kernel OOM kill inside the
// container's cgroup, real bytes cut from a real WAL, a real sshd stopped, real packets dropped.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { inspect, runArgs } from './cluster.mjs';
import { CONTAINER, hostPaths, IPTABLES_CHAIN, nodeUid, PEER_PORT } from './config.mjs';
import { dockerRun, startSshd, stopSshd, waitFor } from './hosts.mjs';
import { frames } from './wal-frames.mjs';

export const FAULTS = [
  'kill',
  'oom',
  'torn-tail',
  'corrupt',
  'ssh-down',
  'ssh-up',
  'partition',
  'heal',
];

async function running(i) {
  const c = await inspect(i);
  if (!c) throw new Error(`node ${i} has no ${CONTAINER} container`);
  return c;
}

/** SIGKILL the container's process, as the OOM killer does; the restart policy brings it back. */
async function kill(i) {
  const c = await running(i);
  if (!c.State.Running) throw new Error(`node ${i}'s container is not running (${c.State.Status})`);
  process.kill(c.State.Pid, 'SIGKILL');
  return { pid: c.State.Pid };
}

/**
 * Recreates the node with a memory limit far below what etcd needs under load, until Docker
 * reports OOMKilled=true. Keeps the node's image, arguments and restart policy.
 */
async function oom(i, hosts, { memory = '20m', timeoutMs = 90_000 } = {}) {
  const c = await running(i);
  await dockerRun(i, ['stop', '-t', '10', CONTAINER]);
  await dockerRun(i, ['rm', CONTAINER]);
  await dockerRun(i, runArgs(i, hosts, { imageRef: c.Config.Image, memory }));
  const state = await waitFor(
    `node ${i} to be OOM-killed under a ${memory} limit`,
    async () => {
      const s = (await inspect(i)).State;
      return s.OOMKilled ? s : undefined;
    },
    timeoutMs,
    100,
  );
  return { memory, oomKilled: state.OOMKilled, exitCode: state.ExitCode };
}

async function stopped(i) {
  const c = await running(i);
  if (c.State.Running || c.State.Restarting) await dockerRun(i, ['stop', '-t', '10', CONTAINER]);
}

function lastSegment(i) {
  const wal = join(hostPaths(i).etcdData, 'member', 'wal');
  const segs = readdirSync(wal)
    .filter((n) => n.endsWith('.wal'))
    .sort();
  if (!segs.length) throw new Error(`node ${i} has no WAL segment in ${wal}`);
  return join(wal, segs.at(-1));
}

/**
 * With the node stopped, leave its last segment as a kill inside a write leaves it: one more
 * record, begun but not finished, after the last durable one. Its framing is cut (the file ends
 * inside it, never in the zero padding, where etcd would see a clean end), or with `sector` it
 * is whole but one 512-byte sector piece of it never reached the disk. Only the record that was
 * being written is damaged: a record the node had already synced (and acknowledged to the
 * leader) is never lost, exactly as in a real torn write.
 */
async function tornTail(i, { sector = false } = {}) {
  await stopped(i);
  const path = lastSegment(i);
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
async function corrupt(i) {
  await stopped(i);
  const path = lastSegment(i);
  const buf = readFileSync(path);
  const fs = frames(buf);
  if (fs.length < 8) throw new Error(`${path} has too few records to corrupt one in the middle`);
  const f = fs[Math.floor(fs.length / 2)];
  const at = f.end - f.padBytes - 1;
  buf[at] ^= 0x5a;
  writeFileSync(path, buf);
  return { segment: path, offset: at, recordAt: f.offset };
}

async function iptables(args, nothrow = false) {
  return $({ quiet: true, nothrow })`iptables -w ${args}`;
}

async function ensureChain() {
  if ((await iptables(['-n', '-L', IPTABLES_CHAIN], true)).exitCode !== 0)
    await iptables(['-N', IPTABLES_CHAIN]);
  if ((await iptables(['-C', 'OUTPUT', '-j', IPTABLES_CHAIN], true)).exitCode !== 0) {
    await iptables(['-I', 'OUTPUT', '-j', IPTABLES_CHAIN]);
  }
}

/**
 * Every node runs as its own uid, so its packets can be told apart on loopback: drop all of
 * the node's peer traffic (its dials to peer ports and its answers from its own peer port).
 * Client traffic stays up, as in a real partition between data-centre links.
 */
function partitionRules(i) {
  const uid = String(nodeUid(i));
  return [
    ['-m', 'owner', '--uid-owner', uid, '-p', 'tcp', '--dport', String(PEER_PORT), '-j', 'DROP'],
    ['-m', 'owner', '--uid-owner', uid, '-p', 'tcp', '--sport', String(PEER_PORT), '-j', 'DROP'],
  ];
}

async function partition(i) {
  await ensureChain();
  for (const r of partitionRules(i)) {
    if ((await iptables(['-C', IPTABLES_CHAIN, ...r], true)).exitCode !== 0)
      await iptables(['-A', IPTABLES_CHAIN, ...r]);
  }
  return { rules: partitionRules(i).length };
}

async function heal(i) {
  for (const r of partitionRules(i)) {
    while ((await iptables(['-D', IPTABLES_CHAIN, ...r], true)).exitCode === 0);
  }
  return {};
}

/** Removes the lab's chain and its jump (lab down). */
export async function removeChain() {
  while ((await iptables(['-D', 'OUTPUT', '-j', IPTABLES_CHAIN], true)).exitCode === 0);
  await iptables(['-F', IPTABLES_CHAIN], true);
  await iptables(['-X', IPTABLES_CHAIN], true);
}

export async function fault(kind, i, hosts, opts = {}) {
  switch (kind) {
    case 'kill':
      return kill(i);
    case 'oom':
      return oom(i, hosts, opts);
    case 'torn-tail':
      return tornTail(i, opts);
    case 'corrupt':
      return corrupt(i);
    case 'ssh-down':
      await stopSshd(i);
      return {};
    case 'ssh-up':
      await startSshd(i);
      return {};
    case 'partition':
      return partition(i);
    case 'heal':
      return heal(i);
    default:
      throw new Error(`unknown fault "${kind}": expected one of ${FAULTS.join(', ')}`);
  }
}
