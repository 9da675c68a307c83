// elastickv through its gRPC service RaftAdmin (plaintext HTTP/2 on the node's --address),
// reached through the node's SSH tunnel.

import * as grpc from '@grpc/grpc-js';
import type { Tunnel } from '../remote/host.js';
import * as pb from './elastickv-pb.js';
import type { TransferGate } from './engine.js';
import {
  type Health,
  type Member,
  type NodeStatus,
  RaftAdminError,
  type RaftClient,
  type Role,
} from './engine.js';

const ident = (b: Buffer) => b;

export class ElastickvClient implements RaftClient {
  private readonly client: grpc.Client;
  private gated: boolean | undefined;

  constructor(
    private readonly tunnel: Tunnel,
    private readonly label: string,
    /** This node's raft id, which Status does not report. */
    private readonly selfId: string,
  ) {
    this.client = new grpc.Client(`unix://${tunnel.socketPath}`, grpc.credentials.createInsecure());
  }

  private call<T>(
    method: string,
    request: Buffer,
    decode: (b: Buffer) => T,
    timeoutMs: number,
  ): Promise<T> {
    return this.callPath(pb.SERVICE, method, request, decode, timeoutMs);
  }

  private callPath<T>(
    service: string,
    method: string,
    request: Buffer,
    decode: (b: Buffer) => T,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/${service}/${method}`,
        ident,
        ident,
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, value) => {
          if (err) {
            const code = grpc.status[err.code] ?? String(err.code);
            reject(
              new RaftAdminError(
                `${this.label}: ${service}/${method}: ${code}: ${err.details || err.message}`,
                code,
              ),
            );
          } else {
            try {
              resolve(decode(value ?? Buffer.alloc(0)));
            } catch (e) {
              reject(new Error(`${this.label}: ${service}/${method}: ${(e as Error).message}`));
            }
          }
        },
      );
    });
  }

  async status(timeoutMs = 3000): Promise<NodeStatus> {
    const s = await this.call('Status', pb.empty(), pb.decodeStatus, timeoutMs);
    return {
      id: this.selfId,
      role: (pb.STATE_NAMES[s.state] ?? 'unknown') as Role,
      leaderId: s.leaderId || undefined,
      term: s.term,
      commitIndex: s.commitIndex,
      appliedIndex: s.appliedIndex,
      lastLogIndex: s.lastLogIndex,
      lastSnapshotIndex: s.lastSnapshotIndex,
    };
  }

  async members(timeoutMs = 3000): Promise<Member[]> {
    const servers = await this.call('Configuration', pb.empty(), pb.decodeConfiguration, timeoutMs);
    return servers.map((m) => ({
      id: m.id,
      name: m.id,
      address: m.address,
      voter: m.suffrage.toLowerCase() !== 'nonvoter' && m.suffrage.toLowerCase() !== 'learner',
    }));
  }

  /**
   * Hands leadership to `target`, or with a gate to the first of `gate.candidates` that the
   * leader itself finds a recently active voter within `gate.maxLag` entries of its log
   * (elastickv's gated transfer: it refuses, FAILED_PRECONDITION, before pausing any write when
   * none is). The server answers once the new leader leads. A server that predates the gated
   * fields refuses the gated form as malformed without acting (see encodeTransfer); the
   * transfer is then made to `target` the old way, and this client asks that node the old way
   * from then on.
   */
  async transferLeadership(target: Member, timeoutMs = 15_000, gate?: TransferGate): Promise<void> {
    if (gate && this.gated !== false) {
      const bad = gate.candidates.find((c) => !c.id || !c.address);
      if (!gate.candidates.length || bad)
        throw new Error(
          `${this.label}: a gated transfer needs candidates with an id and an address; got ${bad ? `"${bad.id}" at "${bad.address}"` : 'none'}`,
        );
      try {
        await this.call(
          'TransferLeadership',
          pb.encodeTransfer(target.id, '', gate),
          () => undefined,
          timeoutMs,
        );
        this.gated = true;
        return;
      } catch (e) {
        // The candidates are well formed (checked above): INVALID_ARGUMENT means the server did
        // not read the gated fields.
        if (!(e instanceof RaftAdminError && e.code === 'INVALID_ARGUMENT')) throw e;
        this.gated = false;
      }
    }
    // The server blocks until the target leads (or the transfer aborts); the deadline bounds it.
    await this.call(
      'TransferLeadership',
      pb.encodeTransfer(target.id, target.address),
      () => undefined,
      timeoutMs,
    );
  }

  /** Whether this node's server reads gated transfers: unknown until one was asked for. */
  get gatedTransfers(): boolean | undefined {
    return this.gated;
  }

  async removeMember(member: Member, timeoutMs = 10_000): Promise<void> {
    await this.call('RemoveServer', pb.encodeRemove(member.id), pb.decodeChange, timeoutMs);
  }

  async addLearner(name: string, address: string, timeoutMs = 10_000): Promise<Member> {
    // elastickv names a member by its raft id.
    await this.call('AddLearner', pb.encodeAddLearner(name, address), pb.decodeChange, timeoutMs);
    return { id: name, name, address, voter: false };
  }

  async promoteLearner(member: Member, minAppliedIndex: number, timeoutMs = 10_000): Promise<void> {
    // The server refuses a promotion without a catch-up floor; give it the leader's commit.
    await this.call(
      'PromoteLearner',
      pb.encodePromote(member.id, minAppliedIndex),
      pb.decodeChange,
      timeoutMs,
    );
  }

  async health(service = 'RawKV', timeoutMs = 3000): Promise<Health | undefined> {
    try {
      const st = await this.callPath(
        pb.HEALTH_SERVICE,
        'Check',
        pb.encodeHealthCheck(service),
        pb.decodeHealthCheck,
        timeoutMs,
      );
      return pb.HEALTH_NAMES[st] ?? 'unknown';
    } catch (e) {
      // A node without Health (or without this service name): the caller asks Status instead.
      if (e instanceof RaftAdminError && (e.code === 'UNIMPLEMENTED' || e.code === 'NOT_FOUND'))
        return undefined;
      throw e;
    }
  }

  async close(): Promise<void> {
    this.client.close();
    await this.tunnel.close();
  }
}
