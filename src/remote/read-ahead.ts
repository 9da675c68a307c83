// The first reads of a stopped node's WAL step, started before the engine asks for them. After
// the stop, the engine surveys the data directory, then reads the last segment's first range,
// then compares the rest of it with zeros on the host: three round trips in a row. What it will
// ask is foreseeable from what was seen before the stop (etcd appends only to the last segment),
// so all three go out at once. An answer is used only when the engine asks for exactly what was
// fetched, for the file at the size it has now; anything else is asked of the host as before.

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

interface Ahead {
  size: number;
  /** Bytes [0, end) of the file, or undefined when the read failed or came short. */
  window: Promise<Buffer | undefined>;
  end: number;
  /** The first non-zero byte in [end, size), undefined for none. */
  rest: Promise<number | undefined | 'unknown'>;
}

async function collect(
  chunks: AsyncIterable<Uint8Array>,
  want: number,
): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let n = 0;
  // Copied: a stream may hand its chunks' memory back to a pool once it ends.
  for await (const c of chunks) {
    parts.push(Buffer.from(c));
    n += c.length;
  }
  return n === want ? Buffer.concat(parts, n) : undefined;
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
      const window = collect(this.io.read(path, 0, end), end).catch(() => undefined);
      const rest =
        end < size
          ? this.io.zeros(path, end, size).catch(() => 'unknown' as const)
          : Promise.resolve(undefined);
      this.ahead.set(path, { size, window, end, rest });
    }
  }

  /** Everything fetched is forgotten: a write may have changed any of it. */
  clear(): void {
    this.ahead.clear();
  }

  /** Bytes [start, end) of path, when exactly those were fetched from the file at this size. */
  async bytes(path: string, start: number, end: number): Promise<Buffer | undefined> {
    const a = this.ahead.get(path);
    if (!a || start !== 0 || end !== a.end) return undefined;
    return a.window;
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
    const [window, rest] = await Promise.all([a.window, a.rest]);
    if (!window || rest === 'unknown') return 'unknown';
    for (let i = start; i < a.end; i++) if (window[i] !== 0) return i;
    if (rest === undefined) return undefined;
    return rest >= start ? rest : 'unknown';
  }
}
