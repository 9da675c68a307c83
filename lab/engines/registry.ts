// The engines the lab can run, by the name `up --engine` takes.

import type { LabEngine } from '../engine.js';
import { labState } from '../state.js';
import { etcd } from './etcd.js';

const ENGINES: readonly LabEngine[] = [etcd];
export const ENGINE_NAMES = ENGINES.map((e) => e.name);
export const DEFAULT_ENGINE = etcd.name;

export function engineNamed(name: string): LabEngine {
  const e = ENGINES.find((x) => x.name === name);
  if (!e) throw new Error(`unknown engine "${name}": expected one of ${ENGINE_NAMES.join(', ')}`);
  return e;
}

/** The engine of the running lab (the default one when no lab is up). */
export function labEngine(): LabEngine {
  return engineNamed(labState()?.engine ?? DEFAULT_ENGINE);
}
