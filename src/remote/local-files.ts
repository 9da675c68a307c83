// WalFiles on the local disk: for `raftroll wal` run on the host itself, and for tests.

import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DirEntry, FileStat, WalWriter } from '../base/files.js';

const CHUNK = 1 << 20;
const MAX_DEPTH = 8;

// Read buffers outlive the reads that use them. A buffer that lives through a segment's
// worth of reads is promoted to V8's old generation, and its memory only returns at the next
// full collection: with fresh buffers per read, a 1 GB WAL (17 segments) piled up some 40 MB
// of dead buffers. READS_AHEAD + 2 are enough for one read at a time; concurrent reads
// allocate more, and only SPARE_BUFFERS are kept.
const READS_AHEAD = 2;
const SPARE_BUFFERS = READS_AHEAD + 2;
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
    // Buffers this stream may fill, and those of chunks handed out that may still be in use
    // (see WalFiles.read: a chunk stays valid until the caller asks for the second after it).
    const free: Buffer[] = [];
    const held: Buffer[] = [];
    let queue: { pos: number; len: number; buf: Buffer; read: Promise<{ bytesRead: number }> }[] =
      [];
    let next = start;
    // Reads ahead, so that the disk (or the page cache copy) works while the caller decodes.
    const issue = () => {
      while (queue.length < READS_AHEAD && next < stop) {
        const len = Math.min(CHUNK, stop - next);
        const buf = free.pop() ?? takeBuffer();
        queue.push({ pos: next, len, buf, read: fh.read(buf, 0, len, next) });
        next += len;
      }
    };
    try {
      issue();
      for (let head = queue.shift(); head; head = queue.shift()) {
        const { bytesRead } = await head.read;
        // The caller has asked for this chunk: the one two before it is no longer in use.
        if (held.length === 2) free.push(held.shift()!);
        if (bytesRead === 0) {
          free.push(head.buf);
          break;
        }
        if (bytesRead < head.len) {
          // The file ended (or shrank) here: what was read ahead past this point is void.
          await Promise.allSettled(queue.map((q) => q.read));
          for (const q of queue) free.push(q.buf);
          queue = [];
          next = head.pos + bytesRead;
        }
        issue();
        held.push(head.buf);
        yield head.buf.subarray(0, bytesRead);
      }
    } finally {
      await Promise.allSettled(queue.map((q) => q.read));
      await fh.close();
      // The stream is over, so none of its chunks stays valid (ByteCursor copies what it still
      // needs as soon as it sees the end). Not before then, though: the caller learns of the
      // end in a later microtask, while a concurrent read could start filling a returned
      // buffer at once. setImmediate waits until those microtasks have run.
      const all = [...free, ...held, ...queue.map((q) => q.buf)];
      setImmediate(() => {
        for (const b of all) giveBuffer(b);
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

  async ensureDir(path: string): Promise<void> {
    await mkdir(path, { recursive: true, mode: 0o700 });
    await fsyncDir(dirname(path));
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
