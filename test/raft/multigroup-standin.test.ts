// raftroll's multi-group path against three elastickv stand-in processes with three Raft groups
// each (local processes on 127.0.0.1-4, no Docker, no sshd): every group observed through the
// session's per-group clients, every group a node leads handed over, and a learner never chosen.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withGroups } from '../../src/cli/commands/status.js';
import { statusLine } from '../../src/cli/status-text.js';
import { computeLags, type NodeView, observeRaft } from '../../src/cluster/observe.js';
import { ClusterSession } from '../../src/cluster/session.js';
import { Events, type NodeRow } from '../../src/events/events.js';
import { parseInventory } from '../../src/inventory/load.js';
import type { NodeContext } from '../../src/node/context.js';
import { leadsNow } from '../../src/node/guard.js';
import { handoverCandidates, projectGroup, quorumGuard } from '../../src/node/guards.js';
import { handover } from '../../src/node/handover.js';
import { DEFAULT_THRESHOLDS } from '../../src/node/thresholds.js';
import type { ClusterViews } from '../../src/node/views.js';
import { ElastickvClient } from '../../src/raft/elastickv.js';
import type { Host } from '../../src/remote/host.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NODES = ['n1', 'n2', 'n3'];
const GROUPS = [1, 2, 3];
const port = (node: number, group: number) => 28000 + node * 10 + group;
// Each node on its own loopback address, as an inventory needs each node at its own host.
const ip = (node: number) => `127.0.0.${node}`;
const addr = (node: number, group: number) => `${ip(node)}:${port(node, group)}`;
const groupsFlag = (k: number) => GROUPS.map((g) => `${g}=${addr(k, g)}`).join(',');

let bin = '';
let data = '';
let session: ClusterSession;
const procs = new Map<string, { child: ChildProcess; log: string[]; exit: Promise<unknown> }>();
const extraClients: ElastickvClient[] = [];

function start(name: string, args: string[]): void {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  procs.set(name, { child, log, exit: new Promise((r) => child.on('exit', r)) });
}

function startNode(k: number): void {
  const peers = GROUPS.map(
    (g) => `${g}=${NODES.map((n, i) => `${n}@${addr(i + 1, g)}`).join(',')}`,
  ).join(';');
  start(NODES[k - 1]!, [
    '--raftId',
    NODES[k - 1]!,
    '--raftEngine',
    'etcd',
    '--raftDataDir',
    data,
    '--raftGroups',
    groupsFlag(k),
    '--raftGroupPeers',
    peers,
    '--shardRanges',
    ':k2=1,k2:k3=2,k3:=3',
    // Snapshots early (after the learner has joined), so the leader's last snapshot index is real.
    '--standinSnapshotEntries',
    '12',
  ]);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000) {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

// What `observe` adds from Docker; these processes run without it.
const RUNNING = {
  id: 'p',
  name: 'elastickv',
  image: 'standin',
  imageId: 'sha',
  labels: {},
  state: {
    status: 'running',
    running: true,
    restarting: false,
    oomKilled: false,
    exitCode: 0,
    startedAt: '',
    finishedAt: '',
  },
  restartCount: 0,
  restartPolicy: 'no',
  memory: 0,
  env: {},
};

/** Every inventory node's view, its Raft part read through the session's per-group clients. */
async function observeAll(): Promise<NodeView[]> {
  const views = await Promise.all(
    session.inv.nodes.map(
      async (n): Promise<NodeView> => ({
        id: n.id,
        ssh: n.id,
        reachable: true,
        container: RUNNING,
        ...(await observeRaft(session, n)),
      }),
    ),
  );
  computeLags(views);
  return views;
}

/** The views once every group has one leader that every node follows. */
async function settled(): Promise<NodeView[]> {
  return waitFor('one agreed leader in every group', async () => {
    const views = await observeAll();
    for (const g of GROUPS) {
      const p = projectGroup(views, g);
      const leaders = p.filter((v) => v.raft?.role === 'leader');
      if (leaders.length !== 1 || p.some((v) => v.raft?.leaderId !== leaders[0]!.id)) return;
    }
    return views;
  });
}

const leaderOf = (views: NodeView[], g: number) =>
  projectGroup(views, g).find((v) => v.raft?.role === 'leader')!.id;

/** Moves group g's leadership to `to` with raftroll's own client, as a setup step. */
async function moveLeader(g: number, to: string): Promise<void> {
  const views = await settled();
  const from = leaderOf(views, g);
  if (from === to) return;
  const c = await session.raft(session.inv.nodes.find((n) => n.id === from)!, g);
  const target = (await c.members()).find((m) => m.id === to)!;
  await c.transferLeadership(target);
  await waitFor(`${to} to lead group ${g}`, async () =>
    leaderOf(await settled(), g) === to ? true : undefined,
  );
}

function contextFor(id: string): NodeContext {
  const node = session.inv.nodes.find((n) => n.id === id)!;
  const views = { get: () => settled(), remember: () => {} } as unknown as ClusterViews;
  return {
    session,
    t: { ...DEFAULT_THRESHOLDS, maxLag: 50, pollMs: 100, handoverTimeoutMs: 10_000 },
    rules: rulesFor('3.7'),
    events: new Events(),
    views,
    id,
    node,
    host: session.host(node),
    name: 'elastickv',
    prevName: 'elastickv.raftroll-prev',
    dataDir: data,
    spec: { name: 'elastickv', image: 'standin', args: [], env: {}, labels: {}, volumes: [] },
  } as NodeContext;
}

const row = (node: string): NodeRow => ({
  node,
  result: 'planned',
  roleBefore: 'leader',
  imageBefore: 'standin',
  imageAfter: 'standin',
  wal: '',
  handover: '',
});

beforeAll(async () => {
  bin = execFileSync('bash', [join(ROOT, 'lab/elastickv-standin/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  }).trim();
  data = join(tmp('raftroll-groups-'), 'data');
  const inventory = `
engine: elastickv
nodes:
${NODES.map((n, i) => `  - { id: ${n}, host: ${ip(i + 1)}, vars: { groups: "${groupsFlag(i + 1)}" } }`).join('\n')}
container:
  name: elastickv
  image: standin
  dataDir: ${data}
  args: ['/app', '--raftId', '{{id}}', '--raftGroups', '{{vars.groups}}']
`;
  session = await ClusterSession.open(parseInventory(inventory, 'groups.yml'));
  // The nodes are local processes: each node's "SSH connection" is this machine.
  const hosts = (session as unknown as { hosts: Map<string, Host> }).hosts;
  for (const n of NODES) hosts.set(n, new LocalHost(n));
  for (let k = 1; k <= 3; k++) startNode(k);
}, 660_000);

afterAll(async () => {
  await Promise.all(extraClients.map((c) => c.close().catch(() => {})));
  await session?.close();
  for (const p of procs.values()) {
    p.child.kill('SIGKILL');
    await p.exit;
  }
  cleanupTmp();
});

describe('three stand-in nodes x three Raft groups, through raftroll', () => {
  it('observes every group on every node: one leader per group, lag against that leader', async () => {
    const views = await settled();
    for (const v of views) {
      expect(v.groups!.map((g) => g.id)).toEqual(GROUPS);
      for (const g of v.groups!) {
        expect(g.raft!.id).toBe(v.id);
        expect(g.raft!.commitIndex).toBeGreaterThan(0);
        expect(g.raft!.lastSnapshotIndex).toBeGreaterThanOrEqual(0);
        expect(g.lag).toBeGreaterThanOrEqual(0);
      }
      expect(v.lag).toBe(Math.max(...v.groups!.map((g) => g.lag!)));
    }
    for (const n of NODES) expect(quorumGuard(n, views, { maxLag: 50 })).toBeUndefined();
    // grpc.health.v1 on each group's listener: SERVING on that group's leader only.
    for (const g of GROUPS) {
      for (const n of session.inv.nodes) {
        const h = await waitFor(
          `health of ${n.id} in group ${g}`,
          async () => {
            const x = await (await session.raft(n, g)).health!('RawKV');
            return x === (leaderOf(views, g) === n.id ? 'serving' : 'not-serving') ? x : undefined;
          },
          3_000,
        );
        expect(h).toBeDefined();
      }
    }
    const json = JSON.parse(JSON.stringify(views.map(withGroups)));
    for (const [k, v] of json.entries()) {
      expect(Object.keys(v.groups[0]).sort()).toEqual(
        ['appliedIndex', 'commitIndex', 'id', 'lag', 'leaderId', 'role', 'term'].sort(),
      );
      expect(v.groups.map((g: { term: number }) => g.term)).toEqual(
        views[k]!.groups!.map((g) => g.raft!.term),
      );
    }
    const lines = views.map(statusLine);
    for (const g of GROUPS) {
      const who = leaderOf(views, g);
      expect(lines.find((l) => l.startsWith(`${who} `))).toMatch(
        new RegExp(`groups=3; leads [0-9,]*${g}`),
      );
    }
  });

  it('hands over every group a node leads, and only those', async () => {
    await moveLeader(1, 'n1');
    await moveLeader(3, 'n1');
    await moveLeader(2, 'n2');
    const before = await settled();
    expect(GROUPS.map((g) => leaderOf(before, g))).toEqual(['n1', 'n2', 'n1']);

    const ctx = contextFor('n1');
    expect(await leadsNow(ctx, before.find((v) => v.id === 'n1')!, false)).toBe(true);
    const r = row('n1');
    const said = await handover(ctx, before, r);
    expect(r.groupHandovers!.map((h) => [h.group, h.from])).toEqual([
      [1, 'n1'],
      [3, 'n1'],
    ]);
    for (const h of r.groupHandovers!) {
      expect(['n2', 'n3']).toContain(h.to);
      expect(h.ms).toBeGreaterThanOrEqual(0);
    }
    expect(said).toBe(r.groupHandovers!.map((h) => `group ${h.group} to ${h.to}`).join(', '));

    const after = await settled();
    expect(GROUPS.map((g) => leaderOf(after, g))).not.toContain('n1');
    // Group 2 was never n1's: it kept its leader.
    expect(leaderOf(after, 2)).toBe('n2');
    expect(await leadsNow(ctx, after.find((v) => v.id === 'n1')!, false)).toBe(false);
    // Health agrees on every group: n1's listeners say NOT_SERVING.
    for (const g of GROUPS) {
      const c = await session.raft(session.inv.nodes[0]!, g);
      await waitFor(`n1 NOT_SERVING in group ${g}`, async () =>
        (await c.health!('RawKV')) === 'not-serving' ? true : undefined,
      );
    }
  });

  it('never picks a learner, though it reports itself a follower and would be tried first', async () => {
    await moveLeader(2, 'n1');
    // A fourth process joins group 2 as a learner, added through raftroll's client.
    start('n4', [
      '--raftId',
      'n4',
      '--raftEngine',
      'etcd',
      '--raftDataDir',
      data,
      '--raftGroups',
      `2=${addr(4, 2)}`,
      '--raftJoinAsLearner',
      '--raftJoinMembers',
      `n1=${addr(1, 2)},n4=${addr(4, 2)}`,
    ]);
    const n1 = session.inv.nodes[0]!;
    const lead = await session.raft(n1, 2);
    await lead.addLearner('n4', addr(4, 2));
    const n4 = new ElastickvClient(await new LocalHost().tunnel(ip(4), port(4, 2)), 'n4', 'n4');
    extraClients.push(n4);
    const members = await lead.members();
    expect(members.find((m) => m.id === 'n4')).toMatchObject({ voter: false });

    const learnerViews = () =>
      waitFor(
        'the learner to catch up',
        async () => {
          const vs = await settled();
          const s = await n4.status(1000);
          if (s.role !== 'follower' || s.leaderId !== 'n1') return;
          const v4: NodeView = {
            id: 'n4',
            ssh: 'n4',
            reachable: true,
            container: RUNNING,
            groups: [{ id: 2, raft: s }],
          };
          // The learner first in line: without the suffrage rule it would be the first target.
          const all = [v4, ...vs];
          computeLags(all);
          return v4.lag! <= 5 ? all : undefined;
        },
        30_000,
      );
    await learnerViews();
    // Leadership changes append entries: a few, until group 2's leader has written a snapshot.
    for (let k = 0; k < 10 && !(await lead.status()).lastSnapshotIndex; k++) {
      await moveLeader(2, 'n2');
      await moveLeader(2, 'n1');
    }
    const snap = (await lead.status()).lastSnapshotIndex!;
    expect(snap).toBeGreaterThan(0);
    const views = await learnerViews();
    expect(handoverCandidates('n1', projectGroup(views, 2), { maxLag: 50 })[0]!.id).toBe('n4');

    const r = row('n1');
    const ctx = contextFor('n1');
    await handover(ctx, views, r);
    expect(r.groupHandovers).toHaveLength(1);
    expect(r.groupHandovers![0]).toMatchObject({ group: 2, from: 'n1' });
    expect(['n2', 'n3']).toContain(r.groupHandovers![0]!.to);
    // Not even tried: a transfer to the learner would have failed and been warned about.
    expect(ctx.events.log.filter((e) => e.type === 'warning')).toEqual([]);
    expect((await n4.status()).leaderId).toBe(r.groupHandovers![0]!.to);
    expect((await n4.status()).role).toBe('follower');
    const to = projectGroup(views, 2).find((v) => v.id === r.groupHandovers![0]!.to)!;
    expect(to.raft!.lastLogIndex).toBeGreaterThanOrEqual(snap);
  });

  it('moves a group in one gated request to the first candidate fit to lead, and refuses when none is', async () => {
    await moveLeader(1, 'n1');
    const n1 = new ElastickvClient(await new LocalHost().tunnel(ip(1), port(1, 1)), 'n1', 'n1');
    extraClients.push(n1);
    const ms = await n1.members();
    const n3 = ms.find((m) => m.id === 'n3')!;
    const stranger = { id: 'n9', name: 'n9', address: '127.0.0.9:1', voter: true };
    // n9 is no member, so the leader's own progress passes over it to n3.
    await n1.transferLeadership(stranger, 10_000, {
      maxLag: 50,
      candidates: [stranger, n3].map(({ id, address }) => ({ id, address })),
    });
    expect(n1.gatedTransfers).toBe(true);
    expect(leaderOf(await settled(), 1)).toBe('n3');

    const n3c = new ElastickvClient(await new LocalHost().tunnel(ip(3), port(3, 1)), 'n3', 'n3');
    extraClients.push(n3c);
    const refused = await n3c
      .transferLeadership(stranger, 10_000, { maxLag: 50, candidates: [stranger] })
      .catch((e) => e);
    expect(refused.message).toMatch(/FAILED_PRECONDITION: .*no healthy target: n9 has no progress/);
    expect(leaderOf(await settled(), 1)).toBe('n3');
  });
});
