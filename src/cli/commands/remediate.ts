// raftroll diagnose|remediate: what is wrong with each node, and (mode auto) the smallest safe fix.
// Their options and help; the work is in ../run/remediate.ts, loaded when one of them runs.

import type { Command } from 'commander';
import { clusterEtcdOption, flag, inventoryOption, nodesOption, value } from '../options.js';
import type { Opts } from '../run/remediate.js';

const run = () => import('../run/remediate.js');

function remediation(program: Command, name: string, description: string, exits: string): Command {
  return program
    .command(name)
    .description(description)
    .addOption(inventoryOption().makeOptionMandatory())
    .addOption(nodesOption())
    .addOption(flag('maxLag'))
    .addOption(flag('memoryPressure'))
    .addOption(flag('crashLoopRestarts'))
    .addOption(clusterEtcdOption())
    .option('--json', 'print findings (and actions) as JSON')
    .option(
      '--json-report <file>',
      'write the whole result (findings, actions, interrupted runs) as JSON to this file',
    )
    .option('--timeline <file.md>', "write each healed node's phases as a Mermaid gantt chart")
    .addHelpText('after', `\nExit codes: ${exits}`);
}

export function remediateCommands(program: Command): void {
  remediation(
    program,
    'remediate',
    "diagnose, then (with --mode auto) apply the smallest safe fix to each node, one at a time, behind the rollout's quorum guard",
    '0 healthy or healed, 1 something is still wrong (or a fix failed or was refused), 2 bad input, 130 interrupted.',
  )
    .addOption(flag('mode'))
    .addOption(flag('stopGrace'))
    .addOption(flag('startTimeout'))
    .addOption(flag('catchUpTimeout'))
    .addOption(flag('stabilize'))
    .option(
      '--allow-reseed',
      'a corrupt-WAL member may be removed, its data moved aside, and added back empty (only while the others keep quorum)',
    )
    .option(
      '--take-over-stale',
      'take over the lease of a run that is gone (stale heartbeat) and finish the node its journal shows in flight, as the journal says: start the new container or put the old one back',
    )
    .action(async (o: Opts) => (await run()).remediateAction(o, value('mode', o.mode)!, false));

  remediation(
    program,
    'diagnose',
    'read-only: what is wrong with each node (OOM kills, crash loops, torn or corrupt WAL, memory pressure, lag) and the smallest safe fix',
    '0 every node healthy, 1 some node needs attention (or an interrupted run left one in flight), 2 bad input.',
  ).action(async (o: Opts) => (await run()).remediateAction(o, 'diagnose', true));
}
