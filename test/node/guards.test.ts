import { describe, expect, it } from 'vitest';
import type { NodeView } from '../../src/cluster/observe.js';
import {
  alreadyDown,
  caughtUp,
  handoverCandidates,
  hostOf,
  membershipGuard,
  quorumGuard,
} from '../../src/node/guards.js';
import { rolloutOrder } from '../../src/rollout/order.js';

const running = {
  status: 'running',
  running: true,
  restarting: false,
  oomKilled: false,
  exitCode: 0,
  startedAt: '',
  finishedAt: '',
};
function view(
  id: string,
  role: 'leader' | 'follower',
  applied: number,
  lag: number | undefined,
  over: Partial<NodeView> = {},
): NodeView {
  return {
    id,
    ssh: id,
    reachable: true,
    container: {
      id,
      name: 'etcd',
      image: 'x',
      imageId: 'sha',
      labels: {},
      state: running,
      restartCount: 0,
      restartPolicy: 'unless-stopped',
      memory: 0,
      env: {},
    },
    raft: {
      id: `m-${id}`,
      role,
      leaderId: 'm-n1',
      term: 2,
      commitIndex: 100,
      appliedIndex: applied,
      lastLogIndex: undefined,
    },
    lag,
    ...over,
  };
}
const t = { maxLag: 10 };

describe('already down (remediation may work on it whatever its peers)', () => {
  const stopped = (id: string): NodeView => {
    const v = view(id, 'follower', 0, undefined, { raft: undefined });
    return {
      ...v,
      container: { ...v.container!, state: { ...running, running: false, status: 'exited' } },
    };
  };
  it('counts stopped, restarting and missing containers, never a running or unseen node', () => {
    expect(alreadyDown(stopped('n2'))).toBe(true);
    const r = view('n2', 'follower', 0, undefined);
    const restarting = { ...r.container!, state: { ...running, restarting: true } };
    expect(alreadyDown({ ...r, raft: undefined, container: restarting })).toBe(true);
    // Between two crashes it may answer Raft, and vote: then it is not down.
    expect(alreadyDown({ ...r, container: restarting })).toBe(false);
    expect(alreadyDown({ ...r, raft: undefined, container: undefined })).toBe(true);
    expect(alreadyDown(view('n2', 'follower', 100, 0))).toBe(false);
    // Running but silent to Raft: it may still be voting, so it is not down.
    expect(alreadyDown(view('n2', 'follower', 0, undefined, { raft: undefined }))).toBe(false);
    expect(alreadyDown({ ...stopped('n2'), reachable: false })).toBe(false);
  });
  it('leaves the quorum guard itself unchanged: the healthy third of a 1-up cluster is refused', () => {
    const views = [stopped('n1'), stopped('n2'), view('n3', 'follower', 100, undefined)];
    expect(quorumGuard('n3', views, t)).toMatch(/peer n1/);
  });
});

describe('quorum guard', () => {
  const healthy = [
    view('n1', 'leader', 100, 0),
    view('n2', 'follower', 99, 1),
    view('n3', 'follower', 95, 5),
  ];

  it('lets a node go when every other voter is up and caught up', () => {
    expect(quorumGuard('n2', healthy, t)).toBeUndefined();
  });

  it('names a peer that is down first, even when that also hides the leader', () => {
    const views = [
      view('n1', 'leader', 0, undefined, {
        reachable: false,
        error: 'ssh: connect refused',
        raft: undefined,
      }),
      view('n2', 'follower', 99, undefined),
      view('n3', 'follower', 95, undefined),
    ];
    expect(quorumGuard('n2', views, t)).toMatch(
      /^peer n1 is unreachable \(ssh: connect refused\); taking n2 down now could cost the cluster its majority/,
    );
  });

  it('refuses without a leader, and with a lagging peer', () => {
    const noLeader = healthy.map((v) => ({
      ...v,
      raft: { ...v.raft!, role: 'follower' as const, leaderId: undefined },
    }));
    expect(quorumGuard('n2', noLeader, t)).toMatch(/no leader/);
    // Led by a member no inventory node is: the guard is blind to it, and says so.
    const hidden = healthy.map((v) => ({
      ...v,
      raft: { ...v.raft!, role: 'follower' as const, leaderId: 'm-n9' },
    }));
    // Mid-election: one node still follows the old leader.
    const split = healthy.map((v, k) => ({
      ...v,
      raft: { ...v.raft!, leaderId: k === 2 ? 'm-n2' : 'm-n1', term: k === 2 ? 3 : 2 },
    }));
    expect(quorumGuard('n2', split, t)).toMatch(
      /do not agree on the leader \(n1 follows m-n1 \(term 2\), n2 follows m-n1 \(term 2\), n3 follows m-n2 \(term 3\)\)/,
    );
    expect(quorumGuard('n2', hidden, t)).toMatch(
      /leader \(member m-n9\) is not a node of the inventory/,
    );
    const lagging = [healthy[0]!, healthy[1]!, view('n3', 'follower', 50, 50)];
    expect(quorumGuard('n2', lagging, t)).toMatch(
      /peer n3 trails the leader by 50 entries \(max 10\)/,
    );
    // The lagging node itself may be rolled: only the others must hold the majority.
    expect(quorumGuard('n3', lagging, t)).toBeUndefined();
  });
});

describe('order and handover', () => {
  const views = [
    view('n1', 'follower', 99, 1),
    view('n2', 'leader', 100, 0),
    view('n3', 'follower', 100, 0),
  ];
  it('moves the leader last unless told not to', () => {
    expect(rolloutOrder(['n1', 'n2', 'n3'], views)).toEqual(['n1', 'n3', 'n2']);
    expect(rolloutOrder(['n2', 'n1'], views)).toEqual(['n1', 'n2']);
    expect(rolloutOrder(['n1', 'n2', 'n3'], views, false)).toEqual(['n1', 'n2', 'n3']);
  });
  it('hands over to the most caught-up healthy follower, never a stale one', () => {
    expect(handoverCandidates('n2', views, t).map((v) => v.id)).toEqual(['n3', 'n1']);
    const stale = [view('n1', 'follower', 50, 50), views[1]!, views[2]!];
    expect(handoverCandidates('n2', stale, t).map((v) => v.id)).toEqual(['n3']);
  });
  it('calls a node caught up only when running, answering, led and within max lag', () => {
    expect(caughtUp(views[0], t)).toBeUndefined();
    expect(caughtUp(view('n1', 'follower', 10, 90), t)).toMatch(/trails by 90/);
    expect(
      caughtUp({ ...views[0]!, raft: { ...views[0]!.raft!, leaderId: undefined } }, t),
    ).toMatch(/no leader/);
  });
});

describe('membership guard', () => {
  const nodes = [
    { id: 'n1', host: '10.0.0.1' },
    { id: 'n2', host: 'db2.example' },
    { id: 'n3', host: 'fd00::3' },
  ];
  const m = (name: string, address: string, voter = true) => ({
    id: `x${name}`,
    name,
    address,
    voter,
  });
  it('reads the host of every peer address form', () => {
    expect(hostOf('http://10.0.0.1:2380')).toBe('10.0.0.1');
    expect(hostOf('10.0.0.1:50051')).toBe('10.0.0.1');
    expect(hostOf('https://[fd00::3]:2380/')).toBe('fd00::3');
    expect(hostOf('db2.example')).toBe('db2.example');
  });
  it('passes when every voter is an inventory node, by name, id or host; learners do not count', () => {
    expect(
      membershipGuard(
        [
          m('n1', 'http://10.0.0.9:2380'),
          m('etcd-b', 'http://db2.example:2380'),
          m('', 'https://[fd00::3]:2380'),
          m('spare', 'http://10.0.0.7:2380', false),
        ],
        nodes,
      ),
    ).toBeUndefined();
  });
  it('refuses when a voter is missing from the inventory, and names it', () => {
    expect(
      membershipGuard([m('n1', 'http://10.0.0.1:2380'), m('n4', 'http://10.0.0.4:2380')], nodes),
    ).toMatch(/voting member\(s\) the inventory does not list: n4 \(http:\/\/10\.0\.0\.4:2380\)/);
  });
});
