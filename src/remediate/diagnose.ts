// Diagnose: read-only. Gathers each node's facts over SSH (container, memory use, kernel OOM
// evidence, disk, Raft position, WAL verdict when the node is already down, stale backups) and
// classifies them. Never stops, starts or writes anything.

import { basename, dirname } from 'node:path/posix';
import { observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { Diagnosis, NodeFacts } from '../events/findings.js';
import type { NodeInput } from '../inventory/schema.js';
import { alreadyDown } from '../node/guards.js';
import { ASIDE_SUFFIX, PREVIOUS_SUFFIX } from '../node/spec.js';
import { absolutePath, HostFiles } from '../remote/host-files.js';
import * as containers from '../runtime/containers.js';
import { freeBytes } from '../runtime/disk.js';
import { parseGoMemLimit } from '../runtime/memory.js';
import { BACKUP_SUFFIX, verifyPath } from '../wal/engine.js';
import { rulesFor } from '../wal/versions.js';
import { classify, loopingWhileUp, type Thresholds } from './classify.js';

const UNITS: Record<string, number> = {
  B: 1,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
};

/** "123.4MiB / 2.441GiB" (docker stats) -> bytes in use. */
export function parseMemUsage(text: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([A-Za-z]+)/.exec(text);
  if (!m || UNITS[m[2]!] === undefined) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

async function facts(
  session: ClusterSession,
  node: NodeInput,
  view: NodeFacts['view'],
  etcdVersion: string,
  t: Thresholds,
): Promise<NodeFacts> {
  const f: NodeFacts = { view, staleBackups: [], observedAt: Date.now() };
  if (!view.reachable) return f;
  const host = session.host(node);
  const name = session.inv.container.name;
  const dataDir = session.inv.container.dataDir;
  // find reads an operand that starts with '-' as an expression (`-delete` included), and has
  // no `--` for its paths: it is given absolute, normalized paths only.
  absolutePath(dataDir, 'container.dataDir');
  const c = view.container;
  // Docker reports Running while a container is restarting: a crash loop is a node that is down.
  if (c?.state.running && !c.state.restarting && !loopingWhileUp(view, t, f.observedAt)) {
    const s = await host.run(
      ['docker', 'stats', '--no-stream', '--format', '{{.MemUsage}}', name],
      { allowFailure: true },
    );
    if (s.code === 0) f.memoryUsage = parseMemUsage(s.stdout);
  } else {
    // Only a node that is down, or crash-looping, has its WAL read: a healthy node's log is in
    // use. The heal reads it again once the container is certainly stopped.
    try {
      f.wal = await verifyPath(new HostFiles(host), dataDir, rulesFor(etcdVersion));
    } catch (e) {
      f.walError = (e as Error).message;
    }
  }
  const aside = await host.run(
    [
      'find',
      dirname(dataDir),
      '-mindepth',
      '1',
      '-maxdepth',
      '1',
      '-name',
      `${basename(dataDir)}${ASIDE_SUFFIX}*`,
      '-printf',
      '%p\\0',
    ],
    { allowFailure: true },
  );
  f.reseedLeftovers = aside.stdout.split('\0').filter(Boolean);
  const prev = `${name}${PREVIOUS_SUFFIX}`;
  if (await containers.inspect(host, prev).catch(() => undefined)) f.leftoverPrevious = prev;
  const broken = await host.run(
    // etcd's own repair backups, and raftroll's (kept where etcd never writes).
    [
      'find',
      dataDir,
      '-maxdepth',
      '8',
      '(',
      '-name',
      '*.wal.broken*',
      '-o',
      '-name',
      `*.wal${BACKUP_SUFFIX}*`,
      ')',
      '-printf',
      '%p\\0',
    ],
    { allowFailure: true },
  );
  f.staleBackups = broken.stdout.split('\0').filter(Boolean);
  const disk = await freeBytes(host, dataDir);
  if ('free' in disk) f.diskFree = disk.free;
  if (c) {
    // The kernel names the container's cgroup in its OOM report; reading it may need privileges.
    const k = await host.run(['dmesg'], { allowFailure: true });
    if (k.code === 0)
      f.kernelOom = k.stdout
        .split('\n')
        .filter((l) => /oom/i.test(l) && l.includes(c.id.slice(0, 12)));
  }
  return f;
}

export async function diagnose(
  session: ClusterSession,
  nodes: NodeInput[],
  t: Thresholds,
  etcdVersion: string,
): Promise<Diagnosis[]> {
  const views = await observe(session, session.inv.nodes);
  return Promise.all(
    nodes.map(async (node) => {
      const view = views.find((v) => v.id === node.id)!;
      const f = await facts(session, node, view, etcdVersion, t);
      const c = view.container;
      // Memory defaults count as applied only when GOMEMLIMIT sits below the limit.
      let effective = false;
      try {
        effective =
          !!c?.memory && !!c.env.GOMEMLIMIT && parseGoMemLimit(c.env.GOMEMLIMIT) < c.memory;
      } catch {}
      return {
        ...classify(f, t, effective),
        down: alreadyDown(view),
        role: view.raft?.role ?? 'unknown',
        facts: {
          memoryUsage: f.memoryUsage,
          staleBackups: f.staleBackups,
          diskFree: f.diskFree,
          kernelOom: f.kernelOom,
          walVerdict: f.wal?.verdict ?? (f.walError ? 'unreadable' : undefined),
          reseedLeftovers: f.reseedLeftovers,
          lag: view.lag,
          memoryLimit: c?.memory || undefined,
          leftoverPrevious: f.leftoverPrevious,
          container: c
            ? `${c.state.status}${c.state.oomKilled ? ' OOMKilled' : ''} restarts=${c.restartCount}`
            : undefined,
        },
      };
    }),
  );
}
