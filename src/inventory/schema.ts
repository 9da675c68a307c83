// The inventory: the cluster as the user describes it. Validated once; every error names the
// field, its line, and what was expected.

import { z } from 'zod';

const name = z.string().min(1);
// ssh reads an argument starting with '-' as an option (-oProxyCommand=...): never a host.
const hostName = z
  .string()
  .min(1)
  .regex(/^[^-\s]/, 'must not start with "-" or a space');

export const NodeSchema = z.strictObject({
  id: name.describe('the node id (elastickv --raftId, etcd member name)'),
  host: hostName.describe('the address peers and clients use'),
  ssh: hostName.optional().describe('ssh target (user@host or an ssh_config alias); default: host'),
  vars: z.record(z.string(), z.string()).optional(),
});

export const SshSchema = z.strictObject({
  user: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identityFile: z.string().optional(),
  knownHostsFile: z.string().optional(),
  acceptNewHostKeys: z.boolean().optional(),
  sudo: z.boolean().optional(),
  options: z.array(z.string()).optional(),
  connectTimeoutSec: z.number().int().positive().optional(),
});

const envMap = z.record(z.string(), z.string());

export const ContainerSchema = z.strictObject({
  name: name,
  image: name,
  dataDir: name,
  restart: z.string().optional(),
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
  stopGraceSeconds: z.number().int().min(1).max(3600).optional(),
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
});

export type InventoryInput = z.infer<typeof InventorySchema>;
export type NodeInput = z.infer<typeof NodeSchema>;
