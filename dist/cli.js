#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import "./cli-chunks/chunk-FM4XUR3X.js";
import {
  Command,
  CommanderError,
  clusterEtcdOption,
  flag,
  inventoryOption,
  nodesOption,
  value,
  walEtcdOption
} from "./cli-chunks/chunk-HTIQHKCO.js";
import "./cli-chunks/chunk-THGSPKRE.js";
import {
  EXIT,
  ExitError
} from "./cli-chunks/chunk-B2HVS2M6.js";

// src/cli/commands/join.ts
function membershipOptions(c) {
  return c.addOption(inventoryOption().makeOptionMandatory()).requiredOption("--node <id>", "the node (its id in the inventory)").option("--image-tag <tag>", "the tag of the inventory's image to run (default: its own)").option("--image <ref>", "the full image reference to run (instead of --image-tag)").addOption(flag("maxLag")).addOption(flag("stopGrace")).addOption(flag("startTimeout")).addOption(flag("catchUpTimeout")).addOption(flag("stabilize")).addOption(clusterEtcdOption()).option("--json-report <file>", "write the report as JSON to this file").option("--timeline <file.md>", "write the node's phases as a Mermaid gantt chart").addHelpText(
    "after",
    "\nExit codes: 0 done, 1 refused or failed (the message says why and where things stand), 2 bad input."
  );
}
function joinCommand(program) {
  membershipOptions(
    program.command("join").description(
      "join a fresh node (a new host entry of the inventory): add it as a learner, start it with the joining flags, promote it once caught up, then redeploy it as a normal member; refused while any member is unhealthy or if it is a voter already"
    )
  ).action(async (o) => (await import("./cli-chunks/membership-RTAGEEDQ.js")).joinAction(o));
}

// src/cli/commands/lock.ts
var run = () => import("./cli-chunks/lock-3BUO2E3G.js");
function lockCommand(program) {
  const lock = program.command("lock").description("the cluster lock (a lease with a journal) on every host: status, release");
  lock.command("status").description(
    "one line per host: held or free, holder, age, heartbeat age, and the node and phase its journal shows in flight"
  ).addOption(inventoryOption().makeOptionMandatory()).option("--json", "print the status as JSON").option("--json-report <file>", "write the status as JSON to this file").addHelpText(
    "after",
    "\nExit codes: 0 free on every host, 1 a host could not be reached, 2 bad input, 3 held."
  ).action(async (o) => (await run()).statusAction(o));
  lock.command("release").description(
    "give back a lock whose holder is gone: says what state the node in flight is in first, keeps the journal beside the data directory"
  ).addOption(inventoryOption().makeOptionMandatory()).option(
    "--force",
    "also break a live holder's lock, an earlier release's lock or an unreadable one"
  ).option("--json", "print what was done as JSON").option("--json-report <file>", "write what was done as JSON to this file").addHelpText(
    "after",
    "\nExit codes: 0 released (or nothing to release), 1 refused (a live holder, an unreadable lock without --force, a host unreachable), 2 bad input."
  ).action(async (o) => (await run()).releaseAction(o));
}

// src/cli/commands/remediate.ts
var run2 = () => import("./cli-chunks/remediate-2YZLLC7Q.js");
function remediation(program, name, description, exits) {
  return program.command(name).description(description).addOption(inventoryOption().makeOptionMandatory()).addOption(nodesOption()).addOption(flag("maxLag")).addOption(flag("memoryPressure")).addOption(flag("crashLoopRestarts")).addOption(clusterEtcdOption()).option("--json", "print findings (and actions) as JSON").option(
    "--json-report <file>",
    "write the whole result (findings, actions, interrupted runs) as JSON to this file"
  ).option("--timeline <file.md>", "write each healed node's phases as a Mermaid gantt chart").addHelpText("after", `
Exit codes: ${exits}`);
}
function remediateCommands(program) {
  remediation(
    program,
    "remediate",
    "diagnose, then (with --mode auto) apply the smallest safe fix to each node, one at a time, behind the rollout's quorum guard",
    "0 healthy or healed, 1 something is still wrong (or a fix failed or was refused), 2 bad input, 130 interrupted."
  ).addOption(flag("mode")).addOption(flag("stopGrace")).addOption(flag("startTimeout")).addOption(flag("catchUpTimeout")).addOption(flag("stabilize")).option(
    "--allow-reseed",
    "a corrupt-WAL member may be removed, its data moved aside, and added back empty (only while the others keep quorum)"
  ).option(
    "--take-over-stale",
    "take over the lease of a run that is gone (stale heartbeat) and finish the node its journal shows in flight, as the journal says: start the new container or put the old one back"
  ).action(async (o) => (await run2()).remediateAction(o, value("mode", o.mode), false));
  remediation(
    program,
    "diagnose",
    "read-only: what is wrong with each node (OOM kills, crash loops, torn or corrupt WAL, memory pressure, lag) and the smallest safe fix",
    "0 every node healthy, 1 some node needs attention (or an interrupted run left one in flight), 2 bad input."
  ).action(async (o) => (await run2()).remediateAction(o, "diagnose", true));
}

// src/cli/commands/replace.ts
function replaceCommand(program) {
  membershipOptions(
    program.command("replace").description(
      "replace a dead node's host: the new host joins as a learner and catches up, the old member is removed, the learner is promoted; a live old node, or any step that would lower the cluster's fault tolerance, is refused with the reason"
    )
  ).requiredOption("--host <address>", "the new host (the address its peers reach it at)").option(
    "--ssh <target>",
    "the new host's ssh target (default: the node's, with --host for its address)"
  ).action(async (o) => (await import("./cli-chunks/membership-RTAGEEDQ.js")).replaceAction(o));
}

// src/cli/commands/roll.ts
function rollCommands(program) {
  for (const name of ["plan", "roll"]) {
    program.command(name).description(
      name === "plan" ? "dry run: check SSH, sudo, docker, disk, image and cluster health, and show what a roll would run; touches nothing" : "roll the cluster to a new image, one node at a time, quorum-safe, with rollback"
    ).addOption(inventoryOption()).option(
      "--from-script-env",
      "read the cluster from rolling-update.sh's variables (NODES, SSH_TARGETS, ROLLING_ORDER, IMAGE, ...) instead of an inventory"
    ).option("--image-tag <tag>", "the new tag for the inventory's image").option("--image <ref>", "the full new image reference (instead of --image-tag)").addOption(nodesOption("only these nodes, in this order (comma-separated ids)")).addOption(flag("memory")).addOption(flag("defaultEnv")).option(
      "--extra-env <lines>",
      "extra env as KEY=VALUE lines; a key here replaces the default of the same name. Other local users can read argv (ps): give secrets with --extra-env-file"
    ).option(
      "--extra-env-file <file>",
      "extra env as KEY=VALUE lines read from a file (for secrets: the values never reach any argv)"
    ).addOption(flag("maxLag")).addOption(flag("stopGrace")).addOption(flag("startTimeout")).addOption(flag("catchUpTimeout")).addOption(flag("stabilize")).option("--no-leader-last", "keep the given order instead of moving the leader last").addOption(clusterEtcdOption()).option("--json-report <file>", "write the report as JSON to this file").option(
      "--take-over-stale",
      "resume a run that was killed: take over its lease once its heartbeat is stale (never a live one), finish the node its journal shows in flight, then roll on"
    ).option("--timeline <file.md>", "write each node's phases as a Mermaid gantt chart").addHelpText(
      "after",
      "\nExit codes: 0 success, 1 failed or refused (the report says where and why; a held lock names its holder), 2 bad input, 130 interrupted."
    ).action(async (o) => (await import("./cli-chunks/roll-Z54JUZ47.js")).rollAction(name, o));
  }
}

// src/cli/commands/status.ts
function statusCommand(program) {
  program.command("status").description(
    "one line per node: reachable, container, image, memory settings, Raft role, indexes and lag"
  ).addOption(inventoryOption().makeOptionMandatory()).addOption(nodesOption()).option("--json", "print the observation as JSON").addHelpText(
    "after",
    "\nExit codes: 0 every node answered, 1 some node is unreachable or has no Raft status, 2 bad input."
  ).action(
    async (o) => (await import("./cli-chunks/status-QN7PID53.js")).statusAction(o)
  );
}

// src/cli/commands/wal.ts
function walCommand(program) {
  const wal = program.command("wal").description("verify and repair etcd-format write-ahead logs");
  wal.command("verify").description("judge every WAL directory under <path> the way etcd's loader would; reads only").argument("<path>", "a WAL directory, or a data directory with WAL directories below it").option("--json", "print the report as JSON").addOption(walEtcdOption()).addHelpText(
    "after",
    "\nExit codes: 0 clean, 3 torn tail (repairable), 4 corrupt or unsafe, 2 bad input."
  ).action(
    async (path, o) => (await import("./cli-chunks/wal-BQ62X6ZB.js")).verifyAction(path, o)
  );
  wal.command("repair").description("truncate a torn final record (after a backup); never touches a corrupt log").argument("<path>", "a WAL directory, or a data directory with WAL directories below it").option("--json", "print the report as JSON").addOption(walEtcdOption()).option(
    "--allow-lossy-repair",
    "also truncate where record-like data follows the damage, as etcd itself would (drops that data)"
  ).addHelpText(
    "after",
    "\nExit codes: 0 clean or repaired, 4 refused (nothing written), 2 bad input."
  ).action(
    async (path, o) => (await import("./cli-chunks/wal-BQ62X6ZB.js")).repairAction(path, o)
  );
}

// src/cli/program.ts
function buildProgram() {
  const program = new Command("raftroll").description(
    "Rolling updates and remediation for Raft clusters (elastickv, etcd) in Docker over SSH"
  ).showHelpAfterError().exitOverride();
  walCommand(program);
  statusCommand(program);
  rollCommands(program);
  remediateCommands(program);
  lockCommand(program);
  joinCommand(program);
  replaceCommand(program);
  return program;
}
async function main(argv) {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ExitError) {
      if (e.message) process.stderr.write(`raftroll: ${e.message}
`);
      return e.code;
    }
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return (await import("./cli-chunks/failure-SAPPPYIG.js")).exitCodeFor(e);
  }
}

// src/cli/main.ts
process.exitCode = await main(process.argv.slice(2));
