import { describe, expect, it } from 'vitest';
import type { NodeView } from '../../src/cluster/observe.js';
import type { Diagnosis } from '../../src/events/findings.js';
import { factsLine } from '../../src/events/report.js';
import { classify, loopingWhileUp } from '../../src/remediate/classify.js';
import { parseMemUsage } from '../../src/remediate/diagnose.js';
import { healOrder } from '../../src/remediate/heal.js';
import type { PathReport } from '../../src/wal/engine.js';

const t = { maxLag: 100, memoryPressure: 0.9, crashLoopRestarts: 3 };
const MiB = 2 ** 20;

type Box = NonNullable<NodeView['container']>;
function view(
  over: Partial<Omit<Box, 'state'>> & { state?: Partial<Box['state']> } = {},
  lag = 0,
): NodeView {
  const { state, ...rest } = over;
  return {
    id: 'n1',
    ssh: 'n1',
    reachable: true,
    container: {
      id: 'abc123def456789',
      name: 'etcd',
      image: 'x',
      imageId: 'sha',
      labels: {},
      restartCount: 0,
      restartPolicy: 'no',
      memory: 2500 * MiB,
      env: { GOMEMLIMIT: '1800MiB' },
      ...rest,
      state: {
        status: 'running',
        running: true,
        restarting: false,
        oomKilled: false,
        exitCode: 0,
        startedAt: '',
        finishedAt: '',
        ...state,
      },
    },
    raft: {
      id: '1',
      role: 'follower',
      leaderId: '2',
      term: 2,
      commitIndex: 10,
      appliedIndex: 10,
      lastLogIndex: undefined,
    },
    lag,
  };
}
const wal = (verdict: string): PathReport => ({
  path: '/d',
  etcdVersion: '3.4',
  etcdVerdict: verdict === 'torn' ? 'torn' : 'corrupt',
  verdict: verdict as PathReport['verdict'],
  repairable: verdict === 'torn',
  dirs: [
    {
      dir: '/d/member/wal',
      verdict,
      reason: `it is ${verdict}`,
      problem: { segment: 's.wal', offset: 512 },
    } as never,
  ],
});

describe('classify', () => {
  it('calls a running, caught-up node healthy', () => {
    expect(classify({ view: view(), staleBackups: [] }, t)).toMatchObject({
      class: 'healthy',
      action: 'none',
    });
  });

  it('recreates an OOM-killed node that lacks the memory defaults; only reports one that has them', () => {
    const noDefaults = view({
      memory: 0,
      env: {},
      restartCount: 5,
      state: {
        oomKilled: true,
        running: false,
        restarting: true,
        status: 'restarting',
        exitCode: 137,
      },
    });
    const f = classify({ view: noDefaults, staleBackups: [] }, t);
    expect(f.all).toEqual(['crash-looping', 'oom-killed']);
    expect(f.action).toBe('recreate-with-defaults');
    const withDefaults = view({ state: { oomKilled: true, exitCode: 137 } });
    expect(classify({ view: withDefaults, staleBackups: [] }, t)).toMatchObject({
      class: 'oom-killed',
      action: 'report',
    });
  });

  it('puts the WAL first: torn means repair, corrupt means re-seed (never truncate)', () => {
    const down = view({ state: { running: false, status: 'exited' } });
    expect(classify({ view: down, wal: wal('torn'), staleBackups: [] }, t)).toMatchObject({
      class: 'torn-wal',
      action: 'repair-and-restart',
    });
    const c = classify({ view: down, wal: wal('corrupt'), staleBackups: [] }, t);
    expect(c).toMatchObject({ class: 'corrupt-wal', action: 'reseed' });
    expect(c.why).toMatch(/s\.wal at offset 512/);
  });

  it('sees memory pressure and lag', () => {
    expect(classify({ view: view(), memoryUsage: 2400 * MiB, staleBackups: [] }, t)).toMatchObject({
      class: 'memory-pressure',
      action: 'graceful-restart',
    });
    expect(classify({ view: view({}, 500), staleBackups: [] }, t)).toMatchObject({
      class: 'lagging',
      action: 'wait',
    });
  });

  it('starts a node that died on its own, but only reports one stopped on purpose or missing', () => {
    const died = view({ state: { running: false, status: 'exited', exitCode: 2 } });
    expect(classify({ view: died, staleBackups: [] }, t)).toMatchObject({
      class: 'stopped',
      action: 'start',
    });
    for (const exitCode of [0, 143]) {
      const stopped = view({ state: { running: false, status: 'exited', exitCode } });
      const f = classify({ view: stopped, staleBackups: [] }, t);
      expect(f).toMatchObject({ class: 'stopped', action: 'report' });
    }
    const none = { ...view(), container: undefined, raft: undefined };
    expect(classify({ view: none, staleBackups: [] }, t)).toMatchObject({
      class: 'stopped',
      action: 'report',
    });
  });

  it('never undoes a stop someone made: SIGKILL, or an exit under a policy that would restart it', () => {
    const killed = view({ state: { running: false, status: 'exited', exitCode: 137 } });
    expect(classify({ view: killed, staleBackups: [] }, t).action).toBe('report');
    const policy = view({
      restartPolicy: 'unless-stopped',
      state: { running: false, status: 'exited', exitCode: 2 },
    });
    expect(classify({ view: policy, staleBackups: [] }, t)).toMatchObject({
      class: 'stopped',
      action: 'report',
    });
  });

  it('asks Raft too: a running container that does not answer, sees no leader, or is a learner', () => {
    const silent = { ...view(), raft: undefined, raftError: 'connection refused', lag: undefined };
    const f = classify({ view: silent, staleBackups: [] }, t);
    expect(f).toMatchObject({ class: 'raft-unhealthy', action: 'report' });
    expect(f.why).toMatch(/connection refused/);
    const base = view();
    const noLeader = { ...base, raft: { ...base.raft!, leaderId: undefined }, lag: undefined };
    expect(classify({ view: noLeader, staleBackups: [] }, t).why).toMatch(/sees no leader/);
    const learner = { ...base, raft: { ...base.raft!, role: 'learner' as const } };
    expect(classify({ view: learner, staleBackups: [] }, t).why).toMatch(/learner/);
  });

  it('reports a down node whose WAL cannot be judged, and the traces of an unfinished re-seed', () => {
    const down = view({ state: { running: false, status: 'exited', exitCode: 1 } });
    const f = classify(
      {
        view: down,
        walError: '/var/lib/etcd holds no WAL',
        reseedLeftovers: ['/var/lib/etcd.raftroll-reseed-2026'],
        staleBackups: [],
      },
      t,
    );
    expect(f).toMatchObject({ class: 'wal-unreadable', action: 'report' });
    expect(f.why).toMatch(
      /holds no WAL; a re-seed did not finish \(old data kept at \/var\/lib\/etcd\.raftroll-reseed-2026\)/,
    );
  });

  it('reports a data disk that is nearly full, before any restart', () => {
    const f = classify({ view: view(), diskFree: 200 * MiB, staleBackups: [] }, t);
    expect(f).toMatchObject({ class: 'disk-low', action: 'report' });
    expect(f.why).toMatch(/only 200 MiB free/);
    expect(classify({ view: view(), diskFree: 50_000 * MiB, staleBackups: [] }, t).class).toBe(
      'healthy',
    );
  });

  it('sees a crash loop while its process happens to be up: restarted often, just started, silent', () => {
    const now = Date.parse('2026-11-27T02:00:00Z');
    const looping = {
      ...view({ restartCount: 7, state: { startedAt: '2026-11-27T01:59:30Z' } }),
      raft: undefined,
      lag: undefined,
    };
    expect(loopingWhileUp(looping, t, now)).toBe(true);
    const f = classify({ view: looping, staleBackups: [], observedAt: now }, t);
    expect(f.all).toContain('crash-looping');
    // Up for long, answering Raft, or restarted rarely: not a loop.
    expect(
      loopingWhileUp(
        {
          ...looping,
          container: {
            ...looping.container!,
            state: { ...looping.container!.state, startedAt: '2026-11-27T01:00:00Z' },
          },
        },
        t,
        now,
      ),
    ).toBe(false);
    expect(loopingWhileUp({ ...looping, raft: view().raft }, t, now)).toBe(false);
    expect(
      loopingWhileUp({ ...looping, container: { ...looping.container!, restartCount: 1 } }, t, now),
    ).toBe(false);
  });

  it('reports an unreachable node', () => {
    expect(
      classify(
        { view: { id: 'n1', ssh: 'n1', reachable: false, error: 'timed out' }, staleBackups: [] },
        t,
      ),
    ).toMatchObject({ class: 'unreachable', action: 'report' });
  });

  it('reads docker stats memory figures', () => {
    expect(parseMemUsage('123.5MiB / 2.441GiB')).toBe(Math.round(123.5 * MiB));
    expect(parseMemUsage('1.2GiB / 2.441GiB')).toBe(Math.round(1.2 * 2 ** 30));
    expect(parseMemUsage('--')).toBeUndefined();
  });
});

describe('kernel evidence', () => {
  it('counts OOM kills the kernel logged for this container even after Docker forgot them', () => {
    const lines = [
      '[ 1.0] oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/docker/abc123def456789,task_memcg=/docker/abc123def456789,task=etcd,pid=1,uid=10001',
    ];
    const f = classify({ view: view(), kernelOom: lines, staleBackups: [] }, t);
    expect(f.all).toContain('oom-killed');
    expect(f.why).toMatch(/kernel log shows 1 OOM kill/);
  });
});

describe('heal order', () => {
  it('down nodes first, then running ones, the leader last, a re-seed at the very end', () => {
    const d = (node: string, down: boolean, role: string, action = 'start') =>
      ({ node, down, role, action }) as unknown as Diagnosis;
    const order = healOrder([
      d('lead', false, 'leader', 'graceful-restart'),
      d('corrupt', true, 'unknown', 'reseed'),
      d('follower', false, 'follower', 'graceful-restart'),
      d('torn', true, 'unknown', 'repair-and-restart'),
    ]).map((x) => x.node);
    expect(order).toEqual(['torn', 'follower', 'lead', 'corrupt']);
  });
});

describe('facts line', () => {
  it('shows role, lag, memory, disk, WAL and backups: the facts behind a class', () => {
    const d = {
      role: 'follower',
      memoryDefaults: { applied: true },
      facts: {
        lag: 3,
        container: 'running restarts=0',
        memoryUsage: 1200 * MiB,
        memoryLimit: 2500 * MiB,
        diskFree: 40_000 * MiB,
        walVerdict: 'torn',
        staleBackups: ['/d/member/wal/0.wal.broken'],
        kernelOom: ['oom-kill: ...'],
      },
    } as unknown as Diagnosis;
    expect(factsLine(d)).toBe(
      'follower, lag 3; running restarts=0; memory 1200 MiB of 2500 MiB; memory defaults on; 40000 MiB free on the data disk; WAL torn; stale backups: /d/member/wal/0.wal.broken; 1 kernel OOM line(s)',
    );
  });
});
