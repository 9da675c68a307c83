// raftroll wal verify|repair: the WAL engine on local files.

import type { Command } from 'commander';
import { LocalFiles } from '../../remote/local-files.js';
import { RepairRefusedError, repairPath, verifyPath } from '../../wal/engine.js';
import { rulesFor } from '../../wal/versions.js';
import { EXIT, ExitError, print } from '../exit.js';
import { walEtcdOption } from '../options.js';
import { repairText, verifyText } from '../wal-text.js';

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
    .action(async (path: string, o: { json?: boolean; etcd: string }) => {
      const report = await verifyPath(new LocalFiles(), path, rulesFor(o.etcd));
      print(!!o.json, report, verifyText(report));
      if (report.verdict === 'torn') throw new ExitError(EXIT.torn, '');
      if (report.verdict !== 'clean') throw new ExitError(EXIT.refused, '');
    });

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
    .action(
      async (path: string, o: { json?: boolean; etcd: string; allowLossyRepair?: boolean }) => {
        try {
          const report = await repairPath(new LocalFiles(), path, rulesFor(o.etcd), {
            allowLossy: !!o.allowLossyRepair,
          });
          print(!!o.json, report, repairText(report));
          if (report.after.verdict !== 'clean')
            throw new ExitError(
              EXIT.refused,
              `${path} is still ${report.after.verdict} after the repair`,
            );
        } catch (e) {
          if (e instanceof RepairRefusedError) {
            if (o.json) print(true, { ...e.report, refused: e.message }, '');
            throw new ExitError(EXIT.refused, e.message);
          }
          throw e;
        }
      },
    );
}
