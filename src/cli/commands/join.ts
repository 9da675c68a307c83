// raftroll join: a fresh node of the inventory becomes a voting member. The options are
// shared with replace, which imports them from here; the work is in ../run/membership.ts,
// loaded when either runs.

import type { Command } from 'commander';
import { clusterEtcdOption, flag, inventoryOption } from '../options.js';
import type { Opts } from '../run/membership.js';

/** The options both commands take. */
export function membershipOptions(c: Command): Command {
  return c
    .addOption(inventoryOption().makeOptionMandatory())
    .requiredOption('--node <id>', 'the node (its id in the inventory)')
    .option('--image-tag <tag>', "the tag of the inventory's image to run (default: its own)")
    .option('--image <ref>', 'the full image reference to run (instead of --image-tag)')
    .addOption(flag('maxLag'))
    .addOption(flag('stopGrace'))
    .addOption(flag('startTimeout'))
    .addOption(flag('catchUpTimeout'))
    .addOption(flag('stabilize'))
    .addOption(clusterEtcdOption())
    .option('--json-report <file>', 'write the report as JSON to this file')
    .option('--timeline <file.md>', "write the node's phases as a Mermaid gantt chart")
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 refused or failed (the message says why and where things stand), 2 bad input.',
    );
}

export function joinCommand(program: Command): void {
  membershipOptions(
    program
      .command('join')
      .description(
        'join a fresh node (a new host entry of the inventory): add it as a learner, start it with the joining flags, promote it once caught up, then redeploy it as a normal member; refused while any member is unhealthy or if it is a voter already',
      ),
  ).action(async (o: Opts) => (await import('../run/membership.js')).joinAction(o));
}
