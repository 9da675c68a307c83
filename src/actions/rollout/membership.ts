// The rollout action's join and replace modes: the same run as `raftroll join` and `raftroll
// replace`, its events rendered as the roll's are.

import * as core from '@actions/core';
import type { ClusterSession } from '../../cluster/session.js';
import type { Events } from '../../events/events.js';
import { buildReport } from '../../events/report.js';
import { type Inventory, walRulesVersion } from '../../inventory/load.js';
import {
  changeMembership,
  joiningNode,
  type MembershipChange,
  movedInventory,
} from '../../membership/run.js';
import { withTag } from '../../node/spec.js';
import type { RolloutSettings } from './inputs.js';
import { publishReport, thresholdsOf } from './run-parts.js';

/** The inventory the run works on (replace: the node on its new host) and the change. */
export function membershipPlan(
  inv: Inventory,
  s: RolloutSettings,
): { inv: Inventory; change: MembershipChange } {
  if (s.dryRun)
    throw new Error(
      `mode ${s.mode} changes the cluster's membership and has no dry run: set dry-run to false to ${s.mode} ${s.node}`,
    );
  if (s.mode === 'join') return { inv, change: { kind: 'join', id: joiningNode(inv, s.node!).id } };
  const moved = movedInventory(inv, s.node!, s.host!, s.ssh);
  return { inv: moved.inv, change: { kind: 'replace', old: moved.old } };
}

export async function runMembershipMode(
  inv: Inventory,
  change: MembershipChange,
  s: RolloutSettings,
  session: ClusterSession,
  events: Events,
): Promise<void> {
  const image =
    s.image ?? (s.imageTag ? withTag(inv.container.image, s.imageTag) : inv.container.image);
  const r = await changeMembership(session, change, {
    image,
    overrides: { memory: s.memory, defaultEnv: s.defaultEnv, extraEnv: s.extraEnv },
    etcdVersion: walRulesVersion(inv, s.etcdVersion),
    thresholds: thresholdsOf(inv, s),
    events,
  });
  await publishReport(s, { ...buildReport(events.log), outcome: r.outcome });
  if (r.outcome === 'refused' || r.outcome === 'failed') {
    core.error(r.message, { title: `raftroll: ${s.mode} ${s.node} ${r.outcome}` });
    process.exitCode = 1;
  } else {
    core.info(r.message);
    if (change.kind === 'replace')
      core.notice(`update the inventory: node ${change.old.id} is now on ${s.host}`);
  }
}
