// etcd's v3 JSON gateway: uint64 values arrive as decimal strings, keys and values as base64.

import type { LabApi, RaftView } from '../engine.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString();

export async function call<T>(
  endpoint: string,
  path: string,
  body: object = {},
  timeoutMs = 2000,
): Promise<T> {
  const r = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${endpoint}${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** The first key after every key that starts with prefix (etcd's range_end for a prefix). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

interface StatusReply {
  header?: { member_id?: string };
  leader?: string;
  raftTerm?: string;
  raftIndex?: string;
  raftAppliedIndex?: string;
  version?: string;
  errors?: string[];
}

export const etcdApi: LabApi & {
  /** Every key under prefix, in one linearizable read. */
  keys(endpoint: string, prefix: string, timeoutMs: number): Promise<Set<string>>;
} = {
  async put(endpoint, key, value, timeoutMs) {
    await call(endpoint, '/v3/kv/put', { key: b64(key), value: b64(value) }, timeoutMs);
  },

  async get(endpoint, key, timeoutMs) {
    const r = await call<{ kvs?: { value?: string }[] }>(
      endpoint,
      '/v3/kv/range',
      { key: b64(key) },
      timeoutMs,
    );
    const kv = r.kvs?.[0];
    return kv ? unb64(kv.value) : undefined;
  },

  async keys(endpoint, prefix, timeoutMs) {
    if (!prefix) throw new Error('keys: expected a non-empty prefix');
    const r = await call<{ kvs?: { key: string }[] }>(
      endpoint,
      '/v3/kv/range',
      { key: b64(prefix), range_end: b64(prefixEnd(prefix)), keys_only: true },
      timeoutMs,
    );
    return new Set((r.kvs ?? []).map((kv) => unb64(kv.key)));
  },

  async readBack(endpoint, prefix, keys, timeoutMs) {
    const have = await etcdApi.keys(endpoint, prefix, timeoutMs);
    return new Set(keys.filter((k) => have.has(k)));
  },

  async status(endpoint, timeoutMs): Promise<RaftView> {
    const s = await call<StatusReply>(endpoint, '/v3/maintenance/status', {}, timeoutMs);
    return {
      memberId: s.header?.member_id,
      // Member ID 0 is no member: etcd's way of saying it knows no leader.
      leader: s.leader === '0' ? undefined : s.leader,
      raftTerm: Number(s.raftTerm ?? 0),
      raftIndex: Number(s.raftIndex ?? 0),
      raftAppliedIndex: Number(s.raftAppliedIndex ?? 0),
      version: s.version,
      errors: s.errors ?? [],
    };
  },
};
