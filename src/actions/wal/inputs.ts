// The wal action's inputs, read and checked once into a typed settings object.
import * as core from '@actions/core';
import { ETCD_VERSIONS, type EtcdVersion } from '../../wal/versions.js';
import { boolInput } from '../input-helpers.js';

export interface WalActionSettings {
  path: string;
  mode: 'verify' | 'repair';
  etcdVersion: EtcdVersion;
  allowLossyRepair: boolean;
  reportPath: string;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`input ${name} is "${value}"; expected one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

export function readSettings(): WalActionSettings {
  const path = core.getInput('path', { required: true });
  const mode = oneOf('mode', core.getInput('mode') || 'verify', ['verify', 'repair'] as const);
  const etcdVersion = oneOf('etcd-version', core.getInput('etcd-version') || '3.7', ETCD_VERSIONS);
  const allowLossyRepair = boolInput('allow-lossy-repair', false);
  const temp = process.env.RUNNER_TEMP || '/tmp';
  const reportPath = core.getInput('report') || `${temp}/raftroll-wal-report.json`;
  return { path, mode, etcdVersion, allowLossyRepair, reportPath };
}
