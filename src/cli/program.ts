// raftroll's command line: one module per command under commands/ defines its options and
// help; what the command does lives under run/ and is imported only when it runs, so that
// start-up (and --help) loads commander and the option definitions, not every command's
// dependencies (SSH, the YAML reader, the GitHub client, the WAL engine).

import { Command, CommanderError } from 'commander';
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
    return (await import('./run/failure.js')).exitCodeFor(e);
  }
}
