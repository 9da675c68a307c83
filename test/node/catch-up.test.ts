// The wait after a start ends on evidence, not on a fixed sleep: STABLE_SAMPLES observations
// in a row that find the node caught up and following the node that itself answers as the
// leader, in the same term.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeView } from '../../src/cluster/observe.js';
import type { ClusterSession } from '../../src/cluster/session.js';
import {
  CONFIRM_GAP_MS,
  followsLeader,
  STABLE_SAMPLES,
  waitCaughtUp,
} from '../../src/node/catch-up.js';

const script: NodeView[][] = [];
let observed = 0;
/** How long each mocked observation takes, as a round trip to every host would. */
let observeMs = 0;
/** When each observation started. */
const startedAt: number[] = [];
/** Whose container each observation inspected: every node's (undefined) or one node's. */
const inspected: (string | undefined)[] = [];
vi.mock('../../src/cluster/observe.js', () => ({
  observe: async (_s: unknown, _n: unknown, o: { inspectOnly?: string } = {}) => {
    observed++;
    startedAt.push(Date.now());
    inspected.push(o.inspectOnly);
    if (observeMs) await new Promise((r) => setTimeout(r, observeMs));
    const views = script.length > 1 ? script.shift()! : script[0]!;
    // As observe does: a node whose container was not asked for has none in its view.
    return views.map((v) =>
      o.inspectOnly !== undefined && v.id !== o.inspectOnly ? { ...v, container: undefined } : v,
    );
  },
}));

const container = {
  id: 'c',
  name: 'etcd',
  image: 'i',
  imageId: 'x',
  labels: {},
  state: {
    status: 'running',
    running: true,
    restarting: false,
    oomKilled: false,
    exitCode: 0,
    startedAt: '',
    finishedAt: '',
  },
  restartCount: 0,
  restartPolicy: 'no',
  memory: 0,
  env: [],
} as unknown as NodeView['container'];

function node(id: string, o: { role?: string; leader?: string; term?: number; lag?: number }) {
  return {
    id,
    ssh: id,
    reachable: true,
    container,
    raft: {
      id: `m-${id}`,
      role: o.role ?? 'follower',
      leaderId: o.leader === undefined ? 'm-n1' : o.leader,
      term: o.term ?? 5,
      commitIndex: 100,
      appliedIndex: 100 - (o.lag ?? 0),
      lastLogIndex: 100,
    },
    lag: o.lag ?? 0,
  } as NodeView;
}

/** Time between the starts of consecutive observations. */
const gaps = () => startedAt.slice(1).map((x, k) => x - startedAt[k]!);

/** Runs f with a clock that moves only as its timers fire: its pacing is then exact. */
async function onFakeClock<T>(f: () => Promise<T>): Promise<T> {
  vi.useFakeTimers();
  try {
    let done = false;
    const p = f().finally(() => {
      done = true;
    });
    while (!done) await vi.advanceTimersByTimeAsync(1);
    return await p;
  } finally {
    vi.useRealTimers();
  }
}

const healthy = () => [node('n1', { role: 'leader' }), node('n2', {}), node('n3', {})];
const t = {
  maxLag: 10,
  startTimeoutMs: 60_000,
  catchUpTimeoutMs: 60_000,
  stabilizeMs: 0,
  pollMs: 1,
};
const session = { inv: { nodes: [] } } as unknown as ClusterSession;

beforeEach(() => {
  script.length = 0;
  observed = 0;
  observeMs = 0;
  startedAt.length = 0;
  inspected.length = 0;
});

describe('waitCaughtUp', () => {
  it('returns after STABLE_SAMPLES good observations in a row, with no fixed window', async () => {
    script.push(healthy());
    const t0 = Date.now();
    expect(await waitCaughtUp(session, 'n2', t, { startedAt: t0 })).toBe(0);
    expect(observed).toBe(STABLE_SAMPLES);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('confirms a caught-up node without waiting a whole poll between the samples', async () => {
    script.push(healthy());
    const t0 = Date.now();
    await waitCaughtUp(session, 'n2', { ...t, pollMs: 1500 }, { startedAt: t0 });
    expect(observed).toBe(STABLE_SAMPLES);
    // Two full polls would be 3000 ms; two confirming gaps are CONFIRM_GAP_MS each.
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(CONFIRM_GAP_MS).toBeLessThan(1500 / 2);
  }, 10_000);

  it('starts confirming samples CONFIRM_GAP_MS apart, counting the time each one takes', async () => {
    script.push(healthy());
    await onFakeClock(() =>
      waitCaughtUp(session, 'n2', { ...t, pollMs: 1500 }, { startedAt: Date.now() }),
    );
    expect(gaps()).toEqual([CONFIRM_GAP_MS, CONFIRM_GAP_MS]);
    // An observation that takes longer than the gap is followed at once by the next.
    startedAt.length = 0;
    observeMs = 250;
    await onFakeClock(() =>
      waitCaughtUp(session, 'n2', { ...t, pollMs: 1500 }, { startedAt: Date.now() }),
    );
    expect(gaps()).toEqual([250, 250]);
  });

  it('polls a node that is behind pollMs apart, counting the time each observation takes', async () => {
    const behind = [node('n1', { role: 'leader' }), node('n2', { lag: 500 }), node('n3', {})];
    script.push(behind, behind, healthy());
    observeMs = 150;
    await onFakeClock(() =>
      waitCaughtUp(session, 'n2', { ...t, pollMs: 400 }, { startedAt: Date.now() }),
    );
    expect(gaps().slice(0, 2)).toEqual([400, 400]);
  });

  it('starts counting again after a sample that finds the node behind', async () => {
    const behind = [node('n1', { role: 'leader' }), node('n2', { lag: 500 }), node('n3', {})];
    script.push(healthy(), healthy(), behind, healthy());
    const kept: number[] = [];
    await waitCaughtUp(session, 'n2', t, {
      startedAt: Date.now(),
      onViews: () => kept.push(observed),
    });
    expect(observed).toBe(3 + STABLE_SAMPLES);
    // A sample inspects the node's own container only (the others' Raft state is what tells
    // whether it keeps pace), and a run's middle sample none ('' is no node): each run starts
    // and ends inspected. The first, and the first after a setback, go to onViews.
    expect(inspected).toEqual(['n2', '', 'n2', 'n2', '', 'n2']);
    expect(kept).toEqual([1, 4]);
  });

  it("takes the start's own look at the container for its first sample's", async () => {
    script.push(healthy());
    await waitCaughtUp(session, 'n2', t, { startedAt: Date.now(), started: container! });
    // Raft alone twice, then the run's closing inspect.
    expect(inspected).toEqual(['', '', 'n2']);
  });

  it("judges the start's look as it would a sample's: a restart there is a crash loop", async () => {
    script.push(healthy());
    const err = await waitCaughtUp(session, 'n2', t, {
      startedAt: Date.now(),
      started: { ...container!, restartCount: 1 },
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/crash-looping \(restarted 1 time/);
    expect(inspected).toEqual(['']);
  });

  it("inspects again once a sample after the start's look finds the node behind", async () => {
    const behind = [node('n1', { role: 'leader' }), node('n2', { lag: 500 }), node('n3', {})];
    script.push(behind, healthy());
    await waitCaughtUp(session, 'n2', t, { startedAt: Date.now(), started: container! });
    expect(inspected).toEqual(['', 'n2', '', 'n2']);
  });

  it("sees at a run's last sample a restart that happened during its middle one", async () => {
    const restarted = healthy();
    restarted[1] = { ...restarted[1]!, container: { ...container!, restartCount: 1 } };
    script.push(healthy(), healthy(), restarted);
    const err = await waitCaughtUp(session, 'n2', t, { startedAt: Date.now() }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(/crash-looping \(restarted 1 time/);
    expect(observed).toBe(3);
  });

  it('keeps a minimum window when one is asked for', async () => {
    script.push(healthy());
    const t0 = Date.now();
    await waitCaughtUp(session, 'n2', { ...t, stabilizeMs: 300, pollMs: 20 }, { startedAt: t0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it('times out naming why, when the leader never counts the node as its follower', async () => {
    script.push([node('n1', { role: 'leader', term: 6 }), node('n2', { term: 5 }), node('n3', {})]);
    await expect(
      waitCaughtUp(session, 'n2', { ...t, catchUpTimeoutMs: 50 }, { startedAt: Date.now() }),
    ).rejects.toThrow(/not caught up after 0 s: follows m-n1 in term 5, but n1 leads in term 6/);
  });
});

describe('followsLeader', () => {
  it('accepts a follower of the answering leader, and the leader itself', () => {
    expect(followsLeader(healthy(), 'n2')).toBeUndefined();
    expect(followsLeader(healthy(), 'n1')).toBeUndefined();
  });

  it('accepts a learner (a re-seed waits for one to catch up), not a candidate', () => {
    const learner = [
      node('n1', { role: 'leader' }),
      node('n2', { role: 'learner' }),
      node('n3', {}),
    ];
    expect(followsLeader(learner, 'n2')).toBeUndefined();
    const candidate = [
      node('n1', { role: 'leader' }),
      node('n2', { role: 'candidate' }),
      node('n3', {}),
    ];
    expect(followsLeader(candidate, 'n2')).toMatch(/is candidate, not yet a follower of n1/);
  });

  it('refuses a node that follows someone else, or that no leader answers for', () => {
    const other = [node('n1', { role: 'leader' }), node('n2', { leader: 'm-n3' }), node('n3', {})];
    expect(followsLeader(other, 'n2')).toMatch(/follows m-n3 in term 5, but n1 leads/);
    const none = [node('n1', {}), node('n2', {}), node('n3', {})];
    expect(followsLeader(none, 'n2')).toMatch(/no node answers as the leader/);
  });
});
