// raftroll lock status|release: the cluster lock on every host, what its journal shows in
// flight, and giving back a lock whose holder is gone (its journal archived, never lost).

import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ClusterSession } from '../../cluster/session.js';
import { lockReport, ReleaseRefused, releaseLock } from '../../remediate/lock-release.js';
import { EXIT, ExitError, print } from '../exit.js';
import { inventoryAndNodes, inventoryOption } from '../options.js';

type Opts = { inventory: string; json?: boolean; jsonReport?: string; force?: boolean };

async function report(o: Opts, value: unknown): Promise<void> {
  if (o.jsonReport)
    await writeFile(o.jsonReport, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

async function statusAction(o: Opts): Promise<void> {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  try {
    const r = await lockReport(session);
    const value = { held: r.held, hosts: r.hosts, unknownNodes: r.unknownNodes };
    await report(o, value);
    print(!!o.json, value, r.lines.join('\n'));
    if (r.unreachable.length) throw new ExitError(EXIT.failed, 'some host could not be reached');
    if (r.held) throw new ExitError(EXIT.held, '');
  } finally {
    await session.close();
  }
}

async function releaseAction(o: Opts): Promise<void> {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    if (!o.json) process.stdout.write(`${l}\n`);
  };
  try {
    const { released } = await releaseLock(session, { force: o.force, say }).catch((e: unknown) => {
      if (e instanceof ReleaseRefused) throw new ExitError(EXIT.failed, e.message);
      throw e;
    });
    await report(o, { released, lines });
    if (o.json) print(true, { released, lines }, '');
  } finally {
    await session.close();
  }
}

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
    .action((o: Opts) => statusAction(o));
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
    .action((o: Opts) => releaseAction(o));
}
