// Each node's exact container: the inventory's container section with presets and defaults
// applied, placeholders filled, memory defaults merged and checked.

import { fingerprint, LABEL, type RunSpec } from '../runtime/docker.js';
import { checkEnvFileValues, type Env, mergeEnv, parseEnvLines } from '../runtime/env.js';
import { checkMemLimits, parseDockerMemory } from '../runtime/memory.js';
import {
  elastickvArgs,
  elastickvMounts,
  SCRIPT_FP_LABEL,
  scriptConfigFingerprint,
  scriptExtraEnv,
} from './elastickv-container.js';
import { type ResolvedElastickv, resolveElastickv } from './elastickv-resolve.js';
import { DEFAULT_ENV, DEFAULT_MEMORY, type Inventory, InventoryError } from './load.js';
import { imageProblem, type NodeInput } from './schema.js';
import { fill } from './template.js';

export const PRESET_ARGS = {
  etcd: [
    '--name',
    '{{id}}',
    '--data-dir',
    '{{dataDir}}',
    '--listen-client-urls',
    'http://{{host}}:{{ports.client}}',
    '--advertise-client-urls',
    'http://{{host}}:{{ports.client}}',
    '--listen-peer-urls',
    'http://{{host}}:{{ports.peer}}',
    '--initial-advertise-peer-urls',
    'http://{{host}}:{{ports.peer}}',
    '--initial-cluster',
    '{{initialCluster}}',
    '--initial-cluster-state',
    'existing',
  ],
  // The flags elastickv's own rolling-update script passes.
  elastickv: [
    '/app',
    '--address',
    '{{host}}:{{ports.admin}}',
    '--redisAddress',
    '{{host}}:{{ports.redis}}',
    '--dynamoAddress',
    '{{host}}:{{ports.dynamo}}',
    '--raftId',
    '{{id}}',
    '--raftEngine',
    'etcd',
    '--raftDataDir',
    '{{dataDir}}',
    '--raftRedisMap',
    '{{raftRedisMap}}',
  ],
};

export interface Overrides {
  image?: string;
  /** Docker memory limit, or "none". */
  memory?: string;
  /** Default env as KEY=VALUE lines, or "none". */
  defaultEnv?: string;
  /** Extra env as KEY=VALUE lines; a key here replaces the default of the same name. */
  extraEnv?: string;
}

function defaultEnvOf(inv: Inventory, o: Overrides): Env {
  if (o.defaultEnv !== undefined) return parseEnvLines(o.defaultEnv, 'default env');
  const d = inv.container.defaultEnv;
  if (d === undefined) return { ...DEFAULT_ENV };
  if (d === 'none') return {};
  if (Array.isArray(d)) return parseEnvLines(d.join('\n'), `${inv.source}: container.defaultEnv`);
  return { ...d };
}

function contextFor(inv: Inventory, node: NodeInput): Record<string, unknown> {
  const p = inv.ports;
  return {
    id: node.id,
    host: node.host,
    dataDir: inv.container.dataDir,
    ports: p,
    vars: node.vars ?? {},
    initialCluster: inv.nodes.map((n) => `${n.id}=http://${n.host}:${p.peer}`).join(','),
    raftRedisMap: inv.nodes.map((n) => `${n.host}:${p.admin}=${n.host}:${p.redis}`).join(','),
    // elastickv's single-group member list (--raftBootstrapMembers, --raftJoinMembers).
    raftMembers: inv.nodes.map((n) => `${n.id}=${n.host}:${p.admin}`).join(','),
  };
}

/** The elastickv section, resolved, when this inventory has one; it shapes the preset. */
function elastickvOf(inv: Inventory): ResolvedElastickv | undefined {
  if (inv.engine !== 'elastickv' || inv.elastickv === undefined) return undefined;
  if (inv.container.args !== undefined)
    throw new InventoryError(
      `${inv.source}: container.args replaces the elastickv preset, so the elastickv section has nothing to shape: remove one of them`,
    );
  return resolveElastickv(inv, inv.elastickv);
}

export function nodeSpec(inv: Inventory, node: NodeInput, o: Overrides = {}): RunSpec {
  const c = inv.container;
  const ctx = contextFor(inv, node);
  const at = (what: string) => `${inv.source}: node ${node.id}: ${what}`;
  const ek = elastickvOf(inv);
  const memorySetting = o.memory ?? c.memory ?? DEFAULT_MEMORY;
  const memory = memorySetting.trim() === 'none' ? undefined : memorySetting.trim();
  if (memory !== undefined) parseDockerMemory(memory, 'container memory limit');
  const env = mergeEnv(defaultEnvOf(inv, o), {
    ...(c.env ?? {}),
    ...(o.extraEnv ? parseEnvLines(o.extraEnv, 'extra env') : {}),
  });
  checkMemLimits(memory, env.GOMEMLIMIT);
  // Here, not when the container starts: by then the old node is already stopped.
  checkEnvFileValues(env, at('container env'));
  const image = o.image ?? c.image;
  const badImage = imageProblem(image);
  if (badImage) throw new InventoryError(`${at('image')} ${JSON.stringify(image)} ${badImage}`);
  const volumes = (c.volumes ?? ['{{dataDir}}:{{dataDir}}']).map((v, k) =>
    fill(v, ctx, at(`container.volumes[${k}]`)),
  );
  const spec: RunSpec = {
    name: c.name,
    image,
    restart: c.restart ?? 'unless-stopped',
    network: c.network ?? 'host',
    memory,
    user: c.user === undefined ? undefined : fill(c.user, ctx, at('container.user')),
    volumes: ek ? [...volumes, ...elastickvMounts(ek, volumes)] : volumes,
    labels: { ...(c.labels ?? {}), [LABEL.managed]: '1' },
    env,
    args: ek
      ? elastickvArgs(inv, node, ek)
      : (c.args ?? PRESET_ARGS[inv.engine]).map((a, k) => fill(a, ctx, at(`container.args[${k}]`))),
  };
  if (ek?.scriptFingerprint)
    spec.labels[SCRIPT_FP_LABEL] = scriptConfigFingerprint(inv, node, ek, {
      image,
      extraEnv: scriptExtraEnv(Object.entries(defaultEnvOf(inv, o)), [
        ...Object.entries(c.env ?? {}),
        ...Object.entries(o.extraEnv ? parseEnvLines(o.extraEnv, 'extra env') : {}),
      ]),
      memory: memory ?? '',
    });
  spec.labels[LABEL.fingerprint] = fingerprint(spec);
  return spec;
}
