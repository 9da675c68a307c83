// raftroll status: one line per node, read only. Its options and help; the work is in
// ../run/status.ts, loaded when it runs.

import type { Command } from 'commander';
import { inventoryOption, nodesOption } from '../options.js';

export { withGroups } from '../status-json.js';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'one line per node: reachable, container, image, memory settings, Raft role, indexes and lag',
    )
    .addOption(inventoryOption().makeOptionMandatory())
    .addOption(nodesOption())
    .option('--json', 'print the observation as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every node answered, 1 some node is unreachable or has no Raft status, 2 bad input.',
    )
    .action(async (o: { inventory: string; nodes?: string; json?: boolean }) =>
      (await import('../run/status.js')).statusAction(o),
    );
}
