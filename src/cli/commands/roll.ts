// raftroll plan|roll: the rolling update (plan is its dry run). Their options and help; the
// work is in ../run/roll.ts, loaded when one of them runs.

import type { Command } from 'commander';
import { clusterEtcdOption, flag, inventoryOption, nodesOption } from '../options.js';
import type { Opts } from '../run/roll.js';

export function rollCommands(program: Command): void {
  for (const name of ['plan', 'roll'] as const) {
    program
      .command(name)
      .description(
        name === 'plan'
          ? 'dry run: check SSH, sudo, docker, disk, image and cluster health, and show what a roll would run; touches nothing'
          : 'roll the cluster to a new image, one node at a time, quorum-safe, with rollback',
      )
      .addOption(inventoryOption())
      .option(
        '--from-script-env',
        "read the cluster from rolling-update.sh's variables (NODES, SSH_TARGETS, ROLLING_ORDER, IMAGE, ...) instead of an inventory",
      )
      .option('--image-tag <tag>', "the new tag for the inventory's image")
      .option('--image <ref>', 'the full new image reference (instead of --image-tag)')
      .addOption(nodesOption('only these nodes, in this order (comma-separated ids)'))
      .addOption(flag('memory'))
      .addOption(flag('defaultEnv'))
      .option(
        '--extra-env <lines>',
        'extra env as KEY=VALUE lines; a key here replaces the default of the same name. Other local users can read argv (ps): give secrets with --extra-env-file',
      )
      .option(
        '--extra-env-file <file>',
        'extra env as KEY=VALUE lines read from a file (for secrets: the values never reach any argv)',
      )
      .addOption(flag('maxLag'))
      .addOption(flag('stopGrace'))
      .addOption(flag('startTimeout'))
      .addOption(flag('catchUpTimeout'))
      .addOption(flag('stabilize'))
      .option('--no-leader-last', 'keep the given order instead of moving the leader last')
      .addOption(clusterEtcdOption())
      .option('--json-report <file>', 'write the report as JSON to this file')
      .option(
        '--take-over-stale',
        'resume a run that was killed: take over its lease once its heartbeat is stale (never a live one), finish the node its journal shows in flight, then roll on',
      )
      .option('--timeline <file.md>', "write each node's phases as a Mermaid gantt chart")
      .addHelpText(
        'after',
        '\nExit codes: 0 success, 1 failed or refused (the report says where and why; a held lock names its holder), 2 bad input, 130 interrupted.',
      )
      .action(async (o: Opts) => (await import('../run/roll.js')).rollAction(name, o));
  }
}
