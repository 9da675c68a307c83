// raftroll wal verify|repair: their options and help; the work is in ../run/wal.ts, loaded
// when one of them runs.

import type { Command } from 'commander';
import { walEtcdOption } from '../options.js';

export function walCommand(program: Command): void {
  const wal = program.command('wal').description('verify and repair etcd-format write-ahead logs');

  wal
    .command('verify')
    .description("judge every WAL directory under <path> the way etcd's loader would; reads only")
    .argument('<path>', 'a WAL directory, or a data directory with WAL directories below it')
    .option('--json', 'print the report as JSON')
    .addOption(walEtcdOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 clean, 3 torn tail (repairable), 4 corrupt or unsafe, 2 bad input.',
    )
    .action(async (path: string, o: { json?: boolean; etcd: string }) =>
      (await import('../run/wal.js')).verifyAction(path, o),
    );

  wal
    .command('repair')
    .description('truncate a torn final record (after a backup); never touches a corrupt log')
    .argument('<path>', 'a WAL directory, or a data directory with WAL directories below it')
    .option('--json', 'print the report as JSON')
    .addOption(walEtcdOption())
    .option(
      '--allow-lossy-repair',
      'also truncate where record-like data follows the damage, as etcd itself would (drops that data)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 clean or repaired, 4 refused (nothing written), 2 bad input.',
    )
    .action(async (path: string, o: { json?: boolean; etcd: string; allowLossyRepair?: boolean }) =>
      (await import('../run/wal.js')).repairAction(path, o),
    );
}
