// The WAL step after a stop fetches the last segment's first range and its zero check beside the
// survey. A repair must not rest on those: they may be older than the survey its "nothing
// changed" check compares against. So a torn log is looked at anew before anything is written.

import { readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Events } from '../../src/events/events.js';
import type { NodeContext } from '../../src/node/context.js';
import { checkWal } from '../../src/node/wal.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';
import { createWal } from '../helpers/walref.js';

afterAll(cleanupTmp);

/** Records each command: a survey (find over the data directory), a write, or anything else. */
class RecordingHost extends LocalHost {
  constructor(private readonly root: string) {
    super();
  }
  log: string[] = [];
  override run(argv: readonly string[], opts?: Parameters<LocalHost['run']>[1]) {
    const survey = argv[0] === 'find' && argv[1] === this.root;
    const write = ['mkdir', 'cp', 'truncate'].includes(argv[0]!);
    this.log.push(survey ? 'survey' : write ? 'write' : 'other');
    return super.run(argv, opts);
  }
}

it('surveys again before it repairs a torn tail found with bytes fetched ahead', async () => {
  const data = tmp();
  const dir = join(data, 'member', 'wal');
  createWal(dir, { entries: 300, entrySize: 100, segmentSize: 1_000_000 });
  const last = join(dir, readdirSync(dir).sort().at(-1)!);
  const b = readFileSync(last);
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  truncateSync(last, end - 5);
  const host = new RecordingHost(data);
  const ctx = {
    host,
    id: 'n1',
    dataDir: data,
    rules: rulesFor('3.4'),
    events: new Events(),
  } as unknown as NodeContext;
  const early = {
    sealed: [],
    snapshots: new Map(),
    tails: [{ path: last, size: statSync(last).size }],
  };
  const verdict = await checkWal(ctx, undefined, early);
  expect(verdict).toMatch(/^torn, repaired/);
  // One survey for the verdict, and one more before the repair's first write.
  const beforeWrite = host.log.slice(0, host.log.indexOf('write'));
  expect(beforeWrite.filter((x) => x === 'survey')).toHaveLength(2);
});
