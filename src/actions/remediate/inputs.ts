// The remediation action's inputs, read and checked once, before anything touches a host.

import * as core from '@actions/core';
import type { Mode } from '../../remediate/remediate.js';
import { ETCD_VERSIONS } from '../../wal/versions.js';
import { boolInput, maskKey, num, opt } from '../input-helpers.js';

export const MODES: readonly Mode[] = ['diagnose', 'auto'];

export interface RemediateSettings {
  /** A path to the inventory, or the inventory itself (YAML) when it spans several lines. */
  inventory: string;
  nodes?: string[];
  mode: Mode;
  maxLag: number;
  memoryPressure: number;
  crashLoopRestarts: number;
  stopGraceSeconds: number | undefined;
  catchUpTimeoutSeconds: number;
  stabilizeSeconds: number;
  allowReseed: boolean;
  /** Free text from whoever asked (an alert): untrusted, only ever shown escaped. */
  reason?: string;
  sshKey?: string;
  knownHosts?: string;
  etcdVersion: string | undefined;
  reportPath: string;
}

const wholeAtLeast = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

export function readSettings(): RemediateSettings {
  // Mask the key before any check could fail and print anything.
  const sshKey = core.getInput('ssh-key') || undefined;
  maskKey(sshKey);
  const inventory = core.getInput('inventory', { required: true });
  const mode = (opt('mode') ?? 'diagnose') as Mode;
  if (!MODES.includes(mode))
    throw new Error(`input mode is "${mode}"; expected ${MODES.join(' or ')}`);
  const etcdVersion = opt('etcd-version');
  if (etcdVersion !== undefined && !(ETCD_VERSIONS as readonly string[]).includes(etcdVersion)) {
    throw new Error(
      `input etcd-version is "${etcdVersion}"; expected one of ${ETCD_VERSIONS.join(', ')}`,
    );
  }
  return {
    inventory,
    nodes: opt('nodes')
      ?.split(/[\s,]+/)
      .filter(Boolean),
    mode,
    maxLag: num('max-lag', 1000, wholeAtLeast(0), 'a whole number of entries, 0 or more'),
    memoryPressure: num(
      'memory-pressure',
      0.9,
      (n) => n > 0 && n <= 1,
      'a fraction of the memory limit, above 0 and at most 1 (0.9 is 90%)',
    ),
    crashLoopRestarts: num('crash-loop-restarts', 3, wholeAtLeast(1), 'a whole number, 1 or more'),
    stopGraceSeconds:
      opt('stop-grace-seconds') === undefined
        ? undefined
        : num(
            'stop-grace-seconds',
            30,
            (n) => wholeAtLeast(1)(n) && n <= 3600,
            'whole seconds from 1 to 3600',
          ),
    catchUpTimeoutSeconds: num('catch-up-timeout-seconds', 300, (n) => n > 0, 'seconds above 0'),
    stabilizeSeconds: num('stabilize-seconds', 3),
    allowReseed: boolInput('allow-reseed', false),
    reason: core.getInput('reason') || undefined,
    sshKey,
    knownHosts: core.getInput('known-hosts') || undefined,
    etcdVersion,
    reportPath: opt('report') ?? `${process.env.RUNNER_TEMP || '/tmp'}/raftroll-remediation.json`,
  };
}
