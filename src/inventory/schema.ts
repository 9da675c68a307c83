// The inventory: the cluster as the user describes it. Validated once; every error names the
// field, its line, and what was expected. Anything that reaches ssh, find or docker is held to
// the grammar its consumer reads, so a hostile or mistyped value is refused here, before any
// node is touched, rather than misread there.

import { posix } from 'node:path';
import { z } from 'zod';
import {
  checkSshOption,
  hasControlChar,
  isHostName,
  isSshUser,
  MAX_CONNECT_TIMEOUT_SECONDS,
  parseSshTarget,
} from '../remote/ssh.js';
import { MAX_STOP_GRACE_SECONDS, MIN_STOP_GRACE_SECONDS } from '../runtime/docker.js';
import { ElastickvSchema } from './elastickv-schema.js';

/** Why a node id cannot be used, or undefined. */
export function nodeIdProblem(id: string): string | undefined {
  if (id.trim() === '') return 'must not be empty';
  if (hasControlChar(id)) return 'must not contain control characters or line breaks';
  // The id is an element of etcd's --initial-cluster list (id=url,id=url).
  if (/[,=]/.test(id)) return 'must not contain "," or "=" (it is an element of a peer list)';
  return undefined;
}

/** Why a remote path (the data directory) cannot be used, or undefined. */
export function remotePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must be an absolute path (starting with /)';
  if (hasControlChar(path)) return 'must not contain control characters or line breaks';
  if (posix.normalize(path) !== path || (path.length > 1 && path.endsWith('/')))
    return 'must be normalized: no "..", ".", "//" or trailing "/"';
  // docker --volume splits its argument at ':'.
  if (path.includes(':')) return 'must not contain ":" (docker --volume splits at it)';
  return undefined;
}

/** Why a local file path handed to ssh cannot be used, or undefined. Relative is fine. */
export function localPathProblem(path: string): string | undefined {
  if (path === '') return 'must not be empty';
  if (/[\s%"'\\]/.test(path) || hasControlChar(path))
    return 'must not contain spaces, quotes, backslashes or % (ssh would expand or split it)';
  if (path.split('/').includes('..')) return 'must not contain ".."';
  return undefined;
}

/** Why a container name cannot be used, or undefined: docker's own rule. */
export function containerNameProblem(name: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]+$/.test(name)
    ? undefined
    : 'must be a docker container name: two or more letters, digits, _ . -, starting with a letter or digit';
}

/** Why an image reference cannot be used, or undefined. */
export function imageProblem(image: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(image) && image.length <= 512
    ? undefined
    : 'must be an image reference (registry/name:tag or name@sha256:...): letters, digits, . _ / : @ -, starting with a letter or digit';
}

const checked = (problem: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

const hostName = checked((h) =>
  isHostName(h)
    ? undefined
    : 'must be a DNS name or an IP address (letters, digits, . - _; never starting with "-")',
);
const sshTarget = checked((t) => {
  try {
    parseSshTarget(t);
    return undefined;
  } catch {
    return 'must be host or user@host: a login name, then a DNS name, ssh_config alias or IP address';
  }
});

export const NodeSchema = z.strictObject({
  id: checked(nodeIdProblem).describe('the node id (elastickv --raftId, etcd member name)'),
  host: hostName.describe('the address peers and clients use'),
  ssh: sshTarget
    .optional()
    .describe('ssh target (user@host or an ssh_config alias); default: host'),
  vars: z.record(z.string(), z.string()).optional(),
});

export const SshSchema = z.strictObject({
  user: checked((u) =>
    isSshUser(u)
      ? undefined
      : 'must be a login name: letters, digits, _ . -, starting with a letter or _',
  ).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identityFile: checked(localPathProblem).optional(),
  knownHostsFile: checked(localPathProblem).optional(),
  acceptNewHostKeys: z.boolean().optional(),
  sudo: z.boolean().optional(),
  options: z
    .array(
      checked((o) => {
        try {
          checkSshOption(o);
          return undefined;
        } catch {
          return 'must be Key=Value (e.g. ProxyJump=bastion), on one line';
        }
      }),
    )
    .optional(),
  connectTimeoutSec: z.number().int().min(1).max(MAX_CONNECT_TIMEOUT_SECONDS).optional(),
});

const envMap = z.record(z.string(), z.string());

export const ContainerSchema = z.strictObject({
  name: checked(containerNameProblem),
  image: checked(imageProblem),
  dataDir: checked(remotePathProblem),
  restart: z
    .string()
    .regex(
      /^(no|always|unless-stopped|on-failure(:\d+)?)$/,
      'must be a docker restart policy: no, always, unless-stopped or on-failure[:N]',
    )
    .optional(),
  network: z.string().optional(),
  user: z.string().optional(),
  /** Docker memory limit; "none" switches it off. Default 2500m. */
  memory: z.string().optional(),
  /** Variables every node gets unless extra env overrides them; "none" for none. */
  defaultEnv: z.union([z.literal('none'), z.array(z.string()), envMap]).optional(),
  env: envMap.optional(),
  volumes: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  args: z.array(z.string()).optional(),
  stopGraceSeconds: z
    .number()
    .int()
    .min(MIN_STOP_GRACE_SECONDS)
    .max(MAX_STOP_GRACE_SECONDS)
    .optional(),
});

export const PortsSchema = z.strictObject({
  client: z.number().int().min(1).max(65535).optional(),
  peer: z.number().int().min(1).max(65535).optional(),
  admin: z.number().int().min(1).max(65535).optional(),
  redis: z.number().int().min(1).max(65535).optional(),
  dynamo: z.number().int().min(1).max(65535).optional(),
});

export const InventorySchema = z.strictObject({
  engine: z.enum(['etcd', 'elastickv']),
  nodes: z.array(NodeSchema).min(1),
  ssh: SshSchema.optional(),
  container: ContainerSchema,
  ports: PortsSchema.optional(),
  /** elastickv's Raft groups, each on its own port of every node (else read from --raftGroups). */
  groups: z
    .array(
      z.strictObject({ id: z.number().int().min(0), port: z.number().int().min(1).max(65535) }),
    )
    .optional(),
  /** The etcd release whose WAL rules apply (elastickv: 3.7, what it ships). */
  etcdVersion: z.enum(['3.4', '3.5', '3.6', '3.7']).optional(),
  /** elastickv's optional listeners and membership flags (S3, SQS, admin, KeyViz, join). */
  elastickv: ElastickvSchema.optional(),
  /**
   * The file (a path on every host) whose presence stops elastickv's leader-balance scheduler
   * (the node's --leaderBalanceKillSwitchFile, as the host sees it). A roll creates it for its
   * duration, so the scheduler never moves leadership back onto the node about to stop.
   */
  leaderBalanceKillSwitch: z
    .string()
    .refine((v) => v.startsWith('/') && posix.normalize(v) === v && !v.endsWith('/'), {
      message: 'must be an absolute, normalized path on the hosts (no "..", no trailing "/")',
    })
    .optional(),
});

export type InventoryInput = z.infer<typeof InventorySchema>;
export type NodeInput = z.infer<typeof NodeSchema>;
