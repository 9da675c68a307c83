// What the WAL engine needs from the place the bytes live. The engine itself is pure; a local
// disk and a remote host over SSH both implement this interface at the I/O edge.

export interface DirEntry {
  name: string;
  kind: 'file' | 'dir' | 'other';
  /** Size in bytes for regular files. */
  size: number;
}

export interface FileStat {
  kind: 'file' | 'dir' | 'other';
  size: number;
  /** Modification time in nanoseconds since the epoch, as a decimal string (exact). */
  mtimeNs: string;
}

export interface WalFiles {
  /** A short label for messages, e.g. "local" or "db-2 (10.0.0.12)". */
  readonly where: string;
  /** Stat a path; undefined when it does not exist. Throws when it cannot be read. */
  stat(path: string): Promise<FileStat | undefined>;
  list(dir: string): Promise<DirEntry[]>;
  /** Every directory below root (root included) that holds at least one "*.wal" file. */
  findWalDirs(root: string): Promise<string[]>;
  /**
   * Stream bytes [start, end) of a file in chunks. A chunk's memory may be reused: it stays
   * valid only until the consumer asks for the second chunk after it (ByteCursor holds at most
   * one chunk when it asks for the next, and copies anything it keeps longer). Once the stream
   * ends or is closed, none of its chunks stays valid: their buffers go back to a shared pool.
   */
  read(path: string, start?: number, end?: number): AsyncIterable<Uint8Array>;
  /**
   * Where bytes travel over a slow link: read a file that may end in a long run of zeros (the
   * last segment) in ranges of at most this many bytes, so that no more than one range is
   * fetched past the point where the reader stops. Unset: one stream per file.
   */
  readonly readWindow?: number;
  /**
   * Where the range of path that starts at `start` ends, when it is not start + readWindow: a
   * range fetched ahead of the reader, sized from what was seen before the stop.
   */
  rangeEnd?(path: string, start: number): number | undefined;
  /**
   * The offset of the first non-zero byte in [start, end) of a file, or undefined when the
   * range holds only zeros, found where the file lives so that the zeros need not travel.
   * Unset when the place has no cheaper way than read().
   */
  firstNonZero?(path: string, start: number, end: number): Promise<number | undefined>;
  /**
   * Each named file's identity in dir (size, mtime and a fingerprint taken where the file
   * lives), to tell later that a file is byte for byte what was read before. Files that do
   * not exist are left out. Unset when the place cannot take one.
   */
  identify?(dir: string, names: readonly string[]): Promise<Map<string, FileIdentity>>;
  /**
   * Each named file's SHA-256, computed where the file lives, with its identity taken after
   * the hash: a file whose identity is unchanged across the hash had these bytes. Files that do
   * not exist are left out. Unset when the place cannot compute one.
   */
  contents?(dir: string, names: readonly string[]): Promise<Map<string, FileContent>>;
  /**
   * Learns, in one go, what stat, list, findWalDirs and identify would say of root and every
   * entry below it, so that those calls cost no round trip until the next write. Unset where
   * each call is cheap anyway.
   */
  survey?(root: string): Promise<void>;
  /** Drops what survey learned: the next call asks again (a check that must see the present). */
  forget?(): void;
}

export interface FileIdentity {
  name: string;
  size: number;
  mtimeNs: string;
  /**
   * What any write through the file system changes and no call can set back (ctime, and the
   * inode for a file replaced by another), or a checksum of the content.
   */
  fingerprint: string;
}

export interface FileContent extends FileIdentity {
  sha256: string;
}

/** Lower-case hex of 32 bytes, as sha256sum prints it. */
export const isSha256 = (h: string) => /^[0-9a-f]{64}$/.test(h);

/** Whether `now` is the same file, unchanged, as `was` (size, mtime and fingerprint). */
export function sameFile(was: FileIdentity, now: FileIdentity | undefined): boolean {
  return (
    !!now &&
    now.size === was.size &&
    now.mtimeNs === was.mtimeNs &&
    now.fingerprint === was.fingerprint
  );
}

/** The writes a repair makes. Each call is durable (fsynced) when it returns. */
export interface WalWriter extends WalFiles {
  /**
   * Copies src to dst, which must not exist (never overwrite a backup), then fsyncs dst and
   * its directory. Fails if dst appears meanwhile.
   */
  copyNew(src: string, dst: string): Promise<void>;
  /** Creates a directory (and its parents) readable only by its owner; fine if it exists. */
  ensureDir(path: string): Promise<void>;
  /** Truncates path to size, then fsyncs the file and its directory. */
  truncate(path: string, size: number): Promise<void>;
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}
