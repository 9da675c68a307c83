// raftroll's command line: one module per command under commands/; this file wires them and
// turns every error into one line on stderr and an exit code.

import { Command, CommanderError } from 'commander';
import { ClusterLockedError } from '../cluster/lock.js';
import { InventoryError } from '../inventory/load.js';
import { EnvError } from '../runtime/env.js';
import { MemorySettingError } from '../runtime/memory.js';
import { SettingError } from '../settings/options.js';
import { WalInputError } from '../wal/verify.js';
import { joinCommand } from './commands/join.js';
import { lockCommand } from './commands/lock.js';
import { remediateCommands } from './commands/remediate.js';
import { replaceCommand } from './commands/replace.js';
import { rollCommands } from './commands/roll.js';
import { statusCommand } from './commands/status.js';
import { walCommand } from './commands/wal.js';
import { EXIT, ExitError } from './exit.js';

export { EXIT } from './exit.js';

export function buildProgram(): Command {
  const program = new Command('raftroll')
    .description(
      'Rolling updates and remediation for Raft clusters (elastickv, etcd) in Docker over SSH',
    )
    .showHelpAfterError()
    .exitOverride();
  walCommand(program);
  statusCommand(program);
  rollCommands(program);
  remediateCommands(program);
  lockCommand(program);
  joinCommand(program);
  replaceCommand(program);
  return program;
}

/** Input the user can fix: a clear line and exit 2, no stack. */
const USAGE_ERRORS = [WalInputError, InventoryError, EnvError, MemorySettingError, SettingError];

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ExitError) {
      if (e.message) process.stderr.write(`raftroll: ${e.message}\n`);
      return e.code;
    }
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (USAGE_ERRORS.some((k) => e instanceof k)) {
      process.stderr.write(`raftroll: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    if (e instanceof ClusterLockedError) {
      process.stderr.write(`raftroll: ${e.message}\n`);
      return EXIT.failed;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) {
      process.stderr.write(`raftroll: cannot read ${err.path}: ${err.code} (${err.message})\n`);
      return EXIT.usage;
    }
    process.stderr.write(`raftroll: ${err.stack ?? err.message}\n`);
    return EXIT.failed;
  }
}
