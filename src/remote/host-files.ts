// WalFiles on a Host, with nothing but coreutils and findutils on the other side: the WAL
// engine reads a remote log as a byte stream, and a repair is a few commands there.

import { posix } from 'node:path';
import {
  type DirEntry,
  type FileContent,
  type FileIdentity,
  type FileStat,
  isSha256,
  type WalWriter,
} from '../base/files.js';
import type { Host, RunResult } from './host.js';
import { type AfterStop, ReadAhead, type TailHint } from './read-ahead.js';

const KINDS: Record<string, DirEntry['kind']> = { f: 'file', d: 'dir' };

/**
 * find(1) has no `--`: its first arguments are paths until one looks like an option or an
 * expression (-delete, !, '('). An absolute, normalized path starts with '/' and so can only
 * be a path; every path given to a command here goes through this first.
 */
export function absolutePath(path: string, what = 'path'): string {
  if (
    !path.startsWith('/') ||
    posix.normalize(path) !== path ||
    (path.length > 1 && path.endsWith('/')) ||
    path.includes('\0')
  )
    throw new Error(
      `${what} ${JSON.stringify(path)} is not an absolute, normalized path: expected /dir/... with no "..", ".", "//" or trailing "/"`,
    );
  return path;
}

const READ_WINDOW = 1 << 20;

/** Compares bytes [start, end) of path with zeros; C locale, so that its message can be read. */
export function zeroCheckCommand(path: string, start: number, end: number): string[] {
  return [
    'env',
    'LC_ALL=C',
    'cmp',
    `--bytes=${end - start}`,
    `--ignore-initial=${start}:0`,
    '--',
    path,
    '/dev/zero',
  ];
}

/**
 * Prints the first multiple of `block` from which path's first `size` bytes hold only zeros:
 * from 0, each cmp against /dev/zero names the first non-zero byte, and the scan moves to the
 * block after it, until one cmp finds nothing but zeros to the end. Dense records cost one
 * cmp per block; the zeros are read once. Exits 1 when a cmp answer cannot be read.
 */
export function dataEndCommand(path: string, size: number, block: number): string[] {
  return [
    'sh',
    '-c',
    [
      'p=$1; n=$2; b=$3; x=0',
      'while [ "$x" -lt "$n" ]; do',
      '  r=$(LC_ALL=C cmp --bytes=$((n - x)) --ignore-initial="$x":0 -- "$p" /dev/zero) && break',
      '  case $r in *" differ: "*) ;; *) exit 1 ;; esac',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's parameter expansion
      '  k=${r##* differ: }; k=${k#byte }; k=${k#char }; k=${k%%,*}',
      '  case $k in "" | *[!0-9]*) exit 1 ;; esac',
      '  x=$(( (x + k - 1) / b * b + b ))',
      'done',
      'echo "$x"',
    ].join('\n'),
    'raftroll-data-end',
    path,
    String(size),
    String(block),
  ];
}

/** Size, mtime, ctime, inode and name of each path, NUL-separated. */
export function identityStatCommand(paths: readonly string[]): string[] {
  return ['find', ...paths, '-maxdepth', '0', '-printf', '%s %T@ %C@ %i %f\\0'];
}

/**
 * Each path's SHA-256, then its identity as identityStatCommand prints it, taken after the
 * hash: `<sha256> <size> <mtime> <ctime> <inode> <name>`, NUL-separated. sha256sum is in
 * coreutils and busybox alike; nothing is installed.
 */
export function contentsCommand(paths: readonly string[]): string[] {
  return [
    'sh',
    '-c',
    [
      'for p do',
      '  [ -e "$p" ] || continue',
      '  h=$(sha256sum < "$p") || exit 1',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's parameter expansion
      '  printf "%s " "${h%% *}"',
      '  find "$p" -maxdepth 0 -printf \'%s %T@ %C@ %i %f\\0\' || exit 1',
      'done',
    ].join('\n'),
    'raftroll-contents',
    ...paths,
  ];
}

/** identityStatCommand's records, by name; `withHash`: each begins with the SHA-256. */
function parseIdentities(out: string, withHash: false): Map<string, FileIdentity>;
function parseIdentities(out: string, withHash: true): Map<string, FileContent>;
function parseIdentities(out: string, withHash: boolean): Map<string, FileIdentity> {
  const ids = new Map<string, FileIdentity | FileContent>();
  for (const rec of out.split('\0').filter(Boolean)) {
    const words = rec.split(' ');
    const sha256 = withHash ? words.shift() : undefined;
    // An answer that is not a hash is no answer: the file is left out, as a missing one is.
    if (withHash && !isSha256(sha256 ?? '')) continue;
    const [size, mtime, ctime, inode, ...name] = words;
    const n = name.join(' ');
    const id = {
      name: n,
      size: Number(size),
      mtimeNs: mtime ?? '',
      fingerprint: fingerprintOf(ctime, inode),
    };
    ids.set(n, withHash ? { ...id, sha256: sha256 ?? '' } : id);
  }
  return ids;
}

/** What find's ctime (%C@) and inode (%i) make of a file's identity. */
const fingerprintOf = (ctime: string | undefined, inode: string | undefined) =>
  `ctime ${ctime} inode ${inode}`;

/** Deeper than any WAL layout raftroll knows (etcd: 2 levels, elastickv: 4). */
const SURVEY_DEPTH = 8;

/** Type, size, mtime, ctime, inode and path of root and everything below it, NUL-separated. */
export function surveyCommand(root: string): string[] {
  return ['find', root, '-maxdepth', String(SURVEY_DEPTH), '-printf', '%y %s %T@ %C@ %i %p\\0'];
}

interface Surveyed {
  kind: DirEntry['kind'];
  size: number;
  mtimeNs: string;
  fingerprint: string;
}

/** What one survey found: every path, and the directories whose entries it saw in full. */
interface Survey {
  root: string;
  at: Map<string, Surveyed>;
  children: Map<string, string[]>;
}

export function parseSurvey(root: string, out: string): Survey {
  const at = new Map<string, Surveyed>();
  const children = new Map<string, string[]>();
  const depth = (p: string) => (p === root ? 0 : p.slice(root.length).split('/').length - 1);
  for (const rec of out.split('\0').filter(Boolean)) {
    const [type, size, mtime, ctime, inode, ...rest] = rec.split(' ');
    const path = rest.join(' ');
    const kind = KINDS[type!] ?? 'other';
    at.set(path, {
      kind,
      size: Number(size),
      mtimeNs: mtime ?? '',
      fingerprint: fingerprintOf(ctime, inode),
    });
    // A directory at the depth limit was not looked into: it stays unsurveyed.
    if (kind === 'dir' && depth(path) < SURVEY_DEPTH && !children.has(path)) children.set(path, []);
  }
  for (const path of at.keys()) {
    if (path === root) continue;
    children.get(posix.dirname(path))?.push(posix.basename(path));
  }
  return { root, at, children };
}

export class HostFiles implements WalWriter {
  /**
   * `everyByte`: stream whole files and read zeros too, as before ranges and on-host zero checks
   * existed; for measuring what they save.
   */
  constructor(
    private readonly host: Host,
    private readonly opts: { everyByte?: boolean } = {},
  ) {
    this.readWindow = opts.everyByte ? undefined : READ_WINDOW;
    this.ahead = new ReadAhead(
      {
        read: (p, a, b, after) => this.fetch(p, a, b, after),
        zeros: (p, a, b, after) => this.compareWithZeros(p, a, b, after),
      },
      READ_WINDOW,
    );
  }

  private readonly ahead: ReadAhead;

  /** The survey of `root` sent with readAhead, until survey() takes it. */
  private surveyAhead?: { root: string; answer: Promise<RunResult> };

  /**
   * Starts the reads the WAL step will ask first after a stop: the survey of `root`, each last
   * segment's first range and the zero check of the rest (see ReadAhead). What they fetch is
   * taken as the files' content from then on: call it once the node is stopped, or give
   * `after`, whose gate holds each read on the host until the container is down; then call
   * forget() unless the container stopped is the run seen before the stop.
   */
  readAhead(tails: readonly TailHint[], root?: string, after?: AfterStop): void {
    if (root !== undefined && !this.known) {
      const answer = this.runAfter(surveyCommand(absolutePath(root)), after);
      answer.catch(() => {});
      this.surveyAhead = { root, answer };
    }
    if (this.readWindow)
      this.ahead.start(
        tails.map((t) => ({ ...t, path: absolutePath(t.path) })),
        after,
      );
  }

  /** argv on the host, held by `after`'s gate when given, its failure returned. */
  private runAfter(argv: string[], after?: AfterStop): Promise<RunResult> {
    return this.host.run(after ? after.gate(argv) : argv, {
      allowFailure: true,
      ...(after ? { timeoutMs: after.timeoutMs } : {}),
    });
  }

  get where(): string {
    return `${this.host.name} (${this.host.address})`;
  }

  /** What the last survey found; forgotten at every write. */
  private known?: Survey;

  async survey(root: string): Promise<void> {
    // Nothing was written since the last one: it still holds.
    if (this.known?.root === root) return;
    this.known = undefined;
    const ahead = this.surveyAhead?.root === root ? this.surveyAhead.answer : undefined;
    this.surveyAhead = undefined;
    // One sent ahead that did not succeed (its gate gave up, the connection went, a directory
    // could not be read) is asked again, as without it.
    const early = await ahead?.catch(() => undefined);
    const r =
      early?.code === 0
        ? early
        : await this.host.run(surveyCommand(absolutePath(root)), { allowFailure: true });
    // Anything it could not read (a missing root, a directory it may not enter) makes the
    // answer partial: then every call asks the host itself, as without a survey.
    if (r.code === 0) this.known = parseSurvey(root, r.stdout);
  }

  forget(): void {
    this.known = undefined;
    this.surveyAhead = undefined;
    this.ahead.clear();
  }

  /** The survey's entry for path, null when the survey shows it absent, undefined: unknown. */
  private surveyed(path: string): Surveyed | null | undefined {
    const k = this.known;
    if (!k) return undefined;
    const hit = k.at.get(path);
    if (hit) return hit;
    return k.children.has(posix.dirname(path)) ? null : undefined;
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const known = this.surveyed(path);
    if (known === null) return undefined;
    if (known) return { kind: known.kind, size: known.size, mtimeNs: known.mtimeNs };
    const r = await this.host.run(
      ['find', absolutePath(path), '-maxdepth', '0', '-printf', '%y %s %T@\\n'],
      {
        allowFailure: true,
      },
    );
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return undefined;
      throw new Error(`${this.where}: cannot stat ${path}: ${r.stderr.trim()}`);
    }
    const [type, size, mtime] = r.stdout.trim().split(' ');
    return { kind: KINDS[type!] ?? 'other', size: Number(size), mtimeNs: mtime ?? '' };
  }

  async list(dir: string): Promise<DirEntry[]> {
    const names = this.known?.children.get(dir);
    if (names)
      return names.map((name) => {
        const e = this.known!.at.get(posix.join(dir, name))!;
        return { kind: e.kind, size: e.size, name };
      });
    // NUL-separated: a file name may hold any byte but NUL and '/'.
    const r = await this.host.run([
      'find',
      absolutePath(dir),
      '-mindepth',
      '1',
      '-maxdepth',
      '1',
      '-printf',
      '%y %s %f\\0',
    ]);
    return r.stdout
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const a = line.indexOf(' ');
        const b = line.indexOf(' ', a + 1);
        return {
          kind: KINDS[line.slice(0, a)] ?? 'other',
          size: Number(line.slice(a + 1, b)),
          name: line.slice(b + 1),
        };
      });
  }

  async findWalDirs(root: string): Promise<string[]> {
    const k = this.known;
    if (k && k.root === root) {
      const dirs = new Set<string>();
      for (const [path, e] of k.at)
        if (e.kind === 'file' && path.endsWith('.wal')) dirs.add(posix.dirname(path));
      return [...dirs].sort();
    }
    const r = await this.host.run([
      'find',
      absolutePath(root),
      '-maxdepth',
      '8',
      '-type',
      'f',
      '-name',
      '*.wal',
      '-printf',
      '%h\\0',
    ]);
    return [...new Set(r.stdout.split('\0').filter(Boolean))].sort();
  }

  /** Bytes streamed from the host so far: what the WAL step costs on a slow link. */
  bytesRead = 0;

  async *read(path: string, start?: number, end?: number): AsyncIterable<Uint8Array> {
    const fetched =
      start !== undefined && end !== undefined
        ? this.ahead.bytes(absolutePath(path), start, end)
        : undefined;
    if (fetched) {
      yield* fetched;
      return;
    }
    yield* this.fetch(path, start, end);
  }

  private async *fetch(
    path: string,
    start?: number,
    end?: number,
    after?: AfterStop,
  ): AsyncIterable<Uint8Array> {
    for await (const chunk of this.host.readStream(absolutePath(path), start, end, after?.gate)) {
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }

  /**
   * One range fetched past the point where the WAL reader stops costs at most this much on the
   * link; a range costs a round trip, so it is not made smaller than it needs to be.
   */
  readonly readWindow: number | undefined;

  /**
   * cmp(1) against /dev/zero over the range: the zeros are compared on the host and only the
   * answer travels. cmp names the first differing byte (1-based, counted from the skip); when
   * its answer cannot be read, the start of the range is returned, so the caller reads it all.
   */
  async firstNonZero(path: string, start: number, end: number): Promise<number | undefined> {
    if (end <= start) return undefined;
    if (this.opts.everyByte) return start;
    const known = await this.ahead.firstNonZero(absolutePath(path), start, end);
    if (known !== 'unknown') return known;
    return this.compareWithZeros(path, start, end);
  }

  private async compareWithZeros(
    path: string,
    start: number,
    end: number,
    after?: AfterStop,
  ): Promise<number | undefined> {
    const r = await this.runAfter(zeroCheckCommand(absolutePath(path), start, end), after);
    if (r.code === 0) return undefined;
    const m = /differ: (?:byte|char) (\d+)/.exec(r.stdout);
    if (r.code === 1 && m) return start + Number(m[1]) - 1;
    if (r.code === 1) return start; // e.g. "EOF on <file>": it is shorter than it was
    throw new Error(
      `${this.where}: cannot compare ${path} [${start}, ${end}) with /dev/zero: ${r.stderr.trim() || `cmp exited ${r.code}`}`,
    );
  }

  /**
   * Where path's non-zero bytes ended, rounded up to `block` (see dataEndCommand), or undefined
   * when the host could not tell: a hint for sizing reads, never a verdict.
   */
  async dataEnd(path: string, size: number, block: number): Promise<number | undefined> {
    const r = await this.host.run(dataEndCommand(absolutePath(path), size, block), {
      allowFailure: true,
    });
    const x = Number(r.stdout.trim());
    return r.code === 0 && /^\d+$/.test(r.stdout.trim()) ? Math.min(x, size) : undefined;
  }

  rangeEnd(path: string, start: number): number | undefined {
    return this.readWindow ? this.ahead.rangeEnd(absolutePath(path), start) : undefined;
  }

  /**
   * find(1) for size, mtime, ctime and inode: no byte of content is read, so it costs the same
   * for a 64 MB segment as for an empty one. Any write through the file system moves ctime,
   * and no call can set it back (touch and utimes move it too); a file replaced by another has
   * a new inode.
   */
  async identify(dir: string, names: readonly string[]): Promise<Map<string, FileIdentity>> {
    const out = new Map<string, FileIdentity>();
    if (names.length === 0) return out;
    const paths = names.map((n) => absolutePath(posix.join(absolutePath(dir), n), 'WAL file'));
    if (this.known?.children.has(dir)) {
      for (const [k, path] of paths.entries()) {
        const e = this.known.at.get(path);
        if (e)
          out.set(names[k]!, {
            name: names[k]!,
            size: e.size,
            mtimeNs: e.mtimeNs,
            fingerprint: e.fingerprint,
          });
      }
      return out;
    }
    // A file missing is left out of the answer (find says so on stderr and exits 1).
    const r = await this.host.run(identityStatCommand(paths), { allowFailure: true });
    if (r.code !== 0 && !/No such file or directory/.test(r.stderr))
      throw new Error(`${this.where}: cannot stat the WAL segments in ${dir}: ${r.stderr.trim()}`);
    return parseIdentities(r.stdout, false);
  }

  /** sha256sum on the host; a missing file is left out (see contentsCommand). */
  async contents(dir: string, names: readonly string[]): Promise<Map<string, FileContent>> {
    if (names.length === 0) return new Map();
    const paths = names.map((n) => absolutePath(posix.join(absolutePath(dir), n), 'WAL file'));
    const r = await this.host.run(contentsCommand(paths), { allowFailure: true });
    if (r.code !== 0)
      throw new Error(`${this.where}: cannot hash the WAL segments in ${dir}: ${r.stderr.trim()}`);
    return parseIdentities(r.stdout, true);
  }

  /**
   * A small file's text (raftroll's own record beside the data directory), or undefined when
   * there is none. Its bytes count as read.
   */
  async readText(path: string): Promise<string | undefined> {
    const r = await this.host.run(['env', 'LC_ALL=C', 'cat', '--', absolutePath(path)], {
      allowFailure: true,
    });
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return undefined;
      throw new Error(`${this.where}: cannot read ${path}: ${r.stderr.trim()}`);
    }
    this.bytesRead += Buffer.byteLength(r.stdout);
    return r.stdout;
  }

  /**
   * Replaces path with text, readable by its owner only, in one rename: a reader sees the old
   * text or the new, never part of it. Not a WAL file: nothing is synced.
   */
  async replaceText(path: string, text: string): Promise<void> {
    const r = await this.host.run(
      [
        'sh',
        '-c',
        // A leftover `.new` (a run killed mid-write) is removed, not written through.
        [
          // mv would move the file into a directory of that name.
          'if [ -d "$1" ]; then echo "$1 is a directory" >&2; exit 1; fi',
          'rm -f -- "$1.new" && umask 077 && set -C && cat > "$1.new" && mv -f -- "$1.new" "$1"',
        ].join('\n'),
        'raftroll-replace',
        absolutePath(path),
      ],
      { input: text, allowFailure: true },
    );
    if (r.code !== 0) throw new Error(`${this.where}: cannot write ${path}: ${r.stderr.trim()}`);
  }

  async copyNew(src: string, dst: string): Promise<void> {
    this.forget();
    absolutePath(src);
    const exists = await this.host.run(['test', '-e', absolutePath(dst)], { allowFailure: true });
    if (exists.code === 0)
      throw new Error(`${this.where}: ${dst} already exists; refusing to overwrite a backup`);
    await this.host.run([
      'cp',
      '--no-clobber',
      '--preserve=mode,ownership,timestamps',
      '--',
      src,
      dst,
    ]);
    // cp -n is silent when dst appeared meanwhile: compare, so the backup is known to be ours.
    await this.host.run(['cmp', '--', src, dst]);
    await this.host.run(['sync', '--', dst, posix.dirname(dst)]);
  }

  async ensureDir(path: string): Promise<void> {
    this.forget();
    await this.host.run(['mkdir', '-p', '-m', '0700', '--', absolutePath(path)]);
    await this.host.run(['sync', '--', posix.dirname(path)]);
  }

  async truncate(path: string, size: number): Promise<void> {
    this.forget();
    absolutePath(path);
    await this.host.run(['truncate', '--no-create', `--size=${size}`, '--', path]);
    await this.host.run(['sync', '--', path, posix.dirname(path)]);
  }
}
