// What the elastickv section adds to a node's container: the arguments in the order the deploy
// script passes them, the read-only file mounts, and the script's configuration fingerprint.

import { createHash } from 'node:crypto';
import type { ResolvedElastickv } from './elastickv-resolve.js';
import type { Inventory } from './load.js';
import type { NodeInput } from './schema.js';

/** The label rolling-update.sh puts on each container; raftroll writes the same value. */
export const SCRIPT_FP_LABEL = 'elastickv.deploy.config-fp';

export function elastickvArgs(inv: Inventory, node: NodeInput, r: ResolvedElastickv): string[] {
  const p = inv.ports;
  const h = node.host;
  const args = [
    r.entrypoint,
    '--address',
    `${h}:${p.admin}`,
    '--redisAddress',
    `${h}:${p.redis}`,
    '--dynamoAddress',
    `${h}:${p.dynamo}`,
    '--raftId',
    node.id,
    '--raftEngine',
    r.raftEngine,
  ];
  if (r.bootstrapMembers) args.push('--raftBootstrapMembers', r.bootstrapMembers);
  if (r.joinAsLearner === node.id)
    args.push('--raftJoinAsLearner', '--raftJoinMembers', r.joinMembers);
  args.push('--raftDataDir', inv.container.dataDir, '--raftRedisMap', r.raftRedisMap);
  const s3 = r.s3;
  if (s3.enabled) {
    args.push(
      '--s3Address',
      `${h}:${s3.port}`,
      '--s3Region',
      s3.region,
      `--s3PathStyleOnly=${s3.pathStyleOnly}`,
      '--raftS3Map',
      s3.raftS3Map,
    );
    if (s3.credentialsFile) args.push('--s3CredentialsFile', s3.credentialsFile);
  }
  const sqs = r.sqs;
  if (sqs.enabled) {
    args.push('--sqsAddress', `${h}:${sqs.port}`, '--sqsRegion', sqs.region);
    args.push('--raftSqsMap', sqs.raftSqsMap);
    if (sqs.credentialsFile) args.push('--sqsCredentialsFile', sqs.credentialsFile);
    if (sqs.fifoPartitionMap) args.push('--sqsFifoPartitionMap', sqs.fifoPartitionMap);
  }
  const a = r.admin;
  if (a.enabled) {
    args.push('--adminEnabled', '--adminSessionSigningKeyFile', a.signingKeyFile);
    if (a.address) args.push('--adminListen', a.address);
    if (a.fullAccessKeys) args.push('--adminFullAccessKeys', a.fullAccessKeys);
    if (a.readOnlyAccessKeys) args.push('--adminReadOnlyAccessKeys', a.readOnlyAccessKeys);
    if (a.previousSigningKeyFile)
      args.push('--adminSessionSigningKeyPreviousFile', a.previousSigningKeyFile);
    if (a.tlsCertFile)
      args.push('--adminTLSCertFile', a.tlsCertFile, '--adminTLSKeyFile', a.tlsKeyFile);
    if (a.allowPlaintextNonLoopback) args.push('--adminAllowPlaintextNonLoopback');
    if (a.allowInsecureDevCookie) args.push('--adminAllowInsecureDevCookie');
  }
  const kv = r.keyviz;
  if (kv.enabled) {
    args.push('--keyvizEnabled');
    if (kv.fanoutNodes) args.push('--keyvizFanoutNodes', kv.fanoutNodes);
    if (kv.labels) args.push('--keyvizLabelsEnabled');
    if (kv.keyBucketsPerRoute) args.push('--keyvizKeyBucketsPerRoute', kv.keyBucketsPerRoute);
    const hk = kv.hotKeys;
    if (hk.enabled) {
      args.push('--keyvizHotKeysEnabled');
      if (hk.perRoute) args.push('--keyvizHotKeysPerRoute', hk.perRoute);
      if (hk.sampleRate) args.push('--keyvizHotKeysSampleRate', hk.sampleRate);
      if (hk.queueSize) args.push('--keyvizHotKeysQueueSize', hk.queueSize);
      if (hk.maxKeyLen) args.push('--keyvizHotKeysMaxKeyLen', hk.maxKeyLen);
    }
  }
  return args;
}

/** Read-only bind mounts at the same path, in the script's order, skipping any already mounted. */
export function elastickvMounts(r: ResolvedElastickv, volumes: string[]): string[] {
  const files: string[] = [];
  if (r.s3.enabled && r.s3.credentialsFile) files.push(r.s3.credentialsFile);
  if (r.sqs.enabled && r.sqs.credentialsFile) files.push(r.sqs.credentialsFile);
  const a = r.admin;
  if (a.enabled) {
    files.push(a.signingKeyFile);
    if (a.previousSigningKeyFile) files.push(a.previousSigningKeyFile);
    if (a.tlsCertFile) files.push(a.tlsCertFile, a.tlsKeyFile);
  }
  const targets = new Set(volumes.map((v) => v.split(':')[1]));
  const out: string[] = [];
  for (const f of files) {
    if (targets.has(f)) continue;
    targets.add(f);
    out.push(`${f}:${f}:ro`);
  }
  return out;
}

/**
 * The script's EXTRA_ENV after its merge: default pairs whose key the user does not set, then
 * the user's pairs, space-separated; that string, not the container env, is what it hashes.
 */
export function scriptExtraEnv(defaults: [string, string][], user: [string, string][]): string {
  const userKeys = new Set(user.map(([k]) => k));
  return [...defaults.filter(([k]) => !userKeys.has(k)), ...user]
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/**
 * rolling-update.sh's config fingerprint: sha256 over its settings, each followed by a NUL, in
 * its order. Settings of a switched-off feature still count (the script hashes them as given);
 * the KeyViz knobs count only while KeyViz (and, for hot keys, hot keys) is on.
 */
export function scriptConfigFingerprint(
  inv: Inventory,
  node: NodeInput,
  r: ResolvedElastickv,
  run: { image: string; extraEnv: string; memory: string },
): string {
  const p = inv.ports;
  const b = (v: boolean) => (v ? 'true' : 'false');
  const kv = r.keyviz;
  const hk = kv.hotKeys;
  const on = (v: string) => (kv.enabled ? v : '');
  const hot = (v: string) => (kv.enabled && hk.enabled ? v : '');
  const a = r.admin;
  const fields = [
    run.image,
    r.entrypoint,
    inv.container.dataDir,
    node.host,
    node.id,
    r.raftEngine,
    r.bootstrapMembers,
    b(r.joinAsLearner === node.id),
    r.joinMembers,
    String(p.admin),
    String(p.redis),
    String(p.dynamo),
    r.raftRedisMap,
    b(r.s3.enabled),
    String(r.s3.port),
    r.s3.region,
    r.s3.pathStyleOnly,
    r.s3.credentialsFile,
    r.s3.raftS3Map,
    b(r.sqs.enabled),
    String(r.sqs.port),
    r.sqs.region,
    r.sqs.credentialsFile,
    r.sqs.raftSqsMap,
    r.sqs.fifoPartitionMap,
    run.extraEnv,
    run.memory,
    b(a.enabled),
    a.address,
    a.fullAccessKeys,
    a.readOnlyAccessKeys,
    a.signingKeyFile,
    a.previousSigningKeyFile,
    a.tlsCertFile,
    a.tlsKeyFile,
    b(a.allowPlaintextNonLoopback),
    b(a.allowInsecureDevCookie),
    b(kv.enabled),
    on(kv.fanoutNodes),
    on(b(kv.labels)),
    on(kv.keyBucketsPerRoute),
    on(b(hk.enabled)),
    hot(hk.perRoute),
    hot(hk.sampleRate),
    hot(hk.queueSize),
    hot(hk.maxKeyLen),
  ];
  return createHash('sha256')
    .update(fields.map((f) => `${f}\0`).join(''))
    .digest('hex');
}
