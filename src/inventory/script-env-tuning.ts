// The script's timing and helper variables, mapped onto raftroll's thresholds where raftroll has
// the same knob; where it has none, a note says so rather than dropping the value in silence.

import { InventoryError } from './load.js';
import type { ScriptVars } from './script-env-vars.js';

/** The thresholds these variables set, by raftroll's names for them (the node layer's). */
export interface ScriptThresholds {
  startTimeoutMs?: number;
  handoverTimeoutMs?: number;
  maxLag?: number;
  stabilizeMs?: number;
  leaderWaitMs?: number;
}

function wholeNumber(vars: ScriptVars, name: string, min: number, max: number): number | undefined {
  const v = vars.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max)
    throw new InventoryError(
      `${name} is ${JSON.stringify(v)}: expected a whole number from ${min} to ${max}`,
    );
  return n;
}

export function tuningFromScriptEnv(vars: ScriptVars): {
  thresholds: ScriptThresholds;
  notes: string[];
} {
  const t: ScriptThresholds = {};
  const notes: string[] = [];
  const health = wholeNumber(vars, 'HEALTH_TIMEOUT_SECONDS', 1, 86_400);
  if (health !== undefined) t.startTimeoutMs = health * 1000;
  const transfer = wholeNumber(vars, 'LEADERSHIP_TRANSFER_TIMEOUT_SECONDS', 1, 86_400);
  if (transfer !== undefined) t.handoverTimeoutMs = transfer * 1000;
  const lag = wholeNumber(vars, 'LEADERSHIP_TRANSFER_MAX_LOG_LAG', 0, Number.MAX_SAFE_INTEGER);
  if (lag !== undefined) {
    t.maxLag = lag;
    notes.push(
      `LEADERSHIP_TRANSFER_MAX_LOG_LAG=${lag} becomes raftroll's max lag, which also decides when a restarted node counts as caught up (not only which follower may take leadership)`,
    );
  }
  const discovery = wholeNumber(vars, 'LEADER_DISCOVERY_TIMEOUT_SECONDS', 1, 3600);
  if (discovery !== undefined) t.leaderWaitMs = discovery * 1000;
  const delay = wholeNumber(vars, 'ROLLING_DELAY_SECONDS', 0, 3600);
  if (delay !== undefined) {
    t.stabilizeMs = delay * 1000;
    notes.push(
      `ROLLING_DELAY_SECONDS=${delay} becomes the stabilization window: raftroll waits that long with the node caught up before the next one, rather than sleeping`,
    );
  }
  const noKnob: [string, string][] = [
    [
      'LEADERSHIP_TRANSFER_RETRY_ATTEMPTS',
      'raftroll tries each caught-up follower three times, backing off 0.5 s, 1 s, 2 s; this is not configurable',
    ],
    [
      'LEADERSHIP_TRANSFER_RETRY_BACKOFF_SECONDS',
      'raftroll backs off 0.5 s, 1 s, 2 s between transfer attempts; this is not configurable',
    ],
    ['RAFTADMIN_BIN', 'raftroll speaks RaftAdmin itself; it builds and copies no helper binary'],
    ['RAFTADMIN_REMOTE_BIN', 'raftroll copies no helper binary to the hosts'],
    [
      'RAFTADMIN_RPC_TIMEOUT_SECONDS',
      'raftroll bounds each RaftAdmin call by its own step timeouts',
    ],
    ['RAFTADMIN_ALLOW_INSECURE', 'raftroll connects to RaftAdmin as elastickv serves it today'],
    ['DRY_RUN', 'use `raftroll plan` for a dry run'],
  ];
  for (const [name, why] of noKnob) {
    const v = vars.get(name);
    if (v !== undefined) notes.push(`${name}=${v} is not used: ${why}`);
  }
  const dry = vars.get('DRY_RUN');
  if (dry !== undefined && dry !== 'true' && dry !== 'false')
    throw new InventoryError(`DRY_RUN is ${JSON.stringify(dry)}: expected true or false`);
  return { thresholds: t, notes };
}
