// raftroll's command line: each command parses its options, calls the engine, and renders.

import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { ClusterLockedError } from '../cluster/lock.js';
import { observe } from '../cluster/observe.js';
import { ClusterSession } from '../cluster/session.js';
import { Events, retryWarnings } from '../events/events.js';
import { buildReport, progressLine } from '../events/report.js';
import { InventoryError, loadInventory, selectNodes, walRulesVersion } from '../inventory/load.js';
import { inventoryFromScriptEnv } from '../inventory/script-env.js';
import { withTag } from '../node/spec.js';
import { DEFAULT_THRESHOLDS, stopGraceOf } from '../node/thresholds.js';
import { DEFAULT_DIAGNOSE_THRESHOLDS, type Mode, remediate } from '../remediate/remediate.js';
import { LocalFiles } from '../remote/local-files.js';
import { Rollout } from '../rollout/rollout.js';
import { EnvError } from '../runtime/env.js';
import { MemorySettingError } from '../runtime/memory.js';
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

/** Container env values can be secrets: JSON output keeps GOMEMLIMIT and only the names of the rest. */
function redactEnv<T extends { container?: { env: Record<string, string> } }>(v: T): T {
  if (!v.container) return v;
  const env = Object.fromEntries(
    Object.entries(v.container.env).map(([k, x]) => [k, k === 'GOMEMLIMIT' ? x : '(set)']),
  );
  return { ...v, container: { ...v.container, env } };
}

/** --etcd for commands that read a cluster: the inventory decides unless this says otherwise. */
function clusterEtcdOption(): Option {
  return new Option(
    '--etcd <version>',
    "etcd release whose WAL rules apply (default: the inventory's etcdVersion; 3.7 for elastickv)",
  ).choices([...ETCD_VERSIONS]);
}

/** The inventory and the nodes a --nodes list picks from it (all when none is given). */
async function inventoryAndNodes(file: string, ids?: string) {
  const inv = await loadInventory(file);
  const nodes = selectNodes(
    inv,
    ids
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
  return { inv, nodes };
}

/** --extra-env or --extra-env-file (one of them): KEY=VALUE lines, or undefined. */
async function extraEnvOf(o: Record<string, unknown>): Promise<string | undefined> {
  if (o.extraEnv !== undefined && o.extraEnvFile !== undefined)
    throw new ExitError(EXIT.usage, 'give --extra-env or --extra-env-file, not both');
  if (o.extraEnvFile === undefined) return o.extraEnv as string | undefined;
  const file = String(o.extraEnvFile);
  return readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new ExitError(
      EXIT.usage,
      `--extra-env-file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}; expected a file of KEY=VALUE lines`,
    );
  });
}

/** Ctrl-C once: finish (or roll back) the current node, then stop. Twice: stop now. */
function onInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const handler = () => {
    if (abort.signal.aborted) {
      process.stderr.write(
        'raftroll: second interrupt: stopping now; the current node may be half-done (check it with raftroll status)\n',
      );
      process.exit(130);
    }
    process.stderr.write(
      'raftroll: interrupt: finishing (or rolling back) the current node, then stopping. Press Ctrl-C again only if you accept a half-done node.\n',
    );
    abort.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
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
      const { inv, nodes } = await inventoryAndNodes(o.inventory, o.nodes);
      const session = await ClusterSession.open(inv);
      try {
        const views = await observe(session, nodes);
        print(!!o.json, views.map(redactEnv), views.map(statusLine).join('\n'));
        if (views.some((v) => !v.reachable || !v.raft)) throw new ExitError(EXIT.failed, '');
      } finally {
        await session.close();
      }
    });

  const rolloutCommand = (name: 'plan' | 'roll') =>
    program
      .command(name)
      .description(
        name === 'plan'
          ? 'dry run: check SSH, sudo, docker, disk, image and cluster health, and show what a roll would run; touches nothing'
          : 'roll the cluster to a new image, one node at a time, quorum-safe, with rollback',
      )
      .option('-i, --inventory <file>', 'the cluster inventory (YAML)')
      .option(
        '--from-script-env',
        "read the cluster from rolling-update.sh's variables (NODES, SSH_TARGETS, ROLLING_ORDER, IMAGE, ...) instead of an inventory",
      )
      .option('--image-tag <tag>', "the new tag for the inventory's image")
      .option('--image <ref>', 'the full new image reference (instead of --image-tag)')
      .option('--nodes <ids>', 'only these nodes, in this order (comma-separated ids)')
      .option('--memory <size>', "container memory limit (default 2500m; 'none' to switch off)")
      .option(
        '--default-env <lines>',
        "default env as KEY=VALUE lines (default GOMEMLIMIT=1800MiB; 'none' for none)",
      )
      .option(
        '--extra-env <lines>',
        'extra env as KEY=VALUE lines; a key here replaces the default of the same name. Other local users can read argv (ps): give secrets with --extra-env-file',
      )
      .option(
        '--extra-env-file <file>',
        'extra env as KEY=VALUE lines read from a file (for secrets: the values never reach any argv)',
      )
      .option(
        '--max-lag <n>',
        'entries a node may trail the leader and count as caught up',
        String(DEFAULT_THRESHOLDS.maxLag),
      )
      .option(
        '--stop-grace <seconds>',
        "SIGTERM grace period before docker kills the node (default: the inventory's container.stopGraceSeconds, else 30)",
      )
      .option(
        '--catch-up-timeout <seconds>',
        'how long a restarted node may take to catch up',
        String(DEFAULT_THRESHOLDS.catchUpTimeoutMs / 1000),
      )
      .option(
        '--stabilize <seconds>',
        'how long a node must stay caught up before the next one',
        String(DEFAULT_THRESHOLDS.stabilizeMs / 1000),
      )
      .option('--no-leader-last', 'keep the given order instead of moving the leader last')
      .addOption(clusterEtcdOption())
      .option('--json-report <file>', 'write the report as JSON to this file')
      .addHelpText(
        'after',
        '\nExit codes: 0 success, 1 failed or refused (the report says where and why), 2 bad input, 130 interrupted.',
      )
      .action(async (o: Record<string, string | boolean | undefined>) => {
        if (!o.inventory === !o.fromScriptEnv)
          throw new ExitError(
            EXIT.usage,
            'give --inventory <file> or --from-script-env (one of them)',
          );
        const fromEnv = o.fromScriptEnv ? inventoryFromScriptEnv(process.env) : undefined;
        const inv = fromEnv?.inv ?? (await loadInventory(String(o.inventory)));
        if (!o.image && !o.imageTag && fromEnv && process.env.IMAGE) o.image = process.env.IMAGE;
        if (!o.image && !o.imageTag)
          throw new ExitError(EXIT.usage, 'give --image-tag <tag> or --image <ref>');
        const image = o.image ? String(o.image) : withTag(inv.container.image, String(o.imageTag));
        const num = (k: string) => {
          const n = Number(o[k]);
          if (!Number.isFinite(n) || n < 0)
            throw new ExitError(EXIT.usage, `--${k} is "${o[k]}": expected a non-negative number`);
          return n;
        };
        const nodes =
          !o.nodes && fromEnv
            ? fromEnv.order
            : o.nodes
              ? selectNodes(
                  inv,
                  String(o.nodes)
                    .split(',')
                    .map((x) => x.trim())
                    .filter(Boolean),
                ).map((n) => n.id)
              : undefined;
        const events = new Events();
        const t0 = Date.now();
        events.on((e) => {
          const line = progressLine(e, t0);
          if (line) process.stdout.write(`${line}\n`);
        });
        const interrupt = onInterrupt();
        const session = await ClusterSession.open(inv, {
          onRetry: retryWarnings(events),
        });
        try {
          const r = await new Rollout(
            inv,
            session,
            {
              image,
              nodes,
              dryRun: name === 'plan',
              overrides: {
                memory: (o.memory as string | undefined) ?? fromEnv?.overrides.memory,
                defaultEnv: (o.defaultEnv as string | undefined) ?? fromEnv?.overrides.defaultEnv,
                extraEnv: (await extraEnvOf(o)) ?? fromEnv?.overrides.extraEnv,
              },
              leaderLast: o.leaderLast !== false,
              etcdVersion: walRulesVersion(inv, o.etcd as string | undefined),
              thresholds: {
                ...DEFAULT_THRESHOLDS,
                maxLag: num('maxLag'),
                stopGraceSeconds: stopGraceOf(
                  inv,
                  o.stopGrace === undefined ? undefined : num('stopGrace'),
                ),
                catchUpTimeoutMs: num('catchUpTimeout') * 1000,
                stabilizeMs: num('stabilize') * 1000,
              },
              signal: interrupt.signal,
            },
            events,
          ).run();
          if (name === 'plan') {
            for (const row of r.rows) {
              process.stdout.write(
                `\n${row.node} (${row.roleBefore}): ${row.message}\n${(row.actions ?? []).map((a) => `    ${a}`).join('\n')}\n`,
              );
            }
          }
          if (o.jsonReport)
            await writeFile(
              String(o.jsonReport),
              `${JSON.stringify(buildReport(events.log), null, 2)}\n`,
              { mode: 0o600 },
            );
          if (r.result === 'interrupted') throw new ExitError(130, r.message ?? 'interrupted');
          if (r.result !== 'success')
            throw new ExitError(EXIT.failed, r.message ?? 'the rollout failed');
        } finally {
          interrupt.dispose();
          await session.close();
        }
      });
  rolloutCommand('plan');
  rolloutCommand('roll');

  const remediation = (name: string, description: string, exits: string) => {
    const cmd = program
      .command(name)
      .description(description)
      .requiredOption('-i, --inventory <file>', 'the cluster inventory (YAML)')
      .option('--nodes <ids>', 'only these nodes (comma-separated ids)')
      .option(
        '--max-lag <n>',
        'entries a node may trail the leader before it counts as lagging',
        String(DEFAULT_DIAGNOSE_THRESHOLDS.maxLag),
      )
      .option(
        '--memory-pressure <fraction>',
        'memory use above this fraction of the limit is pressure',
        String(DEFAULT_DIAGNOSE_THRESHOLDS.memoryPressure),
      )
      .option(
        '--crash-loop-restarts <n>',
        'restarts that make a stopped container crash-looping',
        String(DEFAULT_DIAGNOSE_THRESHOLDS.crashLoopRestarts),
      )
      .addOption(clusterEtcdOption())
      .option('--json', 'print findings (and actions) as JSON')
      .addHelpText('after', `\nExit codes: ${exits}`);
    return cmd;
  };

  const runRemediation = async (
    o: Record<string, string | boolean | undefined>,
    mode: Mode,
    findingsOnly = false,
  ) => {
    const num = (k: string, flag: string, max = Number.POSITIVE_INFINITY) => {
      const n = Number(o[k]);
      if (o[k] === '' || !Number.isFinite(n) || n < 0 || n > max)
        throw new ExitError(
          EXIT.usage,
          `--${flag} is "${o[k]}": expected a number from 0 to ${max === Number.POSITIVE_INFINITY ? 'any' : max}`,
        );
      return n;
    };
    const thresholds = {
      maxLag: num('maxLag', 'max-lag'),
      memoryPressure: num('memoryPressure', 'memory-pressure', 1),
      crashLoopRestarts: num('crashLoopRestarts', 'crash-loop-restarts'),
    };
    const { inv, nodes } = await inventoryAndNodes(String(o.inventory), o.nodes as string);
    const etcdVersion = walRulesVersion(inv, o.etcd as string | undefined);
    const events = new Events();
    const session = await ClusterSession.open(inv, { onRetry: retryWarnings(events) });
    const interrupt = onInterrupt();
    try {
      const t0 = Date.now();
      if (!o.json)
        events.on((e) => {
          const line = progressLine(e, t0);
          if (line) process.stdout.write(`${line}\n`);
        });
      const r = await remediate(session, nodes, {
        mode,
        etcdVersion,
        thresholds,
        rollout:
          mode === 'auto'
            ? {
                stabilizeMs: num('stabilize', 'stabilize') * 1000,
                stopGraceSeconds: stopGraceOf(inv),
              }
            : undefined,
        reseed: !!o.allowReseed,
        events,
        signal: interrupt.signal,
      });
      if (o.json) print(true, findingsOnly ? r.findings : r, '');
      else {
        for (const d of r.findings)
          if (d.facts.staleBackups.length)
            process.stdout.write(`${d.node}: stale backups: ${d.facts.staleBackups.join(', ')}\n`);
        process.stdout.write(`${r.result}\n`);
      }
      if (interrupt.signal.aborted)
        throw new ExitError(130, 'interrupted; the node being healed was finished first');
      if (r.result !== 'healthy' && r.result !== 'healed') throw new ExitError(EXIT.failed, '');
    } finally {
      interrupt.dispose();
      await session.close();
    }
  };

  remediation(
    'remediate',
    "diagnose, then (with --mode auto) apply the smallest safe fix to each node, one at a time, behind the rollout's quorum guard",
    '0 healthy or healed, 1 something is still wrong (or a fix failed or was refused), 2 bad input.',
  )
    .addOption(
      new Option('--mode <mode>', 'diagnose only reports; auto heals')
        .choices(['diagnose', 'auto'])
        .default('diagnose'),
    )
    .option(
      '--stabilize <seconds>',
      'how long a healed node must stay caught up',
      String(DEFAULT_THRESHOLDS.stabilizeMs / 1000),
    )
    .option(
      '--allow-reseed',
      'a corrupt-WAL member may be removed, its data moved aside, and added back empty (only while the others keep quorum)',
    )
    .action((o) => runRemediation(o, o.mode as Mode));

  remediation(
    'diagnose',
    'read-only: what is wrong with each node (OOM kills, crash loops, torn or corrupt WAL, memory pressure, lag) and the smallest safe fix',
    '0 every node healthy, 1 some node needs attention, 2 bad input.',
  ).action((o) => runRemediation(o, 'diagnose', true));

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
    if (
      e instanceof WalInputError ||
      e instanceof InventoryError ||
      e instanceof EnvError ||
      e instanceof MemorySettingError
    ) {
      process.stderr.write(`raftroll: ${e.message}\n`);
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
