// npm run lab -- <command>: a staging cluster in a box. N hosts on loopback addresses, each
// with its own sshd and Docker engine, running a real Raft cluster (etcd by default); faults
// that break it the way production breaks; a write load that proves nothing acknowledged was
// lost.

import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { $ } from 'zx';
import { clusterStatus, ensureCluster, type GroupRaft } from './cluster.js';
import {
  HOST_DATA,
  hostIp,
  INVENTORY,
  LAB,
  MAX_HOSTS,
  nodeId,
  nodeUid,
  OWNER,
  ROOT,
  RUN,
  SSH,
  STATE,
} from './config.js';
import {
  closeEngineClients,
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  engineNamed,
  labEngine,
} from './engines/registry.js';
import { FAULTS, fault, removeChain } from './faults.js';
import {
  emptyDataDir,
  ensureKeys,
  ensureUsers,
  hostUp,
  removeUsers,
  startHost,
  stopHost,
} from './hosts.js';
import { ensureImages } from './images.js';
import { writeInventory } from './inventory.js';
import { checkLoad, type LoadFigures, startLoad, stopLoad } from './load.js';
import { allHosts, type LabState, labOwner, labState, parseNode, requireLab } from './state.js';

const seconds = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)}s`;

async function up({
  hosts: n,
  engine: engineName,
  groups: g,
}: {
  hosts: string;
  engine: string;
  groups?: string;
}) {
  const t = Date.now();
  const groups = g === undefined ? undefined : Number(g);
  if (groups !== undefined && Number.isNaN(groups))
    throw new Error(`--groups is "${g}": expected a whole number`);
  const engine = engineNamed(engineName, { groups });
  const count = Number(n);
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new Error(`--hosts is "${n}": expected a whole number from 1 to ${MAX_HOSTS}`);
  }
  const owner = labOwner();
  if (owner && owner !== ROOT) {
    throw new Error(
      `a lab started from ${owner} is running on this machine; run 'npm run lab -- down' there first (or 'down --force' here)`,
    );
  }
  const running = labState();
  if (running && running.hosts !== count)
    throw new Error(`a lab of ${running.hosts} hosts is up; run 'npm run lab -- down' first`);
  const runningEngine = running?.engine ?? DEFAULT_ENGINE;
  if (running && runningEngine !== engine.name)
    throw new Error(`a lab running ${runningEngine} is up; run 'npm run lab -- down' first`);
  const runningGroups = engineNamed(runningEngine, { groups: running?.groups }).groups.length;
  if (running && runningGroups !== engine.groups.length)
    throw new Error(
      `a lab with ${runningGroups} Raft groups per node is up; run 'npm run lab -- down' first`,
    );
  await $({ stdio: 'inherit' })`bash ${ROOT}/scripts/setup.sh`;
  const hosts = Array.from({ length: count }, (_, k) => k + 1);
  mkdirSync(LAB, { recursive: true });
  const state: LabState = {
    hosts: count,
    engine: engine.name,
    ...(engine.groups.length > 1 || groups !== undefined ? { groups: engine.groups.length } : {}),
  };
  writeFileSync(STATE, JSON.stringify(state));
  mkdirSync(RUN, { recursive: true });
  writeFileSync(OWNER, `${ROOT}\n`);
  await ensureKeys(hosts);
  await ensureUsers();
  await Promise.all(hosts.map(startHost));
  await Promise.all(hosts.map((i) => ensureImages(i, engine)));
  await ensureCluster(engine, hosts);
  writeInventory(engine, hosts);
  const perNode = engine.groups.length > 1 ? ` (${engine.groups.length} Raft groups per node)` : '';
  console.log(`lab up: ${count} hosts, ${engine.name} cluster${perNode} healthy (${seconds(t)})`);
  console.log(`inventory: ${INVENTORY}`);
  console.log(
    `try: ssh -i ${SSH.key} -o UserKnownHostsFile=${SSH.knownHosts} -o StrictHostKeyChecking=yes root@${hostIp(1)} docker ps`,
  );
}

async function down({ force }: { force?: boolean } = {}) {
  const t = Date.now();
  const owner = labOwner();
  if (owner && owner !== ROOT && !force) {
    console.log(
      `the running lab belongs to ${owner}; not touching it (use --force to take it down anyway)`,
    );
    return;
  }
  await stopLoad().catch(() => {});
  const state = labState();
  const hosts = state ? allHosts(state) : Array.from({ length: MAX_HOSTS }, (_, k) => k + 1);
  await Promise.all(hosts.map(stopHost));
  await removeChain();
  await removeUsers();
  rmSync(RUN, { recursive: true, force: true });
  try {
    if (existsSync(HOST_DATA)) rmdirSync(HOST_DATA);
  } catch {
    // not empty: something else uses it; leave it alone
  }
  rmSync(LAB, { recursive: true, force: true });
  console.log(`lab down (${seconds(t)})`);
}

/**
 * A spare host i beyond the cluster's: sshd, Docker and the images, and an empty data
 * directory, but no node. Without --as it is written into the inventory as node n<i>, ready to
 * be joined; with --as <node> it is made ready to take that node's place (its uid owns the
 * data directory) and the inventory is left alone, since replace takes the new host itself.
 */
async function spareUp(arg: string, o: { as?: string }) {
  const t = Date.now();
  const state = labState();
  if (!state) throw new Error("no lab is up: run 'npm run lab -- up' first");
  const i = Number(/^(?:n|h)?(\d+)$/.exec(arg)?.[1]);
  if (!Number.isInteger(i) || i <= state.hosts || i > MAX_HOSTS)
    throw new Error(
      `host "${arg}": expected a host number above the cluster's ${state.hosts} and at most ${MAX_HOSTS}`,
    );
  const engine = labEngine();
  const as = o.as === undefined ? undefined : parseNode(o.as, requireLab());
  const next: LabState = { ...state, spare: [...new Set([...(state.spare ?? []), i])] };
  writeFileSync(STATE, JSON.stringify(next));
  await ensureKeys(allHosts(next));
  await startHost(i);
  await ensureImages(i, engine);
  emptyDataDir(engine, i, nodeUid(as ?? i));
  if (as === undefined) writeInventory(engine, [...requireLab(), i]);
  console.log(
    `host ${i} up at ${hostIp(i)}: no node yet, an empty data directory${as === undefined ? `; ${INVENTORY} lists it as ${nodeId(i)}` : ` owned by ${nodeId(as)}'s uid`} (${seconds(t)})`,
  );
}

/** Host i dies: every container of its engine is killed, then its engine and sshd stop. */
async function hostDown(arg: string) {
  const state = labState();
  if (!state) throw new Error("no lab is up: run 'npm run lab -- up' first");
  const i = parseNode(arg, allHosts(state));
  await stopHost(i);
  console.log(`host ${i} (${hostIp(i)}) is down: its containers, docker engine and sshd are gone`);
}

async function status({ json }: { json?: boolean }) {
  const hosts = requireLab();
  const rows = await clusterStatus(labEngine(), hosts);
  for (const [k, i] of hosts.entries()) rows[k]!.hostUp = hostUp(i);
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const raftText = (raft: GroupRaft | undefined) =>
    !raft || 'error' in raft
      ? `unreachable (${raft?.error})`
      : `${raft.role} leader=${raft.leader ?? 'none'} term=${raft.raftTerm} index=${raft.raftIndex} applied=${raft.raftAppliedIndex}`;
  for (const r of rows) {
    const c = r.container;
    const box = c
      ? `${c.status}${c.oomKilled ? ' OOMKilled' : ''} restarts=${c.restartCount} ${c.image} mem=${c.memory}`
      : 'no container';
    if (r.groups.length <= 1) {
      console.log(
        `${r.node} ${r.host} host=${r.hostUp ? 'up' : 'DOWN'}  ${box}  ${raftText(r.raft)}`,
      );
      continue;
    }
    console.log(`${r.node} ${r.host} host=${r.hostUp ? 'up' : 'DOWN'}  ${box}`);
    for (const g of r.groups) console.log(`  group ${g.group}: ${raftText(g.raft)}`);
  }
}

const program = new Command('lab').description(
  'a multi-host Raft cluster on this machine, for rehearsals and tests',
);
program
  .command('up')
  .description('start hosts, engines and the Raft cluster (idempotent)')
  .option('--hosts <n>', 'how many hosts', '3')
  .option('--engine <name>', `the database to run: ${ENGINE_NAMES.join(', ')}`, DEFAULT_ENGINE)
  .option('--groups <n>', 'elastickv only: Raft groups per node, 1 to 8 (default 3)')
  .action(up);
program
  .command('down')
  .description('stop and remove everything the lab started')
  .option('--force', 'also take down a lab started from another checkout')
  .action(down);
program
  .command('host-up')
  .description(
    'bring up a spare host (sshd, Docker, images, an empty data directory) with no node on it',
  )
  .argument('<host>', "its number, above the cluster's hosts (e.g. 4)")
  .option(
    '--as <node>',
    "ready to take this node's place (replace) instead of joining as a new node",
  )
  .action(spareUp);
program
  .command('host-down')
  .description('a host dies: its containers are killed and its docker engine and sshd stop')
  .argument('<host>', 'n1, n2, ... or a spare host')
  .action(hostDown);
program
  .command('status')
  .description('hosts, containers, and Raft leader and indexes per node')
  .option('--json', 'as JSON')
  .action(status);
program
  .command('fault')
  .description(`break a node: ${FAULTS.join(', ')}`)
  .argument('<kind>', FAULTS.join(' | '))
  .argument('<node>', 'n1, n2, ...')
  .option('--sector', 'torn-tail: zero a 512-byte sector of the last record instead of cutting it')
  .option('--memory <size>', 'oom: the tiny memory limit', '20m')
  .option(
    '--group <n>',
    'torn-tail, corrupt, corrupt-sealed: the Raft group whose WAL to damage (default: the first)',
  )
  .action(
    async (kind: string, node: string, o: { sector?: boolean; memory: string; group?: string }) => {
      const hosts = requireLab();
      const engine = labEngine();
      if (o.group !== undefined && !['torn-tail', 'corrupt', 'corrupt-sealed'].includes(kind))
        throw new Error(
          `--group applies to torn-tail, corrupt and corrupt-sealed only, not to ${kind}`,
        );
      const group = o.group === undefined ? undefined : Number(o.group);
      if (group !== undefined && !engine.groups.includes(group))
        throw new Error(
          `--group is "${o.group}": the ${engine.name} lab runs Raft groups ${engine.groups.join(', ')}`,
        );
      const r = await fault(engine, kind, parseNode(node, hosts), hosts, { ...o, group });
      console.log(JSON.stringify({ fault: kind, node, ...r }));
    },
  );
const load = program.command('load').description('the write load and its check');
load
  .command('start')
  .option('--rate <n>', 'writes per second', '100')
  .action(async (o: { rate: string }) =>
    console.log(
      JSON.stringify(await startLoad(labEngine(), requireLab(), { rate: Number(o.rate) })),
    ),
  );
load.command('stop').action(stopLoad);
load
  .command('check')
  .option('--json', 'as JSON')
  .option('--stalls-from <ms>', 'measure stalls only from this moment on (ms since the epoch)', '0')
  .action(async (o: { json?: boolean; stallsFrom: string }) => {
    const from = Number(o.stallsFrom);
    if (!Number.isFinite(from) || from < 0)
      throw new Error(`--stalls-from is "${o.stallsFrom}": expected milliseconds since the epoch`);
    const r = await checkLoad(labEngine(), requireLab(), from);
    const line = (f: LoadFigures) =>
      `writes=${f.writes} errors=${f.errors} lost=${f.lost} longest-stall=${f.longestStallMs}ms`;
    if (o.json) console.log(JSON.stringify(r));
    else {
      console.log(line(r));
      if (r.groups.length > 1)
        for (const g of r.groups) console.log(`  group ${g.group}: ${line(g)}`);
    }
    if (r.lost > 0) process.exitCode = 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`lab: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  closeEngineClients();
}
