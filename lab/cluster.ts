// The cluster the lab runs: one container per host, started from the engine's run spec with
// the product's own `docker run` builder.

import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envFileText, runContainer, startContainer } from '../src/runtime/docker.js';
import { hostIp, LAB_LABEL, nodeId, nodeUid } from './config.js';
import { docker, inspect } from './docker.js';
import type { LabEngine, RaftView, RunOptions } from './engine.js';
import { waitFor } from './wait.js';

/** `docker run` of node i as the engine specifies it, marked as the lab's. */
export async function runNode(
  engine: LabEngine,
  i: number,
  hosts: number[],
  opts: RunOptions = {},
): Promise<void> {
  const spec = engine.runSpec(i, hosts, opts);
  spec.labels = { ...spec.labels, [LAB_LABEL]: '1' };
  // As the product does it: the env reaches the container through a root-only --env-file.
  const dir = mkdtempSync(join(tmpdir(), 'raftroll-lab-env-'));
  try {
    const file = join(dir, 'env');
    writeFileSync(file, envFileText(spec.env), { mode: 0o600 });
    await docker(i, runContainer(spec, file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates node i's data directory, owned by the node's own uid, then runs the node. */
export async function startNode(engine: LabEngine, i: number, hosts: number[]): Promise<void> {
  const dir = engine.dataDir(i);
  mkdirSync(dir, { recursive: true });
  chownSync(dir, nodeUid(i), nodeUid(i));
  chmodSync(dir, 0o700);
  await runNode(engine, i, hosts);
}

/**
 * Starts every missing node, waits until every Raft group has a leader all nodes see, lets the
 * engine settle (elastickv spreads its group leaders), and waits for agreement again.
 */
export async function ensureCluster(engine: LabEngine, hosts: number[]): Promise<void> {
  await Promise.all(
    hosts.map(async (i) => {
      const c = await inspect(i, engine.container);
      if (!c) await startNode(engine, i, hosts);
      else if (!c.State.Running) await docker(i, startContainer(engine.container));
    }),
  );
  await waitHealthy(engine, hosts);
  if (engine.settle) {
    await engine.settle(hosts);
    await waitHealthy(engine, hosts);
  }
}

/** The leader of each group, by group, once every node sees the same one in every group. */
export async function waitHealthy(
  engine: LabEngine,
  hosts: number[],
  timeoutMs = 45_000,
): Promise<Map<number, string>> {
  const what =
    engine.groups.length > 1
      ? `each of the ${engine.name} cluster's ${engine.groups.length} Raft groups to elect a leader seen by every node`
      : `the ${engine.name} cluster to elect a leader seen by every node`;
  return waitFor(
    what,
    async () => {
      const views = await Promise.all(
        hosts.map((i) =>
          Promise.all(engine.groupEndpoints(i).map((g) => engine.api.status(g.endpoint, 1500))),
        ),
      );
      const leaders = new Map<number, string>();
      for (const [k, g] of engine.groups.entries()) {
        const leader = views[0]?.[k]?.leader;
        if (!leader || !views.every((v) => v[k]?.leader === leader)) return undefined;
        leaders.set(g, leader);
      }
      return leaders;
    },
    timeoutMs,
    200,
  );
}

export type GroupRaft = (RaftView & { role: 'leader' | 'follower' }) | { error: string };

export interface StatusRow {
  node: string;
  host: string;
  container:
    | {
        status: string;
        running: boolean;
        restarting: boolean;
        oomKilled: boolean;
        exitCode: number;
        restartCount: number;
        image: string;
        imageId: string;
        memory: number;
        env: string[];
      }
    | undefined;
  /** The first group's view (the node's only one, for single-group engines). */
  raft: GroupRaft | undefined;
  /** Every group's view, in the engine's group order. */
  groups: { group: number; raft: GroupRaft }[];
  hostUp?: boolean;
}

/** One row per node: host, container and Raft facts, each fetched independently. */
export async function clusterStatus(engine: LabEngine, hosts: number[]): Promise<StatusRow[]> {
  return Promise.all(
    hosts.map(async (i) => {
      const row: StatusRow = {
        node: nodeId(i),
        host: hostIp(i),
        container: undefined,
        raft: undefined,
        groups: [],
      };
      const c = await inspect(i, engine.container).catch(() => undefined);
      if (c) {
        row.container = {
          status: c.State.Status,
          running: c.State.Running,
          restarting: c.State.Restarting,
          oomKilled: c.State.OOMKilled,
          exitCode: c.State.ExitCode,
          restartCount: c.RestartCount,
          image: c.Config.Image,
          imageId: c.Image,
          memory: c.HostConfig.Memory,
          env: c.Config.Env,
        };
      }
      row.groups = await Promise.all(
        engine.groupEndpoints(i).map(async ({ group, endpoint }) => {
          try {
            const s = await engine.api.status(endpoint, 1500);
            const role = s.memberId === s.leader ? ('leader' as const) : ('follower' as const);
            return { group, raft: { ...s, role } };
          } catch (e) {
            return { group, raft: { error: (e as Error).message } };
          }
        }),
      );
      row.raft = row.groups[0]?.raft;
      return row;
    }),
  );
}
