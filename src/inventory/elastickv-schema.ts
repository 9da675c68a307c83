// The inventory's optional `elastickv:` section: the listeners and cluster-membership flags
// elastickv's deploy script passes beyond the preset. Absent, the preset is used unchanged, so an
// existing inventory builds the very same containers. Every default is the script's.

import { posix } from 'node:path';
import { z } from 'zod';
import { hasControlChar } from '../remote/ssh.js';

/** Why a path cannot be bind-mounted at the same path on every host, or undefined. */
export function hostFileProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must be an absolute path (starting with /)';
  if (hasControlChar(path)) return 'must not contain control characters or line breaks';
  if (posix.normalize(path) !== path || path.endsWith('/'))
    return 'must be normalized: no "..", ".", "//" or trailing "/"';
  // docker --volume splits its argument at ':'.
  if (path.includes(':')) return 'must not contain ":" (docker --volume splits at it)';
  return undefined;
}

const port = z.number().int().min(1).max(65535);
/** A value that becomes one argv element: one line, printable. */
const word = z.string().refine((v) => !hasControlChar(v), {
  message: 'must be one line without control characters',
});
/** A file on every host, bind-mounted read-only at the same path. */
const hostFile = z.string().superRefine((v, ctx) => {
  const p = hostFileProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: `${p} (it is bind-mounted at the same path)` });
});
/** A comma-separated list, as the flags take it, or a YAML list. */
const list = z.union([word, z.array(word)]);
/** Go's flag package spelling of a boolean, as --s3PathStyleOnly=<value> takes it. */
export const GO_BOOLS = [
  '1',
  't',
  'T',
  'TRUE',
  'true',
  'True',
  '0',
  'f',
  'F',
  'FALSE',
  'false',
  'False',
];
const goBool = z.union([z.boolean(), z.enum(GO_BOOLS as [string, ...string[]])]);

export const S3Schema = z.strictObject({
  /** Default true once the section is present (the script's ENABLE_S3 defaults to true). */
  enabled: z.boolean().optional(),
  port: port.optional().describe('default 9000'),
  region: word.optional().describe('default us-east-1'),
  credentialsFile: hostFile.optional(),
  pathStyleOnly: goBool.optional().describe('default true'),
  /** Default: derived from the nodes, host:raftPort=host:s3Port. */
  raftS3Map: word.optional(),
});

export const SqsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  port: port.optional().describe('default 9324'),
  region: word.optional().describe('default us-east-1'),
  credentialsFile: hostFile.optional(),
  raftSqsMap: word.optional(),
  fifoPartitionMap: word.optional(),
});

export const AdminSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** host:port; default elastickv's own, 127.0.0.1:8080. */
  address: word.optional(),
  fullAccessKeys: list.optional(),
  readOnlyAccessKeys: list.optional(),
  signingKeyFile: hostFile.optional(),
  previousSigningKeyFile: hostFile.optional(),
  tlsCertFile: hostFile.optional(),
  tlsKeyFile: hostFile.optional(),
  allowPlaintextNonLoopback: z.boolean().optional(),
  allowInsecureDevCookie: z.boolean().optional(),
});

const positive = z.number().int().min(1);

export const KeyVizSchema = z.strictObject({
  enabled: z.boolean().optional(),
  fanoutNodes: list.optional(),
  labels: z.boolean().optional(),
  keyBucketsPerRoute: z.number().int().min(1).max(256).optional(),
  hotKeys: z
    .strictObject({
      enabled: z.boolean().optional(),
      perRoute: positive.optional(),
      sampleRate: positive.optional(),
      queueSize: positive.optional(),
      maxKeyLen: positive.optional(),
    })
    .optional(),
});

export const ElastickvSchema = z.strictObject({
  entrypoint: word.optional().describe('default /app'),
  raftEngine: word.optional().describe('default etcd'),
  /** Default: derived from the nodes, host:raftPort=host:redisPort. */
  raftRedisMap: word.optional(),
  /** raftId=host:port,...; passed to every node only when set. */
  bootstrapMembers: word.optional(),
  /** The one fresh node that joins as a learner; its join members are derived from the nodes. */
  joinAsLearner: word.optional(),
  s3: S3Schema.optional(),
  sqs: SqsSchema.optional(),
  admin: AdminSchema.optional(),
  keyviz: KeyVizSchema.optional(),
  /**
   * Label each container with the deploy script's elastickv.deploy.config-fp, so a node the
   * script deployed with the same settings can be recognised as unchanged.
   */
  scriptFingerprint: z.boolean().optional(),
});

export type ElastickvSettings = z.infer<typeof ElastickvSchema>;
