// What raftroll asks a Raft cluster, whatever the engine: one client per node, reached through
// that node's Host tunnel.

export type Role = 'leader' | 'follower' | 'candidate' | 'learner' | 'shutdown' | 'unknown';

export interface NodeStatus {
  /** The engine's id for this member (etcd: decimal member id; elastickv: raft id). */
  id: string;
  role: Role;
  /** The leader this node follows; undefined when it knows none. */
  leaderId: string | undefined;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  /** Highest log index this node holds, where the engine reports it. */
  lastLogIndex: number | undefined;
  /** Highest index covered by this node's last snapshot, where the engine reports it. */
  lastSnapshotIndex?: number;
}

/** grpc.health.v1's answer: elastickv says SERVING on a group's listener while that group leads. */
export type Health = 'serving' | 'not-serving' | 'unknown';

export interface Member {
  id: string;
  name: string;
  /** Where peers reach it (etcd peer URL, elastickv raft address). */
  address: string;
  voter: boolean;
}

/** A transfer the leader gates on its own view: the first candidate within maxLag takes over. */
export interface TransferGate {
  maxLag: number;
  candidates: { id: string; address: string }[];
}

export interface RaftClient {
  status(timeoutMs?: number): Promise<NodeStatus>;
  members(timeoutMs?: number): Promise<Member[]>;
  /**
   * Asks this node (which must lead) to hand leadership to target, and waits until it has. An
   * engine whose leader can gate the transfer itself (elastickv) takes `gate` and may pick another
   * of its candidates; the others ignore it.
   */
  transferLeadership(target: Member, timeoutMs?: number, gate?: TransferGate): Promise<void>;
  // Membership changes, asked of the leader (used only by the opt-in re-seed of a member).
  removeMember(member: Member, timeoutMs?: number): Promise<void>;
  /** Adds a non-voting learner; it gains a vote only through promoteLearner. */
  addLearner(name: string, address: string, timeoutMs?: number): Promise<Member>;
  /** Promotes a learner once its log reaches minAppliedIndex (the engine refuses it earlier). */
  promoteLearner(member: Member, minAppliedIndex: number, timeoutMs?: number): Promise<void>;
  /**
   * grpc.health.v1 Check of `service`; undefined where the server does not implement Health, so
   * the caller falls back to Status. Only engines that serve it have the method.
   */
  health?(service?: string, timeoutMs?: number): Promise<Health | undefined>;
  close(): Promise<void>;
}

/** The engine refused (not leader, target lagging, aborted...): a clear message, no retry implied. */
export class RaftAdminError extends Error {
  override name = 'RaftAdminError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
