// The lease and its journal: the pure rules (what counts as stale, what is in flight, how each
// phase is finished) and the lock's behaviour on this machine's own files, including a host that
// cannot be reached and a stale lease taken over.

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  finishPlan,
  inFlight,
  type JournalEntry,
  parseJournal,
  walVerified,
} from '../../src/cluster/journal.js';
import {
  ageText,
  holderLine,
  isStale,
  LEASE_FORMAT,
  type LeaseOwner,
  parseOwner,
  STALE_AFTER_MS,
} from '../../src/cluster/lease.js';
import { ClusterLockedError, takeLease } from '../../src/cluster/lock.js';
import { lockPath, readLock } from '../../src/cluster/lock-read.js';
import type { ClusterSession } from '../../src/cluster/session.js';
import type { NodeInput } from '../../src/inventory/schema.js';
import { type Host, HostUnreachableError } from '../../src/remote/host.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

const owner = (over: Partial<LeaseOwner> = {}): LeaseOwner => ({
  format: LEASE_FORMAT,
  purpose: 'raftroll roll kv:2',
  user: 'ops',
  host: 'laptop',
  pid: 7,
  takenAt: '2026-11-27T00:00:00.000Z',
  token: 't-1',
  ...over,
});

describe('staleness', () => {
  it('is stale only past the threshold, when the holder is elsewhere', () => {
    expect(isStale({ heartbeatAgeMs: STALE_AFTER_MS - 1 })).toBe(false);
    expect(isStale({ heartbeatAgeMs: STALE_AFTER_MS + 1 })).toBe(true);
    expect(isStale({})).toBe(false);
  });

  it('judges a holder on this machine by its pid, whatever the heartbeat says', () => {
    expect(isStale({ heartbeatAgeMs: 1, localPidAlive: false })).toBe(true);
    expect(isStale({ heartbeatAgeMs: 10 * STALE_AFTER_MS, localPidAlive: true })).toBe(false);
  });

  it('writes ages for people', () => {
    expect(ageText(4_000)).toBe('4s');
    expect(ageText(185_000)).toBe('3m05s');
    expect(ageText(2 * 3600_000 + 600_000)).toBe('2h10m');
    expect(ageText(undefined)).toBe('unknown');
  });
});

describe('owner files', () => {
  it('reads a lease, an old note and anything else apart', () => {
    const o = owner({ runUrl: 'https://github.com/o/r/actions/runs/9' });
    const lease = parseOwner(JSON.stringify(o));
    expect(lease).toEqual({ kind: 'lease', owner: o });
    expect(holderLine(o)).toBe(
      'raftroll roll kv:2 by ops@laptop pid 7 (https://github.com/o/r/actions/runs/9) since 2026-11-27T00:00:00.000Z',
    );
    expect(
      parseOwner('raftroll roll kv:9 by ops@laptop pid 7 since 2026-11-27T00:00:00Z\n').kind,
    ).toBe('old-format');
    expect(parseOwner('{"who":"terraform"}')).toMatchObject({ kind: 'foreign' });
    expect(parseOwner('held by bob')).toMatchObject({ kind: 'foreign' });
    expect(parseOwner('')).toMatchObject({ kind: 'foreign', why: 'the owner file is empty' });
  });
});

const entry = (node: string, phase: JournalEntry['phase'], extra: Partial<JournalEntry> = {}) =>
  ({ at: '2026-11-27T00:00:00.000Z', run: 't-1', node, phase, ...extra }) as JournalEntry;

describe('journal', () => {
  it('keeps lines cut short by a kill apart from the entries', () => {
    const text = `${JSON.stringify(entry('n1', 'stop'))}\n${JSON.stringify(entry('n1', 'wal'))}\n{"at":"2026-`;
    const j = parseJournal(text);
    expect(j.entries.map((e) => e.phase)).toEqual(['stop', 'wal']);
    expect(j.bad).toEqual(['{"at":"2026-']);
  });

  it("shows each node's last step when it is no end", () => {
    const j = [
      entry('n1', 'stop'),
      entry('n1', 'done'),
      entry('n2', 'stop'),
      entry('n2', 'wal'),
      entry('n3', 'take-over'),
    ];
    expect(inFlight(j).map((e) => `${e.node}:${e.phase}`)).toEqual(['n2:wal']);
    expect(inFlight([entry('n1', 'rollback'), entry('n1', 'rolled-back')])).toEqual([]);
    expect(inFlight([entry('n1', 'wal'), entry('n1', 'left-stopped')])).toEqual([]);
  });

  it('says the log was verified only once the start was written', () => {
    expect(['stop', 'wal'].map((p) => walVerified(entry('n', p as 'stop')))).toEqual([
      false,
      false,
    ]);
    expect(['start', 'catch-up'].map((p) => walVerified(entry('n', p as 'start')))).toEqual([
      true,
      true,
    ]);
  });
});

describe('what finishing means for each phase', () => {
  const spec = {
    old: { name: 'kv', image: 'kv:1', fingerprint: 'fp-old' },
    new: { name: 'kv', image: 'kv:2', fingerprint: 'fp-new' },
  };
  const oldC = { fingerprint: 'fp-old', running: false };
  const newC = { fingerprint: 'fp-new', running: false };
  const table: [JournalEntry['phase'], Parameters<typeof finishPlan>[1], string][] = [
    ['stop', { current: { ...oldC, running: true } }, 'restore-old'],
    ['stop', { current: oldC }, 'restore-old'],
    ['wal', { current: oldC }, 'restore-old'],
    ['wal', {}, 'report'],
    // Renamed, but the new container was never created.
    ['start', { previous: oldC }, 'restore-old'],
    // Not even renamed yet.
    ['start', { current: oldC }, 'restore-old'],
    ['start', { current: newC, previous: oldC }, 'start-new'],
    ['start', {}, 'report'],
    ['catch-up', { current: { ...newC, running: true }, previous: oldC }, 'start-new'],
    ['catch-up', { previous: oldC }, 'restore-old'],
    ['rollback', { current: newC, previous: oldC }, 'restore-old'],
    ['rollback', { current: oldC }, 'restore-old'],
    ['done', { current: newC }, 'report'],
  ];
  it.each(table)('%s with %j: %s', (phase, seen, kind) => {
    expect(finishPlan(entry('n2', phase, spec), seen).kind).toBe(kind);
  });
});

/** A session over this machine's files; `down` names nodes whose host cannot be reached. */
function session(dataDir: string, ids: string[], down: string[] = []): ClusterSession {
  const nodes: NodeInput[] = ids.map((id) => ({ id, host: `${id}.example` }));
  // Every node shares this machine's filesystem, so each gets its own parent directory.
  const unreachable = (id: string): Host =>
    ({
      name: id,
      address: `${id}.example`,
      run: async () => {
        throw new HostUnreachableError(`${id}.example: connection refused`);
      },
    }) as unknown as Host;
  return {
    inv: { container: { name: 'kv', image: 'kv:1', dataDir }, nodes },
    host: (n: NodeInput) => (down.includes(n.id) ? unreachable(n.id) : new LocalHost(n.id)),
  } as unknown as ClusterSession;
}

describe('takeLease', () => {
  it('writes a JSON owner and a heartbeat, journals per node, and removes it all on release', async () => {
    const dir = join(tmp(), 'kv');
    const lease = await takeLease(session(dir, ['n1']), 'raftroll roll kv:2', { image: 'kv:2' });
    const o = JSON.parse(readFileSync(join(lockPath(dir), 'owner'), 'utf8'));
    expect(o).toMatchObject({
      format: LEASE_FORMAT,
      purpose: 'raftroll roll kv:2',
      pid: process.pid,
      image: 'kv:2',
    });
    expect(existsSync(join(lockPath(dir), 'heartbeat'))).toBe(true);
    await lease.record({ node: 'n1', phase: 'stop' });
    const l = await readLock(new LocalHost(), lockPath(dir));
    expect(l.state === 'held' && l.entries.map((e) => e.phase)).toEqual(['stop']);
    expect(l.state === 'held' && l.stale).toBe(false);
    // A node left half-done keeps the lock.
    expect(await lease.release()).toMatch(/lock is kept: n1 was left at stop/);
    expect(existsSync(lockPath(dir))).toBe(true);
    await lease.record({ node: 'n1', phase: 'restored' });
    expect(await lease.release()).toBeUndefined();
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('hands out a line for a command to append itself, counted once it is written', async () => {
    const dir = join(tmp(), 'kv');
    const lease = await takeLease(session(dir, ['n1']), 'raftroll roll kv:2', { image: 'kv:2' });
    await lease.record({ node: 'n1', phase: 'wal' });
    const line = lease.pending({ node: 'n1', phase: 'start' });
    expect(line.path).toBe(join(lockPath(dir), 'journal.jsonl'));
    // Appended by the command that carries it, as the start's own does.
    expect(line.text).not.toMatch(/\n/);
    await line.host.run(['tee', '-a', '--', line.path], { input: `${line.text}\n` });
    const l = await readLock(new LocalHost(), lockPath(dir));
    expect(l.state === 'held' && l.entries.map((e) => e.phase)).toEqual(['wal', 'start']);
    expect(l.state === 'held' && l.entries[1]!.run).toBe(lease.owner.token);
    // Until the command says it succeeded, the run counts the node where its last record was.
    expect(await lease.release()).toMatch(/n1 was left at wal/);
    line.written();
    expect(await lease.release()).toMatch(/n1 was left at start/);
    await lease.record({ node: 'n1', phase: 'done' });
    expect(await lease.release()).toBeUndefined();
  });

  it('skips a host it cannot reach, says so, and still excludes a second run', async () => {
    const dir = join(tmp(), 'kv');
    const warnings: string[] = [];
    const lease = await takeLease(session(dir, ['n1', 'n2'], ['n2']), 'raftroll roll kv:2', {
      onWarning: (n, m) => warnings.push(`${n}: ${m}`),
    });
    expect(lease.skipped).toEqual(['n2']);
    expect(warnings.join('\n')).toMatch(/n2: not locked: the host could not be reached/);
    // No journal can be written for the unreachable node: its step must not begin.
    await expect(lease.record({ node: 'n2', phase: 'stop' })).rejects.toThrow(
      /holds no lock on its host/,
    );
    await expect(takeLease(session(dir, ['n1', 'n2']), 'raftroll remediate')).rejects.toThrow(
      ClusterLockedError,
    );
    await lease.release();
  });

  it('refuses a live holder even when asked to take over, and takes over a gone one, keeping its journal', async () => {
    const dir = join(tmp(), 'kv');
    mkdirSync(dir);
    const live = await takeLease(session(dir, ['n1']), 'raftroll roll kv:2');
    await expect(
      takeLease(session(dir, ['n1']), 'raftroll roll kv:3', { takeOverStale: true }),
    ).rejects.toThrow(/heartbeat \d+s ago. Wait for it to finish; a live holder is never broken/);
    await live.release();

    // A holder elsewhere whose heartbeat stopped two minutes ago.
    const path = lockPath(dir);
    mkdirSync(path);
    const gone = owner({ host: `not-${hostname()}` });
    writeFileSync(join(path, 'owner'), JSON.stringify(gone));
    writeFileSync(join(path, 'heartbeat'), '');
    writeFileSync(join(path, 'journal.jsonl'), `${JSON.stringify(entry('n1', 'wal'))}\n`);
    const old = (Date.now() - 2 * STALE_AFTER_MS) / 1000;
    utimesSync(join(path, 'heartbeat'), old, old);
    utimesSync(path, old, old);
    await expect(takeLease(session(dir, ['n1']), 'raftroll roll kv:3')).rejects.toThrow(
      /heartbeat (1m59|2m0\d)s ago: that run looks gone .*--take-over-stale/,
    );
    const next = await takeLease(session(dir, ['n1']), 'raftroll roll kv:3', {
      takeOverStale: true,
    });
    expect(next.inherited().map((e) => `${e.node}:${e.phase}`)).toEqual(['n1:wal']);
    expect(next.takenOver[0]!.previous.token).toBe('t-1');
    await next.record({ node: 'n1', phase: 'restored' });
    expect(await next.release()).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    // The journal is archived beside the data directory, the dead run's line first.
    const archived = readdirSync(join(dir, '..')).filter((f) =>
      f.startsWith('.raftroll-journal-kv.'),
    );
    expect(archived).toHaveLength(1);
    const lines = readFileSync(join(dir, '..', archived[0]!), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((x) => JSON.parse(x).phase)).toEqual(['wal', 'take-over', 'restored']);
  });

  it('never takes over an old-format note or a file it did not write', async () => {
    for (const text of [
      'raftroll roll kv:9 by ops@laptop pid 7 since 2026-11-27T00:00:00Z\n',
      '{"x":1}',
    ]) {
      const dir = join(tmp(), 'kv');
      mkdirSync(lockPath(dir), { recursive: true });
      writeFileSync(join(lockPath(dir), 'owner'), text);
      await expect(
        takeLease(session(dir, ['n1']), 'raftroll roll kv:3', { takeOverStale: true }),
      ).rejects.toThrow(/not a lease this release can judge.*lock release --force/);
      expect(readFileSync(join(lockPath(dir), 'owner'), 'utf8')).toBe(text);
    }
  });

  it('lets exactly one of two runs started at once proceed, and leaves nothing of the loser', async () => {
    for (let i = 0; i < 5; i++) {
      const dir = join(tmp(), 'kv');
      const one = takeLease(session(dir, ['n1']), 'run A');
      const two = takeLease(session(dir, ['n1']), 'run B');
      const r = await Promise.allSettled([one, two]);
      expect(r.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      const lost = r.find((x) => x.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(ClusterLockedError);
      const won = (
        r.find((x) => x.status === 'fulfilled') as PromiseFulfilledResult<Awaited<typeof one>>
      ).value;
      const o = JSON.parse(readFileSync(join(lockPath(dir), 'owner'), 'utf8'));
      expect(o.token).toBe(won.owner.token);
      await won.release();
      expect(existsSync(lockPath(dir))).toBe(false);
    }
  });
});
