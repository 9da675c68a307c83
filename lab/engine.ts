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
 * strings (from `endpoint`), since the load runs in a process of its own.
 */
export interface LabApi {
  /** Resolves only once the write is acknowledged. */
  put(endpoint: string, key: string, value: string, timeoutMs: number): Promise<void>;
  get(endpoint: string, key: string, timeoutMs: number): Promise<string | undefined>;
  /** Every key under prefix, in one linearizable read. */
  keys(endpoint: string, prefix: string, timeoutMs: number): Promise<Set<string>>;
  status(endpoint: string, timeoutMs: number): Promise<RaftView>;
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
   * Node i's WAL directories under dataDir (one per Raft group). The first is the one the
   * torn-tail and corrupt faults damage.
   */
  walDirs(i: number, dataDir?: string): string[];
  /** Where the client API of node i answers. */
  endpoint(i: number): string;
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
