// The rolling update: one node at a time, never without a working majority, never a leader
// without a handover, never a start on a corrupt log, never the next node before this one has
// caught up. A node that does not come back gets its previous container back.

import { lockCluster } from '../cluster/lock.js';
import { type NodeView, observe } from '../cluster/observe.js';
import type { ClusterSession } from '../cluster/session.js';
import type { Inventory } from '../inventory/load.js';
import type { NodeInput } from '../inventory/schema.js';
import { nodeSpec, type Overrides } from '../inventory/spec.js';
import { HostFiles } from '../remote/host-files.js';
import * as containers from '../runtime/containers.js';
import { freeBytes } from '../runtime/disk.js';
import * as docker from '../runtime/docker.js';
import { repairPath, verifyPath } from '../wal/engine.js';
import { rulesFor } from '../wal/versions.js';
import { type CatchUpTimings, waitCaughtUp } from './catch-up.js';
import type { Events, NodeRow, Phase } from './events.js';
import {
  alreadyDown,
  caughtUp,
  handoverCandidates,
  membershipGuard,
  quorumGuard,
  rolloutOrder,
} from './guards.js';

export interface RolloutOptions {
  image: string;
  nodes?: string[];
  dryRun?: boolean;
  overrides?: Overrides;
  leaderLast?: boolean;
  /** Restart nodes even when image and configuration already match (a graceful restart). */
  force?: boolean;
  /**
   * Remediation: a target that is already down may be worked on even when peers are down too,
   * since that cannot cost a working member (it may restore the majority). A running target
   * still needs every peer up.
   */
  allowDownTarget?: boolean;
  /**
   * Remediation: stop and start the node's own container (after the WAL check) instead of
   * creating a new one from the inventory: a restart that keeps whatever the node ran with.
   */
  restartInPlace?: boolean;
  etcdVersion?: string;
  thresholds: CatchUpTimings & { stopGraceSeconds: number; handoverTimeoutMs: number };
  /** Set when the user asks to stop (Ctrl-C): the current node is finished or rolled back first. */
  signal?: AbortSignal;
  /** Take the cluster lock for the run (default: unless a dry run). Off when the caller holds it. */
  lock?: boolean;
}

export const DEFAULT_THRESHOLDS: RolloutOptions['thresholds'] = {
  maxLag: 1000,
  stopGraceSeconds: 30,
  startTimeoutMs: 60_000,
  catchUpTimeoutMs: 300_000,
  stabilizeMs: 3_000,
  handoverTimeoutMs: 30_000,
  pollMs: 250,
};

/** The SIGTERM grace: as given, else the inventory's, else the default. */
export function stopGraceOf(inv: Inventory, given?: number): number {
  return given ?? inv.container.stopGraceSeconds ?? DEFAULT_THRESHOLDS.stopGraceSeconds;
}

export class RolloutError extends Error {
  override name = 'RolloutError';
  constructor(
    message: string,
    readonly node?: string,
    readonly phase?: Phase,
  ) {
    super(message);
  }
}

export const PREVIOUS_SUFFIX = '.raftroll-prev';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** image:tag with the tag replaced (a digest or tag on the original is dropped). */
export function withTag(image: string, tag: string): string {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  const repo = colon > slash ? base.slice(0, colon) : base;
  return `${repo}:${tag}`;
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
  private readonly t: RolloutOptions['thresholds'];
  private readonly rules: ReturnType<typeof rulesFor>;

  constructor(
    private readonly inv: Inventory,
    private readonly session: ClusterSession,
    private readonly opts: RolloutOptions,
    private readonly events: Events,
  ) {
    this.t = opts.thresholds;
    // Refuse bad input before anything is touched, not after the first stop: an unknown release,
    // and any node's container spec (memory, env lines, placeholders) that cannot be built.
    this.rules = rulesFor(opts.etcdVersion ?? '3.7');
    for (const n of inv.nodes) nodeSpec(inv, n, { ...opts.overrides, image: opts.image });
  }

  private phase(node: string, phase: Phase, detail?: string): void {
    this.events.emit({ type: 'phase', at: Date.now(), node, phase, detail });
  }

  private node(id: string): NodeInput {
    return this.inv.nodes.find((n) => n.id === id)!;
  }

  async run(): Promise<RolloutResult> {
    const selected = (
      this.opts.nodes?.length ? this.opts.nodes : this.inv.nodes.map((n) => n.id)
    ).map((id) => {
      const n = this.inv.nodes.find((x) => x.id === id);
      if (!n)
        throw new RolloutError(
          `node "${id}" is not in the inventory: expected one of ${this.inv.nodes.map((x) => x.id).join(', ')}`,
        );
      return n.id;
    });
    const views = await observe(this.session, this.inv.nodes);
    const order = rolloutOrder(selected, views, this.opts.leaderLast ?? true);
    this.events.emit({
      type: 'rollout-start',
      at: Date.now(),
      image: this.opts.image,
      order,
      dryRun: !!this.opts.dryRun,
    });
    let unlock: (() => Promise<void>) | undefined;
    try {
      if (this.opts.dryRun) {
        await this.plan(order, views);
        this.events.emit({ type: 'rollout-end', at: Date.now(), result: 'success' });
        return { result: 'success', rows: this.rows };
      }
      if (this.opts.lock ?? true)
        unlock = await lockCluster(this.session, `raftroll roll ${this.opts.image}`);
      await this.pullEverywhere(order);
      for (const id of order) {
        if (this.opts.signal?.aborted) {
          const message = `interrupted before ${id}; every node is in a safe state`;
          this.events.emit({ type: 'rollout-end', at: Date.now(), result: 'interrupted', message });
          return { result: 'interrupted', rows: this.rows, message };
        }
        await this.rollNode(id);
      }
      this.events.emit({ type: 'rollout-end', at: Date.now(), result: 'success' });
      return { result: 'success', rows: this.rows };
    } catch (e) {
      const message = (e as Error).message;
      const where = e instanceof RolloutError ? { node: e.node, phase: e.phase } : {};
      this.events.emit({
        type: 'rollout-end',
        at: Date.now(),
        result: 'failure',
        message,
        ...where,
      });
      return { result: 'failure', rows: this.rows, message, ...where };
    } finally {
      await unlock?.();
    }
  }

  private addRow(row: NodeRow): void {
    this.rows.push(row);
    this.events.emit({ type: 'node-result', at: Date.now(), node: row.node, row });
  }

  /** Every host has the image before any node is touched: no node waits on a download. */
  private async pullEverywhere(order: string[]): Promise<void> {
    await Promise.all(
      order.map(async (id) => {
        const host = this.session.host(this.node(id));
        const have = await this.imageId(id);
        if (!have) {
          const r = await host.run(docker.pullImage(this.opts.image), {
            allowFailure: true,
            timeoutMs: 900_000,
          });
          if (r.code !== 0)
            throw new RolloutError(
              `${id}: cannot pull ${this.opts.image}: ${r.stderr.trim()}; nothing was touched`,
              id,
              'observe',
            );
        }
        this.events.emit({
          type: 'pull',
          at: Date.now(),
          node: id,
          image: this.opts.image,
          pulled: !have,
        });
      }),
    );
  }

  private readonly imageIds = new Map<string, string>();

  /** The target image's ID on a node's host (an image does not change during a run). */
  private async imageId(id: string): Promise<string> {
    const known = this.imageIds.get(id);
    if (known) return known;
    const r = await this.session
      .host(this.node(id))
      .run(docker.inspectImage(this.opts.image), { allowFailure: true });
    const found = r.code === 0 ? r.stdout.trim() : '';
    if (found) this.imageIds.set(id, found);
    return found;
  }

  private spec(id: string, previous?: docker.ContainerInfo): docker.RunSpec {
    const spec = nodeSpec(this.inv, this.node(id), {
      ...this.opts.overrides,
      image: this.opts.image,
    });
    if (previous) {
      spec.labels[docker.LABEL.previousImage] = previous.imageId;
      const fp = previous.labels[docker.LABEL.fingerprint];
      if (fp) spec.labels[docker.LABEL.previousFingerprint] = fp;
    }
    return spec;
  }

  /** The last observation of the whole cluster and when it was made. */
  private last: { at: number; views: NodeView[] } | undefined;

  private async view(id: string, maxAgeMs = 0): Promise<{ views: NodeView[]; v: NodeView }> {
    if (!this.last || Date.now() - this.last.at > maxAgeMs) {
      const at = Date.now();
      this.last = { at, views: await observe(this.session, this.inv.nodes) };
    }
    const views = this.last.views;
    return { views, v: views.find((x) => x.id === id)! };
  }

  private async plan(order: string[], views: NodeView[]): Promise<void> {
    let unseen: Promise<string | undefined> | undefined;
    for (const id of order) {
      const v = views.find((x) => x.id === id)!;
      const spec = this.spec(id, v.container);
      const host = this.session.host(this.node(id));
      const disk = await freeBytes(host, this.inv.container.dataDir);
      const imageId = await this.imageId(id);
      // One member list for the whole plan: the views do not change while it is drawn.
      let guard = quorumGuard(id, views, this.t);
      if (!guard) {
        unseen ??= this.membership(views);
        guard = await unseen;
      }
      const actions = [
        ...(v.raft?.role === 'leader'
          ? ['transfer leadership to the most caught-up healthy follower']
          : []),
        docker.stopContainer(spec.name, this.t.stopGraceSeconds).join(' '),
        `verify the WAL under ${this.inv.container.dataDir} (repair only a torn tail)`,
        docker.renameContainer(spec.name, `${spec.name}${PREVIOUS_SUFFIX}`).join(' '),
        `${docker.runContainer(spec).join(' ')}   # env: ${Object.keys(spec.env).join(', ') || 'none'} (values from a root-only file)`,
        `wait until caught up (lag <= ${this.t.maxLag}) for ${this.t.stabilizeMs} ms`,
      ];
      const notes = [
        v.reachable ? '' : `unreachable: ${v.error}`,
        'free' in disk
          ? `${Math.round(disk.free / 2 ** 20)} MiB free for the data dir`
          : `data dir: ${disk.error}`,
        imageId ? 'image present' : `image not present on the host; it will be pulled`,
        guard ? `guard would refuse now: ${guard}` : 'quorum guard passes',
      ].filter(Boolean);
      this.addRow({
        node: id,
        result: 'planned',
        roleBefore: v.raft?.role ?? 'unknown',
        imageBefore: v.container?.image ?? 'none',
        imageAfter: this.opts.image,
        wal: 'not checked (dry run)',
        handover: v.raft?.role === 'leader' ? 'planned' : 'not needed',
        finalLag: v.lag,
        message: notes.join('; '),
        actions,
      });
    }
  }

  private async rollNode(id: string): Promise<void> {
    const node = this.node(id);
    const host = this.session.host(node);
    const name = this.inv.container.name;
    const prevName = `${name}${PREVIOUS_SUFFIX}`;
    this.phase(id, 'observe');
    // The previous node's last check (a moment ago, all nodes caught up) serves for the skip
    // decision and the guard; whether this node leads is asked again right before its stop.
    const { views, v } = await this.view(id, 1000);
    const spec = this.spec(id, v.container);
    const targetImage = await this.imageId(id);
    const row: NodeRow = {
      node: id,
      result: 'updated',
      roleBefore: v.raft?.role ?? 'unknown',
      imageBefore: v.container?.image ?? 'none',
      imageAfter: this.opts.image,
      wal: 'not checked',
      handover: 'not needed',
    };

    const sameSpec =
      v.container?.labels[docker.LABEL.fingerprint] === spec.labels[docker.LABEL.fingerprint];
    if (
      !this.opts.force &&
      v.container?.state.running &&
      v.container.imageId === targetImage &&
      sameSpec &&
      !caughtUp(v, this.t)
    ) {
      this.phase(id, 'skip', 'image and configuration unchanged, caught up');
      this.addRow({ ...row, result: 'skipped', wal: 'not touched', finalLag: v.lag });
      return;
    }

    this.phase(id, 'guard');
    const refuse = (why: string): never => {
      throw new RolloutError(`${id}: refused: ${why}. Nothing was touched on ${id}.`, id, 'guard');
    };
    // The node itself must be seen clearly: a WAL is only read once its container is known
    // to be stopped.
    if (!v.reachable) refuse(`${id} cannot be reached (${v.error})`);
    const wasDown = alreadyDown(v);
    if (!(this.opts.allowDownTarget && wasDown)) {
      const guard = quorumGuard(id, views, this.t) ?? (await this.membership(views));
      if (guard) refuse(guard);
    }
    // A leftover previous container from an interrupted run: it must not be running (it would
    // hold the data directory), and it must go before this run can keep its own.
    const leftover = await containers.inspect(host, prevName);
    if (leftover?.state.running || leftover?.state.restarting) {
      refuse(
        `${prevName} (left by an earlier run) is running on ${id} and may be using the data directory; stop it or remove it`,
      );
    }
    if (leftover) await host.run(docker.removeContainer(prevName));

    // Ask the node itself now: leadership may have moved since the observation.
    const now = await (await this.session.raft(node)).status().catch(() => undefined);
    // A node let through as already down that answers now may be voting: the full guard applies.
    if (now && this.opts.allowDownTarget && wasDown) {
      const fresh = quorumGuard(id, (await this.view(id)).views, this.t);
      if (fresh) refuse(`${id} answers Raft again, and ${fresh}`);
    }
    if (now?.role === 'leader' || (now === undefined && v.raft?.role === 'leader')) {
      row.handover = await this.handover(id, views);
    }

    const stoppedAt = Date.now();
    this.phase(id, 'stop', `docker stop --time ${this.t.stopGraceSeconds}`);
    if (v.container) await containers.stop(host, name, this.t.stopGraceSeconds);
    const stopped = await containers.inspect(host, name);
    if (stopped?.state.running || stopped?.state.restarting) {
      await this.restartOriginal(id);
      throw new RolloutError(
        `${id}: ${name} is still running after docker stop; started it again and stopped the rollout`,
        id,
        'stop',
      );
    }

    this.phase(id, 'wal');
    try {
      row.wal = await this.checkWal(id);
    } catch (e) {
      // A corrupt log keeps the node stopped on purpose; anything else (no data directory, a
      // lost connection) must not leave a healthy node down. A node that was down already stays
      // down: its log was never judged, and it may be an empty directory that must not vote.
      if (e instanceof RolloutError && e.phase === 'wal') throw e;
      const back = wasDown ? 'it was down before and stays down' : await this.restartOriginal(id);
      throw new RolloutError(
        `${id}: the WAL check failed: ${(e as Error).message}; ${back}. The rollout stopped.`,
        id,
        'wal',
      );
    }

    if (this.opts.restartInPlace && v.container) {
      // The same container, started again: its exact spec, image and env stay as they were.
      this.phase(id, 'start', 'the same container again');
      await host.run(docker.startContainer(name));
      this.phase(id, 'catch-up');
      try {
        // Stopped since `stopped` was read: its restart count is still that one.
        row.finalLag = await this.waitCaughtUp(id, Date.now(), stopped?.restartCount ?? 0);
      } catch (e) {
        const message = `${id}: started again, but ${(e as Error).message}`;
        this.addRow({ ...row, result: 'failed', message, downtimeMs: Date.now() - stoppedAt });
        throw new RolloutError(`${message}. Nothing after ${id} was touched.`, id, 'catch-up');
      }
      row.downtimeMs = Date.now() - stoppedAt;
      this.phase(id, 'done');
      this.addRow(row);
      return;
    }

    // From here on, any failure puts the previous container back.
    let phase: Phase = 'start';
    try {
      this.phase(id, 'start', this.opts.image);
      if (v.container) await host.run(docker.renameContainer(name, prevName));
      await containers.run(host, spec);
      phase = 'catch-up';
      this.phase(id, 'catch-up');
      const lag = await this.waitCaughtUp(id, Date.now());
      row.downtimeMs = Date.now() - stoppedAt;
      row.finalLag = lag;
    } catch (e) {
      const why = (e as Error).message;
      this.phase(id, 'rollback', why);
      const back = v.container
        ? await this.rollback(id).catch((r: Error) => `rollback failed too: ${r.message}`)
        : 'there was no previous container to restore';
      this.addRow({
        ...row,
        result: v.container ? 'rolled-back' : 'failed',
        message: `${why}; ${back}`,
        downtimeMs: Date.now() - stoppedAt,
      });
      throw new RolloutError(
        `${id}: ${why}; ${back}. The rollout stopped; the nodes after ${id} were not touched.`,
        id,
        phase,
      );
    }
    const removed = await host.run(docker.removeContainer(prevName), { allowFailure: true });
    if (removed.code !== 0 && !/No such container/i.test(removed.stderr)) {
      this.events.emit({
        type: 'warning',
        at: Date.now(),
        node: id,
        message: `could not remove ${prevName}: ${removed.stderr.trim()}`,
      });
    }
    this.phase(id, 'done');
    this.addRow(row);
  }

  /** Starts the node's original container again (it was only stopped). */
  private async restartOriginal(id: string): Promise<string> {
    const host = this.session.host(this.node(id));
    const name = this.inv.container.name;
    const before = await containers.inspect(host, name).catch(() => undefined);
    if (!before) return 'the node has no container to start again';
    try {
      if (!before.state.running) await host.run(docker.startContainer(name));
      await this.waitCaughtUp(id, Date.now(), before.restartCount);
      return 'the original container was started again and caught up';
    } catch (e) {
      return `starting the original container again failed: ${(e as Error).message}`;
    }
  }

  /** The leader's member list against the inventory (see membershipGuard). */
  private async membership(views: NodeView[]): Promise<string | undefined> {
    const leader = views.find((x) => x.raft?.role === 'leader');
    if (!leader) return 'the cluster has no leader';
    const members = await (await this.session.raft(this.node(leader.id)))
      .members()
      .catch((e: Error) => e);
    if (members instanceof Error) return `cannot read the member list: ${members.message}`;
    return membershipGuard(members, this.inv.nodes);
  }

  /** Hands leadership to the most caught-up healthy follower; tries the next one if it fails. */
  private async handover(id: string, views: NodeView[]): Promise<string> {
    this.phase(id, 'handover');
    const leaderClient = await this.session.raft(this.node(id));
    const members = await leaderClient.members();
    const tried: string[] = [];
    for (const cand of handoverCandidates(id, views, this.t)) {
      const member = members.find((m) => m.id === cand.raft!.id || m.name === cand.id);
      if (!member) continue;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await leaderClient.transferLeadership(member, this.t.handoverTimeoutMs);
          const deadline = Date.now() + this.t.handoverTimeoutMs;
          while (Date.now() < deadline) {
            const s = await leaderClient.status().catch(() => undefined);
            if (s?.leaderId && s.leaderId !== s.id) return `to ${cand.id}`;
            await sleep(this.t.pollMs);
          }
          throw new Error('no other node took over in time');
        } catch (e) {
          tried.push(`${cand.id} (attempt ${attempt}: ${(e as Error).message})`);
          this.events.emit({
            type: 'warning',
            at: Date.now(),
            node: id,
            message: `leadership transfer to ${cand.id} failed: ${(e as Error).message}`,
          });
          await sleep(500 * 2 ** (attempt - 1));
        }
      }
    }
    throw new RolloutError(
      `${id}: could not hand leadership over; tried ${tried.join('; ') || 'no healthy follower'}. Nothing was stopped.`,
      id,
      'handover',
    );
  }

  private async checkWal(id: string): Promise<string> {
    const files = new HostFiles(this.session.host(this.node(id)));
    const rules = this.rules;
    const dir = this.inv.container.dataDir;
    const report = await verifyPath(files, dir, rules);
    if (report.verdict === 'clean') return 'clean';
    if (report.verdict === 'torn') {
      const r = await repairPath(files, dir, rules);
      if (r.after.verdict !== 'clean') {
        throw new RolloutError(
          `${id}: the WAL is still ${r.after.verdict} after the repair; nothing was started`,
          id,
          'wal',
        );
      }
      for (const x of r.actions.slice(1)) {
        this.events.emit({
          type: 'warning',
          at: Date.now(),
          node: id,
          message: `also repaired ${x.dir}/${x.segment} at ${x.truncatedAt} (backup ${x.backup})`,
        });
      }
      const a = r.actions[0]!;
      this.events.emit({
        type: 'warning',
        at: Date.now(),
        node: id,
        message: `repaired a torn WAL tail: ${a.segment} truncated at ${a.truncatedAt} (${a.bytesDropped} bytes, backup ${a.backup})`,
      });
      return `torn, repaired (${a.bytesDropped} bytes dropped, ${a.entriesDropped.count} entries)`;
    }
    const d = report.dirs.find((x) => x.verdict !== 'clean' && x.verdict !== 'torn')!;
    const where = d.problem
      ? `${d.dir}/${d.problem.segment} at offset ${d.problem.offset} (${d.problem.etcdError})`
      : `${d.dir} (${d.reason})`;
    throw new RolloutError(
      `${id}: WAL ${d.verdict} in ${where}. Nothing was started on this log and the node stays stopped; the rest of the cluster keeps its majority. Re-seed the member or restore the log, then run again.`,
      id,
      'wal',
    );
  }

  private waitCaughtUp(id: string, startedAt: number, baselineRestarts = 0): Promise<number> {
    return waitCaughtUp(this.session, id, this.t, {
      startedAt,
      baselineRestarts,
      onViews: (views) => {
        this.last = { at: Date.now(), views };
      },
    });
  }

  private async rollback(id: string): Promise<string> {
    const host = this.session.host(this.node(id));
    const name = this.inv.container.name;
    const prevName = `${name}${PREVIOUS_SUFFIX}`;
    const prev = await containers.inspect(host, prevName);
    const cur = await containers.inspect(host, name);
    if (prev) {
      // The new container (if it was created) goes; the old one gets its name back.
      if (cur) {
        if (cur.state.running || cur.state.restarting)
          await containers.stop(host, name, this.t.stopGraceSeconds);
        await host.run(docker.removeContainer(name));
      }
      await host.run(docker.renameContainer(prevName, name));
    } else if (
      !cur ||
      cur.labels[docker.LABEL.fingerprint] === this.spec(id).labels[docker.LABEL.fingerprint]
    ) {
      return 'the previous container is gone; nothing to restore';
    }
    // The failed container may have written to the log: the old one starts only on a good one.
    const wal = await this.checkWal(id);
    await host.run(docker.startContainer(name));
    // The container now named `name` is the one inspected above (renaming keeps its count).
    await this.waitCaughtUp(id, Date.now(), (prev ?? cur)!.restartCount);
    return `the previous container is back and caught up (WAL ${wal})`;
  }
}
