// The remediation action's inputs, read and checked once, before anything touches a host.

import * as core from '@actions/core';
import type { Mode } from '../../remediate/remediate.js';
import { boolInput, maskKey, opt, secretInput } from '../input-helpers.js';
import { settingInput } from '../setting-input.js';

export interface RemediateSettings {
  /** A path to the inventory, or the inventory itself (YAML) when it spans several lines. */
  inventory: string;
  nodes?: string[];
  mode: Mode;
  /** The lock modes: show every host's cluster lock, or release a dead run's lock. */
  lockMode?: 'lock-status' | 'release-lock';
  /** release-lock: also break a live holder's or an unreadable lock. */
  forceRelease: boolean;
  maxLag: number;
  memoryPressure: number;
  crashLoopRestarts: number;
  stopGraceSeconds: number | undefined;
  startTimeoutSeconds: number | undefined;
  catchUpTimeoutSeconds: number;
  stabilizeSeconds: number;
  allowReseed: boolean;
  /** Free text from whoever asked (an alert): untrusted, only ever shown escaped. */
  reason?: string;
  sshKey?: string;
  knownHosts?: string;
  etcdVersion: string | undefined;
  reportPath: string;
  /** Open, update or close one issue per cluster with what was found and done. */
  incidentIssue: boolean;
  /** The cluster's name in its incident issue (default: engine and member ids). */
  cluster?: string;
  token?: string;
}

export function readSettings(): RemediateSettings {
  // Mask the key before any check could fail and print anything.
  const sshKey = core.getInput('ssh-key') || undefined;
  maskKey(sshKey);
  const inventory = core.getInput('inventory', { required: true });
  const raw = opt('mode');
  const lockMode = raw === 'lock-status' || raw === 'release-lock' ? raw : undefined;
  if (!lockMode && raw && raw !== 'diagnose' && raw !== 'auto')
    throw new Error(`input mode is "${raw}"; expected diagnose, auto, lock-status or release-lock`);
  // The action has modes of its own beyond the CLI's remediate --mode (diagnose, auto).
  const mode: Mode = raw === 'auto' ? 'auto' : 'diagnose';
  const etcdVersion = settingInput('etcd');
  return {
    inventory,
    nodes: opt('nodes')
      ?.split(/[\s,]+/)
      .filter(Boolean),
    mode,
    lockMode,
    forceRelease: boolInput('force-release', false),
    maxLag: settingInput('maxLag')!,
    memoryPressure: settingInput('memoryPressure')!,
    crashLoopRestarts: settingInput('crashLoopRestarts')!,
    stopGraceSeconds: settingInput('stopGrace'),
    startTimeoutSeconds: settingInput('startTimeout'),
    catchUpTimeoutSeconds: settingInput('catchUpTimeout')!,
    stabilizeSeconds: settingInput('stabilize')!,
    allowReseed: boolInput('allow-reseed', false),
    reason: core.getInput('reason') || undefined,
    sshKey,
    knownHosts: core.getInput('known-hosts') || undefined,
    etcdVersion,
    incidentIssue: boolInput('incident-issue', false),
    cluster: opt('cluster'),
    token: secretInput('token'),
    reportPath: opt('report') ?? `${process.env.RUNNER_TEMP || '/tmp'}/raftroll-remediation.json`,
  };
}
