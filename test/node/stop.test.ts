// The stop step when `docker stop` leaves the container running: it is started again (here: it
// still runs and catches up), and the journal is told, so its last line for the node is no
// longer `stop` and the next run does not take the node for half-done.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { JournalEntry } from '../../src/cluster/journal.js';
import { Events } from '../../src/events/events.js';
import type { NodeContext } from '../../src/node/context.js';
import { StepError } from '../../src/node/errors.js';
import { stopNode } from '../../src/node/stop.js';

const restart = vi.hoisted(() => ({ answer: '' }));
vi.mock('../../src/node/rollback.js', () => ({
  restartOriginal: async () => restart.answer,
}));
vi.mock('../../src/runtime/containers.js', () => ({
  stopAndInspectThen: async () => ({
    info: { state: { running: true, restarting: false }, restartCount: 0 },
  }),
}));

let records: Omit<JournalEntry, 'at' | 'run'>[];
const ctx = () =>
  ({
    id: 'n2',
    name: 'etcd',
    events: new Events(),
    t: { stopGraceSeconds: 5 },
    journal: {
      record: async (e: Omit<JournalEntry, 'at' | 'run'>) => {
        records.push(e);
      },
    },
  }) as unknown as NodeContext;

beforeEach(() => {
  records = [];
});

describe('a container still running after docker stop', () => {
  it('is restored: the journal gets a restored line after the restart, and the step fails', async () => {
    restart.answer = 'the original container was started again and caught up';
    const err = await stopNode(ctx(), true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).phase).toBe('stop');
    expect((err as Error).message).toMatch(
      /n2: etcd is still running after docker stop; the original container was started again and caught up/,
    );
    expect(records).toEqual([{ node: 'n2', phase: 'restored', detail: restart.answer }]);
  });

  it('writes no restored line when the restart did not bring it back', async () => {
    restart.answer = 'starting the original container again failed: catch-up timed out';
    const err = await stopNode(ctx(), true).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/starting the original container again failed/);
    expect(records).toEqual([]);
  });
});
