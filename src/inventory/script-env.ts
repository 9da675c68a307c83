// For users moving over from elastickv's scripts/rolling-update.sh: the same environment
// variables (and its workflow's), read into an inventory with the elastickv preset and its
// elastickv section. Where the script was lenient, this is strict: an unknown or repeated node
// id is an error, never a silent skip; a setting raftroll cannot honour is a note, never silence.

import {
  isHostName,
  isSshUser,
  MAX_CONNECT_TIMEOUT_SECONDS,
  parseSshTarget,
} from '../remote/ssh.js';
import { hostFilesOf, resolveElastickv } from './elastickv-resolve.js';
import {
  checkNodes,
  DEFAULT_ENV,
  DEFAULT_MEMORY,
  DEFAULT_PORTS,
  type Inventory,
  InventoryError,
} from './load.js';
import { containerNameProblem, imageProblem, nodeIdProblem, remotePathProblem } from './schema.js';
import { featuresFromScriptEnv, scriptNames } from './script-env-features.js';
import { type ScriptThresholds, tuningFromScriptEnv } from './script-env-tuning.js';
import { ScriptVars } from './script-env-vars.js';
import type { Overrides } from './spec.js';

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

/** A setting that must pass `problem`, refused under its variable's name. */
function checked(
  vars: ScriptVars,
  name: string,
  fallback: string,
  problem: (v: string) => string | undefined,
): string {
  const v = vars.get(name) ?? fallback;
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

export interface ScriptEnvResult {
  inv: Inventory;
  /** The nodes to roll, in order (ROLLING_ORDER, else NODES). */
  order: string[];
  overrides: Overrides;
  /** The script's timing variables that raftroll has a knob for; only those that were set. */
  thresholds: ScriptThresholds;
  /** Settings that would change what gets deployed, or leave a node unprotected: show loudly. */
  warnings: string[];
  /** One line per setting raftroll maps differently or does not use. */
  notes: string[];
  /** Files that must exist, readable, on every host before a container that mounts them starts. */
  hostFiles: { path: string; setting: string }[];
}

function ssh(vars: ScriptVars, ids: Set<string>) {
  const targets = new Map(pairs(vars.get('SSH_TARGETS') ?? '', 'SSH_TARGETS'));
  for (const id of targets.keys())
    if (!ids.has(id))
      throw new InventoryError(
        `SSH_TARGETS names "${id}", which is not in NODES (${[...ids].join(', ')})`,
      );
  const user = vars.get('SSH_USER') ?? vars.get('USER');
  if (user !== undefined && !isSshUser(user))
    throw new InventoryError(
      `${vars.get('SSH_USER') ? 'SSH_USER' : 'USER'} is ${JSON.stringify(user)}: expected a login name (letters, digits, _ . -, starting with a letter or _)`,
    );
  for (const [id, t] of targets) {
    try {
      parseSshTarget(t);
    } catch (e) {
      throw new InventoryError(`SSH_TARGETS, node ${id}: ${(e as Error).message}`);
    }
  }
  const strictSet = vars.get('SSH_STRICT_HOST_KEY_CHECKING');
  const strict = strictSet ?? 'yes';
  if (strict !== 'yes' && strict !== 'accept-new') {
    throw new InventoryError(
      `SSH_STRICT_HOST_KEY_CHECKING is "${strict}": expected yes or accept-new (raftroll never turns host key checking off)`,
    );
  }
  return {
    notes:
      strictSet === undefined
        ? [
            'SSH_STRICT_HOST_KEY_CHECKING is not set: raftroll checks host keys strictly (yes), where the script defaults to accept-new; set it to accept-new to keep the script behaviour',
          ]
        : [],
    nodeSsh: (id: string, host: string) => {
      const t = targets.get(id);
      return t ? (t.includes('@') || !user ? t : `${user}@${t}`) : user ? `${user}@${host}` : host;
    },
    settings: {
      acceptNewHostKeys: strict === 'accept-new',
      sudo: true,
      connectTimeoutSec: connectTimeout(vars.get('SSH_CONNECT_TIMEOUT_SECONDS')),
    },
  };
}

function rollingOrder(vars: ScriptVars, ids: Set<string>): string[] {
  const order = (vars.get('ROLLING_ORDER') ?? '')
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
  return order;
}

/**
 * The memory defaults, with the script's rule: unset means the default, set-but-empty means
 * none. The rule is the script's, but an empty value usually comes from an unset GitHub
 * variable, so switching a default off is always a warning.
 */
function memoryDefaults(vars: ScriptVars, warnings: string[]): Overrides {
  const memory = vars.raw('CONTAINER_MEMORY_LIMIT');
  const defaults = vars.raw('DEFAULT_EXTRA_ENV');
  const extraEnv = vars.get('EXTRA_ENV') ? envWords(vars.get('EXTRA_ENV')!) : undefined;
  const o: Overrides = {
    memory: memory === undefined ? undefined : memory.trim() || 'none',
    defaultEnv: defaults === undefined ? undefined : envWords(defaults) || 'none',
    extraEnv,
  };
  const hint = (name: string) =>
    `if it comes from an undefined GitHub repository variable, pass ${name}_CONFIGURED: \${{ contains(toJSON(vars), '"${name}"') }} as the upstream workflow does, or set the variable`;
  if (o.memory === 'none')
    warnings.push(
      `CONTAINER_MEMORY_LIMIT is set but empty, so containers get NO memory limit (default ${DEFAULT_MEMORY}): an out-of-memory node can take its host down with it; ${hint('CONTAINER_MEMORY_LIMIT')}`,
    );
  const userSetsGoMemLimit = /(^|\n)GOMEMLIMIT=/.test(extraEnv ?? '');
  if (o.defaultEnv === 'none' && !userSetsGoMemLimit)
    warnings.push(
      `DEFAULT_EXTRA_ENV is set but empty, so containers get NO GOMEMLIMIT (default ${Object.entries(
        DEFAULT_ENV,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(
          ' ',
        )}): Go will not collect harder before the memory limit kills it; ${hint('DEFAULT_EXTRA_ENV')}`,
    );
  return o;
}

/**
 * Reads the script's variables. `readFile` reads ROLLING_UPDATE_ENV_FILE (a seam for tests).
 */
export function inventoryFromScriptEnv(
  env: Env,
  readFile?: (path: string) => string,
): ScriptEnvResult {
  const vars = new ScriptVars(env, readFile);
  const warnings = [...vars.warnings];
  const notes = [...vars.notes];
  if (vars.get('NODES') === undefined || !vars.get('NODES')!.trim())
    throw new InventoryError(
      'NODES is not set: expected "raftId=host,raftId=host,..." (or NODES_RAFT_MAP, or give --inventory)',
    );
  const nodes = pairs(vars.get('NODES')!, 'NODES');
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
  const access = ssh(vars, ids);
  notes.push(...access.notes);
  const order = rollingOrder(vars, ids);
  const dataDir = checked(vars, 'DATA_DIR', '/var/lib/elastickv', remotePathProblem);
  const elastickv = featuresFromScriptEnv(vars);
  const inv: Inventory = {
    source: 'the rolling-update.sh environment',
    engine: 'elastickv',
    nodes: nodes.map(([id, host]) => ({ id, host, ssh: access.nodeSsh(id, host) })),
    ssh: access.settings,
    container: {
      name: checked(vars, 'CONTAINER_NAME', 'elastickv', containerNameProblem),
      image: checked(vars, 'IMAGE', 'ghcr.io/bootjp/elastickv:latest', imageProblem),
      dataDir,
      restart: 'unless-stopped',
      network: 'host',
      volumes: ['{{dataDir}}:{{dataDir}}'],
    },
    ports: {
      admin: vars.port('RAFT_PORT', DEFAULT_PORTS.elastickv.admin),
      redis: vars.port('REDIS_PORT', DEFAULT_PORTS.elastickv.redis),
      dynamo: vars.port('DYNAMO_PORT', DEFAULT_PORTS.elastickv.dynamo),
    },
    elastickv,
  };
  checkNodes(inv, inv.source);
  const resolved = resolveElastickv(inv, elastickv, scriptNames);
  const rolled = order.length ? order : nodes.map(([id]) => id);
  if (resolved.joinAsLearner && (rolled.length !== 1 || rolled[0] !== resolved.joinAsLearner))
    throw new InventoryError(
      `RAFT_JOIN_NODE is "${resolved.joinAsLearner}": ROLLING_ORDER must name only that node (it is ${rolled.join(',')}); roll the others separately, without RAFT_JOIN_NODE`,
    );
  if (resolved.joinAsLearner)
    notes.push(
      `RAFT_JOIN_NODE=${resolved.joinAsLearner}: it starts with --raftJoinAsLearner; once it is promoted, unset RAFT_JOIN_NODE and roll it again`,
    );
  if (resolved.s3.enabled && !resolved.s3.credentialsFile)
    warnings.push(
      'the S3 listener is on (ENABLE_S3 defaults to true) with no S3_CREDENTIALS_FILE: it accepts any credentials; set ENABLE_S3=false if you do not use S3 (the upstream workflow refuses this combination)',
    );
  if (
    resolved.admin.enabled &&
    resolved.admin.allowPlaintextNonLoopback &&
    !resolved.admin.allowInsecureDevCookie
  )
    warnings.push(
      'ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK=true without ADMIN_ALLOW_INSECURE_DEV_COOKIE=true: browsers will not send the Secure session cookie over plain HTTP, so dashboard logins will not stick',
    );
  const overrides = memoryDefaults(vars, warnings);
  if (overrides.memory !== 'none')
    notes.push(
      'raftroll sets --memory-swap equal to --memory, where the script leaves Docker to allow as much swap again: an elastickv node that swaps stalls its Raft heartbeats, so it should be killed and restarted, not slowed',
    );
  const tuning = tuningFromScriptEnv(vars);
  notes.push(...tuning.notes);
  return {
    inv,
    order: rolled,
    overrides,
    thresholds: tuning.thresholds,
    warnings,
    notes,
    hostFiles: hostFilesOf(resolved, scriptNames),
  };
}
