// A stand-in for elastickv's RaftAdmin service, because elastickv itself cannot run here. It
// speaks the real wire protocol: gRPC over HTTP/2, the service path /RaftAdmin/<Method>, and
// protobuf messages with the field numbers of elastickv's proto/service.proto, and it fails the
// way elastickv's server fails (status codes and messages from its admin server).

import * as grpc from '@grpc/grpc-js';
import * as pb from '../../src/raft/elastickv-pb.js';

export interface FakeNode {
  id: string;
  address: string;
  applied: number;
  /** When true, a transfer to this node aborts as elastickv's does for a lagging target. */
  lagging?: boolean;
  /** "voter" (the default) or "learner", as elastickv's Configuration reports it. */
  suffrage?: string;
}

type Call = grpc.ServerUnaryCall<Buffer, Buffer>;
type Reply = grpc.sendUnaryData<Buffer>;
const fail = (code: grpc.status, details: string) => ({ code, details }) as grpc.ServiceError;
const invalid = (details: string) => fail(grpc.status.INVALID_ARGUMENT, details);
const precondition = (details: string) => fail(grpc.status.FAILED_PRECONDITION, details);
const notLeader = () => precondition('etcd raft engine is not leader');

export class FakeCluster {
  term = 3;
  commit = 100;
  leader: string;
  private servers: grpc.Server[] = [];
  readonly ports = new Map<string, number>();

  /** Every TransferLeadership request, with the node it was sent to. */
  readonly transfers: ({ node: string } & pb.TransferRequest)[] = [];

  /**
   * `gated: false` is an elastickv from before the gated transfer: like any proto3 server it
   * drops the fields it does not know (gated, max_lag, target_candidates).
   */
  constructor(
    readonly nodes: FakeNode[],
    readonly gated = true,
  ) {
    this.leader = nodes[0]!.id;
  }

  private moveTo(target: FakeNode): void {
    this.leader = target.id;
    this.term++;
  }

  /**
   * elastickv's gated transfer: the candidates in order (else the legacy pair), and the first
   * that is a voter and not lagging takes over; none, and it refuses before starting anything.
   */
  private gatedTransfer(node: FakeNode, req: pb.TransferRequest, cb: Reply) {
    if (req.candidates.some((c) => !c.id || !c.address))
      return cb(invalid('target_candidates require target_id and target_address'), null);
    const candidates = req.candidates.length
      ? req.candidates
      : req.targetId && req.targetAddress
        ? [{ id: req.targetId, address: req.targetAddress }]
        : [];
    if (!candidates.length)
      return cb(
        invalid(
          'gated leadership transfer requires target_candidates or target_id and target_address',
        ),
        null,
      );
    if (node.id !== this.leader) return cb(notLeader(), null);
    const target = candidates
      .map((c) => this.nodes.find((n) => n.id === c.id))
      .find((n) => n && n.id !== node.id && (n.suffrage ?? 'voter') === 'voter' && !n.lagging);
    if (!target)
      return cb(precondition('etcd raft leadership transfer has no healthy target'), null);
    setTimeout(() => {
      this.moveTo(target);
      cb(null, pb.empty());
    }, 50);
  }

  async start(): Promise<void> {
    for (const node of this.nodes) {
      const server = new grpc.Server();
      const unary = (method: string) => ({
        path: `/${pb.SERVICE}/${method}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      });
      server.addService(
        {
          Status: unary('Status'),
          Configuration: unary('Configuration'),
          TransferLeadership: unary('TransferLeadership'),
          RemoveServer: unary('RemoveServer'),
          AddLearner: unary('AddLearner'),
          PromoteLearner: unary('PromoteLearner'),
        },
        {
          Status: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
            const leader = this.nodes.find((n) => n.id === this.leader)!;
            cb(
              null,
              pb.encodeStatus({
                state: node.id === this.leader ? 3 : 1,
                leaderId: leader.id,
                leaderAddress: leader.address,
                term: this.term,
                commitIndex: this.commit,
                appliedIndex: node.applied,
                lastLogIndex: node.applied,
                numPeers: this.nodes.length - 1,
              }),
            );
          },
          Configuration: (
            _call: grpc.ServerUnaryCall<Buffer, Buffer>,
            cb: grpc.sendUnaryData<Buffer>,
          ) => {
            cb(
              null,
              pb.encodeConfiguration(
                this.nodes.map((n) => ({
                  id: n.id,
                  address: n.address,
                  suffrage: n.suffrage ?? 'voter',
                })),
              ),
            );
          },
          RemoveServer: (call: Call, cb: Reply) => {
            const req = pb.decodeChangeRequest(call.request);
            if (!req.id) return cb(invalid('id is required'), null);
            if (node.id !== this.leader) return cb(notLeader(), null);
            const k = this.nodes.findIndex((n) => n.id === req.id);
            if (k < 0)
              return cb(precondition(`id="${req.id}": etcd raft peer is not configured`), null);
            this.nodes.splice(k, 1);
            cb(null, pb.encodeChange(++this.commit));
          },
          AddLearner: (call: Call, cb: Reply) => {
            const req = pb.decodeChangeRequest(call.request);
            if (!req.id || !req.address) return cb(invalid('id and address are required'), null);
            if (node.id !== this.leader) return cb(notLeader(), null);
            this.nodes.push({ id: req.id, address: req.address, applied: 0, suffrage: 'learner' });
            cb(null, pb.encodeChange(++this.commit));
          },
          PromoteLearner: (call: Call, cb: Reply) => {
            const req = pb.decodeChangeRequest(call.request);
            if (!req.id) return cb(invalid('id is required'), null);
            if (node.id !== this.leader) return cb(notLeader(), null);
            if (req.minAppliedIndex === 0)
              return cb(
                precondition(
                  'etcd raft promote-learner requires min_applied_index>0 unless skip_min_applied_check is set',
                ),
                null,
              );
            const learner = this.nodes.find((n) => n.id === req.id && n.suffrage === 'learner');
            if (!learner) return cb(precondition(`id="${req.id}": not a learner`), null);
            if (learner.applied < req.minAppliedIndex)
              return cb(
                precondition(
                  'etcd raft promote-learner target has not caught up to min_applied_index',
                ),
                null,
              );
            learner.suffrage = 'voter';
            cb(null, pb.encodeChange(++this.commit));
          },
          TransferLeadership: (call: Call, cb: Reply) => {
            const req = pb.decodeTransfer(call.request);
            this.transfers.push({ node: node.id, ...req });
            if (req.gated && this.gated) return this.gatedTransfer(node, req, cb);
            if ((req.targetId === '') !== (req.targetAddress === ''))
              return cb(invalid('target_id and target_address must be provided together'), null);
            if (node.id !== this.leader) return cb(notLeader(), null);
            const target = this.nodes.find((n) => n.id === req.targetId);
            if (!target)
              return cb(
                precondition(`id="${req.targetId}": etcd raft peer is not configured`),
                null,
              );
            if (target.id === node.id)
              return cb(precondition('etcd raft leadership transfer target is required'), null);
            // Ungated, elastickv starts the transfer and raft aborts it when the target lags.
            setTimeout(() => {
              if (target.lagging)
                return cb(precondition('etcd raft leadership transfer aborted'), null);
              this.moveTo(target);
              cb(null, pb.empty());
            }, 50);
          },
        },
      );
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
          e ? reject(e) : resolve(p),
        ),
      );
      this.ports.set(node.id, port);
      this.servers.push(server);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.tryShutdown(() => r()))));
  }
}
