// The lab's elastickv cluster: the elastickv stand-in (lab/elastickv-standin), one container
// named `elastickv` per host running several Raft groups, each on a listener of its own. Run
// as elastickv runs: `/app` as the command, host networking, data bind-mounted at the same
// path, a memory limit and GOMEMLIMIT, and no SIGTERM handler (exit 2 at once).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunSpec } from '../../src/runtime/docker.js';
import { HOST_DATA, hostIp, hostPaths, nodeId, nodeUid, ROOT } from '../config.js';
import type {
  ImageSource,
  ImageTag,
  InventoryShared,
  LabEngine,
  RaftView,
  RunOptions,
} from '../engine.js';
import { packRootfs } from '../images.js';
import { waitFor } from '../wait.js';
import { elastickvApi, transferLeadership } from './elastickv-api.js';
import {
  checkGroups,
  DEFAULT_GROUPS,
  groupAddress,
  groupPort,
  routePrefix,
  shardRanges,
} from './elastickv-layout.js';

const CONTAINER = 'elastickv';
const IMAGE_REPO = 'raftroll-lab/elastickv';
/** The data directory on every host, bind-mounted at the same path (elastickv's preset). */
const DATA_DIR = `${HOST_DATA}/elastickv`;
const MEMORY = '2500m';
const GOMEMLIMIT = '1800MiB';
/** The stand-in writes its WAL with etcd 3.4's wal package (Debian's), not elastickv's 3.7. */
const ETCD_VERSION = '3.4';
const BUILD_SCRIPT = join(ROOT, 'lab/elastickv-standin/build.sh');

let building: Promise<string> | undefined;

/** The static stand-in binary, built once per process by its own build script. */
function standinBinary(): Promise<string> {
  building ??= promisify(execFile)('bash', [BUILD_SCRIPT], { maxBuffer: 1 << 24 }).then(
    ({ stdout }) => stdout.trim().split('\n').at(-1)!,
    (e: Error & { stderr?: string }) => {
      throw new Error(`building the elastickv stand-in failed: ${e.stderr?.trim() || e.message}`);
    },
  );
  return building;
}

const images = new Map<ImageTag, Promise<ImageSource>>();

async function buildImage(tag: ImageTag): Promise<ImageSource> {
  const tarball = await packRootfs(CONTAINER, tag, new Map([[await standinBinary(), '/app']]));
  return {
    tarball,
    changes: [
      // No entrypoint: the command line starts with /app, as elastickv's image is run.
      'CMD ["/app"]',
      `ENV RAFTROLL_LAB_IMAGE=${tag}`,
      // :broken starts and exits 1 at once whatever its arguments: the image for rollbacks.
      ...(tag === 'broken' ? ['ENV ELASTICKV_STANDIN_BROKEN=image'] : []),
      `LABEL org.raftroll.lab.version=${tag}`,
    ],
  };
}

/** Every node of every group, as --raftGroupPeers takes them: the same on every node. */
function groupPeers(hosts: number[], groups: readonly number[]): string {
  return groups
    .map((g) => `${g}=${hosts.map((h) => `${nodeId(h)}@${groupAddress(h, g)}`).join(',')}`)
    .join(';');
}

/** Every node of the one group, as --raftBootstrapMembers takes them. */
function bootstrapMembers(hosts: number[]): string {
  return hosts.map((h) => `${nodeId(h)}=${groupAddress(h, 1)}`).join(',');
}

/**
 * The command line after /app, with `host`, `id`, `dataDir` and the founding members as given:
 * literal values for the lab's own containers, {{placeholders}} for the inventory. One group runs
 * as elastickv's deploy script runs a node (--address, --raftBootstrapMembers), so that a fresh
 * node can join it; several run on --raftGroups and --raftGroupPeers.
 */
function standinArgs(
  host: string,
  id: string,
  dataDir: string,
  members: string,
  hosts: number[],
  groups: readonly number[],
): string[] {
  const raft =
    groups.length === 1
      ? ['--address', `${host}:${groupPort(groups[0]!)}`, '--raftBootstrapMembers', members]
      : [
          '--raftGroups',
          groups.map((g) => `${g}=${host}:${groupPort(g)}`).join(','),
          '--raftGroupPeers',
          groupPeers(hosts, groups),
        ];
  return [
    '/app',
    '--raftId',
    id,
    '--raftEngine',
    'etcd',
    '--raftDataDir',
    dataDir,
    ...raft,
    '--shardRanges',
    shardRanges(groups.length),
    '--standinSigtermExit2',
  ];
}

/** The group leader that node-spread wants: group g on the g-th node, round the ring. */
export function wantedLeaders(hosts: number[], groups: readonly number[]): Map<number, number> {
  return new Map(groups.map((g, k) => [g, hosts[k % hosts.length]!]));
}

export interface ElastickvEngine extends LabEngine {
  /** The Raft view of every group of node i. */
  groupViews(i: number, timeoutMs: number): Promise<{ group: number; view: RaftView }[]>;
}

export function elastickvEngine(groupCount = DEFAULT_GROUPS): ElastickvEngine {
  const groups = Array.from({ length: checkGroups(groupCount) }, (_, k) => k + 1);
  const multi = groups.length > 1;
  const engine: ElastickvEngine = {
    name: 'elastickv',
    container: CONTAINER,
    api: elastickvApi,
    groups,
    oomSignal: 'SIGUSR1',

    image: (tag) => `${IMAGE_REPO}:${tag}`,

    imageSource(tag) {
      let b = images.get(tag);
      if (!b) {
        b = buildImage(tag);
        images.set(tag, b);
      }
      return b;
    },

    runSpec(i, hosts, { image, memory = MEMORY }: RunOptions = {}): RunSpec {
      return {
        name: CONTAINER,
        image: image ?? engine.image('a'),
        restart: 'unless-stopped',
        network: 'host',
        user: String(nodeUid(i)),
        memory,
        volumes: [`${DATA_DIR}:${DATA_DIR}`],
        labels: {},
        env: { GOMEMLIMIT },
        args: standinArgs(hostIp(i), nodeId(i), DATA_DIR, bootstrapMembers(hosts), hosts, groups),
      };
    },

    dataDir: (i) => join(hostPaths(i).data, 'elastickv'),

    // One directory per group only when there are several, as elastickv lays them out.
    walDirs: (i, dataDir = engine.dataDir(i)) =>
      multi
        ? groups.map((g) => join(dataDir, nodeId(i), `group-${g}`, 'wal'))
        : [join(dataDir, nodeId(i), 'wal')],

    endpoint: (i) => groupAddress(i, groups[0]!),

    groupEndpoints: (i) => groups.map((g) => ({ group: g, endpoint: groupAddress(i, g) })),

    loadLanes: (prefix, hosts) =>
      groups.map((g) => ({
        group: g,
        prefix: `${routePrefix(g)}${prefix}`,
        endpoints: hosts.map((h) => groupAddress(h, g)),
      })),

    // Raft and client traffic share each group's listener, so a partition cuts both.
    peerPorts: () => groups.map(groupPort),

    async groupViews(i, timeoutMs) {
      return Promise.all(
        groups.map(async (g) => ({
          group: g,
          view: await elastickvApi.status(groupAddress(i, g), timeoutMs),
        })),
      );
    },

    /** Moves each group's leadership to its wanted node, so every node leads some group. */
    async settle(hosts) {
      for (const [g, want] of wantedLeaders(hosts, groups)) {
        const target = nodeId(want);
        await waitFor(
          `group ${g}'s leadership to move to ${target}`,
          async () => {
            const s = await elastickvApi.status(groupAddress(hosts[0]!, g), 1500);
            if (s.leader === target) return true;
            const from = hosts.find((h) => nodeId(h) === s.leader);
            if (from === undefined) return false;
            await transferLeadership(groupAddress(from, g), target, groupAddress(want, g), 5000);
            return false;
          },
          30_000,
          200,
        );
      }
    },

    inventory: (hosts, shared: InventoryShared) => ({
      engine: 'elastickv',
      etcdVersion: ETCD_VERSION,
      nodes: shared.nodes,
      ssh: shared.ssh,
      container: {
        name: CONTAINER,
        image: engine.image('a'),
        dataDir: DATA_DIR,
        restart: 'unless-stopped',
        network: 'host',
        user: '{{vars.uid}}',
        memory: MEMORY,
        defaultEnv: [`GOMEMLIMIT=${GOMEMLIMIT}`],
        volumes: ['{{dataDir}}:{{dataDir}}'],
        // raftroll fills {{raftMembers}} from the inventory's nodes: the same list as the lab's.
        args: standinArgs('{{host}}', '{{id}}', '{{dataDir}}', '{{raftMembers}}', hosts, groups),
      },
      ports: { admin: groupPort(groups[0]!) },
    }),
  };
  return engine;
}
