// The guard gives a short election its time: a group without an agreed leader is looked at
// again until leaderWaitMs has passed, while a refusal that waiting cannot fix comes at once.

import { describe, expect, it } from 'vitest';
import { computeLags, type NodeView } from '../../src/cluster/observe.js';
import { Events } from '../../src/events/events.js';
import type { NodeContext } from '../../src/node/context.js';
import { StepError } from '../../src/node/errors.js';
import { guardNode } from '../../src/node/guard.js';
import { DEFAULT_THRESHOLDS } from '../../src/node/thresholds.js';
import type { Member, Role } from '../../src/raft/engine.js';

const NODES = ['n1', 'n2', 'n3'];
const RUNNING = {
  id: 'c',
  name: 'elastickv',
  image: 'x',
  imageId: 'sha',
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
  restartPolicy: 'unless-stopped',
  memory: 0,
  env: {},
};

/** Two groups; group 2 has no leader while `electing`; n3 is unreachable when `peerDown`. */
function views(o: { electing?: boolean; peerDown?: boolean } = {}): NodeView[] {
  const vs = NODES.map((id): NodeView => {
    if (o.peerDown && id === 'n3') return { id, ssh: id, reachable: false, error: 'timeout' };
    const status = (g: number) => {
      const leader = g === 1 ? 'n1' : o.electing ? undefined : 'n2';
      const role: Role =
        leader === id ? 'leader' : o.electing && id === 'n2' ? 'candidate' : 'follower';
      return {
        id,
        role,
        leaderId: leader,
        term: 5,
        commitIndex: 50,
        appliedIndex: 50,
        lastLogIndex: 50,
      };
    };
    return {
      id,
      ssh: id,
      reachable: true,
      container: RUNNING,
      groups: [1, 2].map((g) => ({ id: g, raft: status(g) })),
    };
  });
  computeLags(vs);
  return vs;
}

function context(sequence: NodeView[][], leaderWaitMs: number) {
  let calls = 0;
  const members: Member[] = NODES.map((id) => ({ id, name: id, address: `${id}:1`, voter: true }));
  const nodes = NODES.map((id) => ({ id, host: `10.0.0.${id.slice(1)}` }));
  const session = {
    inv: { nodes },
    groups: () => [
      { id: 1, host: 'h', port: 1 },
      { id: 2, host: 'h', port: 2 },
    ],
    raft: async () => ({ members: async () => members }),
  };
  const host = {
    name: 'n1',
    address: 'n1',
    run: async () => ({ code: 1, stdout: '', stderr: 'Error: No such container: x' }),
  };
  const ctx = {
    session,
    t: { ...DEFAULT_THRESHOLDS, pollMs: 20, leaderWaitMs },
    events: new Events(),
    views: {
      get: async () => sequence[Math.min(++calls, sequence.length - 1)]!,
      remember: () => {},
    },
    id: 'n1',
    node: nodes[0],
    host,
    name: 'elastickv',
    prevName: 'elastickv.raftroll-prev',
  } as unknown as NodeContext;
  return { ctx, calls: () => calls };
}

async function refusal(p: Promise<unknown>): Promise<StepError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StepError);
  return e as StepError;
}

describe('the guard and a short election', () => {
  it('waits while a group elects, and passes once it has its leader', async () => {
    const first = views({ electing: true });
    const { ctx, calls } = context(
      [first, views({ electing: true }), views({ electing: true }), views()],
      5_000,
    );
    const v = first.find((x) => x.id === 'n1')!;
    expect(await guardNode(ctx, v, first, false)).toBe(false);
    expect(calls()).toBeGreaterThanOrEqual(3);
  });

  it('refuses after leaderWaitMs when no leader comes, saying it waited', async () => {
    const first = views({ electing: true });
    const { ctx } = context([first], 300);
    const t0 = Date.now();
    const e = await refusal(guardNode(ctx, first[0]!, first, false));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(e.phase).toBe('guard');
    expect(e.message).toMatch(
      /^n1: refused: Raft group 2: the cluster has no leader; .* \(waited 300 ms for a leader\)\. Nothing was touched on n1\.$/,
    );
  });

  it('refuses at once when a peer is down: waiting for a leader would not help', async () => {
    const first = views({ electing: true, peerDown: true });
    const { ctx, calls } = context([first], 5_000);
    const e = await refusal(guardNode(ctx, first[0]!, first, false));
    expect(calls()).toBe(0);
    expect(e.message).toMatch(/Raft group 1: peer n3 is unreachable \(timeout\)/);
  });
});
