// raftroll replace: a dead member's host is replaced with a new one.

import type { Command } from 'commander';
import { loadInventory } from '../../inventory/load.js';
import { movedInventory } from '../../membership/run.js';
import { membershipOptions, type Opts, runMembership } from './join.js';

export function replaceCommand(program: Command): void {
  membershipOptions(
    program
      .command('replace')
      .description(
        "replace a dead node's host: the new host joins as a learner and catches up, the old member is removed, the learner is promoted; a live old node, or any step that would lower the cluster's fault tolerance, is refused with the reason",
      ),
  )
    .requiredOption('--host <address>', 'the new host (the address its peers reach it at)')
    .option(
      '--ssh <target>',
      "the new host's ssh target (default: the node's, with --host for its address)",
    )
    .action(async (o: Opts) => {
      const inv = await loadInventory(String(o.inventory));
      const moved = movedInventory(
        inv,
        String(o.node),
        String(o.host),
        o.ssh === undefined ? undefined : String(o.ssh),
      );
      await runMembership(moved.inv, { kind: 'replace', old: moved.old }, o);
      process.stdout.write(`update ${inv.source}: node ${moved.old.id} is now on ${o.host}\n`);
    });
}
