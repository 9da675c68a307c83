// The rollout action's inputs, read and checked once. GitHub passes every input as a string and
// cannot tell "unset" from "empty", so "none" is how a default is switched off.

import * as core from '@actions/core';
import { ETCD_VERSIONS } from '../../wal/versions.js';
import { boolInput, maskKey, num, opt } from '../input-helpers.js';

export interface RolloutSettings {
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
  catchUpTimeoutSeconds: number;
  stabilizeSeconds: number;
  sshKey?: string;
  knownHosts?: string;
  etcdVersion: string | undefined;
  reportPath: string;
}

export function readSettings(): RolloutSettings {
  const inventory = core.getInput('inventory', { required: true });
  const imageTag = opt('image-tag');
  const image = opt('image');
  if (!imageTag && !image)
    throw new Error('input image-tag (or image) is required: the version to roll out');
  if (imageTag && image)
    throw new Error('inputs image-tag and image are both set; give one of them');
  const etcdVersion = opt('etcd-version');
  if (etcdVersion !== undefined && !(ETCD_VERSIONS as readonly string[]).includes(etcdVersion)) {
    throw new Error(
      `input etcd-version is "${etcdVersion}"; expected one of ${ETCD_VERSIONS.join(', ')}`,
    );
  }
  const sshKey = core.getInput('ssh-key') || undefined;
  maskKey(sshKey);
  const extraEnv = opt('extra-env');
  if (extraEnv) {
    for (const line of extraEnv.split('\n')) {
      const value = line.slice(line.indexOf('=') + 1).trim();
      if (line.includes('=') && value.length >= 3) core.setSecret(value);
    }
  }
  return {
    inventory,
    imageTag,
    image,
    nodes: opt('nodes')
      ?.split(/[\s,]+/)
      .filter(Boolean),
    dryRun: boolInput('dry-run', true),
    memory: opt('memory-limit'),
    defaultEnv: opt('default-env'),
    extraEnv,
    maxLag: num('max-lag', 1000),
    stopGraceSeconds:
      opt('stop-grace-seconds') === undefined ? undefined : num('stop-grace-seconds', 30),
    catchUpTimeoutSeconds: num('catch-up-timeout-seconds', 300),
    stabilizeSeconds: num('stabilize-seconds', 3),
    sshKey,
    knownHosts: core.getInput('known-hosts') || undefined,
    etcdVersion,
    reportPath: opt('report') ?? `${process.env.RUNNER_TEMP || '/tmp'}/raftroll-report.json`,
  };
}
