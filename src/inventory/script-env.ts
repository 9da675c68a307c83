// For users moving over from elastickv's scripts/rolling-update.sh: the same environment
// variables, read into an inventory with the elastickv preset. Where the script was lenient,
// this is strict: an unknown or repeated node id is an error, never a silent skip.

import {
  isHostName,
  isSshUser,
  MAX_CONNECT_TIMEOUT_SECONDS,
  parseSshTarget,
} from '../remote/ssh.js';
import { checkNodes, DEFAULT_PORTS, type Inventory, InventoryError } from './load.js';
import { containerNameProblem, imageProblem, nodeIdProblem, remotePathProblem } from './schema.js';
import { type Overrides, PRESET_ARGS } from './spec.js';

type Env = Record<string, string | undefined>;

function pairs(text: string, what: string): [string, string][] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq <= 0 || eq === p.length - 1)
        throw new InventoryError(`${what}: "${p}" is not id=value`);
      return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
    });
}

function port(env: Env, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InventoryError(`${name} is "${v}": expected a port number`);
  return n;
}

/** A setting that must pass `problem`, refused under its variable's name. */
function checked(
  env: Env,
  name: string,
  fallback: string,
  problem: (v: string) => string | undefined,
): string {
  const v = env[name] || fallback;
  const p = problem(v);
  if (p) throw new InventoryError(`${name} is ${JSON.stringify(v)}: it ${p}`);
  return v;
}

function connectTimeout(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > MAX_CONNECT_TIMEOUT_SECONDS)
    throw new InventoryError(
      `SSH_CONNECT_TIMEOUT_SECONDS is ${JSON.stringify(v)}: expected whole seconds from 1 to ${MAX_CONNECT_TIMEOUT_SECONDS}`,
    );
  return n;
}

/** Whitespace-separated KEY=VALUE pairs, as the script takes them, as lines. */
const envWords = (v: string) => v.split(/\s+/).filter(Boolean).join('\n');

export function inventoryFromScriptEnv(env: Env): {
  inv: Inventory;
  order: string[];
  overrides: Overrides;
} {
  if (!env.NODES?.trim())
    throw new InventoryError(
      'NODES is not set: expected "raftId=host,raftId=host,..." (or give --inventory)',
    );
  const nodes = pairs(env.NODES, 'NODES');
  const ids = new Set<string>();
  for (const [id, host] of nodes) {
    if (ids.has(id)) throw new InventoryError(`NODES names "${id}" twice`);
    const bad = nodeIdProblem(id);
    if (bad) throw new InventoryError(`NODES: node id ${JSON.stringify(id)} ${bad}`);
    if (!isHostName(host))
      throw new InventoryError(
        `NODES: the host of ${id}, ${JSON.stringify(host)}, is not a DNS name or IP address`,
      );
    ids.add(id);
  }
  const targets = new Map(pairs(env.SSH_TARGETS ?? '', 'SSH_TARGETS'));
  for (const id of targets.keys())
    if (!ids.has(id))
      throw new InventoryError(
        `SSH_TARGETS names "${id}", which is not in NODES (${[...ids].join(', ')})`,
      );
  const user = env.SSH_USER || env.USER;
  if (user !== undefined && !isSshUser(user))
    throw new InventoryError(
      `${env.SSH_USER ? 'SSH_USER' : 'USER'} is ${JSON.stringify(user)}: expected a login name (letters, digits, _ . -, starting with a letter or _)`,
    );
  for (const [id, t] of targets) {
    try {
      parseSshTarget(t);
    } catch (e) {
      throw new InventoryError(`SSH_TARGETS, node ${id}: ${(e as Error).message}`);
    }
  }
  const order = (env.ROLLING_ORDER ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  for (const id of order) {
    if (!ids.has(id))
      throw new InventoryError(
        `ROLLING_ORDER names "${id}", which is not in NODES (${[...ids].join(', ')})`,
      );
    if (seen.has(id)) throw new InventoryError(`ROLLING_ORDER names "${id}" twice`);
    seen.add(id);
  }
  const strict = env.SSH_STRICT_HOST_KEY_CHECKING ?? 'yes';
  if (strict !== 'yes' && strict !== 'accept-new') {
    throw new InventoryError(
      `SSH_STRICT_HOST_KEY_CHECKING is "${strict}": expected yes or accept-new (raftroll never turns host key checking off)`,
    );
  }
  const dataDir = checked(env, 'DATA_DIR', '/var/lib/elastickv', remotePathProblem);
  const inv: Inventory = {
    source: 'the rolling-update.sh environment',
    engine: 'elastickv',
    nodes: nodes.map(([id, host]) => {
      const t = targets.get(id);
      return {
        id,
        host,
        ssh: t ? (t.includes('@') || !user ? t : `${user}@${t}`) : user ? `${user}@${host}` : host,
      };
    }),
    ssh: {
      acceptNewHostKeys: strict === 'accept-new',
      sudo: true,
      connectTimeoutSec: connectTimeout(env.SSH_CONNECT_TIMEOUT_SECONDS),
    },
    container: {
      name: checked(env, 'CONTAINER_NAME', 'elastickv', containerNameProblem),
      image: checked(env, 'IMAGE', 'ghcr.io/bootjp/elastickv:latest', imageProblem),
      dataDir,
      restart: 'unless-stopped',
      network: 'host',
      volumes: ['{{dataDir}}:{{dataDir}}'],
      // The preset is what the script passes; only the entrypoint and engine are variables there.
      args: PRESET_ARGS.elastickv.map((arg, k, all) =>
        k === 0
          ? env.SERVER_ENTRYPOINT || arg
          : all[k - 1] === '--raftEngine'
            ? env.RAFT_ENGINE || arg
            : arg,
      ),
    },
    ports: {
      admin: port(env, 'RAFT_PORT', DEFAULT_PORTS.elastickv.admin),
      redis: port(env, 'REDIS_PORT', DEFAULT_PORTS.elastickv.redis),
      dynamo: port(env, 'DYNAMO_PORT', DEFAULT_PORTS.elastickv.dynamo),
    },
  };
  checkNodes(inv, inv.source);
  // The script's "${VAR-default}": unset means the default, set-but-empty means none.
  const overrides: Overrides = {
    memory:
      env.CONTAINER_MEMORY_LIMIT === undefined
        ? undefined
        : env.CONTAINER_MEMORY_LIMIT.trim() || 'none',
    defaultEnv:
      env.DEFAULT_EXTRA_ENV === undefined ? undefined : envWords(env.DEFAULT_EXTRA_ENV) || 'none',
    extraEnv: env.EXTRA_ENV ? envWords(env.EXTRA_ENV) : undefined,
  };
  return { inv, order: order.length ? order : nodes.map(([id]) => id), overrides };
}
