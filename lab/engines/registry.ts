// The engines the lab can run, by the name `up --engine` takes.

import type { LabEngine } from '../engine.js';
import { labState } from '../state.js';
import { elastickvEngine } from './elastickv.js';
import { etcd } from './etcd.js';

export interface EngineOptions {
  /** elastickv only: Raft groups per node (its default when undefined). */
  groups?: number;
}

const ENGINES: Record<string, (o: EngineOptions) => LabEngine> = {
  etcd: (o) => {
    if (o.groups !== undefined)
      throw new Error('--groups applies to the elastickv engine only: etcd runs one Raft group');
    return etcd;
  },
  elastickv: (o) => elastickvEngine(o.groups),
};
export const ENGINE_NAMES = Object.keys(ENGINES);
export const DEFAULT_ENGINE = etcd.name;

export function engineNamed(name: string, opts: EngineOptions = {}): LabEngine {
  const make = Object.hasOwn(ENGINES, name) ? ENGINES[name] : undefined;
  if (!make)
    throw new Error(`unknown engine "${name}": expected one of ${ENGINE_NAMES.join(', ')}`);
  return make(opts);
}

/** Closes every engine API's open connections, so a command that is done can exit. */
export function closeEngineClients(): void {
  for (const make of Object.values(ENGINES)) make({}).api.close?.();
}

/** The engine of the running lab (the default one when no lab is up). */
export function labEngine(): LabEngine {
  const s = labState();
  return engineNamed(s?.engine ?? DEFAULT_ENGINE, { groups: s?.groups });
}
