// The script's S3, SQS, admin dashboard, KeyViz and membership variables, read into the
// inventory's elastickv section with the script's defaults. A switched-off feature keeps its
// values as given: the script hashes them into its fingerprint even though no flag carries them.

import type { z } from 'zod';
import type { Namer } from './elastickv-resolve.js';
import {
  AdminSchema,
  ElastickvSchema,
  type ElastickvSettings,
  GO_BOOLS,
  KeyVizSchema,
  S3Schema,
  SqsSchema,
} from './elastickv-schema.js';
import { InventoryError } from './load.js';
import type { ScriptVars } from './script-env-vars.js';

/** Each section field, by the variable the script reads it from. */
export const FIELD_VARIABLES: Record<string, string> = {
  entrypoint: 'SERVER_ENTRYPOINT',
  raftEngine: 'RAFT_ENGINE',
  raftRedisMap: 'RAFT_TO_REDIS_MAP',
  bootstrapMembers: 'RAFT_BOOTSTRAP_MEMBERS',
  joinAsLearner: 'RAFT_JOIN_NODE',
  's3.enabled': 'ENABLE_S3',
  's3.port': 'S3_PORT',
  's3.region': 'S3_REGION',
  's3.credentialsFile': 'S3_CREDENTIALS_FILE',
  's3.pathStyleOnly': 'S3_PATH_STYLE_ONLY',
  's3.raftS3Map': 'RAFT_TO_S3_MAP',
  'sqs.enabled': 'ENABLE_SQS',
  'sqs.port': 'SQS_PORT',
  'sqs.region': 'SQS_REGION',
  'sqs.credentialsFile': 'SQS_CREDENTIALS_FILE',
  'sqs.raftSqsMap': 'RAFT_TO_SQS_MAP',
  'sqs.fifoPartitionMap': 'SQS_FIFO_PARTITION_MAP',
  'admin.enabled': 'ADMIN_ENABLED',
  'admin.address': 'ADMIN_ADDRESS',
  'admin.fullAccessKeys': 'ADMIN_FULL_ACCESS_KEYS',
  'admin.readOnlyAccessKeys': 'ADMIN_READ_ONLY_ACCESS_KEYS',
  'admin.signingKeyFile': 'ADMIN_SESSION_SIGNING_KEY_FILE',
  'admin.previousSigningKeyFile': 'ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE',
  'admin.tlsCertFile': 'ADMIN_TLS_CERT_FILE',
  'admin.tlsKeyFile': 'ADMIN_TLS_KEY_FILE',
  'admin.allowPlaintextNonLoopback': 'ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK',
  'admin.allowInsecureDevCookie': 'ADMIN_ALLOW_INSECURE_DEV_COOKIE',
  'keyviz.enabled': 'KEYVIZ_ENABLED',
  'keyviz.fanoutNodes': 'KEYVIZ_FANOUT_NODES',
  'keyviz.labels': 'KEYVIZ_LABELS_ENABLED',
  'keyviz.keyBucketsPerRoute': 'KEYVIZ_KEY_BUCKETS_PER_ROUTE',
  'keyviz.hotKeys.enabled': 'KEYVIZ_HOT_KEYS_ENABLED',
  'keyviz.hotKeys.perRoute': 'KEYVIZ_HOT_KEYS_PER_ROUTE',
  'keyviz.hotKeys.sampleRate': 'KEYVIZ_HOT_KEYS_SAMPLE_RATE',
  'keyviz.hotKeys.queueSize': 'KEYVIZ_HOT_KEYS_QUEUE_SIZE',
  'keyviz.hotKeys.maxKeyLen': 'KEYVIZ_HOT_KEYS_MAX_KEY_LEN',
};

export const scriptNames: Namer = (f) => FIELD_VARIABLES[f] ?? `elastickv.${f}`;

/** Checks an enabled section against the inventory's rules, naming the script's variable. */
function valid<T>(schema: z.ZodType<T>, section: string, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = [section, ...issue.path.map(String)].filter(Boolean).join('.');
  const name = FIELD_VARIABLES[field] ?? field;
  const got = issue.path.reduce<unknown>(
    (v, k) => (v as Record<PropertyKey, unknown>)?.[k as PropertyKey],
    value,
  );
  throw new InventoryError(`${name} is ${JSON.stringify(got)}: it ${issue.message}`);
}

/** A whole number the flag will parse, or the script's "omit the flag" when empty. */
function count(vars: ScriptVars, name: string, max: number): number | undefined {
  const v = vars.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw new InventoryError(
      `${name} is ${JSON.stringify(v)}: expected empty (elastickv's default) or a whole number from 1 to ${max}`,
    );
  return Number(v);
}

export function featuresFromScriptEnv(vars: ScriptVars): ElastickvSettings {
  const s3On = vars.bool('ENABLE_S3', true);
  const s3 = {
    enabled: s3On,
    port: vars.port('S3_PORT', 9000),
    region: vars.get('S3_REGION') ?? 'us-east-1',
    credentialsFile: vars.get('S3_CREDENTIALS_FILE'),
    pathStyleOnly: vars.get('S3_PATH_STYLE_ONLY') ?? 'true',
    raftS3Map: vars.get('RAFT_TO_S3_MAP'),
  };
  if (s3On && !GO_BOOLS.includes(s3.pathStyleOnly))
    throw new InventoryError(
      `S3_PATH_STYLE_ONLY is ${JSON.stringify(s3.pathStyleOnly)}: expected true or false`,
    );
  const sqsOn = vars.bool('ENABLE_SQS', false);
  const sqs = {
    enabled: sqsOn,
    port: vars.port('SQS_PORT', 9324),
    region: vars.get('SQS_REGION') ?? 'us-east-1',
    credentialsFile: vars.get('SQS_CREDENTIALS_FILE'),
    raftSqsMap: vars.get('RAFT_TO_SQS_MAP'),
    fifoPartitionMap: vars.get('SQS_FIFO_PARTITION_MAP'),
  };
  const adminOn = vars.bool('ADMIN_ENABLED', false);
  const admin = {
    enabled: adminOn,
    address: vars.get('ADMIN_ADDRESS'),
    fullAccessKeys: vars.get('ADMIN_FULL_ACCESS_KEYS'),
    readOnlyAccessKeys: vars.get('ADMIN_READ_ONLY_ACCESS_KEYS'),
    signingKeyFile: vars.get('ADMIN_SESSION_SIGNING_KEY_FILE'),
    previousSigningKeyFile: vars.get('ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE'),
    tlsCertFile: vars.get('ADMIN_TLS_CERT_FILE'),
    tlsKeyFile: vars.get('ADMIN_TLS_KEY_FILE'),
    allowPlaintextNonLoopback: vars.bool('ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK', false),
    allowInsecureDevCookie: vars.bool('ADMIN_ALLOW_INSECURE_DEV_COOKIE', false),
  };
  // The script checks these switches whether or not KeyViz is on, but its numbers only when on:
  // a stale value under a switched-off sampler stays inert.
  const kvOn = vars.bool('KEYVIZ_ENABLED', false);
  const labels = vars.bool('KEYVIZ_LABELS_ENABLED', false);
  const hotOn = vars.bool('KEYVIZ_HOT_KEYS_ENABLED', false);
  const keyviz = kvOn
    ? {
        enabled: true,
        fanoutNodes: vars.get('KEYVIZ_FANOUT_NODES'),
        labels,
        keyBucketsPerRoute: count(vars, 'KEYVIZ_KEY_BUCKETS_PER_ROUTE', 256),
        hotKeys: hotOn
          ? {
              enabled: true,
              perRoute: count(vars, 'KEYVIZ_HOT_KEYS_PER_ROUTE', 256),
              sampleRate: count(vars, 'KEYVIZ_HOT_KEYS_SAMPLE_RATE', 1024),
              queueSize: count(vars, 'KEYVIZ_HOT_KEYS_QUEUE_SIZE', 65_536),
              maxKeyLen: count(vars, 'KEYVIZ_HOT_KEYS_MAX_KEY_LEN', 4096),
            }
          : { enabled: false },
      }
    : { enabled: false };
  const top = valid(
    ElastickvSchema.pick({
      entrypoint: true,
      raftEngine: true,
      raftRedisMap: true,
      bootstrapMembers: true,
      joinAsLearner: true,
    }),
    '',
    {
      entrypoint: vars.get('SERVER_ENTRYPOINT') ?? '/app',
      raftEngine: vars.get('RAFT_ENGINE') ?? 'etcd',
      raftRedisMap: vars.get('RAFT_TO_REDIS_MAP'),
      bootstrapMembers: vars.get('RAFT_BOOTSTRAP_MEMBERS'),
      joinAsLearner: vars.get('RAFT_JOIN_NODE'),
    },
  );
  return {
    ...top,
    s3: s3On ? valid(S3Schema, 's3', s3) : s3,
    sqs: sqsOn ? valid(SqsSchema, 'sqs', sqs) : sqs,
    admin: adminOn ? valid(AdminSchema, 'admin', admin) : admin,
    keyviz: kvOn ? valid(KeyVizSchema, 'keyviz', keyviz) : keyviz,
    scriptFingerprint: true,
  };
}
