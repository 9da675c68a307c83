// A forward-only window over a stream of byte chunks. It keeps at most one record plus one
// chunk in memory, whatever the size of the file: bytes are only copied when a record
// straddles two chunks, and then only the straddling part, and when the stream ends, and
// then only what is left unread.

// A Buffer, like every chunk, so that `buf` keeps one hidden class for the JIT.
const EMPTY = Buffer.alloc(0);

export class ByteCursor {
  /** The current window; valid bytes are buf[pos, buf.length). */
  buf: Uint8Array = EMPTY;
  pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private pending: Uint8Array[] = [];
  private done = false;
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(chunks: AsyncIterable<Uint8Array>, startOffset = 0) {
    this.it = chunks[Symbol.asyncIterator]();
    this.base = startOffset;
  }

  get offset(): number {
    return this.base + this.pos;
  }

  get available(): number {
    return this.buf.length - this.pos;
  }

  /**
   * Makes at least n bytes available contiguously at pos, unless the stream ends first.
   * Returns whether n bytes are available.
   */
  async fill(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) {
      const chunk = await this.nextChunk();
      if (!chunk) return false;
      const have = this.buf.length - this.pos;
      if (have === 0) {
        this.base += this.buf.length;
        this.buf = chunk;
        this.pos = 0;
        continue;
      }
      const need = n - have;
      const take = chunk.length <= need ? chunk : chunk.subarray(0, need);
      if (take !== chunk) this.pending.unshift(chunk.subarray(need));
      const joined = Buffer.allocUnsafe(have + take.length);
      joined.set(this.buf.subarray(this.pos), 0);
      joined.set(take, have);
      this.base += this.pos;
      this.buf = joined;
      this.pos = 0;
    }
    return true;
  }

  /** Moves forward n bytes, reading (and dropping) chunks as needed. Returns bytes skipped. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const have = this.buf.length - this.pos;
      if (have >= left) {
        this.pos += left;
        return n;
      }
      left -= have;
      this.pos = this.buf.length;
      if (!(await this.fill(1))) return n - left;
    }
    return n;
  }

  private async nextChunk(): Promise<Uint8Array | undefined> {
    const queued = this.pending.shift();
    if (queued) return queued;
    if (this.done) return undefined;
    for (;;) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        this.detach();
        return undefined;
      }
      if (r.value.length > 0) return r.value;
    }
  }

  /**
   * Once a stream has ended, its producer may reuse the memory of every chunk it handed out
   * (LocalFiles does), so the unread rest of the last one is copied. It is rarely more than
   * a few bytes: a segment usually ends in a zero length word or exactly at a record's end.
   */
  private detach(): void {
    this.base += this.pos;
    this.buf = Uint8Array.prototype.slice.call(this.buf, this.pos);
    this.pos = 0;
  }

  /** Releases the underlying stream (closes the file or the remote reader). */
  async close(): Promise<void> {
    this.pending = [];
    this.buf = EMPTY;
    this.pos = 0;
    if (!this.done) {
      this.done = true;
      await this.it.return?.();
    }
  }
}
