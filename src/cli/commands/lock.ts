// raftroll lock status|release: the cluster lock on every host, what its journal shows in
// flight, and giving back a lock whose holder is gone (its journal archived, never lost).
// Their options and help; the work is in ../run/lock.ts, loaded when one of them runs.

import type { Command } from 'commander';
import { inventoryOption } from '../options.js';
import type { Opts } from '../run/lock.js';

const run = () => import('../run/lock.js');

export function lockCommand(program: Command): void {
  const lock = program
    .command('lock')
    .description('the cluster lock (a lease with a journal) on every host: status, release');
  lock
    .command('status')
    .description(
      'one line per host: held or free, holder, age, heartbeat age, and the node and phase its journal shows in flight',
    )
    .addOption(inventoryOption().makeOptionMandatory())
    .option('--json', 'print the status as JSON')
    .option('--json-report <file>', 'write the status as JSON to this file')
    .addHelpText(
      'after',
      '\nExit codes: 0 free on every host, 1 a host could not be reached, 2 bad input, 3 held.',
    )
    .action(async (o: Opts) => (await run()).statusAction(o));
  lock
    .command('release')
    .description(
      'give back a lock whose holder is gone: says what state the node in flight is in first, keeps the journal beside the data directory',
    )
    .addOption(inventoryOption().makeOptionMandatory())
    .option(
      '--force',
      "also break a live holder's lock, an earlier release's lock or an unreadable one",
    )
    .option('--json', 'print what was done as JSON')
    .option('--json-report <file>', 'write what was done as JSON to this file')
    .addHelpText(
      'after',
      '\nExit codes: 0 released (or nothing to release), 1 refused (a live holder, an unreadable lock without --force, a host unreachable), 2 bad input.',
    )
    .action(async (o: Opts) => (await run()).releaseAction(o));
}
