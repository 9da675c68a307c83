// The first reads of a stopped node's WAL step, started before the engine asks for them. After
// the stop, the engine surveys the data directory, then reads the last segment's first range,
// then compares the rest of it with zeros on the host: three round trips in a row. What it will
// ask is foreseeable from what was seen before the stop (etcd appends only to the last segment),
// so all three go out at once. An answer is used only when the engine asks for exactly what was
// fetched; anything else is asked of the host as before.
//
// On a slow link the range must not cost more than the round trips it saves: it is handed to the
// engine as it arrives, and once the engine has found the end of the records, a range that has
// not arrived in full is given up (the zero check then goes to the host again, from there).

/** A last segment as seen before the stop: where its reads after the stop will go. */
export interface TailHint {
  path: string;
  size: number;
}

/** The I/O a read-ahead needs: the host's own reads, counted as every other read is. */
export interface AheadIo {
  read(path: string, start: number, end: number): AsyncIterable<Uint8Array>;
  /** cmp's answer for [start, end), or 'unknown' when it could not be had. */
  zeros(path: string, start: number, end: number): Promise<number | undefined | 'unknown'>;
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
  ) {
    this.it = io.read(path, 0, want)[Symbol.asyncIterator]();
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

  /** Index of the first non-zero byte at or after `from`, or `want` when none. */
  firstNonZero(from: number): number {
    let base = 0;
    for (const c of this.chunks) {
      for (let i = Math.max(0, from - base); i < c.length; i++) if (c[i] !== 0) return base + i;
      base += c.length;
    }
    return this.want;
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

  /** Starts the first range's read and the zero check of the rest, for each segment. */
  start(tails: readonly TailHint[]): void {
    for (const { path, size } of tails) {
      if (this.ahead.has(path) || size <= 0) continue;
      const end = Math.min(this.window, size);
      const range = new Range(this.io, path, end);
      const rest =
        end < size
          ? this.io.zeros(path, end, size).catch(() => 'unknown' as const)
          : Promise.resolve(undefined);
      this.ahead.set(path, { size, range, rest });
    }
  }

  /** Everything fetched is forgotten: a write may have changed any of it. */
  clear(): void {
    for (const a of this.ahead.values()) a.range.giveUp();
    this.ahead.clear();
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
   * and the zero check beyond it; 'unknown' when they do not cover the question. A range not yet
   * in full is given up here: the host answers sooner than the rest of it would arrive.
   */
  async firstNonZero(
    path: string,
    start: number,
    end: number,
  ): Promise<number | undefined | 'unknown'> {
    const a = this.ahead.get(path);
    if (!a || end !== a.size || start < 0) return 'unknown';
    if (!a.range.complete) {
      a.range.giveUp();
      return 'unknown';
    }
    const rest = await a.rest;
    if (rest === 'unknown') return 'unknown';
    const i = a.range.firstNonZero(start);
    if (i < a.range.want) return i;
    if (rest === undefined) return undefined;
    return rest >= start ? rest : 'unknown';
  }
}
