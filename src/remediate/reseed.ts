// The opt-in way out for a corrupt log: the member is removed, its data directory is moved aside
// (kept, never deleted), it is added back as a learner, started empty so it catches up from the
// leader, and promoted to a voter once in sync. Only on a node that is already down, only while
// every other member is up and caught up, and only if the log is still corrupt when we look again.
//
// The order keeps every interruption safe: the old container is renamed first (nothing can start
// it on a moved directory), the member is removed before its data moves (an empty directory is
// never a voter), and the learner has no vote until it has caught up. Every step checks the
// cluster's membership first, so a retry after a lost answer does not fail on its own success.

import { observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import { groupIds } from '../inventory/groups.js';
import { joinRefusal } from '../inventory/joining.js';
import type { RunContext } from '../node/context.js';
import { alreadyDown, isMemberOf, membershipGuard, quorumGuard } from '../node/guards.js';
import { PREVIOUS_SUFFIX } from '../node/spec.js';
import type { Host } from '../remote/host.js';
import { HostFiles } from '../remote/host-files.js';
import * as containers from '../runtime/containers.js';
import { freeBytes } from '../runtime/disk.js';
import * as docker from '../runtime/docker.js';
import { verifyPath } from '../wal/engine.js';
import { leader, type Progress, type Reseed, STEPS, type Step, undo } from './reseed-steps.js';

export interface ReseedOutcome {
  outcome: 'healed' | 'failed' | 'refused';
  message: string;
}

/** Where the member's peers reach it when the cluster no longer lists it. */
export function peerAddress(session: ClusterSession, host: string): string {
  const p = session.inv.ports;
  if (session.inv.engine === 'etcd') return `http://${host}:${p.peer}`;
  // elastickv: the only group's listener (--raftGroups with one entry), else --address.
  const [only] = session.groups(session.inv.nodes[0]!);
  return `${host}:${only?.port ?? p.admin}`;
}

/** Where things stand after a failure, and what the operator does next. */
function stateOf(id: string, p: Progress, prev: string, address: string, dataDir: string): string {
  const parts: string[] = [];
  if (p.promoted) parts.push(`${id} is a voter again but has not caught up; watch it or re-run`);
  else if (p.learner)
    parts.push(
      `${id} is a learner (no vote, so the majority is unaffected)${p.started ? ' and running' : ' not yet started'}; start it empty with the joining flags and promote it once caught up, or remove the learner`,
    );
  else if (p.removed)
    parts.push(
      `${id} is no longer a member; the cluster runs without it. Add it back as a learner named ${id} at ${address}, then start it empty`,
    );
  else parts.push(`${id} is still a member, down`);
  if (p.aside)
    parts.push(`its old data directory is kept at ${p.aside} (${dataDir} is new and empty)`);
  else parts.push(`its data directory ${dataDir} is unchanged`);
  if (p.renamed) parts.push(`its old container is ${prev}`);
  return parts.join('; ');
}

async function checkRoom(host: Host, dir: string): Promise<string | undefined> {
  const mount = (await host.run(['stat', '-c', '%m', '--', dir])).stdout.trim();
  if (mount === dir.replace(/\/+$/, ''))
    return `${dir} is a mount point, so it cannot be moved aside; move its contents aside yourself and re-run`;
  const used = Number((await host.run(['du', '-sxb', '--', dir])).stdout.split(/\s+/)[0]);
  const disk = await freeBytes(host, dir);
  if ('error' in disk) return `cannot read the free space for ${dir}: ${disk.error}`;
  if (Number.isFinite(used) && disk.free < used)
    return `the old data (${Math.round(used / 2 ** 20)} MiB) is kept, and the new copy needs about as much again, but only ${Math.round(disk.free / 2 ** 20)} MiB is free`;
  return undefined;
}

export async function reseed(
  run: RunContext,
  id: string,
  /** The image the node ran (heal resolves a moved tag). */
  image: string,
): Promise<ReseedOutcome> {
  const { session, t, events } = run;
  const node = session.inv.nodes.find((n) => n.id === id)!;
  const host = session.host(node);
  const name = session.inv.container.name;
  const prev = `${name}${PREVIOUS_SUFFIX}`;
  const dataDir = session.inv.container.dataDir;
  const phase = (detail: string) =>
    events.emit({ type: 'phase', at: Date.now(), node: id, phase: 'reseed', detail });
  const p: Progress = {
    hasContainer: false,
    stoppedByUs: false,
    renamed: false,
    removed: false,
    started: false,
    promoted: false,
  };

  phase('guard');
  const views = await observe(session, session.inv.nodes);
  const v = views.find((x) => x.id === id)!;
  const refused = async (why: string): Promise<ReseedOutcome> => {
    // A crash-looping container we stopped to read its log goes back to what it was doing.
    if (p.stoppedByUs) await host.run(docker.startContainer(name), { allowFailure: true });
    return {
      outcome: 'refused',
      message: `${id}: re-seed refused: ${why}. ${p.stoppedByUs ? `${name} was stopped to read its log and has been started again.` : `Nothing was touched on ${id}.`}`,
    };
  };
  // A wiped elastickv node can rejoin only a single-group cluster (see joinRefusal).
  const engine = joinRefusal(session.inv.engine, groupIds(session.inv));
  if (engine) return refused(engine);
  if (!v.reachable) return refused(`${id} cannot be reached (${v.error})`);
  if (!alreadyDown(v)) return refused(`${id} is up; only a node that is down is re-seeded`);
  // Removing the member shrinks the cluster: every other member must be up and caught up.
  const guard = quorumGuard(id, views, t);
  if (guard) return refused(guard);
  const stale = await containers.inspect(host, prev);
  if (stale)
    return refused(
      `${prev} exists (left by an earlier run, possibly a re-seed that did not finish); look at it, remove it, and re-run`,
    );
  if (v.container?.state.restarting || v.container?.state.running) {
    await containers.stop(host, name, t.stopGraceSeconds);
    p.stoppedByUs = true;
  }
  const report = await verifyPath(new HostFiles(host), dataDir, run.rules);
  if (report.verdict === 'clean' || report.verdict === 'torn')
    return refused(`the WAL is ${report.verdict} now, not corrupt; run remediate again`);
  const room = await checkRoom(host, dataDir);
  if (room) return refused(room);

  const before = await (await leader(session)).members();
  const unseen = membershipGuard(before, session.inv.nodes);
  if (unseen) return refused(unseen);
  // The same rule that matched members to inventory nodes for the guard.
  const mine = before.filter((m) => isMemberOf(m, node));
  if (mine.length > 1)
    return refused(
      `more than one member matches ${id}: ${mine.map((m) => `${m.name || m.id} (${m.address})`).join(', ')}`,
    );
  const address = mine[0]?.address || peerAddress(session, node.host);
  p.hasContainer = !!v.container;

  const r: Reseed = {
    session,
    id,
    node,
    host,
    name,
    prev,
    dataDir,
    address,
    old: mine[0],
    image,
    run,
    t,
    events,
    p,
  };
  const done: Step[] = [];
  try {
    for (const step of STEPS) {
      if (step.when && !step.when(r)) continue;
      phase(step.phase);
      await step.run(r);
      done.push(step);
    }
    if (p.renamed) await host.run(docker.removeContainer(prev), { allowFailure: true });
    return {
      outcome: 'healed',
      message: `re-seeded: removed, added back empty, caught up (lag ${r.lag}) and a voter again${r.redeployed ? `, then redeployed with its own flags (lag ${r.redeployed.finalLag})` : ''}; the old data directory is kept at ${p.aside}`,
    };
  } catch (e) {
    await undo(done, r);
    return {
      outcome: 'failed',
      message: `${id}: the re-seed stopped: ${(e as Error).message}. Where it stands: ${stateOf(id, p, prev, address, dataDir)}.`,
    };
  }
}
