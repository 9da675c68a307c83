// elastickv's gRPC surface as the lab uses it: RawKV (RawPut, RawGet) for the load and
// RaftAdmin (Status, TransferLeadership) for the leader checks, in plaintext HTTP/2 straight
// to a group's listener. Messages are few and flat, so they are encoded by hand (field numbers
// as in elastickv's proto/service.proto).

import * as grpc from '@grpc/grpc-js';
import { toUint64, walkMessage } from '../../src/base/proto.js';
import * as pb from '../../src/raft/elastickv-pb.js';
import { nodeId } from '../config.js';
import type { LabApi, RaftView } from '../engine.js';
import { parseEndpoint } from './elastickv-layout.js';

const ident = (b: Buffer) => b;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

function bytesField(field: number, b: Buffer): number[] {
  return [...varint((field << 3) | 2), ...varint(b.length), ...b];
}

export const encodeRawPut = (key: string, value: string) =>
  Buffer.from([...bytesField(1, Buffer.from(key)), ...bytesField(2, Buffer.from(value))]);

/** RawGet naming its group outright (group_id, field 4), so a misrouted key reads as missing. */
export const encodeRawGet = (key: string, group: number) =>
  Buffer.from([...bytesField(1, Buffer.from(key)), ...varint(4 << 3), ...varint(group)]);

export function decodeRawGet(buf: Buffer): { exists: boolean; value: string } {
  const r = { exists: false, value: '' };
  const f = walkMessage(
    buf,
    0,
    buf.length,
    { 1: 'varint', 2: 'bytes', 3: 'varint' },
    'protobuf-go',
    {
      varint(field, v) {
        if (field === 3) r.exists = toUint64(v) !== 0;
      },
      bytes(field, a, b) {
        if (field === 2) r.value = buf.subarray(a, b).toString();
      },
    },
    'RawGetResponse',
  );
  if (f) throw new Error(`RawGetResponse: ${f.message}`);
  return r;
}

// One channel per endpoint: the load writes hundreds of times a second to the same few.
const clients = new Map<string, grpc.Client>();

function clientFor(endpoint: string): grpc.Client {
  let c = clients.get(endpoint);
  if (!c) {
    c = new grpc.Client(endpoint, grpc.credentials.createInsecure());
    clients.set(endpoint, c);
  }
  return c;
}

/** Closes every channel, so a short-lived command can exit. */
export function closeClients(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}

export function unary(
  endpoint: string,
  path: string,
  request: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    clientFor(endpoint).makeUnaryRequest(
      path,
      ident,
      ident,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, value) => {
        if (err) {
          const code = grpc.status[err.code] ?? String(err.code);
          reject(new Error(`${endpoint}${path}: ${code}: ${err.details || err.message}`));
        } else resolve(value ?? Buffer.alloc(0));
      },
    );
  });
}

export async function transferLeadership(
  endpoint: string,
  targetId: string,
  targetAddress: string,
  timeoutMs: number,
): Promise<void> {
  await unary(
    endpoint,
    `/${pb.SERVICE}/TransferLeadership`,
    pb.encodeTransfer(targetId, targetAddress),
    timeoutMs,
  );
}

/** How many reads of the read-back are in flight at once. */
const READ_BACK_PARALLEL = 32;

export const elastickvApi: LabApi = {
  async put(endpoint, key, value, timeoutMs) {
    await unary(endpoint, '/RawKV/RawPut', encodeRawPut(key, value), timeoutMs);
  },

  async get(endpoint, key, timeoutMs) {
    const { group } = parseEndpoint(endpoint);
    const r = decodeRawGet(
      await unary(endpoint, '/RawKV/RawGet', encodeRawGet(key, group), timeoutMs),
    );
    return r.exists ? r.value : undefined;
  },

  // RawKV has no range read: each key is read on its own, from the endpoint's group.
  async readBack(endpoint, prefix, keys, timeoutMs) {
    const found = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const k = keys[next++]!;
        if (!k.startsWith(prefix)) throw new Error(`readBack: key "${k}" is not under "${prefix}"`);
        if ((await elastickvApi.get(endpoint, k, timeoutMs)) !== undefined) found.add(k);
      }
    };
    await Promise.all(Array.from({ length: READ_BACK_PARALLEL }, worker));
    return found;
  },

  close: closeClients,

  async status(endpoint, timeoutMs): Promise<RaftView> {
    const { node } = parseEndpoint(endpoint);
    const s = pb.decodeStatus(
      await unary(endpoint, `/${pb.SERVICE}/Status`, pb.empty(), timeoutMs),
    );
    return {
      // Status does not name the node it comes from; the lab knows it from the address.
      memberId: nodeId(node),
      leader: s.leaderId || undefined,
      raftTerm: s.term,
      raftIndex: s.commitIndex,
      raftAppliedIndex: s.appliedIndex,
      state: pb.STATE_NAMES[s.state] ?? 'unknown',
      lastLogIndex: s.lastLogIndex,
      leaderAddress: s.leaderAddress,
    };
  },
};
