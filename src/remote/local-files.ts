// WalFiles on the local disk: for `raftroll wal` run on the host itself, and for tests.

import { constants } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DirEntry, FileStat, WalWriter } from '../base/files.js';

const CHUNK = 1 << 20;
const MAX_DEPTH = 8;

// Read buffers outlive the reads that use them. A buffer that lives through a segment's
// worth of reads is promoted to V8's old generation, and its memory only returns at the next
// full collection: with fresh buffers per read, a 1 GB WAL (17 segments) piled up some 40 MB
// of dead buffers. Three are enough for one read at a time; concurrent reads allocate more,
// and only SPARE_BUFFERS are kept.
const SPARE_BUFFERS = 3;
const spare: Buffer[] = [];

function takeBuffer(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}

function giveBuffer(b: Buffer): void {
  if (spare.length < SPARE_BUFFERS) spare.push(b);
}

function kindOf(s: { isFile(): boolean; isDirectory(): boolean }): DirEntry['kind'] {
  return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class LocalFiles implements WalWriter {
  readonly where = 'local';

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const s = await stat(path, { bigint: true });
      return { kind: kindOf(s), size: Number(s.size), mtimeNs: s.mtimeNs.toString() };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async list(dir: string): Promise<DirEntry[]> {
    const names = await readdir(dir);
    const out: DirEntry[] = [];
    for (const name of names) {
      const s = await lstat(join(dir, name));
      out.push({ name, kind: kindOf(s), size: s.isFile() ? s.size : 0 });
    }
    return out;
  }

  async findWalDirs(root: string): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      if (entries.some((e) => e.isFile() && e.name.endsWith('.wal'))) found.push(dir);
      if (depth >= MAX_DEPTH) return;
      // Symbolic links are not followed: a loop must not hang a verify.
      for (const e of entries
        .filter((e) => e.isDirectory())
        .sort((a, b) => (a.name < b.name ? -1 : 1))) {
        await walk(join(dir, e.name), depth + 1);
      }
    };
    await walk(root, 0);
    return found;
  }

  async *read(path: string, start = 0, end?: number): AsyncIterable<Uint8Array> {
    const fh = await open(path, 'r');
    const stop = end ?? Number.POSITIVE_INFINITY;
    // Three buffers in rotation (see WalFiles.read): the one the caller decodes, the one it
    // still holds a record's start in, and the one the next read fills.
    const pool: Buffer[] = [];
    let turn = 0;
    const readAt = (pos: number) => {
      const len = Math.min(CHUNK, stop - pos);
      const slot = turn++ % 3;
      pool[slot] ??= takeBuffer();
      return fh.read(pool[slot]!, 0, len, pos);
    };
    let pending: ReturnType<typeof readAt> | undefined;
    try {
      let pos = start;
      // One read ahead: the disk works on the next chunk while the caller decodes this one.
      pending = pos < stop ? readAt(pos) : undefined;
      while (pending) {
        const { bytesRead, buffer } = await pending;
        pending = undefined;
        if (bytesRead === 0) break;
        pos += bytesRead;
        if (pos < stop) pending = readAt(pos);
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await pending?.catch(() => undefined);
      await fh.close();
      // The stream is over, so none of its chunks stays valid (ByteCursor copies what it still
      // needs as soon as it sees the end). Not before then, though: the caller learns of the
      // end in a later microtask, while a concurrent read could start filling a returned
      // buffer at once. setImmediate waits until those microtasks have run.
      setImmediate(() => {
        for (const b of pool) giveBuffer(b);
      });
    }
  }

  async copyNew(src: string, dst: string): Promise<void> {
    // O_EXCL: never overwrite an existing backup, even one created a moment ago.
    const out = await open(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      let pos = 0;
      for await (const chunk of this.read(src)) {
        let off = 0;
        while (off < chunk.length) {
          const { bytesWritten } = await out.write(chunk, off, chunk.length - off, pos);
          off += bytesWritten;
          pos += bytesWritten;
        }
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await fsyncDir(dirname(dst));
  }

  async truncate(path: string, size: number): Promise<void> {
    const fh = await open(path, 'r+');
    try {
      await fh.truncate(size);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsyncDir(dirname(path));
  }
}
