// The re-seed's changes, as a table of steps, each with its undo where one exists, so the order
// and the point of no return (the member's removal) can be read in one place.

import { observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { Events, NodeRow } from '../events/events.js';
import { joiningSpec } from '../inventory/joining.js';
import type { NodeInput } from '../inventory/schema.js';
import { nodeSpec } from '../inventory/spec.js';
import { waitCaughtUp } from '../node/catch-up.js';
import type { RunContext } from '../node/context.js';
import { redeployAsMember } from '../node/redeploy.js';
import { ASIDE_SUFFIX } from '../node/spec.js';
import type { NodeThresholds } from '../node/thresholds.js';
import type { Member, RaftClient } from '../raft/engine.js';
import type { Host } from '../remote/host.js';
import * as containers from '../runtime/containers.js';
import * as docker from '../runtime/docker.js';
import { LABEL, type RunSpec } from '../runtime/docker.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function leader(session: ClusterSession): Promise<RaftClient> {
  const views = await observe(session, session.inv.nodes);
  const l = views.find((v) => v.raft?.role === 'leader');
  if (!l) throw new Error('the cluster has no leader right now (an election, or lost quorum)');
  return session.raft(session.inv.nodes.find((n) => n.id === l.id)!);
}

/**
 * A membership change on the current leader. `done` reads the membership first: a change that
 * took effect although its answer was lost is not asked for again.
 */
export async function change<T>(
  session: ClusterSession,
  what: string,
  done: (members: Member[]) => T | undefined,
  act: (c: RaftClient) => Promise<unknown>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const c = await leader(session);
      const already = done(await c.members());
      if (already !== undefined) return already;
      await act(c);
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not succeed in time: ${last}`);
    await sleep(500);
  }
}

/** What a member that joins empty as a learner has reached (the re-seed's and the join's). */
export interface JoinProgress {
  learner?: Member;
  started: boolean;
  promoted: boolean;
}

export interface Progress extends JoinProgress {
  hasContainer: boolean;
  stoppedByUs: boolean;
  renamed: boolean;
  removed: boolean;
  aside?: string;
}

/** What the learner steps need: the node, where its peers reach it, and what it is to run. */
export interface Joining {
  session: ClusterSession;
  id: string;
  node: NodeInput;
  host: Host;
  /** Where the member's peers reach it. */
  address: string;
  image: string;
  t: NodeThresholds;
  p: JoinProgress;
  /** The container it was started empty with: its own, with the joining flags. */
  joinSpec?: RunSpec;
  /** A commit index the learner is known to have reached (the promotion's floor). */
  floor?: number;
  /** The lag the node was caught up to at the end. */
  lag?: number;
  /** The redeploy's row, when the member was redeployed with its own flags. */
  redeployed?: NodeRow;
}

export interface Reseed extends Joining {
  /** The heal's run: the redeploy goes through the node procedure with it. */
  run: RunContext;
  name: string;
  prev: string;
  dataDir: string;
  /** The member as the cluster lists it now (none when it was already removed). */
  old?: Member;
  events: Events;
  p: Progress;
}

/**
 * One step of the re-seed. `undo` puts it back; a step without one is a point of no return: a
 * failure after it leaves things where they stand (and says so) rather than half undo them.
 */
export interface Step<R = Reseed> {
  phase: string;
  when?: (r: R) => boolean;
  run: (r: R) => Promise<void>;
  undo?: (r: R) => Promise<void>;
}

/** Undoes the finished steps, newest first, up to the first that cannot be undone. */
export async function undo<R>(done: Step<R>[], r: R): Promise<void> {
  for (const step of [...done].reverse()) {
    if (!step.undo) return;
    await step.undo(r).catch(() => {});
  }
}

/** What removing a member needs: the member as the cluster lists it, if it still does. */
export interface Removing {
  session: ClusterSession;
  old?: Member;
  p: { removed: boolean };
}

/** Removes the old member (a point of no return: it has no undo). */
export const REMOVE_MEMBER: Step<Removing> = {
  phase: 'remove the member',
  run: async (r) => {
    const old = r.old;
    if (old) {
      try {
        await change(
          r.session,
          'removing the member',
          (ms) => (ms.some((m) => m.id === old.id) ? undefined : true),
          (c) => c.removeMember(old),
          15_000,
        );
      } catch (e) {
        const members = await (await leader(r.session)).members().catch(() => undefined);
        if (!members || members.some((m) => m.id === old.id))
          throw new Error(`could not remove the member: ${(e as Error).message}`);
      }
    }
    r.p.removed = true;
  },
};

export const ADD_LEARNER: Step<Joining> = {
  phase: 'add it back as a learner',
  run: async (r) => {
    r.p.learner = await change(
      r.session,
      'adding the learner',
      (ms) => ms.find((m) => m.address === r.address && !m.voter),
      (c) => c.addLearner(r.id, r.address),
      30_000,
    );
  },
};

/** The container the member runs once it is a voter again. */
const ownSpec = (r: Joining) => nodeSpec(r.session.inv, r.node, { image: r.image });

export const START_EMPTY: Step<Joining> = {
  phase: 'start empty',
  run: async (r) => {
    const inv = r.session.inv;
    // The member list as it is now, the learner on it: what the joining flags are built from.
    const members = await (await leader(r.session)).members();
    r.joinSpec = joiningSpec(inv, ownSpec(r), members, r.id, r.address);
    await containers.run(r.host, r.joinSpec);
    r.p.started = true;
  },
};

export const CATCH_UP_AS_LEARNER: Step<Joining> = {
  phase: 'catch up as a learner',
  run: async (r) => {
    await waitCaughtUp(r.session, r.id, r.t, {
      startedAt: Date.now(),
      onViews: (vs) => {
        r.floor = vs.find((x) => x.raft?.role === 'leader')?.raft?.commitIndex ?? r.floor;
      },
    });
  },
};

export const PROMOTE: Step<Joining> = {
  phase: 'promote to voter',
  run: async (r) => {
    const learner = r.p.learner!;
    await change(
      r.session,
      'promoting the learner',
      (ms) => (ms.some((m) => m.id === learner.id && m.voter) ? true : undefined),
      // The floor is a commit index the learner has already reached.
      (c) => c.promoteLearner(learner, r.floor ?? 0),
      r.t.catchUpTimeoutMs,
    );
    r.p.promoted = true;
  },
};

export const CATCH_UP_AS_VOTER: Step<Joining> = {
  phase: 'catch up as a voter',
  run: async (r) => {
    r.lag = await waitCaughtUp(r.session, r.id, r.t, {
      startedAt: Date.now(),
      also: (x) => (x.raft?.role === 'learner' ? 'still a learner' : undefined),
    });
  },
};

export const STEPS: Step[] = [
  {
    // Nothing may start the old container on a moved directory, by hand or by a restart policy.
    phase: 'set the old container aside',
    when: (r) => r.p.hasContainer,
    run: async (r) => {
      await r.host.run(docker.renameContainer(r.name, r.prev));
      r.p.renamed = true;
    },
    undo: async (r) => {
      const back = await r.host.run(docker.renameContainer(r.prev, r.name), {
        allowFailure: true,
      });
      if (back.code === 0) r.p.renamed = false;
    },
  },
  REMOVE_MEMBER,
  {
    phase: 'move the data directory aside',
    run: async (r) => {
      const { host, dataDir } = r;
      const stat = (await host.run(['stat', '-c', '%u:%g:%a', '--', dataDir])).stdout.trim();
      const [uid, gid, mode] = stat.split(':');
      const aside = `${dataDir}${ASIDE_SUFFIX}${new Date().toISOString().replace(/[:.]/g, '-')}`;
      // -T: never into an existing directory of that name; -n: never over anything.
      await host.run(['mv', '-n', '-T', '--', dataDir, aside]);
      r.p.aside = aside;
      r.events.emit({
        type: 'warning',
        at: Date.now(),
        node: r.id,
        message: `the corrupt data directory was moved to ${aside} and is kept; remove it once you no longer need it`,
      });
      await host.run(['install', '-d', '-o', uid!, '-g', gid!, '-m', mode!, '--', dataDir]);
    },
  },
  ADD_LEARNER,
  START_EMPTY,
  CATCH_UP_AS_LEARNER,
  PROMOTE,
  CATCH_UP_AS_VOTER,
  {
    // The joining flags are for joining only (elastickv raises an alarm when a voter still
    // carries --raftJoinAsLearner): the member goes on as every member runs.
    phase: 'redeploy with its own flags',
    when: (r) =>
      !!r.joinSpec && ownSpec(r).labels[LABEL.fingerprint] !== r.joinSpec.labels[LABEL.fingerprint],
    run: async (r) => {
      // Unjournaled, as every step of the re-seed is.
      const run = { ...r.run, journal: undefined };
      r.redeployed = await redeployAsMember(run, r.id, ownSpec(r), 'reseeded');
    },
  },
];
