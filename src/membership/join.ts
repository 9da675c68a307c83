// join: a fresh node of the inventory becomes a member. It is added as a learner (no vote, so
// the majority is untouched), started with the joining flags, promoted once it has caught up,
// and then redeployed through the rollout's own node procedure with the flags every member runs
// with, so that a later roll sees it as any other node.
//
// replace: the same, on a new host, for a member that is dead; its old membership is removed
// first, for the reasons replacePath gives.

import type { PhaseJournal } from '../cluster/journal.js';
import { type NodeView, observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { Events } from '../events/events.js';
import { groupIds } from '../inventory/groups.js';
import { joinRefusal } from '../inventory/joining.js';
import type { NodeInput } from '../inventory/schema.js';
import { nodeSpec, type Overrides } from '../inventory/spec.js';
import { StepError } from '../node/errors.js';
import { caughtUp, isMemberOf, membershipGuard, quorumGuard } from '../node/guards.js';
import { redeployAsMember } from '../node/redeploy.js';
import type { NodeThresholds } from '../node/thresholds.js';
import { ClusterViews } from '../node/views.js';
import type { Member } from '../raft/engine.js';
import { peerAddress } from '../remediate/reseed.js';
import { leader, type Step, undo } from '../remediate/reseed-steps.js';
import { rulesFor } from '../wal/versions.js';
import { oldMemberLive } from './old-member.js';
import { JOIN_STEPS, type Join } from './steps.js';
import { joinPath, lowersTolerance, replacePath } from './tolerance.js';

export interface MembershipOptions {
  /** The image the node is to run (the inventory's by default). */
  image?: string;
  overrides?: Omit<Overrides, 'image'>;
  etcdVersion: string;
  thresholds: NodeThresholds;
  events: Events;
  /** Where the redeploy's phases are journaled (the lease). */
  journal?: PhaseJournal;
}

export interface MembershipOutcome {
  outcome: 'joined' | 'replaced' | 'refused' | 'failed';
  message: string;
}

/** Thrown before anything changed: the reason, as the refusal says it. */
class Refused extends Error {}

function emitStart(o: MembershipOptions, id: string, image: string): void {
  o.events.emit({ type: 'rollout-start', at: Date.now(), image, order: [id], dryRun: false });
}

function emitEnd(o: MembershipOptions, r: MembershipOutcome): MembershipOutcome {
  o.events.emit({
    type: 'rollout-end',
    at: Date.now(),
    result: r.outcome === 'joined' || r.outcome === 'replaced' ? 'success' : 'failure',
    message: r.message,
  });
  return r;
}

/** Checks on the new host: reachable, no container of ours yet, an empty data directory. */
async function checkNewHost(session: ClusterSession, node: NodeInput, v: NodeView): Promise<void> {
  const inv = session.inv;
  if (!v.reachable)
    throw new Refused(`${node.id}'s host ${node.host} cannot be reached (${v.error})`);
  if (v.container)
    throw new Refused(
      `a container ${inv.container.name} already exists on ${node.host} (${v.container.state.status}, ${v.container.image}); a node joins empty: remove it there first`,
    );
  const dir = inv.container.dataDir;
  const found = await session
    .host(node)
    .run(['find', dir, '-mindepth', '1', '-maxdepth', '1', '-print', '-quit'], {
      allowFailure: true,
    });
  if (found.code !== 0)
    throw new Refused(
      `the data directory ${dir} is missing or unreadable on ${node.host} (${found.stderr.trim()}); create it empty, owned by the user the container runs as`,
    );
  if (found.stdout.trim())
    throw new Refused(
      `the data directory ${dir} on ${node.host} is not empty (it holds ${found.stdout.trim()}); a node joins empty: move its contents aside`,
    );
}

/** Voters only (etcd: one group). */
const voters = (ms: Member[]) => ms.filter((m) => m.voter);

/** The steps, undone on failure; then the redeploy as a normal member. */
async function runJoin(
  session: ClusterSession,
  r: Join,
  o: MembershipOptions,
  outcome: 'joined' | 'replaced',
): Promise<MembershipOutcome> {
  const phase = (detail: string) =>
    o.events.emit({ type: 'phase', at: Date.now(), node: r.id, phase: 'join', detail });
  const done: Step<Join>[] = [];
  let at = '';
  try {
    for (const step of JOIN_STEPS) {
      if (step.when && !step.when(r)) continue;
      at = step.phase;
      phase(step.phase);
      await step.run(r);
      done.push(step);
    }
  } catch (e) {
    const promoted = r.p.promoted;
    await undo(done, r);
    const added = done.some((s) => s.phase === 'add as a learner');
    const learner = r.p.learner
      ? `the learner could not be removed again: remove it by hand${r.p.started ? `, and ${r.name} on ${r.node.host}` : ''}`
      : added
        ? `the learner was removed again${r.p.started ? `, but ${r.name} could not be stopped on ${r.node.host}` : ''}`
        : 'no learner was added';
    const where = promoted
      ? `${r.id} is a voter but has not caught up; watch it, or re-run once it has`
      : r.replacing?.p.removed
        ? `the old member was removed (that cannot be undone); ${learner}; the cluster runs on the other members: re-run replace to finish`
        : `${learner}; the cluster is as it was`;
    return {
      outcome: 'failed',
      message: `${r.id}: the ${outcome === 'joined' ? 'join' : 'replace'} stopped at "${at}": ${(e as Error).message}. Where it stands: ${where}.`,
    };
  }

  // The node runs with the joining flags; a roll must find it running what every member runs.
  const run = {
    session,
    t: r.t,
    rules: rulesFor(o.etcdVersion),
    events: o.events,
    views: new ClusterViews(session),
    journal: o.journal,
  };
  const spec = nodeSpec(session.inv, r.node, { ...o.overrides, image: r.image });
  try {
    const done = await redeployAsMember(run, r.id, spec, 'joined');
    o.events.emit({ type: 'node-result', at: Date.now(), node: r.id, row: done });
    return {
      outcome,
      message: `${r.id} is a voter at ${r.address}, running as every member does (lag ${done.finalLag})`,
    };
  } catch (e) {
    if (e instanceof StepError && e.row)
      o.events.emit({ type: 'node-result', at: Date.now(), node: r.id, row: e.row });
    return {
      outcome: 'failed',
      message: `${r.id} joined as a voter, but its redeploy with the normal flags failed: ${(e as Error).message}`,
    };
  }
}

function joinContext(
  session: ClusterSession,
  node: NodeInput,
  image: string,
  o: MembershipOptions,
  replacing?: Member,
): Join {
  return {
    session,
    id: node.id,
    node,
    host: session.host(node),
    address: peerAddress(session, node.host),
    image,
    t: o.thresholds,
    p: { started: false, promoted: false },
    name: session.inv.container.name,
    stopGraceSeconds: o.thresholds.stopGraceSeconds,
    replacing: replacing && { session, old: replacing, p: { removed: false } },
  };
}

/** What the engine itself rules out, said the same way by join and replace. */
const engineRefusal = (session: ClusterSession) =>
  joinRefusal(session.inv.engine, groupIds(session.inv));

/**
 * Joins inventory node `id` (a new host entry) as a voter. Refused, with the reason and nothing
 * touched, when it is a voter already, when any other node is not up and caught up, or when the
 * cluster has voters the inventory does not list.
 */
export async function joinNode(
  session: ClusterSession,
  id: string,
  o: MembershipOptions,
): Promise<MembershipOutcome> {
  const inv = session.inv;
  const node = inv.nodes.find((n) => n.id === id)!;
  const image = o.image ?? inv.container.image;
  emitStart(o, id, image);
  o.events.emit({ type: 'phase', at: Date.now(), node: id, phase: 'guard' });
  try {
    const engine = engineRefusal(session);
    if (engine) throw new Refused(engine);
    const views = await observe(session, inv.nodes);
    const members = await (await leader(session)).members();
    const mine = members.filter((m) => isMemberOf(m, node));
    const voter = mine.find((m) => m.voter);
    if (voter)
      throw new Refused(
        `${id} is already a voting member (member ${voter.name || voter.id} at ${voter.address}): there is nothing to join; roll it to redeploy it`,
      );
    const others = inv.nodes.filter((n) => n.id !== id);
    const unseen = membershipGuard(members, others);
    if (unseen) throw new Refused(unseen);
    const quorum = quorumGuard(id, views, o.thresholds);
    if (quorum) throw new Refused(quorum);
    const healthy = views.filter((v) => v.id !== id && !caughtUp(v, o.thresholds)).length;
    const lower = lowersTolerance(joinPath(voters(members).length, healthy));
    if (lower) throw new Refused(lower);
    // A learner left by a run that could not undo it: the join takes it up again.
    if (!mine.some((m) => !m.voter))
      await checkNewHost(session, node, views.find((v) => v.id === id)!);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    return emitEnd(o, {
      outcome: 'refused',
      message: `${id}: join refused: ${e.message}. Nothing was changed.`,
    });
  }
  return emitEnd(o, await runJoin(session, joinContext(session, node, image, o), o, 'joined'));
}

/**
 * Replaces dead member `old` (as the inventory had it) with the session's node of the same id,
 * which is on its new host. `session.inv` must already name the new host for that node.
 */
export async function replaceMember(
  session: ClusterSession,
  old: NodeInput,
  o: MembershipOptions,
): Promise<MembershipOutcome> {
  const inv = session.inv;
  const id = old.id;
  const node = inv.nodes.find((n) => n.id === id)!;
  const image = o.image ?? inv.container.image;
  emitStart(o, id, image);
  o.events.emit({ type: 'phase', at: Date.now(), node: id, phase: 'guard' });
  let member: Member | undefined;
  try {
    const engine = engineRefusal(session);
    if (engine) throw new Refused(engine);
    if (node.host === old.host)
      throw new Refused(
        `the new host is ${old.host}, which is ${id}'s host already: give another host`,
      );
    const views = await observe(session, inv.nodes);
    // The old host under a name of its own: the session's hosts are kept by node id.
    const [oldView] = await observe(session, [{ ...old, id: `${id}@${old.host}` }]);
    const peers = views.filter((v) => v.id !== id);
    const live = await oldMemberLive(session, old, oldView!, peers);
    if (live) throw new Refused(live);
    const members = await (await leader(session)).members();
    const matching = members.filter((m) => isMemberOf(m, old));
    const byAddress = matching.filter((m) => m.address === peerAddress(session, old.host));
    const theOld = byAddress.length === 1 ? byAddress : matching.filter((m) => m.voter);
    if (theOld.length > 1)
      throw new Refused(
        `more than one member matches ${id}: ${theOld.map((m) => `${m.name || m.id} (${m.address})`).join(', ')}`,
      );
    member = theOld[0];
    const already = members.find(
      (m) => isMemberOf(m, node) && m.address === peerAddress(session, node.host),
    );
    if (already?.voter)
      throw new Refused(
        `${node.host} is already a voting member (${already.name || already.id} at ${already.address})`,
      );
    const others = inv.nodes.filter((n) => n.id !== id);
    const unseen = membershipGuard(
      member ? members.filter((m) => m.id !== member!.id) : members,
      others,
    );
    if (unseen) throw new Refused(unseen);
    const quorum = quorumGuard(id, views, o.thresholds);
    if (quorum) throw new Refused(quorum);
    const healthy = peers.filter((v) => !caughtUp(v, o.thresholds)).length;
    const count = voters(members).length;
    const lower = lowersTolerance(
      member?.voter ? replacePath(count, healthy, id) : joinPath(count, healthy),
    );
    if (lower) throw new Refused(lower);
    if (!already) await checkNewHost(session, node, views.find((v) => v.id === id)!);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    return emitEnd(o, {
      outcome: 'refused',
      message: `${id}: replace refused: ${e.message}. Nothing was changed.`,
    });
  }
  if (member)
    o.events.emit({
      type: 'warning',
      at: Date.now(),
      node: id,
      message: `${id}'s old member (${member.id} at ${member.address}) is removed first; its container on ${old.host} must never be started again: remove it when that host is back`,
    });
  return emitEnd(
    o,
    await runJoin(session, joinContext(session, node, image, o, member), o, 'replaced'),
  );
}
