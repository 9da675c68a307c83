// The first reads of a stopped node's WAL step, started before the engine asks for them. After
// the stop, the engine surveys the data directory, then reads the last segment's first range,
// then compares the rest of it with zeros on the host: three round trips in a row. What it will
// ask is foreseeable from what was seen before the stop (etcd appends only to the last segment),
// so all three go out at once. An answer is used only when the engine asks for exactly what was
// fetched; anything else is asked of the host as before.
//
// On a slow link the range must not cost more than the round trips it saves: it is handed to the
// engine as it arrives. Once the engine has found the end of the records, the rest of the range
// is waited for about as long as a command takes on a good link; then it is given up, and the
// host compares only what is missing of it with zeros: the zero check fetched ahead still
// answers for everything after the range.
//
// Sent beside the stop's own command, they wait on the host for the container to be down
// (docker.afterStopped), so that none of them costs a round trip after the stop: the caller
// keeps their answers only if the container stopped is the run it saw before (else forget()).

import type { Gate } from './host.js';

/** A last segment as seen before the stop: where its reads after the stop will go. */
export interface TailHint {
  path: string;
  size: number;
  /**
   * From where it held only zeros then, found on the host (HostFiles.dataEnd): a multiple of
   * DATA_END_BLOCK, within one block of the end of its records. Unset: not known.
   */
  dataEnd?: number;
}

/** How finely dataEnd is found; with the margin below, what a range fetches past the records. */
export const DATA_END_BLOCK = 512 * 1024;

/**
 * How far past the data seen before the stop the first range reaches: room for what the node
 * wrote after that look. A range ends less than DATA_END_BLOCK + this past the records (1 MiB).
 */
const DATA_END_MARGIN = 512 * 1024;

/**
 * Reads sent before the stop has returned: each runs on the host once the container is down
 * (gate), and a command may take up to timeoutMs for it.
 */
export interface AfterStop {
  gate: Gate;
  timeoutMs: number;
}

/** The I/O a read-ahead needs: the host's own reads, counted as every other read is. */
export interface AheadIo {
  read(path: string, start: number, end: number, after?: AfterStop): AsyncIterable<Uint8Array>;
  /** cmp's answer for [start, end), or 'unknown' when it could not be had. */
  zeros(
    path: string,
    start: number,
    end: number,
    after?: AfterStop,
  ): Promise<number | undefined | 'unknown'>;
}

/** One range's bytes as they arrive, kept for whoever reads it. */
class Range {
  readonly chunks: Buffer[] = [];
  received = 0;
  /** Set when the stream ended: an Error when it failed, GIVEN_UP when it was stopped. */
  ended: true | Error | undefined;
  private waiters: (() => void)[] = [];
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(
    private readonly io: AheadIo,
    private readonly path: string,
    readonly want: number,
    after?: AfterStop,
  ) {
    this.it = io.read(path, 0, want, after)[Symbol.asyncIterator]();
    void this.pump();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const r = await this.it.next();
        if (r.done) break;
        // Kept even when the range was given up meanwhile: it came over the link, and a reader
        // then fetches only what lies after it. Copied: a stream may hand its chunks' memory
        // back to a pool once it ends.
        this.chunks.push(Buffer.from(r.value));
        this.received += r.value.length;
        this.wake();
        if (this.ended) break;
      }
      this.ended ??= this.received === this.want ? true : new Error('the range came short');
    } catch (e) {
      this.ended ??= e as Error;
    }
    this.wake();
  }

  get complete(): boolean {
    return this.ended === true;
  }

  /** Waits up to ms for the stream to end; true when the whole range arrived. */
  async settle(ms: number): Promise<boolean> {
    if (!this.ended && ms > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((done) => {
        timer = setTimeout(done, ms);
        const check = () => (this.ended ? done() : this.waiters.push(check));
        check();
      });
      clearTimeout(timer);
    }
    return this.complete;
  }

  /** Stops the stream where it is: the rest of the range is fetched only if it is read. */
  giveUp(): void {
    if (this.ended) return;
    this.ended = GIVEN_UP;
    void this.it.return?.();
    this.wake();
  }

  /** The range's bytes: those that arrived, then the rest from the host if it was given up. */
  async *replay(): AsyncIterable<Uint8Array> {
    let at = 0;
    try {
      for (let k = 0; ; k++) {
        while (k >= this.chunks.length && !this.ended)
          await new Promise<void>((r) => this.waiters.push(r));
        if (k < this.chunks.length) {
          at += this.chunks[k]!.length;
          yield this.chunks[k]!;
          continue;
        }
        if (this.ended === GIVEN_UP) {
          if (at < this.want) yield* this.io.read(this.path, at, this.want);
          return;
        }
        if (this.ended !== true) throw this.ended;
        return;
      }
    } finally {
      // A reader that stopped early (the records ended) needs no more of it.
      this.giveUp();
    }
  }

  /**
   * Index of the first non-zero byte at or after `from` among the bytes that arrived, or
   * `received` when none (`want` once the range is complete).
   */
  firstNonZero(from: number): number {
    let base = 0;
    for (const c of this.chunks) {
      for (let i = Math.max(0, from - base); i < c.length; i++) if (c[i] !== 0) return base + i;
      base += c.length;
    }
    return this.received;
  }
}

const GIVEN_UP = new Error('the read ahead was given up');

interface Ahead {
  size: number;
  range: Range;
  /** The first non-zero byte in [range.want, size), undefined for none. */
  rest: Promise<number | undefined | 'unknown'>;
}

export class ReadAhead {
  private readonly ahead = new Map<string, Ahead>();

  constructor(
    private readonly io: AheadIo,
    private readonly window: number,
  ) {}

  /**
   * Starts the first range's read and the zero check of the rest, for each segment; with
   * `after`, each waits on the host for the container's stop.
   */
  start(tails: readonly TailHint[], after?: AfterStop): void {
    for (const { path, size, dataEnd } of tails) {
      if (this.ahead.has(path) || size <= 0) continue;
      // The records the node had written, and a margin, in one range rather than one window
      // after another, each a round trip.
      const end = Math.min(Math.max(this.window, (dataEnd ?? 0) + DATA_END_MARGIN), size);
      const range = new Range(this.io, path, end, after);
      const rest =
        end < size
          ? this.io.zeros(path, end, size, after).catch(() => 'unknown' as const)
          : Promise.resolve(undefined);
      this.ahead.set(path, { size, range, rest });
    }
  }

  /** Everything fetched is forgotten: a write may have changed any of it. */
  clear(): void {
    for (const a of this.ahead.values()) a.range.giveUp();
    this.ahead.clear();
  }

  /** Where the range fetched ahead from `start` ends, if one is. */
  rangeEnd(path: string, start: number): number | undefined {
    return start === 0 ? this.ahead.get(path)?.range.want : undefined;
  }

  /** Bytes [start, end) of path, as they arrive, when exactly those are being fetched. */
  bytes(path: string, start: number, end: number): AsyncIterable<Uint8Array> | undefined {
    const a = this.ahead.get(path);
    if (!a || start !== 0 || end !== a.range.want) return undefined;
    if (a.range.ended instanceof Error && a.range.ended !== GIVEN_UP) return undefined;
    return a.range.replay();
  }

  /**
   * The first non-zero byte in [start, end) of a file whose size is `end`, from the fetched range
   * and the zero check beyond it; 'unknown' when they do not cover the question.
   */
  async firstNonZero(
    path: string,
    start: number,
    end: number,
  ): Promise<number | undefined | 'unknown'> {
    const a = this.ahead.get(path);
    if (!a || end !== a.size || start < 0) return 'unknown';
    const inRange = await this.firstNonZeroInRange(path, a.range, start);
    if (inRange === 'unknown' || inRange < a.range.want) return inRange;
    const rest = await a.rest;
    if (rest === 'unknown' || rest === undefined) return rest;
    return rest >= start ? rest : 'unknown';
  }

  /**
   * The first non-zero byte in [start, want) of the range, `want` for none. What is missing of
   * it comes from the stream if it arrives within RANGE_GRACE_MS, else from cmp on the host over
   * just the missing part: both are the file as it is after the stop.
   */
  private async firstNonZeroInRange(
    path: string,
    range: Range,
    start: number,
  ): Promise<number | 'unknown'> {
    if (start >= range.want) return range.want;
    if (!(await range.settle(RANGE_GRACE_MS))) range.giveUp();
    const seen = range.firstNonZero(start);
    if (seen < range.received || range.complete) return seen;
    const from = Math.max(start, range.received);
    const r = await this.io.zeros(path, from, range.want).catch(() => 'unknown' as const);
    return r === undefined ? range.want : r;
  }
}

/**
 * About what a command to the host costs on a good link. The rest of a range that has not come
 * by then comes slower than cmp would answer; on loopback, it is there long before.
 */
const RANGE_GRACE_MS = 100;
