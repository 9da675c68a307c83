// The rolling update across nodes: which nodes, in what order (the leader last), the image on
// every host first, a node skipped when it already runs the target, and the next node only once
// the previous one has caught up. What is done to each node is the node procedure's.

import { type Lease, takeLease } from '../cluster/lock.js';
import { type NodeView, observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { Events, NodeRow, Phase } from '../events/events.js';
import type { Inventory } from '../inventory/load.js';
import { nodeSpec, type Overrides } from '../inventory/spec.js';
import { nodeBase, nodeContext, phase, type RunContext } from '../node/context.js';
import { StepError } from '../node/errors.js';
import { readsBeforeStop } from '../node/pre-stop.js';
import { replaceNode } from '../node/procedure.js';
import { withPrevious } from '../node/spec.js';
import type { NodeThresholds } from '../node/thresholds.js';
import { ClusterViews } from '../node/views.js';
import type * as docker from '../runtime/docker.js';
import { rulesFor } from '../wal/versions.js';
import { TargetImage } from './images.js';
import { pauseLeaderBalance } from './leader-balance.js';
import { rolloutOrder } from './order.js';
import { planRows } from './plan.js';
import { askHosts, blockers, refusal } from './preflight.js';
import { upToDate } from './skip.js';

export interface RolloutOptions {
  image: string;
  nodes?: string[];
  dryRun?: boolean;
  overrides?: Overrides;
  leaderLast?: boolean;
  /** Restart nodes even when image and configuration already match (a graceful restart). */
  force?: boolean;
  etcdVersion?: string;
  thresholds: NodeThresholds;
  /** Set when the user asks to stop (Ctrl-C): the current node is finished or rolled back first. */
  signal?: AbortSignal;
  /**
   * A lease the caller already holds (a resume that took over a stale one and finished its node
   * first); released by the rollout when it ends. Without it the rollout takes its own.
   */
  lease?: Lease;
}

export interface RolloutResult {
  result: 'success' | 'failure' | 'interrupted';
  rows: NodeRow[];
  message?: string;
  /** Where it failed, when it did. */
  node?: string;
  phase?: Phase;
}

export class Rollout {
  private readonly rows: NodeRow[] = [];
  /** The last node's work after its catch-up (its row is told once it is done). */
  private finishing?: Promise<void>;
  private readonly run0: RunContext;
  private readonly target: TargetImage;

  constructor(
    private readonly inv: Inventory,
    private readonly session: ClusterSession,
    private readonly opts: RolloutOptions,
    private readonly events: Events,
  ) {
    // Refuse bad input before anything is touched, not after the first stop: an unknown release,
    // and any node's container spec (memory, env lines, placeholders) that cannot be built.
    this.run0 = {
      session,
      t: opts.thresholds,
      rules: rulesFor(opts.etcdVersion ?? '3.7'),
      events,
      views: new ClusterViews(session),
    };
    for (const n of inv.nodes) this.baseSpec(n.id);
    this.target = new TargetImage(session, opts.image);
  }

  private baseSpec(id: string): docker.RunSpec {
    const node = this.inv.nodes.find((n) => n.id === id)!;
    return nodeSpec(this.inv, node, { ...this.opts.overrides, image: this.opts.image });
  }

  async run(): Promise<RolloutResult> {
    const selected = (
      this.opts.nodes?.length ? this.opts.nodes : this.inv.nodes.map((n) => n.id)
    ).map((id) => {
      const n = this.inv.nodes.find((x) => x.id === id);
      if (!n)
        throw new StepError(
          `node "${id}" is not in the inventory: expected one of ${this.inv.nodes.map((x) => x.id).join(', ')}`,
        );
      return n.id;
    });
    // The lock is asked for while the cluster is looked at: until the lock is taken both only
    // read, and taking it changes nothing on the nodes. What the look found is judged only once
    // the lock is held (a run that lost the race is told who holds it, not that a node the
    // winner just stopped is down), and every node is looked at again right before its stop.
    const early: { node?: string; message: string }[] = [];
    let started = false;
    const warn = (node: string | undefined, message: string) =>
      started
        ? this.events.emit({ type: 'warning', at: Date.now(), node, message })
        : early.push({ node, message });
    const leasing: Promise<Lease | undefined> =
      this.opts.lease || this.opts.dryRun
        ? Promise.resolve(this.opts.lease)
        : takeLease(this.session, `raftroll roll ${this.opts.image}`, {
            image: this.opts.image,
            onWarning: warn,
          });
    leasing.catch(() => {});
    let views: NodeView[];
    let order: string[];
    let asked: ReturnType<typeof askHosts>;
    try {
      views = await observe(this.session, this.inv.nodes);
      order = rolloutOrder(selected, views, this.opts.leaderLast ?? true);
      // The hosts' own checks only read: they go out while the lock is still being taken.
      asked = askHosts(this.session, order, views, (id) => this.baseSpec(id));
    } catch (e) {
      // Nothing was done under a lock this run took: it goes back at once, and what the lock
      // had to say (a host skipped, a release that failed) is told all the same.
      const own = await leasing.catch(() => undefined);
      if (own && own !== this.opts.lease) await own.release();
      started = true;
      for (const w of early.splice(0)) warn(w.node, w.message);
      throw e;
    }
    this.events.emit({
      type: 'rollout-start',
      at: Date.now(),
      image: this.opts.image,
      order,
      dryRun: !!this.opts.dryRun,
    });
    started = true;
    for (const w of early.splice(0)) warn(w.node, w.message);
    let lease: Lease | undefined = this.opts.lease;
    let resume: (() => Promise<void>) | undefined;
    try {
      lease = await leasing;
      if (lease) this.run0.journal = lease;
      // The image IDs and the hosts' own checks are asked at once: both only read.
      const skipping = this.upToDate(order, views);
      skipping.catch(() => {});
      const found = await blockers(this.session, order, views, this.run0.t, {
        skip: skipping,
        guard: !!this.opts.dryRun,
        specOf: (id) => this.baseSpec(id),
        asked,
      });
      const skip = await skipping;
      if (this.opts.dryRun) {
        const specOf = (id: string, v: (typeof views)[number]) =>
          withPrevious(this.baseSpec(id), v.container);
        const rows = await planRows(this.run0, order, views, this.target, specOf, {
          skip,
          blockers: found,
        });
        for (const row of rows) this.addRow(row);
        // A plan fails exactly when the roll would refuse, with the roll's words.
        if (found.length) throw new StepError(refusal(found[0]!), found[0]!.node, 'guard');
        await this.pullable(order.filter((id) => !skip.has(id)));
        this.events.emit({ type: 'rollout-end', at: Date.now(), result: 'success' });
        return { result: 'success', rows: this.rows };
      }
      if (found.length) throw new StepError(refusal(found[0]!), found[0]!.node, 'guard');
      resume = await pauseLeaderBalance(this.session, this.events);
      await this.target.pullEverywhere(order, this.events);
      for (const id of order) {
        // Asked again once the node before has finished: a stop asked for meanwhile is met
        // before this node is changed.
        if (
          this.opts.signal?.aborted ||
          (await this.rollNode(id, skip.has(id))) === 'interrupted'
        ) {
          await this.finished();
          const message = `interrupted before ${id}; every node is in a safe state`;
          this.events.emit({ type: 'rollout-end', at: Date.now(), result: 'interrupted', message });
          return { result: 'interrupted', rows: this.rows, message };
        }
      }
      await this.finished();
      this.events.emit({ type: 'rollout-end', at: Date.now(), result: 'success' });
      return { result: 'success', rows: this.rows };
    } catch (e) {
      // The node before the failure finished its catch-up: its row is told if its end was, and
      // said if it was not.
      const unfinished = await this.finished().then(
        () => undefined,
        (x: Error) => x.message,
      );
      const first = (e as Error).message;
      const message = unfinished && unfinished !== first ? `${first}; also: ${unfinished}` : first;
      const where = e instanceof StepError ? { node: e.node, phase: e.phase } : {};
      this.events.emit({
        type: 'rollout-end',
        at: Date.now(),
        result: 'failure',
        message,
        ...where,
      });
      return { result: 'failure', rows: this.rows, message, ...where };
    } finally {
      await resume?.();
      // A node left half-done (a second interrupt, a failed rollback) keeps the lock and its
      // journal for the next run; the message says so.
      const kept = await lease?.release();
      if (kept) this.events.emit({ type: 'warning', at: Date.now(), message: kept });
    }
  }

  /** A plan proves the roll's pull would work on every host that lacks the image. */
  private async pullable(order: string[]): Promise<void> {
    const problems = await Promise.all(order.map((id) => this.target.pullProblem(id)));
    const k = problems.findIndex(Boolean);
    if (k >= 0)
      throw new StepError(`${order[k]}: ${problems[k]}; nothing was touched`, order[k]!, 'observe');
  }

  /** The nodes a roll would skip as the cluster stands now (none when forced). */
  private async upToDate(order: string[], views: NodeView[]): Promise<Set<string>> {
    const skip = new Set<string>();
    if (this.opts.force) return skip;
    // Every reachable host is asked for the image's ID at once (an unreachable one is the
    // preflight's to report), under the lock: another run may pull the tag until it is ours.
    // The answers are then judged in order.
    const reachable = order.filter((id) => views.find((x) => x.id === id)!.reachable);
    const ids = await Promise.all(reachable.map((id) => this.target.idOn(id)));
    for (const [k, id] of reachable.entries()) {
      const v = views.find((x) => x.id === id)!;
      const spec = withPrevious(this.baseSpec(id), v.container);
      if (upToDate(v, spec, ids[k]!, this.run0.t)) skip.add(id);
    }
    return skip;
  }

  /** Waits for the last node's work after its catch-up. */
  private async finished(): Promise<void> {
    const f = this.finishing;
    this.finishing = undefined;
    await f;
  }

  private addRow(row: NodeRow): void {
    this.rows.push(row);
    this.events.emit({ type: 'node-result', at: Date.now(), node: row.node, row });
  }

  /**
   * `likelySkipped`: the preflight found the node up to date (it is judged again here).
   * 'interrupted': a stop was asked for before anything was done to the node.
   */
  private async rollNode(id: string, likelySkipped: boolean): Promise<'interrupted' | undefined> {
    // One look at the whole cluster serves for the skip decision and the guard; whether this
    // node leads is asked again right before its stop. The node's own reads before the stop
    // only read, and do not depend on that look, so they go out beside it; not for a node
    // that will most likely be skipped, where they would be wasted.
    this.events.emit({ type: 'phase', at: Date.now(), node: id, phase: 'observe' });
    const pre = likelySkipped ? undefined : readsBeforeStop(nodeBase(this.run0, id));
    const views = await this.run0.views.get(1000);
    // The node before finishes beside that look (its work left only removes and records).
    await this.finished();
    if (this.opts.signal?.aborted) {
      if (pre) await Promise.all([pre.leftover.catch(() => {}), pre.early]);
      return 'interrupted';
    }
    const v = views.find((x) => x.id === id)!;
    const ctx = nodeContext(this.run0, id, withPrevious(this.baseSpec(id), v.container));
    const row: NodeRow = {
      node: id,
      result: 'updated',
      roleBefore: v.raft?.role ?? 'unknown',
      imageBefore: v.container?.image ?? 'none',
      imageAfter: this.opts.image,
      wal: 'not checked',
      handover: 'not needed',
    };
    if (!this.opts.force && upToDate(v, ctx.spec, await this.target.idOn(id), this.run0.t)) {
      phase(ctx, 'skip', 'image and configuration unchanged, caught up');
      this.addRow({ ...row, result: 'skipped', wal: 'not touched', finalLag: v.lag });
      // Sent out for nothing: let them end before the next node's commands.
      if (pre) await Promise.all([pre.leftover.catch(() => {}), pre.early]);
      return;
    }
    try {
      let done: Promise<void> | undefined;
      const replaced = await replaceNode(ctx, v, views, row, {
        pre,
        finishLater: (d) => {
          done = d;
        },
      });
      if (!done) this.addRow(replaced);
      else {
        this.finishing = done.then(
          () => this.addRow(replaced),
          (x: Error) => {
            // Caught up all the same: its row is told, and the run stops at this node.
            this.addRow(replaced);
            throw new StepError(
              `${id}: caught up, but its end could not be written to the journal (${x.message}); the nodes after ${id} were not touched`,
              id,
              'catch-up',
            );
          },
        );
        this.finishing.catch(() => {});
      }
    } catch (e) {
      if (e instanceof StepError && e.row) this.addRow(e.row);
      throw e;
    }
  }
}
