// raftroll replace: a dead member's host is replaced with a new one.

import type { Command } from 'commander';
import type { Opts } from '../run/membership.js';
import { membershipOptions } from './join.js';

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
    .action(async (o: Opts) => (await import('../run/membership.js')).replaceAction(o));
}
