// The WAL step's first reads after a stop go out beside its survey (HostFiles.readAhead). Run
// for real over a Host that executes its argv on this machine: the verdict must be the one a
// read without read-ahead gives, whatever the last segment holds, and an answer fetched ahead
// is used only for exactly the question it answers.

import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../src/remote/host.js';
import { HostFiles } from '../../src/remote/host-files.js';
import { LocalHost } from '../../src/remote/local-host.js';
import { DATA_END_BLOCK, type TailHint } from '../../src/remote/read-ahead.js';
import { verifyPath } from '../../src/wal/engine.js';
import { readSealed } from '../../src/wal/sealed.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';
import { createWal } from '../helpers/walref.js';

afterAll(cleanupTmp);

const rules = rulesFor('3.4');
const MiB = 2 ** 20;

/** Counts commands and streams, and how many were under way at once (each held 30 ms). */
class TracingHost extends LocalHost {
  commands: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private async held<T>(what: string, f: () => Promise<T>): Promise<T> {
    this.commands.push(what);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 30));
      return await f();
    } finally {
      this.inFlight--;
    }
  }
  override run(argv: readonly string[], opts?: Parameters<LocalHost['run']>[1]) {
    return this.held(argv.includes('cmp') ? 'cmp' : argv[0]!, () => super.run(argv, opts));
  }
  override readStream(path: string, start?: number, end?: number, gate?: Gate) {
    const inner = super.readStream(path, start, end, gate);
    const self = this;
    return (async function* () {
      const chunks = await self.held('read', async () => {
        const out: Uint8Array[] = [];
        for await (const c of inner) out.push(Buffer.from(c));
        return out;
      });
      yield* chunks;
    })();
  }
}

/** A link that delivers a stream 64 KiB every 10 ms (6.4 MB/s): the engine outpaces it. */
class SlowLinkHost extends LocalHost {
  commands: string[] = [];
  override run(argv: readonly string[], opts?: Parameters<LocalHost['run']>[1]) {
    this.commands.push(argv.includes('cmp') ? 'cmp' : argv[0]!);
    return super.run(argv, opts);
  }
  override readStream(path: string, start?: number, end?: number, gate?: Gate) {
    this.commands.push('read');
    const inner = super.readStream(path, start, end, gate);
    return (async function* () {
      for await (const c of inner)
        for (let i = 0; i < c.length; i += 64 * 1024) {
          await new Promise((r) => setTimeout(r, 10));
          yield Buffer.from(c.subarray(i, i + 64 * 1024));
        }
    })();
  }
}

/**
 * A link whose first stream (the range fetched ahead) delivers 256 KiB at once, then stalls for
 * `stallMs` a chunk; later streams flow.
 */
class StallingHost extends LocalHost {
  cmps: string[][] = [];
  private streams = 0;
  constructor(private readonly stallMs: number) {
    super();
  }
  override run(argv: readonly string[], opts?: Parameters<LocalHost['run']>[1]) {
    if (argv.includes('cmp')) this.cmps.push([...argv]);
    return super.run(argv, opts);
  }
  override readStream(path: string, start?: number, end?: number, gate?: Gate) {
    const inner = super.readStream(path, start, end, gate);
    const stallMs = this.streams++ === 0 ? this.stallMs : 0;
    return (async function* () {
      let sent = 0;
      for await (const c of inner)
        for (let i = 0; i < c.length; i += 64 * 1024) {
          if (sent >= 256 * 1024) await new Promise((r) => setTimeout(r, stallMs));
          const piece = c.subarray(i, i + 64 * 1024);
          sent += piece.length;
          yield Buffer.from(piece);
        }
    })();
  }
}

/** cmp's range, from its --ignore-initial and --bytes. */
function cmpRange(argv: readonly string[]): [number, number] {
  const start = Number(
    /^--ignore-initial=(\d+):/.exec(argv.find((a) => a.startsWith('--ignore-initial='))!)![1],
  );
  const bytes = Number(argv.find((a) => a.startsWith('--bytes='))!.slice('--bytes='.length));
  return [start, start + bytes];
}

/** A WAL of several 3 MB segments whose last one holds about `lastBytes` of records. */
function wal(entriesInLast: number): { dir: string; last: string; hint: TailHint } {
  const dir = join(tmp(), 'wal');
  // ~220 bytes an entry on disk; 14,000 fill one 3 MB segment.
  createWal(dir, { entries: 14_000 + entriesInLast, entrySize: 200, segmentSize: 3_000_000 });
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort();
  const last = join(dir, names.at(-1)!);
  return { dir, last, hint: { path: last, size: statSync(last).size } };
}

function recordsEnd(path: string): number {
  const b = readFileSync(path);
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return end;
}

function poke(path: string, at: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
}

async function both<H extends LocalHost = TracingHost>(
  dir: string,
  hint: TailHint,
  host: H = new TracingHost() as unknown as H,
) {
  const sealed = await readSealed(new HostFiles(new LocalHost()), dir, rules);
  const plain = await verifyPath(new HostFiles(new LocalHost()), dir, rules, sealed);
  const files = new HostFiles(host);
  files.readAhead([hint]);
  const ahead = await verifyPath(files, dir, rules, sealed);
  const strip = (r: typeof plain) =>
    r.dirs.map(({ verdict, etcdVerdict, reason, problem, repair, hazards, summary }) => ({
      verdict,
      etcdVerdict,
      reason,
      problem,
      repair,
      hazards,
      summary,
    }));
  expect(strip(ahead)).toEqual(strip(plain));
  return { plain, ahead, host, files };
}

describe('the reads after a stop, fetched beside the survey', () => {
  it('go out at once, and the engine asks nothing more of a last segment under 1 MiB', async () => {
    const { dir, last, hint } = wal(1_000);
    expect(recordsEnd(last)).toBeLessThan(MiB);
    const { ahead, host, files } = await both(dir, hint);
    expect(ahead.verdict).toBe('clean');
    expect(host.maxInFlight).toBeGreaterThanOrEqual(3);
    expect(host.commands.sort()).toEqual(['cmp', 'find', 'read']);
    expect(files.bytesRead).toBe(MiB);
  });

  it('read on, and compare again, when the records go past the first range', async () => {
    const { dir, last, hint } = wal(7_000);
    expect(recordsEnd(last)).toBeGreaterThan(MiB);
    const { ahead, host } = await both(dir, hint);
    expect(ahead.verdict).toBe('clean');
    // The cmp fetched ahead met the records; the one after them decides.
    expect(host.commands.filter((c) => c === 'cmp')).toHaveLength(2);
  });

  it('fetch the records in one range when where they ended before the stop is known', async () => {
    const { dir, last, hint } = wal(7_000);
    const end = recordsEnd(last);
    expect(end).toBeGreaterThan(2 * MiB);
    const dataEnd = await new HostFiles(new LocalHost()).dataEnd(last, hint.size, DATA_END_BLOCK);
    // A block boundary, at most one block past the last non-zero byte.
    expect(dataEnd! % DATA_END_BLOCK).toBe(0);
    expect(dataEnd).toBeGreaterThanOrEqual(end);
    expect(dataEnd! - end).toBeLessThan(DATA_END_BLOCK);
    const { ahead, host, files } = await both(dir, { ...hint, dataEnd });
    expect(ahead.verdict).toBe('clean');
    expect(host.commands.filter((c) => c === 'read')).toHaveLength(1);
    // The zero check covers only what lies past the range, if anything does.
    const reach = Math.min(dataEnd! + DATA_END_BLOCK, hint.size);
    expect(host.commands.filter((c) => c === 'cmp')).toHaveLength(reach < hint.size ? 1 : 0);
    expect(files.bytesRead).toBeLessThan(end + MiB);
    // Without the hint, a window at a time.
    const { host: windowed } = await both(dir, hint);
    expect(windowed.commands.filter((c) => c === 'read').length).toBeGreaterThan(2);
  });

  it('read on past the range when the node wrote more after the look', async () => {
    const { dir, last, hint } = wal(7_000);
    const end = recordsEnd(last);
    // As if seen 1.5 MiB earlier: the range ends short of the records.
    const dataEnd = Math.floor((end - 1.5 * MiB) / DATA_END_BLOCK) * DATA_END_BLOCK;
    const { ahead, host } = await both(dir, { ...hint, dataEnd });
    expect(ahead.verdict).toBe('clean');
    expect(host.commands.filter((c) => c === 'read').length).toBeGreaterThan(1);
  });

  it('find where non-zero bytes end past a run of zeros inside them', async () => {
    const { last, hint } = wal(1_000);
    const end = recordsEnd(last);
    const at = end + 1.5 * MiB + 5;
    expect(at).toBeLessThan(hint.size);
    poke(last, at, Buffer.from([0x5a]));
    const dataEnd = await new HostFiles(new LocalHost()).dataEnd(last, hint.size, DATA_END_BLOCK);
    expect(dataEnd).toBe(Math.ceil((at + 1) / DATA_END_BLOCK) * DATA_END_BLOCK);
  });

  it('see a torn tail as torn', async () => {
    const { dir, last } = wal(1_000);
    truncateSync(last, recordsEnd(last) - 5);
    const { ahead } = await both(dir, { path: last, size: statSync(last).size });
    expect(ahead.verdict).toBe('torn');
  });

  for (const [where, at] of [
    ['inside the first range', (end: number) => end + 4096],
    ['past the first range', () => 2 * MiB + 8],
  ] as const) {
    it(`see a non-zero byte after the records ${where}`, async () => {
      const { dir, last, hint } = wal(1_000);
      poke(last, at(recordsEnd(last)), Buffer.from([0x5a]));
      const { ahead } = await both(dir, hint);
      // etcd loads it and zeroes the byte: clean, with the stray byte named.
      expect(ahead.dirs[0]!.hazards.map((h) => h.kind)).toContain('data-after-end');
    });
  }

  it('ask the host again when the segment is not the size it had before the stop', async () => {
    const { dir, last, hint } = wal(1_000);
    const { ahead, host } = await both(dir, { path: last, size: hint.size + 8 });
    expect(ahead.verdict).toBe('clean');
    // Both ahead of time and again, for the size the file has now.
    expect(host.commands.filter((c) => c === 'cmp')).toHaveLength(2);
  });

  it('answer only until a write, then the host is asked', async () => {
    const { last, hint } = wal(1_000);
    const end = recordsEnd(last);
    const host = new TracingHost();
    const files = new HostFiles(host);
    files.readAhead([hint]);
    // Read in full first, as on a fast link: then the zero check fetched ahead answers.
    let n = 0;
    for await (const c of files.read(last, 0, MiB)) n += c.length;
    expect(n).toBe(MiB);
    expect(await files.firstNonZero(last, end, hint.size)).toBeUndefined();
    expect(host.commands.sort()).toEqual(['cmp', 'read']);
    await files.truncate(last, hint.size);
    const before = host.commands.length;
    expect(await files.firstNonZero(last, end, hint.size)).toBeUndefined();
    expect(host.commands.slice(before)).toEqual(['cmp']);
  });

  it('over a slow link, give the range up once the records end, rather than fetch it all', async () => {
    const { dir, last, hint } = wal(-2_000);
    const end = recordsEnd(last);
    // Records that end well inside the first 1 MiB range: the give-up has half the range's
    // time to happen, however slow the engine is on a loaded machine.
    expect(end).toBeLessThan(MiB / 2);
    const { ahead, host, files } = await both(dir, hint, new SlowLinkHost());
    expect(ahead.verdict).toBe('clean');
    expect(files.bytesRead).toBeLessThan(MiB);
    expect(files.bytesRead).toBeGreaterThanOrEqual(end);
    // The range was not waited for: the host compares what did not arrive of it with zeros.
    expect(host.commands.filter((c) => c === 'cmp')).toHaveLength(2);
  });

  it('where the range stalls after the records end, compare only its missing part on the host', async () => {
    const { dir, last, hint } = wal(-2_000);
    const end = recordsEnd(last);
    expect(end).toBeLessThan(256 * 1024);
    const host = new StallingHost(20_000);
    const t = Date.now();
    const { ahead } = await both(dir, hint, host);
    expect(ahead.verdict).toBe('clean');
    // Not waited for: the stall is far longer than the first bytes took.
    expect(Date.now() - t).toBeLessThan(15_000);
    const ranges = host.cmps.map(cmpRange);
    // The check fetched ahead covers the rest of the segment; the one after the records covers
    // what arrived of the range up to its end, and no more.
    expect(ranges).toContainEqual([MiB, hint.size]);
    expect(ranges).toContainEqual([256 * 1024, MiB]);
    expect(ranges).toHaveLength(2);
  });

  it('where the range stalls, find a non-zero byte in its missing part', async () => {
    const { dir, last, hint } = wal(-2_000);
    poke(last, 512 * 1024, Buffer.from([0x5a]));
    const { ahead } = await both(dir, hint, new StallingHost(20_000));
    expect(ahead.dirs[0]!.hazards.map((h) => h.kind)).toContain('data-after-end');
  });

  for (const [where, at] of [
    ['in the first range', (end: number) => end + 4096],
    ['past the first range', () => 2 * MiB + 8],
  ] as const) {
    it(`sent beside the stop, wait for it on the host: a byte written ${where} before it is seen`, async () => {
      const { dir, last, hint } = wal(1_000);
      const stopped = join(tmp(), 'stopped');
      const gate = (argv: readonly string[]) => [
        'sh',
        '-c',
        'while [ ! -e "$1" ]; do sleep 0.02; done; shift; exec "$@"',
        'gate',
        stopped,
        ...argv,
      ];
      const host = new TracingHost();
      const files = new HostFiles(host);
      files.readAhead([hint], dir, { gate, timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 300));
      // All sent: the survey and the range's gate (sh), the range, the zero check.
      expect(host.commands.sort()).toEqual(['cmp', 'read', 'sh', 'sh']);
      // The node's last write before it is down.
      poke(last, at(recordsEnd(last)), Buffer.from([0x5a]));
      writeFileSync(stopped, '');
      const sealed = await readSealed(new HostFiles(new LocalHost()), dir, rules);
      const r = await verifyPath(files, dir, rules, sealed);
      expect(r.dirs[0]!.hazards.map((h) => h.kind)).toContain('data-after-end');
      // The survey sent ahead was the one used: none was asked after the gate.
      expect(host.commands).not.toContain('find');
    });
  }

  it('once forgotten, answer nothing that was fetched ahead: reads sent again see the file as it is', async () => {
    // As when the gate opened on an earlier run's end and the container ran again: what was
    // fetched is older than the stop.
    const { dir, last, hint } = wal(1_000);
    const host = new TracingHost();
    const files = new HostFiles(host);
    files.readAhead([hint], dir, { gate: (argv) => [...argv], timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 300));
    poke(last, recordsEnd(last) + 4096, Buffer.from([0x5a]));
    files.forget();
    files.readAhead([hint], dir);
    const sealed = await readSealed(new HostFiles(new LocalHost()), dir, rules);
    const r = await verifyPath(files, dir, rules, sealed);
    expect(r.dirs[0]!.hazards.map((h) => h.kind)).toContain('data-after-end');
  });

  it('over a slow link, read on from where a given-up range stopped when the tail needs it', async () => {
    const { dir, last, hint } = wal(1_000);
    poke(last, recordsEnd(last) + 512 * 1024, Buffer.from([0x5a]));
    const { ahead } = await both(dir, hint, new SlowLinkHost());
    expect(ahead.dirs[0]!.hazards.map((h) => h.kind)).toContain('data-after-end');
  });
});
