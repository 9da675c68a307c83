// elastickv's RaftAdmin messages on the wire (message and field numbers as in its
// proto/service.proto). Few and flat, so encoded by hand and decoded with the WAL engine's
// protobuf reader, as Go's protobuf runtime would read them.

import { type FieldVisitor, toUint64, type Varint, walkMessage } from '../base/proto.js';
import type { TransferGate } from './engine.js';

export const SERVICE = 'RaftAdmin';

export const STATE_NAMES: Record<number, string> = {
  0: 'unknown',
  1: 'follower',
  2: 'candidate',
  3: 'leader',
  4: 'shutdown',
};

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

function str(field: number, s: string | undefined): number[] {
  if (!s) return [];
  const b = Buffer.from(s);
  return [...varint((field << 3) | 2), ...varint(b.length), ...b];
}

function num(field: number, n: number | bigint | boolean | undefined): number[] {
  if (!n) return [];
  return [...varint(field << 3), ...varint(typeof n === 'boolean' ? 1 : n)];
}

function decode(
  buf: Buffer,
  fields: Record<number, 'varint' | 'bytes'>,
  what: string,
  visit: FieldVisitor,
): void {
  const f = walkMessage(buf, 0, buf.length, fields, 'protobuf-go', visit, what);
  if (f) throw new Error(`${what}: ${f.message}`);
}

export interface StatusResponse {
  state: number;
  leaderId: string;
  leaderAddress: string;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  lastLogIndex: number;
  lastSnapshotIndex: number;
  numPeers: number;
}

const STATUS_NUMBERS: Record<number, keyof StatusResponse> = {
  1: 'state',
  4: 'term',
  5: 'commitIndex',
  6: 'appliedIndex',
  7: 'lastLogIndex',
  8: 'lastSnapshotIndex',
  10: 'numPeers',
};

export function encodeStatus(s: Partial<StatusResponse>): Buffer {
  return Buffer.from([
    ...num(1, s.state),
    ...str(2, s.leaderId),
    ...str(3, s.leaderAddress),
    ...num(4, s.term),
    ...num(5, s.commitIndex),
    ...num(6, s.appliedIndex),
    ...num(7, s.lastLogIndex),
    ...num(8, s.lastSnapshotIndex),
    ...num(10, s.numPeers),
  ]);
}

export function decodeStatus(buf: Buffer): StatusResponse {
  const s: StatusResponse = {
    state: 0,
    leaderId: '',
    leaderAddress: '',
    term: 0,
    commitIndex: 0,
    appliedIndex: 0,
    lastLogIndex: 0,
    lastSnapshotIndex: 0,
    numPeers: 0,
  };
  const fields = {
    1: 'varint',
    2: 'bytes',
    3: 'bytes',
    4: 'varint',
    5: 'varint',
    6: 'varint',
    7: 'varint',
    8: 'varint',
    9: 'varint',
    10: 'varint',
    11: 'varint',
    12: 'varint',
    13: 'varint',
  } as const;
  decode(buf, fields, 'RaftAdminStatusResponse', {
    varint(field: number, v: Varint) {
      const k = STATUS_NUMBERS[field];
      if (k) (s as unknown as Record<string, number>)[k] = toUint64(v);
    },
    bytes(field, a, b) {
      const text = buf.subarray(a, b).toString();
      if (field === 2) s.leaderId = text;
      else if (field === 3) s.leaderAddress = text;
    },
  });
  return s;
}

export interface AdminMember {
  id: string;
  address: string;
  suffrage: string;
}

export function encodeConfiguration(servers: AdminMember[]): Buffer {
  return Buffer.from(
    servers.flatMap((m) => {
      const body = [...str(1, m.id), ...str(2, m.address), ...str(3, m.suffrage)];
      return [...varint((1 << 3) | 2), ...varint(body.length), ...body];
    }),
  );
}

export function decodeConfiguration(buf: Buffer): AdminMember[] {
  const out: AdminMember[] = [];
  decode(buf, { 1: 'bytes' }, 'RaftAdminConfigurationResponse', {
    varint() {},
    bytes(_field, a, b) {
      const sub = buf.subarray(a, b);
      const m: AdminMember = { id: '', address: '', suffrage: '' };
      decode(sub, { 1: 'bytes', 2: 'bytes', 3: 'bytes' }, 'RaftAdminMember', {
        varint() {},
        bytes(field, x, y) {
          const text = sub.subarray(x, y).toString();
          if (field === 1) m.id = text;
          else if (field === 2) m.address = text;
          else m.suffrage = text;
        },
      });
      out.push(m);
    },
  });
  return out;
}

/** A candidate of a gated transfer: elastickv's TransferTarget {target_id=1, target_address=2}. */
export interface TransferTarget {
  id: string;
  address: string;
}

// The gated form's fields: gated=3, max_lag=4, target_candidates=5 (repeated TransferTarget).
const candidate = (c: TransferTarget): number[] => {
  const body = [...str(1, c.id), ...str(2, c.address)];
  return [...varint((5 << 3) | 2), ...varint(body.length), ...body];
};

/**
 * RaftAdminTransferLeadershipRequest. Ungated: target_id and target_address. Gated: the
 * candidates, max_lag and gated=true, and target_id alone, without its address, so that a server
 * that predates the gated fields (proto3 drops fields it does not know) refuses the request as
 * malformed (InvalidArgument) instead of running some other transfer: no untargeted one, no
 * ungated one. A server that knows them reads the candidates and ignores the legacy pair.
 */
export function encodeTransfer(
  targetId: string,
  targetAddress: string,
  gate?: TransferGate,
): Buffer {
  if (!gate) return Buffer.from([...str(1, targetId), ...str(2, targetAddress)]);
  return Buffer.from([
    ...str(1, targetId),
    ...num(3, true),
    ...num(4, gate.maxLag),
    ...gate.candidates.flatMap(candidate),
  ]);
}

export interface TransferRequest {
  targetId: string;
  targetAddress: string;
  gated: boolean;
  maxLag: number;
  candidates: TransferTarget[];
}

/** The request as a server reads it (the stand-in servers in the tests). */
export function decodeTransfer(buf: Buffer): TransferRequest {
  const t: TransferRequest = {
    targetId: '',
    targetAddress: '',
    gated: false,
    maxLag: 0,
    candidates: [],
  };
  decode(
    buf,
    { 1: 'bytes', 2: 'bytes', 3: 'varint', 4: 'varint', 5: 'bytes' },
    'RaftAdminTransferLeadershipRequest',
    {
      varint(field, v) {
        if (field === 3) t.gated = toUint64(v) !== 0;
        else if (field === 4) t.maxLag = toUint64(v);
      },
      bytes(field, a, b) {
        if (field === 1) t.targetId = buf.subarray(a, b).toString();
        else if (field === 2) t.targetAddress = buf.subarray(a, b).toString();
        else if (field === 5) {
          const sub = buf.subarray(a, b);
          const c: TransferTarget = { id: '', address: '' };
          decode(sub, { 1: 'bytes', 2: 'bytes' }, 'TransferTarget', {
            varint() {},
            bytes(f, x, y) {
              if (f === 1) c.id = sub.subarray(x, y).toString();
              else if (f === 2) c.address = sub.subarray(x, y).toString();
            },
          });
          t.candidates.push(c);
        }
      },
    },
  );
  return t;
}

export const empty = (): Buffer => Buffer.alloc(0);

// Configuration changes: RemoveServer {id=1}, AddLearner {id=1, address=2},
// PromoteLearner {id=1, min_applied_index=3}; each answers {index=1}.
export const encodeRemove = (id: string): Buffer => Buffer.from(str(1, id));
export const encodeAddLearner = (id: string, address: string): Buffer =>
  Buffer.from([...str(1, id), ...str(2, address)]);
export const encodePromote = (id: string, minAppliedIndex: number): Buffer =>
  Buffer.from([...str(1, id), ...num(3, minAppliedIndex)]);

/** The fields of a change request, as the stand-in server reads them. */
export function decodeChangeRequest(buf: Buffer): {
  id: string;
  address: string;
  minAppliedIndex: number;
} {
  const r = { id: '', address: '', minAppliedIndex: 0 };
  decode(buf, { 1: 'bytes', 2: 'bytes', 3: 'varint', 4: 'varint' }, 'RaftAdminChangeRequest', {
    varint(field, v) {
      if (field === 3) r.minAppliedIndex = toUint64(v);
    },
    bytes(field, a, b) {
      if (field === 1) r.id = buf.subarray(a, b).toString();
      else if (field === 2) r.address = buf.subarray(a, b).toString();
    },
  });
  return r;
}

export const encodeChange = (index: number): Buffer => Buffer.from(num(1, index));

export function decodeChange(buf: Buffer): { index: number } {
  const r = { index: 0 };
  decode(buf, { 1: 'varint' }, 'RaftAdminConfigurationChangeResponse', {
    varint(field, v) {
      if (field === 1) r.index = toUint64(v);
    },
    bytes() {},
  });
  return r;
}

// grpc.health.v1: HealthCheckRequest {service=1}, HealthCheckResponse {status=1}.
export const HEALTH_SERVICE = 'grpc.health.v1.Health';
export const HEALTH_NAMES: Record<number, 'unknown' | 'serving' | 'not-serving'> = {
  0: 'unknown',
  1: 'serving',
  2: 'not-serving',
  3: 'unknown', // SERVICE_UNKNOWN: the server has never heard of the service name
};
export const encodeHealthCheck = (service: string): Buffer => Buffer.from(str(1, service));

export function decodeHealthCheck(buf: Buffer): number {
  let status = 0;
  decode(buf, { 1: 'varint' }, 'HealthCheckResponse', {
    varint(field, v) {
      if (field === 1) status = toUint64(v);
    },
    bytes() {},
  });
  return status;
}
