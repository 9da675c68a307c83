// The opt-in way out for a corrupt log: the member is removed, its data directory is moved aside
// (kept, never deleted), it is added back as a learner, started empty so it catches up from the
// leader, and promoted to a voter once in sync. Only on a node that is already down, only while
// every other member is up and caught up, and only if the log is still corrupt when we look again.

import { observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import { joiningSpec, nodeSpec } from '../inventory/spec.js';
import type { Member, RaftClient } from '../raft/engine.js';
import type { Host } from '../remote/host.js';
import { HostFiles } from '../remote/host-files.js';
import { waitCaughtUp } from '../rollout/catch-up.js';
import type { Events } from '../rollout/events.js';
import { alreadyDown, quorumGuard } from '../rollout/guards.js';
import { PREVIOUS_SUFFIX, type RolloutOptions } from '../rollout/rollout.js';
import * as containers from '../runtime/containers.js';
import * as docker from '../runtime/docker.js';
import { verifyPath } from '../wal/engine.js';
import { rulesFor } from '../wal/versions.js';

export const ASIDE_SUFFIX = '.raftroll-reseed-';

interface Outcome {
  outcome: 'healed' | 'failed' | 'refused';
  message: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where the member's peers reach it when the cluster no longer lists it. */
function peerAddress(session: ClusterSession, host: string): string {
  const p = session.inv.ports;
  return session.inv.engine === 'etcd' ? `http://${host}:${p.peer}` : `${host}:${p.admin}`;
}

async function leaderClient(session: ClusterSession): Promise<{ id: string; client: RaftClient }> {
  const views = await observe(session, session.inv.nodes);
  const leader = views.find((v) => v.raft?.role === 'leader');
  if (!leader) throw new Error('the cluster has no leader');
  const node = session.inv.nodes.find((n) => n.id === leader.id)!;
  return { id: leader.id, client: await session.raft(node) };
}

/** Runs a membership change on the leader, retrying while leadership moves. */
async function onLeader<T>(
  session: ClusterSession,
  what: string,
  f: (c: RaftClient) => Promise<T>,
  timeoutMs: number,
  pollMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      return await f((await leaderClient(session)).client);
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not succeed in time: ${last}`);
    await sleep(Math.max(pollMs, 500));
  }
}

async function moveAside(host: Host, dir: string): Promise<string> {
  const stat = await host.run(['stat', '-c', '%u:%g:%a', '--', dir]);
  const [uid, gid, mode] = stat.stdout.trim().split(':');
  const aside = `${dir}${ASIDE_SUFFIX}${new Date().toISOString().replace(/[:.]/g, '-')}`;
  // -T: never move into an existing directory of that name; -n: never replace anything.
  await host.run(['mv', '-n', '-T', '--', dir, aside]);
  await host.run(['install', '-d', '-o', uid!, '-g', gid!, '-m', mode!, '--', dir]);
  return aside;
}

async function moveBack(host: Host, dir: string, aside: string): Promise<void> {
  await host.run(['rmdir', '--', dir]);
  await host.run(['mv', '-n', '-T', '--', aside, dir]);
}

export async function reseed(
  session: ClusterSession,
  id: string,
  o: { etcdVersion: string; thresholds: RolloutOptions['thresholds']; events: Events },
): Promise<Outcome> {
  const t = o.thresholds;
  const node = session.inv.nodes.find((n) => n.id === id)!;
  const host = session.host(node);
  const name = session.inv.container.name;
  const dataDir = session.inv.container.dataDir;
  const phase = (detail: string) =>
    o.events.emit({ type: 'phase', at: Date.now(), node: id, phase: 'reseed', detail });
  const refused = (why: string): Outcome => ({
    outcome: 'refused',
    message: `${id}: re-seed refused: ${why}. Nothing was touched on ${id}.`,
  });

  phase('guard');
  const views = await observe(session, session.inv.nodes);
  const v = views.find((x) => x.id === id)!;
  if (!v.reachable) return refused(`${id} cannot be reached (${v.error})`);
  if (!alreadyDown(v)) return refused(`${id} is running; only a node that is down is re-seeded`);
  // Removing the member shrinks the cluster: every other member must be up and caught up.
  const guard = quorumGuard(id, views, t);
  if (guard) return refused(guard);
  if (v.container?.state.restarting) await containers.stop(host, name, t.stopGraceSeconds);
  const report = await verifyPath(new HostFiles(host), dataDir, rulesFor(o.etcdVersion));
  if (report.verdict === 'clean' || report.verdict === 'torn')
    return refused(`the WAL is ${report.verdict} now, not corrupt; run remediate again`);

  phase(`move ${dataDir} aside`);
  const aside = await moveAside(host, dataDir);
  const keep = `the old data directory is kept at ${aside}`;

  phase('remove the member');
  const before = await (await leaderClient(session)).client.members();
  const old = before.find((m) => m.name === id || m.address === peerAddress(session, node.host));
  const address = old?.address || peerAddress(session, node.host);
  if (old) {
    try {
      await onLeader(session, 'member remove', (c) => c.removeMember(old), 15_000, t.pollMs);
    } catch (e) {
      await moveBack(host, dataDir, aside);
      return {
        outcome: 'failed',
        message: `${id}: could not remove the member (${(e as Error).message}); its data directory is back in place and nothing else changed`,
      };
    }
  }

  phase('add it back as a learner');
  let learner: Member;
  try {
    learner = await onLeader(
      session,
      'member add',
      (c) => c.addLearner(id, address),
      30_000,
      t.pollMs,
    );
  } catch (e) {
    return {
      outcome: 'failed',
      message: `${id}: removed from the cluster, but adding it back failed (${(e as Error).message}). The cluster runs without ${id}; ${keep}. Add a learner at ${address} named ${id} and run remediate again.`,
    };
  }

  phase('start empty');
  const image = v.container?.image ?? session.inv.container.image;
  const spec = joiningSpec(session.inv.engine, nodeSpec(session.inv, node, { image }));
  const prev = `${name}${PREVIOUS_SUFFIX}`;
  const stale = await containers.inspect(host, prev);
  if (stale) await host.run(docker.removeContainer(prev));
  if (v.container) await host.run(docker.renameContainer(name, prev));
  const started = Date.now();
  let promoted = false;
  try {
    await containers.run(host, spec);
    phase('catch up as a learner');
    await waitCaughtUp(session, id, t, { startedAt: started });
    phase('promote to voter');
    await onLeader(
      session,
      'learner promotion',
      async (c) => c.promoteLearner(learner, (await c.status()).commitIndex),
      t.catchUpTimeoutMs,
      t.pollMs,
    );
    promoted = true;
    const lag = await waitCaughtUp(session, id, t, {
      startedAt: Date.now(),
      also: (x) => (x.raft?.role === 'learner' ? 'still a learner' : undefined),
    });
    await host.run(docker.removeContainer(prev), { allowFailure: true });
    return {
      outcome: 'healed',
      message: `re-seeded: member removed and added back empty, caught up (lag ${lag}) and a voter again; ${keep}`,
    };
  } catch (e) {
    return {
      outcome: 'failed',
      message: `${id}: re-seed did not finish: ${(e as Error).message}. ${promoted ? `${id} is a voter again but not caught up` : `${id} is a learner (no vote), so the majority is unaffected`}; ${keep}, and the old container is ${prev}.`,
    };
  }
}
