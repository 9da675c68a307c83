// What every step of one node's procedure needs, resolved once per node: the session, the node
// and its host, the container names, the thresholds, the WAL rules, the spec it is to run, and
// where events go.

import type { JournalEntry, PhaseJournal, SpecRef } from '../cluster/journal.js';
import type { ClusterSession } from '../cluster/session.js';
import type { Events, Phase } from '../events/events.js';
import type { NodeInput } from '../inventory/schema.js';
import type { Host } from '../remote/host.js';
import { type ContainerInfo, LABEL, type RunSpec } from '../runtime/docker.js';
import type { EtcdRules } from '../wal/versions.js';
import { previousName } from './spec.js';
import type { NodeThresholds } from './thresholds.js';
import type { ClusterViews } from './views.js';

/** What stays the same for every node of a run. */
export interface RunContext {
  session: ClusterSession;
  t: NodeThresholds;
  rules: EtcdRules;
  events: Events;
  views: ClusterViews;
  /**
   * Where each phase transition is written before the step it announces (the lease's journal);
   * none in tests that need no record.
   */
  journal?: PhaseJournal;
}

/** One node's part of the context that does not depend on what it is to run. */
export interface NodeBase extends RunContext {
  id: string;
  node: NodeInput;
  host: Host;
  /** The container's name, and the name the old one keeps during a replacement. */
  name: string;
  prevName: string;
  dataDir: string;
}

export interface NodeContext extends NodeBase {
  /** The container the node is to run (the inventory's, with the caller's overrides). */
  spec: RunSpec;
}

export function nodeContext(run: RunContext, id: string, spec: RunSpec): NodeContext {
  return { ...nodeBase(run, id), spec };
}

export function nodeBase(run: RunContext, id: string): NodeBase {
  const inv = run.session.inv;
  const node = inv.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`node "${id}" is not in the inventory`);
  return {
    ...run,
    id,
    node,
    host: run.session.host(node),
    name: inv.container.name,
    prevName: previousName(inv.container.name),
    dataDir: inv.container.dataDir,
  };
}

export function phase(ctx: NodeContext, p: Phase, detail?: string): void {
  ctx.events.emit({ type: 'phase', at: Date.now(), node: ctx.id, phase: p, detail });
}

export function warn(ctx: { events: Events; id: string }, message: string): void {
  ctx.events.emit({ type: 'warning', at: Date.now(), node: ctx.id, message });
}

/** The container a phase works on, as the journal names it. */
export function specRef(ctx: NodeContext, c: ContainerInfo | RunSpec): SpecRef {
  const fingerprint = c.labels[LABEL.fingerprint];
  return { name: ctx.name, image: c.image, ...(fingerprint ? { fingerprint } : {}) };
}

/** Writes the transition ahead of its step; the step must not begin if this throws. */
export async function journal(
  ctx: NodeContext,
  p: JournalEntry['phase'],
  more: Omit<JournalEntry, 'at' | 'run' | 'node' | 'phase'> = {},
): Promise<void> {
  await ctx.journal?.record({ node: ctx.id, phase: p, ...more });
}
