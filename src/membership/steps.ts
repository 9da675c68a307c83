// The join's changes as a table of steps, each with its undo: the learner steps are the
// re-seed's own, with the undo a join can afford (a learner has no vote, so removing it again
// and stopping its container put the cluster back as it was). The promotion is the point of no
// return: from there the node is a voter, and a failure leaves it so and says where it stands.

import {
  ADD_LEARNER,
  CATCH_UP_AS_LEARNER,
  CATCH_UP_AS_VOTER,
  change,
  type Joining,
  PROMOTE,
  REMOVE_MEMBER,
  type Removing,
  START_EMPTY,
  type Step,
} from '../remediate/reseed-steps.js';
import * as containers from '../runtime/containers.js';
import * as docker from '../runtime/docker.js';

export interface Join extends Joining {
  /** The container's name on the new host. */
  name: string;
  stopGraceSeconds: number;
  /** replace: the member being replaced, and whether it is gone. */
  replacing?: Removing;
}

const ADD: Step<Join> = {
  ...ADD_LEARNER,
  phase: 'add as a learner',
  undo: async (r) => {
    const learner = r.p.learner;
    if (!learner) return;
    await change(
      r.session,
      'removing the learner again',
      (ms) => (ms.some((m) => m.id === learner.id) ? undefined : true),
      (c) => c.removeMember(learner),
      15_000,
    );
    r.p.learner = undefined;
  },
};

const START: Step<Join> = {
  ...START_EMPTY,
  phase: 'start with the joining flags',
  undo: async (r) => {
    if (!r.p.started) return;
    await containers.stop(r.host, r.name, r.stopGraceSeconds).catch(() => {});
    await r.host.run(docker.removeContainer(r.name), { allowFailure: true });
    r.p.started = false;
  },
};

/** Nothing to put back, but the steps before it still have their undo. */
const LEARNER_CAUGHT_UP: Step<Join> = { ...CATCH_UP_AS_LEARNER, undo: async () => {} };

const REMOVE_OLD: Step<Join> = {
  phase: 'remove the old member',
  when: (r) => r.replacing !== undefined,
  run: (r) => REMOVE_MEMBER.run(r.replacing!),
};

export const JOIN_STEPS: Step<Join>[] = [
  // replace only; see replacePath for why the removal comes first.
  REMOVE_OLD,
  ADD,
  START,
  LEARNER_CAUGHT_UP,
  PROMOTE,
  CATCH_UP_AS_VOTER,
];
