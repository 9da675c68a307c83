// etcd through its v3 JSON gateway on the client URL. uint64 values arrive as decimal strings.

import type { Tunnel } from '../remote/host.js';
import { type Member, type NodeStatus, RaftAdminError, type RaftClient } from './engine.js';
import { postJson } from './unix-http.js';

interface StatusJson {
  header?: { member_id?: string };
  leader?: string;
  raftTerm?: string;
  raftIndex?: string;
  raftAppliedIndex?: string;
  isLearner?: boolean;
  errors?: string[];
}

interface MemberJson {
  ID?: string;
  name?: string;
  peerURLs?: string[];
  isLearner?: boolean;
}

export class EtcdClient implements RaftClient {
  constructor(
    private readonly tunnel: Tunnel,
    private readonly label: string,
  ) {}

  private async call<T>(path: string, body: unknown, timeoutMs: number): Promise<T> {
    const r = await postJson(this.tunnel.socketPath, path, body, timeoutMs).catch((e: Error) => {
      throw new Error(`${this.label}: etcd did not answer ${path}: ${e.message}`);
    });
    const j = r.json as T & { error?: string; message?: string; code?: number };
    if (r.status !== 200) {
      throw new RaftAdminError(
        `${this.label}: ${path}: ${j.message ?? j.error ?? `HTTP ${r.status}`}`,
        String(j.code ?? r.status),
      );
    }
    return j;
  }

  async status(timeoutMs = 3000): Promise<NodeStatus> {
    const s = await this.call<StatusJson>('/v3/maintenance/status', {}, timeoutMs);
    const id = s.header?.member_id ?? '';
    const leader = s.leader && s.leader !== '0' ? s.leader : undefined;
    return {
      id,
      role: s.isLearner
        ? 'learner'
        : leader === undefined
          ? 'unknown'
          : leader === id
            ? 'leader'
            : 'follower',
      leaderId: leader,
      term: Number(s.raftTerm ?? 0),
      commitIndex: Number(s.raftIndex ?? 0),
      appliedIndex: Number(s.raftAppliedIndex ?? 0),
      lastLogIndex: undefined,
    };
  }

  async members(timeoutMs = 3000): Promise<Member[]> {
    const r = await this.call<{ members?: MemberJson[] }>('/v3/cluster/member/list', {}, timeoutMs);
    return (r.members ?? []).map((m) => ({
      id: m.ID ?? '',
      name: m.name ?? '',
      address: m.peerURLs?.[0] ?? '',
      voter: !m.isLearner,
    }));
  }

  async transferLeadership(target: Member, timeoutMs = 15_000): Promise<void> {
    // etcd answers once the target leads, or fails (not leader, target not started...).
    await this.call('/v3/maintenance/transfer-leadership', { targetID: target.id }, timeoutMs);
  }

  async removeMember(member: Member, timeoutMs = 10_000): Promise<void> {
    await this.call('/v3/cluster/member/remove', { ID: member.id }, timeoutMs);
  }

  async addLearner(name: string, address: string, timeoutMs = 10_000): Promise<Member> {
    const r = await this.call<{ member?: MemberJson }>(
      '/v3/cluster/member/add',
      { peerURLs: [address], isLearner: true },
      timeoutMs,
    );
    if (!r.member?.ID) throw new Error(`${this.label}: member add answered without a member id`);
    // etcd learns the name only when the new member first starts.
    return { id: r.member.ID, name, address, voter: false };
  }

  async promoteLearner(
    member: Member,
    _minAppliedIndex: number,
    timeoutMs = 10_000,
  ): Promise<void> {
    // etcd checks the learner is in sync itself and refuses otherwise.
    await this.call('/v3/cluster/member/promote', { ID: member.id }, timeoutMs);
  }

  async close(): Promise<void> {
    await this.tunnel.close();
  }
}
