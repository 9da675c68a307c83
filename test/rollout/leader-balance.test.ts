// The leader-balance kill switch, against hosts that keep a set of files: created where missing,
// removed afterwards only where this run created it, and a failure refuses before any stop.

import { describe, expect, it } from 'vitest';
import type { ClusterSession } from '../../src/cluster/session.js';
import { Events } from '../../src/events/events.js';
import { StepError } from '../../src/node/errors.js';
import { pauseLeaderBalance } from '../../src/rollout/leader-balance.js';

const SWITCH = '/var/lib/kv/leader-balance.off';

function cluster(files: Set<string>[], failTouchOn = -1) {
  const log: string[] = [];
  const session = {
    inv: { leaderBalanceKillSwitch: SWITCH, nodes: files.map((_, i) => ({ id: `n${i + 1}` })) },
    host: (node: { id: string }) => {
      const i = Number(node.id.slice(1)) - 1;
      return {
        run: async (argv: string[], o?: { allowFailure?: boolean }) => {
          log.push(`${node.id} ${argv.join(' ')}`);
          const [cmd] = argv;
          const path = argv.at(-1)!;
          if (cmd === 'test') return { code: files[i]!.has(path) ? 0 : 1, stdout: '', stderr: '' };
          if (cmd === 'touch') {
            if (i === failTouchOn) {
              if (o?.allowFailure) return { code: 1, stdout: '', stderr: 'read-only' };
              throw new Error('touch: read-only file system');
            }
            files[i]!.add(path);
          }
          if (cmd === 'rm') files[i]!.delete(path);
          return { code: 0, stdout: '', stderr: '' };
        },
      };
    },
  } as unknown as ClusterSession;
  return { session, log };
}

describe('the leader-balance kill switch', () => {
  it('exists on every host during the roll and only the files this run made are removed', async () => {
    const files = [new Set<string>(), new Set([SWITCH]), new Set<string>()];
    const { session } = cluster(files);
    const resume = await pauseLeaderBalance(session, new Events());
    expect(files.every((f) => f.has(SWITCH))).toBe(true);
    await resume();
    // n2's switch was set by someone else before the roll: it stays.
    expect(files.map((f) => f.has(SWITCH))).toEqual([false, true, false]);
  });

  it('refuses before any stop when a host cannot take the file, and removes what it made', async () => {
    const files = [new Set<string>(), new Set<string>(), new Set<string>()];
    const { session } = cluster(files, 1);
    await expect(pauseLeaderBalance(session, new Events())).rejects.toThrow(StepError);
    await expect(pauseLeaderBalance(session, new Events())).rejects.toThrow(
      /cannot pause the leader-balance scheduler \(creating \/var\/lib\/kv\/leader-balance\.off\)/,
    );
    expect(files.map((f) => f.has(SWITCH))).toEqual([false, false, false]);
  });

  it('does nothing when the inventory names no kill switch', async () => {
    const { session, log } = cluster([new Set()]);
    (session.inv as { leaderBalanceKillSwitch?: string }).leaderBalanceKillSwitch = undefined;
    await (await pauseLeaderBalance(session, new Events()))();
    expect(log).toEqual([]);
  });
});
