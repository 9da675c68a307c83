// Where an elastickv lab node's Raft groups answer, and how keys are routed to them. Shared by
// the engine (which starts the nodes) and its client API (which runs in the load's own process
// and must find a group from nothing but an endpoint string).

import { hostIp } from '../config.js';

/** Group g of every node listens on PORT_BASE + g: clear of etcd's 2379/2380 and the tests' ports. */
export const PORT_BASE = 39100;
export const MAX_GROUPS = 8;
export const DEFAULT_GROUPS = 3;

export const groupPort = (g: number) => PORT_BASE + g;
export const groupAddress = (i: number, g: number) => `${hostIp(i)}:${groupPort(g)}`;

/** The node and group an endpoint (host:port, as groupAddress writes it) belongs to. */
export function parseEndpoint(endpoint: string): { node: number; group: number } {
  const m = /^127\.0\.1\.(\d+):(\d+)$/.exec(endpoint);
  const group = m ? Number(m[2]) - PORT_BASE : Number.NaN;
  if (!m || !(group >= 1 && group <= MAX_GROUPS)) {
    throw new Error(
      `"${endpoint}" is not an elastickv lab endpoint: expected 127.0.1.N:${groupPort(1)}..${groupPort(MAX_GROUPS)}`,
    );
  }
  return { node: Number(m[1]), group };
}

export function checkGroups(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_GROUPS)
    throw new Error(`--groups is "${n}": expected a whole number from 1 to ${MAX_GROUPS}`);
  return n;
}

/** Every key that starts with routePrefix(g) belongs to group g (see shardRanges). */
export const routePrefix = (g: number) => `g${g}/`;

/**
 * --shardRanges for groups 1..n: group g owns [g<g>, g<g+1>), the first also everything below,
 * the last everything above. Single digits (MAX_GROUPS < 10) keep the byte order numeric.
 */
export function shardRanges(n: number): string {
  return Array.from({ length: n }, (_, k) => {
    const g = k + 1;
    const start = g === 1 ? '' : `g${g}`;
    const end = g === n ? '' : `g${g + 1}`;
    return `${start}:${end}=${g}`;
  }).join(',');
}

/** The group a key lands in under shardRanges(n): the stand-in's routing, restated. */
export function groupOfKey(key: string, n: number): number {
  let g = 1;
  for (let h = 2; h <= n; h++) if (key >= `g${h}`) g = h;
  return g;
}
