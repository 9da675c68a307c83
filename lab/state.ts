// The running lab: how many hosts, which engine, and which checkout started it.

import { existsSync, readFileSync } from 'node:fs';
import { nodeId, OWNER, STATE } from './config.js';

export interface LabState {
  hosts: number;
  /** Absent in state written before the lab had more than one engine: etcd was the only one. */
  engine?: string;
  /** Raft groups per node, for engines that run several (elastickv). */
  groups?: number;
  /** Hosts brought up by `host-up` beyond the first `hosts`: up, but not started as members. */
  spare?: number[];
}

export function labOwner(): string | undefined {
  return existsSync(OWNER) ? readFileSync(OWNER, 'utf8').trim() : undefined;
}

/** The state `up` wrote, or undefined when no lab is up. */
export function labState(): LabState | undefined {
  if (!existsSync(STATE)) return undefined;
  return JSON.parse(readFileSync(STATE, 'utf8')) as LabState;
}

/** The host numbers of the running lab, 1..n. */
export function requireLab(): number[] {
  const n = labState()?.hosts;
  if (!n) throw new Error("no lab is up: run 'npm run lab -- up' first");
  return Array.from({ length: n }, (_, k) => k + 1);
}

export function parseNode(arg: unknown, hosts: number[]): number {
  const m = /^(?:n|h)?(\d+)$/.exec(String(arg ?? ''));
  const i = m ? Number(m[1]) : Number.NaN;
  if (!hosts.includes(i)) {
    throw new Error(`unknown node "${arg}": expected one of ${hosts.map(nodeId).join(', ')}`);
  }
  return i;
}

/** Every host the lab has started: the cluster's and the spare ones (`host-up`). */
export function allHosts(state: LabState): number[] {
  const base = Array.from({ length: state.hosts }, (_, k) => k + 1);
  return [...new Set([...base, ...(state.spare ?? [])])].sort((a, b) => a - b);
}
