// The pure decisions with several Raft groups per node (elastickv): lag per group against that
// group's leader, the node's summary, the quorum guard and "caught up" in every group, and the
// choice of a transfer target (never a learner, never a log behind the leader's snapshot).

import { describe, expect, it } from 'vitest';
import { computeLags, type GroupView, type NodeView } from '../../src/cluster/observe.js';
import {
  caughtUp,
  projectGroup,
  quorumCheck,
  quorumGuard,
  transferTargets,
} from '../../src/node/guards.js';
import type { Member, NodeStatus, Role } from '../../src/raft/engine.js';

const running = {
  status: 'running',
  running: true,
  restarting: false,
  oomKilled: false,
  exitCode: 0,
  startedAt: '',
  finishedAt: '',
};

function st(id: string, role: Role, leader: string | undefined, commit: number, applied: number) {
  return {
    id,
    role,
    leaderId: leader,
    term: 4,
    commitIndex: commit,
    appliedIndex: applied,
    lastLogIndex: applied,
    lastSnapshotIndex: 0,
  } satisfies NodeStatus;
}

/** A node with one status per group; `leads` lists the groups it leads, `applied` per group. */
function node(
  id: string,
  groups: Record<number, { leader: string; applied: number } | 'down'>,
): NodeView {
  const gs: GroupView[] = Object.entries(groups).map(([g, x]) =>
    x === 'down'
      ? { id: Number(g), raftError: 'connection refused' }
      : {
          id: Number(g),
          raft: st(id, x.leader === id ? 'leader' : 'follower', x.leader, 100, x.applied),
        },
  );
  return {
    id,
    ssh: id,
    reachable: true,
    container: {
      id,
      name: 'elastickv',
      image: 'x',
      imageId: 'sha',
      labels: {},
      state: running,
      restartCount: 0,
      restartPolicy: 'unless-stopped',
      memory: 0,
      env: {},
    },
    groups: gs,
  };
}

/** n1 leads group 1, n2 group 2, n3 group 3; each node's applied per group as given. */
function cluster(applied: Record<string, [number, number, number]> = {}): NodeView[] {
  const leaders = ['n1', 'n2', 'n3'];
  const views = ['n1', 'n2', 'n3'].map((n) =>
    node(
      n,
      Object.fromEntries(
        [1, 2, 3].map((g) => [g, { leader: leaders[g - 1]!, applied: applied[n]?.[g - 1] ?? 100 }]),
      ),
    ),
  );
  computeLags(views);
  return views;
}

const t = { maxLag: 10 };

describe('views with several groups', () => {
  it('measure lag against each group leader, and sum up the node by its worst group', () => {
    const views = cluster({ n2: [100, 100, 60], n3: [95, 100, 100] });
    const n2 = views.find((v) => v.id === 'n2')!;
    expect(n2.groups!.map((g) => g.lag)).toEqual([0, 0, 40]);
    expect(n2.lag).toBe(40);
    // It leads group 2: to the code that asks "is it a leader", it is one.
    expect(n2.raft!.role).toBe('leader');
    const n3 = views.find((v) => v.id === 'n3')!;
    expect(n3.lag).toBe(5);
  });

  it('leave the node without a summary status when any group does not answer', () => {
    const views = [
      node('n1', { 1: { leader: 'n1', applied: 100 }, 2: 'down' }),
      node('n2', { 1: { leader: 'n1', applied: 100 }, 2: { leader: 'n2', applied: 100 } }),
    ];
    computeLags(views);
    expect(views[0]!.raft).toBeUndefined();
    expect(views[0]!.raftError).toBe('group 2: connection refused');
    expect(views[0]!.lag).toBeUndefined();
  });

  it('project onto one group: that group status and lag, nothing of the others', () => {
    const views = cluster({ n2: [100, 100, 60] });
    const p = projectGroup(views, 3);
    expect(p.map((v) => [v.id, v.raft!.role, v.lag])).toEqual([
      ['n1', 'follower', 0],
      ['n2', 'follower', 40],
      ['n3', 'leader', 0],
    ]);
    expect(p.every((v) => v.groups === undefined)).toBe(true);
  });
});

describe('the quorum guard with several groups', () => {
  it('passes when every group has its leader and caught-up peers', () => {
    for (const n of ['n1', 'n2', 'n3']) expect(quorumGuard(n, cluster(), t)).toBeUndefined();
  });

  it('refuses when a peer trails in one group only, naming the group', () => {
    const views = cluster({ n3: [100, 70, 100] });
    expect(quorumGuard('n1', views, t)).toBe(
      'Raft group 2: peer n3 trails the leader by 30 entries (max 10); taking n1 down now could cost the cluster its majority',
    );
    // The lagging node itself may go: the other two are caught up in every group.
    expect(quorumGuard('n3', views, t)).toBeUndefined();
  });

  it('refuses when one group has no leader, and says it is an election (worth waiting out)', () => {
    const views = cluster();
    for (const v of views) {
      const g = v.groups!.find((x) => x.id === 3)!;
      g.raft = { ...g.raft!, role: v.id === 'n3' ? 'candidate' : 'follower', leaderId: undefined };
    }
    computeLags(views);
    const c = quorumCheck('n1', views, t);
    expect(c.electing).toBe(true);
    expect(c.why).toMatch(/^Raft group 3: the cluster has no leader/);
  });

  it('prefers a refusal that waiting cannot fix over an election', () => {
    const views = cluster({ n3: [100, 70, 100] });
    const g3 = views.map((v) => v.groups!.find((x) => x.id === 3)!);
    for (const g of g3) g.raft = { ...g.raft!, role: 'follower', leaderId: undefined };
    computeLags(views);
    const c = quorumCheck('n1', views, t);
    expect(c.electing).toBe(false);
    expect(c.why).toMatch(/^Raft group 2: peer n3 trails/);
  });

  it('sees a peer down in one group as down', () => {
    const views = [
      node('n1', { 1: { leader: 'n1', applied: 100 }, 2: { leader: 'n2', applied: 100 } }),
      node('n2', { 1: { leader: 'n1', applied: 100 }, 2: { leader: 'n2', applied: 100 } }),
      node('n3', { 1: { leader: 'n1', applied: 100 }, 2: 'down' }),
    ];
    computeLags(views);
    expect(quorumGuard('n1', views, t)).toMatch(
      /^Raft group 2: peer n3 does not answer Raft status \(connection refused\)/,
    );
  });
});

describe('caught up with several groups', () => {
  it('means within max-lag in every group', () => {
    const views = cluster({ n2: [100, 100, 80] });
    expect(caughtUp(views[0], t)).toBeUndefined();
    expect(caughtUp(views[1], t)).toBe('Raft group 3: trails by 20 entries');
  });
});

describe('the transfer target of one group', () => {
  const members = (learner?: string): Member[] =>
    ['n1', 'n2', 'n3', 'n4'].map((id) => ({
      id,
      name: id,
      address: `${id}:1`,
      voter: id !== learner,
    }));
  const fourNodes = (applied: Record<string, number>) => {
    const views = ['n1', 'n2', 'n3', 'n4'].map((n) =>
      node(n, { 1: { leader: 'n1', applied: applied[n] ?? 100 } }),
    );
    computeLags(views);
    return projectGroup(views, 1);
  };
  const leader = (snap: number): NodeStatus => ({
    ...st('n1', 'leader', 'n1', 100, 100),
    lastSnapshotIndex: snap,
  });

  it('is the most caught-up voter', () => {
    const r = transferTargets('n1', fourNodes({ n2: 95, n3: 99, n4: 97 }), members(), leader(0), t);
    expect(r.targets.map((x) => x.view.id)).toEqual(['n3', 'n4', 'n2']);
    expect(r.skipped).toEqual([]);
  });

  it('is never a learner, though a learner reports itself a follower and is the most caught up', () => {
    const views = fourNodes({ n2: 95, n3: 96, n4: 100 });
    expect(views.find((v) => v.id === 'n4')!.raft!.role).toBe('follower');
    const r = transferTargets('n1', views, members('n4'), leader(0), t);
    expect(r.targets.map((x) => x.view.id)).toEqual(['n3', 'n2']);
    expect(r.skipped).toEqual(['n4 is a learner (no vote)']);
  });

  it("is never a node whose last log index is below the leader's last snapshot index", () => {
    const r = transferTargets(
      'n1',
      fourNodes({ n2: 95, n3: 99, n4: 97 }),
      members(),
      leader(98),
      t,
    );
    expect(r.targets.map((x) => x.view.id)).toEqual(['n3']);
    expect(r.skipped).toEqual([
      "n4's last log index 97 is below the leader's last snapshot index 98",
      "n2's last log index 95 is below the leader's last snapshot index 98",
    ]);
  });

  it('is never a node missing from the member list', () => {
    const r = transferTargets(
      'n1',
      fourNodes({}),
      members().filter((m) => m.id !== 'n2'),
      leader(0),
      t,
    );
    expect(r.targets.map((x) => x.view.id)).not.toContain('n2');
    expect(r.skipped).toEqual(["n2 is not in the leader's member list"]);
  });
});
