// What the lab needs to know about the database it runs. Hosts, faults, the load and the
// inventory file are the same for every engine; everything below differs between engines, and
// each engine is one implementation of this interface (see engines/).

import type { RunSpec } from '../src/runtime/docker.js';

/** The images every engine provides: two good builds with different IDs, and one that fails. */
export const IMAGE_TAGS = ['a', 'b', 'broken'] as const;
export type ImageTag = (typeof IMAGE_TAGS)[number];

/** An image as `docker import` takes it: a root filesystem tarball and its --change lines. */
export interface ImageSource {
  tarball: string;
  changes: string[];
}

/** One node's Raft view, as `lab status` prints it. */
export interface RaftView {
  memberId: string | undefined;
  /** The leader this node follows; undefined while it knows none. */
  leader: string | undefined;
  raftTerm: number;
  raftIndex: number;
  raftAppliedIndex: number;
  /** Anything else the engine reports, printed as is. */
  [more: string]: unknown;
}

/**
 * The engine's client API, as the load generator and the leader checks use it. Endpoints are
 * strings (from `endpoint` or `groupEndpoints`), since the load runs in a process of its own.
 */
export interface LabApi {
  /** Resolves only once the write is acknowledged. */
  put(endpoint: string, key: string, value: string, timeoutMs: number): Promise<void>;
  get(endpoint: string, key: string, timeoutMs: number): Promise<string | undefined>;
  /**
   * Which of `keys` (all under prefix) the cluster holds, by linearizable reads: one range
   * read where the engine has one, else one read per key.
   */
  readBack(
    endpoint: string,
    prefix: string,
    keys: readonly string[],
    timeoutMs: number,
  ): Promise<Set<string>>;
  /** The Raft view of the group whose endpoint this is. */
  status(endpoint: string, timeoutMs: number): Promise<RaftView>;
  /**
   * Drops the connections the API keeps open. A channel still redialling a node that does not
   * answer (a partition) would otherwise keep a finished command from exiting.
   */
  close?(): void;
}

/** Where one Raft group of a node answers. */
export interface GroupEndpoint {
  group: number;
  endpoint: string;
}

/** One writer of the load: keys under prefix that land in one Raft group. */
export interface LoadLane {
  group: number;
  prefix: string;
  /** The group's endpoints on every node, tried in turn. */
  endpoints: string[];
}

export interface RunOptions {
  /** Defaults to the image tagged `a`. */
  image?: string;
  /** Docker memory limit; the engine's default when undefined. */
  memory?: string;
}

export interface LabEngine {
  /** The name `up --engine` takes and the inventory's `engine`. */
  readonly name: string;
  /** The container's name on every host. */
  readonly container: string;
  readonly api: LabApi;
  image(tag: ImageTag): string;
  /** Builds the tagged image's source (at most once per process, whoever asks). */
  imageSource(tag: ImageTag): Promise<ImageSource>;
  /** Node i of the cluster `hosts` as one container; the lab's label is added by the caller. */
  runSpec(i: number, hosts: number[], opts?: RunOptions): RunSpec;
  /** Node i's data directory, as this machine's filesystem shows it. */
  dataDir(i: number): string;
  /**
   * Node i's WAL directories under dataDir, one per Raft group in the order of `groups`. The
   * torn-tail and corrupt faults damage one of them (the first group's unless told otherwise).
   */
  walDirs(i: number, dataDir?: string): string[];
  /** Where the client API of node i answers (its first group's endpoint). */
  endpoint(i: number): string;
  /** The Raft groups every node runs, in order; walDirs and groupEndpoints follow it. */
  readonly groups: readonly number[];
  /** Where each Raft group of node i answers. */
  groupEndpoints(i: number): GroupEndpoint[];
  /** The load's writers: together they write keys into every group. */
  loadLanes(prefix: string, hosts: number[]): LoadLane[];
  /**
   * Called once every group has a leader all nodes see, before `up` reports ready: what the
   * engine needs to settle (elastickv spreads group leaders over the nodes).
   */
  settle?(hosts: number[]): Promise<void>;
  /** A signal that makes the node's process eat memory: the oom fault sends it. */
  readonly oomSignal?: NodeJS.Signals;
  /** The ports of node i's Raft traffic with its peers, which a partition drops. */
  peerPorts(i: number): number[];
  /** The inventory that describes the lab as production is described, given its shared parts. */
  inventory(hosts: number[], shared: InventoryShared): Record<string, unknown>;
}

/** The parts of the inventory that are the same for every engine. */
export interface InventoryShared {
  nodes: { id: string; host: string; ssh: string; vars: Record<string, string> }[];
  ssh: { identityFile: string; knownHostsFile: string; sudo: boolean };
}
