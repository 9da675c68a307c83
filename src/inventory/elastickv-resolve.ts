// The elastickv section with the deploy script's defaults filled in and its rules checked: the
// rules the script checks, and those elastickv itself would only enforce at startup, after the
// old container was already stopped.

import type { ElastickvSettings } from './elastickv-schema.js';
import { type Inventory, InventoryError } from './load.js';

/** Every setting as the script holds it: strings, so its fingerprint can be recomputed exactly. */
export interface ResolvedElastickv {
  entrypoint: string;
  raftEngine: string;
  raftRedisMap: string;
  bootstrapMembers: string;
  joinAsLearner: string;
  joinMembers: string;
  s3: {
    enabled: boolean;
    port: number;
    region: string;
    credentialsFile: string;
    pathStyleOnly: string;
    raftS3Map: string;
  };
  sqs: {
    enabled: boolean;
    port: number;
    region: string;
    credentialsFile: string;
    raftSqsMap: string;
    fifoPartitionMap: string;
  };
  admin: {
    enabled: boolean;
    address: string;
    fullAccessKeys: string;
    readOnlyAccessKeys: string;
    signingKeyFile: string;
    previousSigningKeyFile: string;
    tlsCertFile: string;
    tlsKeyFile: string;
    allowPlaintextNonLoopback: boolean;
    allowInsecureDevCookie: boolean;
  };
  keyviz: {
    enabled: boolean;
    fanoutNodes: string;
    labels: boolean;
    keyBucketsPerRoute: string;
    hotKeys: {
      enabled: boolean;
      perRoute: string;
      sampleRate: string;
      queueSize: string;
      maxKeyLen: string;
    };
  };
  scriptFingerprint: boolean;
}

/** How a setting is called where the user wrote it: a YAML path or a script variable. */
export type Namer = (field: string) => string;
export const yamlNames: Namer = (f) => `elastickv.${f}`;

const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : (v ?? ''));
const num = (v: number | undefined) => (v === undefined ? '' : String(v));

function entries(text: string): string[] {
  return text
    .split(',')
    .map((e) => e.replace(/\s/g, ''))
    .filter(Boolean);
}

/** A raftAddr=otherAddr map the user gave: each raft address must be a node's. */
function checkAddressMap(inv: Inventory, text: string, name: string): void {
  const raftAddrs = inv.nodes.map((n) => `${n.host}:${inv.ports.admin}`);
  for (const e of entries(text)) {
    const eq = e.indexOf('=');
    if (eq <= 0 || eq === e.length - 1)
      throw new InventoryError(`${name}: "${e}" is not raftHost:port=host:port`);
    const raft = e.slice(0, eq);
    if (!raftAddrs.includes(raft))
      throw new InventoryError(
        `${name} names ${raft}, which is not the Raft address of any node (expected one of ${raftAddrs.join(', ')})`,
      );
  }
}

/** raftId=host:port entries whose ids must all be nodes. */
function checkMemberList(inv: Inventory, text: string, name: string): void {
  const ids = inv.nodes.map((n) => n.id);
  for (const e of entries(text)) {
    const eq = e.indexOf('=');
    if (eq <= 0 || eq === e.length - 1 || !/:\d+$/.test(e.slice(eq + 1)))
      throw new InventoryError(`${name}: "${e}" is not raftId=host:port`);
    const id = e.slice(0, eq);
    if (!ids.includes(id))
      throw new InventoryError(
        `${name} names "${id}", which is not a node (expected one of ${ids.join(', ')})`,
      );
  }
}

function isLoopback(address: string): boolean {
  const colon = address.lastIndexOf(':');
  const host = (colon >= 0 ? address.slice(0, colon) : address).replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function resolveElastickv(
  inv: Inventory,
  s: ElastickvSettings,
  name: Namer = yamlNames,
): ResolvedElastickv {
  const p = inv.ports;
  const derive = (port: number) =>
    inv.nodes.map((n) => `${n.host}:${p.admin}=${n.host}:${port}`).join(',');
  const s3 = s.s3;
  const sqs = s.sqs;
  const admin = s.admin;
  const kv = s.keyviz;
  // A present section is switched on unless it says otherwise.
  const s3On = s3 !== undefined && s3.enabled !== false;
  const sqsOn = sqs !== undefined && sqs.enabled !== false;
  const adminOn = admin !== undefined && admin.enabled !== false;
  const kvOn = kv !== undefined && kv.enabled !== false;
  const hotOn = kvOn && kv?.hotKeys !== undefined && kv.hotKeys.enabled !== false;
  const s3Port = s3?.port ?? 9000;
  const sqsPort = sqs?.port ?? 9324;
  const r: ResolvedElastickv = {
    entrypoint: s.entrypoint ?? '/app',
    raftEngine: s.raftEngine ?? 'etcd',
    raftRedisMap: s.raftRedisMap || derive(p.redis!),
    bootstrapMembers: s.bootstrapMembers ?? '',
    joinAsLearner: s.joinAsLearner ?? '',
    joinMembers: s.joinAsLearner
      ? inv.nodes.map((n) => `${n.id}=${n.host}:${p.admin}`).join(',')
      : '',
    s3: {
      enabled: s3On,
      port: s3Port,
      region: s3?.region ?? 'us-east-1',
      credentialsFile: s3?.credentialsFile ?? '',
      pathStyleOnly: String(s3?.pathStyleOnly ?? 'true'),
      raftS3Map: s3?.raftS3Map || (s3On ? derive(s3Port) : ''),
    },
    sqs: {
      enabled: sqsOn,
      port: sqsPort,
      region: sqs?.region ?? 'us-east-1',
      credentialsFile: sqs?.credentialsFile ?? '',
      raftSqsMap: sqs?.raftSqsMap || (sqsOn ? derive(sqsPort) : ''),
      fifoPartitionMap: sqs?.fifoPartitionMap ?? '',
    },
    admin: {
      enabled: adminOn,
      address: admin?.address ?? '',
      fullAccessKeys: joined(admin?.fullAccessKeys),
      readOnlyAccessKeys: joined(admin?.readOnlyAccessKeys),
      signingKeyFile: admin?.signingKeyFile ?? '',
      previousSigningKeyFile: admin?.previousSigningKeyFile ?? '',
      tlsCertFile: admin?.tlsCertFile ?? '',
      tlsKeyFile: admin?.tlsKeyFile ?? '',
      allowPlaintextNonLoopback: admin?.allowPlaintextNonLoopback ?? false,
      allowInsecureDevCookie: admin?.allowInsecureDevCookie ?? false,
    },
    keyviz: {
      enabled: kvOn,
      fanoutNodes: joined(kv?.fanoutNodes),
      labels: kv?.labels ?? false,
      keyBucketsPerRoute: num(kv?.keyBucketsPerRoute),
      hotKeys: {
        enabled: hotOn,
        perRoute: num(kv?.hotKeys?.perRoute),
        sampleRate: num(kv?.hotKeys?.sampleRate),
        queueSize: num(kv?.hotKeys?.queueSize),
        maxKeyLen: num(kv?.hotKeys?.maxKeyLen),
      },
    },
    scriptFingerprint: s.scriptFingerprint ?? false,
  };
  checkResolved(inv, s, r, name);
  return r;
}

function checkResolved(
  inv: Inventory,
  s: ElastickvSettings,
  r: ResolvedElastickv,
  name: Namer,
): void {
  if (s.raftRedisMap) checkAddressMap(inv, s.raftRedisMap, name('raftRedisMap'));
  if (s.s3?.raftS3Map) checkAddressMap(inv, s.s3.raftS3Map, name('s3.raftS3Map'));
  if (s.sqs?.raftSqsMap) checkAddressMap(inv, s.sqs.raftSqsMap, name('sqs.raftSqsMap'));
  if (r.bootstrapMembers) checkMemberList(inv, r.bootstrapMembers, name('bootstrapMembers'));
  if (r.joinAsLearner) {
    if (r.bootstrapMembers)
      throw new InventoryError(
        `${name('joinAsLearner')} and ${name('bootstrapMembers')} cannot both be set: a node either joins a running cluster as a learner or bootstraps a new one`,
      );
    if (!inv.nodes.some((n) => n.id === r.joinAsLearner))
      throw new InventoryError(
        `${name('joinAsLearner')} is "${r.joinAsLearner}", which is not a node (expected one of ${inv.nodes.map((n) => n.id).join(', ')})`,
      );
  }
  const a = r.admin;
  if (a.enabled) {
    if (!a.signingKeyFile)
      throw new InventoryError(
        `the admin dashboard is enabled but ${name('admin.signingKeyFile')} is not set: give the path, on every host, of the base64 HS256 session signing key`,
      );
    const full = entries(a.fullAccessKeys);
    const ro = entries(a.readOnlyAccessKeys);
    if (full.length === 0 && ro.length === 0)
      throw new InventoryError(
        `the admin dashboard is enabled but neither ${name('admin.fullAccessKeys')} nor ${name('admin.readOnlyAccessKeys')} names an access key: give at least one`,
      );
    const both = full.filter((k) => ro.includes(k));
    if (both.length > 0)
      throw new InventoryError(
        `${name('admin.fullAccessKeys')} and ${name('admin.readOnlyAccessKeys')} both list ${both.length} key(s) (not shown): a key must be in one list only`,
      );
    if (!a.tlsCertFile !== !a.tlsKeyFile)
      throw new InventoryError(
        `${name(a.tlsCertFile ? 'admin.tlsCertFile' : 'admin.tlsKeyFile')} is set without ${name(a.tlsCertFile ? 'admin.tlsKeyFile' : 'admin.tlsCertFile')}: give both TLS files or neither`,
      );
    if (a.address && !isLoopback(a.address) && !a.tlsCertFile && !a.allowPlaintextNonLoopback)
      throw new InventoryError(
        `${name('admin.address')} is "${a.address}", not a loopback address, and the admin dashboard has no TLS: give ${name('admin.tlsCertFile')} and ${name('admin.tlsKeyFile')}, bind to 127.0.0.1, or set ${name('admin.allowPlaintextNonLoopback')} to accept plaintext`,
      );
  }
}

/** The files each host must hold (readable) before a container that mounts them can start. */
export function hostFilesOf(r: ResolvedElastickv, name: Namer = yamlNames) {
  const out: { path: string; setting: string }[] = [];
  const add = (path: string, field: string) => {
    if (path) out.push({ path, setting: name(field) });
  };
  if (r.s3.enabled) add(r.s3.credentialsFile, 's3.credentialsFile');
  if (r.sqs.enabled) add(r.sqs.credentialsFile, 'sqs.credentialsFile');
  if (r.admin.enabled) {
    add(r.admin.signingKeyFile, 'admin.signingKeyFile');
    add(r.admin.previousSigningKeyFile, 'admin.previousSigningKeyFile');
    add(r.admin.tlsCertFile, 'admin.tlsCertFile');
    add(r.admin.tlsKeyFile, 'admin.tlsKeyFile');
  }
  return out;
}
