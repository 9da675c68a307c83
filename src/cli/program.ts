// raftroll's command line: each command parses its options, calls the engine, and renders.

import { Command, CommanderError, Option } from 'commander';
import { observe } from '../cluster/observe.js';
import { ClusterSession } from '../cluster/session.js';
import { InventoryError, loadInventory, selectNodes } from '../inventory/load.js';
import { LocalFiles } from '../remote/local-files.js';
import { RepairRefusedError, repairPath, verifyPath } from '../wal/engine.js';
import { WalInputError } from '../wal/verify.js';
import { DEFAULT_ETCD_VERSION, ETCD_VERSIONS, rulesFor } from '../wal/versions.js';
import { statusLine } from './status-text.js';
import { repairText, verifyText } from './wal-text.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, torn: 3, refused: 4 } as const;

class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function etcdOption(): Option {
  return new Option(
    '--etcd <version>',
    'etcd release whose loader to reproduce (elastickv ships 3.7)',
  )
    .choices([...ETCD_VERSIONS])
    .default(DEFAULT_ETCD_VERSION);
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

export function buildProgram(): Command {
  const program = new Command('raftroll')
    .description(
      'Rolling updates and remediation for Raft clusters (elastickv, etcd) in Docker over SSH',
    )
    .showHelpAfterError()
    .exitOverride();

  const wal = program.command('wal').description('verify and repair etcd-format write-ahead logs');

  wal
    .command('verify')
    .description("judge every WAL directory under <path> the way etcd's loader would; reads only")
    .argument('<path>', 'a WAL directory, or a data directory with WAL directories below it')
    .option('--json', 'print the report as JSON')
    .addOption(etcdOption())
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
    .addOption(etcdOption())
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

  program
    .command('status')
    .description(
      'one line per node: reachable, container, image, memory settings, Raft role, indexes and lag',
    )
    .requiredOption('-i, --inventory <file>', 'the cluster inventory (YAML)')
    .option('--nodes <ids>', 'only these nodes (comma-separated ids)')
    .option('--json', 'print the observation as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every node answered, 1 some node is unreachable or has no Raft status, 2 bad input.',
    )
    .action(async (o: { inventory: string; nodes?: string; json?: boolean }) => {
      const inv = await loadInventory(o.inventory);
      const nodes = selectNodes(
        inv,
        o.nodes
          ?.split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      );
      const session = await ClusterSession.open(inv);
      try {
        const views = await observe(session, nodes);
        print(!!o.json, views, views.map(statusLine).join('\n'));
        if (views.some((v) => !v.reachable || !v.raft)) throw new ExitError(EXIT.failed, '');
      } finally {
        await session.close();
      }
    });

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
    if (e instanceof WalInputError || e instanceof InventoryError) {
      process.stderr.write(`raftroll: ${e.message}\n`);
      return EXIT.usage;
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
