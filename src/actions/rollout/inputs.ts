// The rollout action's inputs, read and checked once. GitHub passes every input as a string and
// cannot tell "unset" from "empty", so "none" is how a default is switched off.

import * as core from '@actions/core';
import { boolInput, maskKey, maskSecretLines, opt, secretInput } from '../input-helpers.js';
import { settingInput } from '../setting-input.js';

export interface RolloutSettings {
  /** roll, or a membership change of one node (join, replace). */
  mode: 'roll' | 'join' | 'replace';
  /** join, replace: the node. */
  node?: string;
  /** replace: the node's new host, and its ssh target when not derived from it. */
  host?: string;
  ssh?: string;
  /** A path to the inventory, or the inventory itself (YAML) when it spans several lines. */
  inventory: string;
  imageTag?: string;
  image?: string;
  nodes?: string[];
  dryRun: boolean;
  memory?: string;
  defaultEnv?: string;
  extraEnv?: string;
  maxLag: number;
  stopGraceSeconds: number | undefined;
  startTimeoutSeconds: number | undefined;
  catchUpTimeoutSeconds: number;
  stabilizeSeconds: number;
  sshKey?: string;
  knownHosts?: string;
  etcdVersion: string | undefined;
  reportPath: string;
  /** Record the roll as a GitHub Deployment (real runs only). */
  deployments: boolean;
  environment: string;
  token?: string;
}

export function readSettings(): RolloutSettings {
  const inventory = core.getInput('inventory', { required: true });
  const mode = settingInput('rolloutMode')!;
  const imageTag = opt('image-tag');
  const image = opt('image');
  if (mode === 'roll' && !imageTag && !image)
    throw new Error('input image-tag (or image) is required: the version to roll out');
  const node = opt('node');
  const host = opt('host');
  if (mode !== 'roll' && !node)
    throw new Error(`input node is required with mode ${mode}: the id of the node to ${mode}`);
  if (mode === 'replace' && !host)
    throw new Error("input host is required with mode replace: the node's new host");
  if (mode !== 'replace' && host)
    throw new Error(`input host is for mode replace only (mode is ${mode})`);
  if (imageTag && image)
    throw new Error('inputs image-tag and image are both set; give one of them');
  const etcdVersion = settingInput('etcd');
  const sshKey = core.getInput('ssh-key') || undefined;
  maskKey(sshKey);
  const extraEnv = opt('extra-env');
  maskSecretLines(extraEnv);
  return {
    mode,
    node,
    host,
    ssh: opt('ssh'),
    inventory,
    imageTag,
    image,
    nodes: opt('nodes')
      ?.split(/[\s,]+/)
      .filter(Boolean),
    dryRun: boolInput('dry-run', true),
    memory: settingInput('memory'),
    defaultEnv: settingInput('defaultEnv'),
    extraEnv,
    maxLag: settingInput('maxLag')!,
    stopGraceSeconds: settingInput('stopGrace'),
    startTimeoutSeconds: settingInput('startTimeout'),
    catchUpTimeoutSeconds: settingInput('catchUpTimeout')!,
    stabilizeSeconds: settingInput('stabilize')!,
    sshKey,
    knownHosts: core.getInput('known-hosts') || undefined,
    etcdVersion,
    deployments: boolInput('deployments', true),
    environment: opt('environment') ?? 'production',
    token: secretInput('token'),
    reportPath: opt('report') ?? `${process.env.RUNNER_TEMP || '/tmp'}/raftroll-report.json`,
  };
}
