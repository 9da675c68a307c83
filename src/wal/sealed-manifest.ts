// The record of sealed segments a run verified, kept on the node's host for the next run: with
// it, a segment whose identity and on-host SHA-256 are still the ones recorded is not read
// again before the stop (over a slow link, 64 MB each). Pure: what is written and what is
// accepted back. Anything that does not check out, to the last field, is not used: the
// segments are then read as if there were no record, and that read decides.

import { createHash } from 'node:crypto';
import { isSha256 } from '../base/files.js';
import type { LoaderState } from './loader.js';
import type { HardState, SnapshotRef } from './raftpb.js';
import type { Hazard, HazardKind, SealedPrefix } from './verify.js';
import { ETCD_VERSIONS, type EtcdVersion } from './versions.js';

/**
 * Changes whenever what a prefix means changes (the loader's state, the rules it was read
 * under): a record from another format is not used.
 */
export const MANIFEST_FORMAT = 'raftroll sealed WAL segments 1';

declare const __RAFTROLL_WAL_ENGINE__: string | undefined;
/**
 * The build of the WAL engine (a digest of its sources, set when bundled): a state computed by
 * another build, one with a bug since fixed perhaps, is not taken on trust.
 */
export const WAL_ENGINE =
  typeof __RAFTROLL_WAL_ENGINE__ === 'string' ? __RAFTROLL_WAL_ENGINE__ : 'unbundled';

/** The record's file, beside the data directory (never inside it, where the node looks). */
export function manifestPath(dataDir: string): string {
  const trimmed = dataDir.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return `${trimmed.slice(0, cut + 1)}.raftroll-sealed-${trimmed.slice(cut + 1)}.json`;
}

/** Prefixes whose every segment has its SHA-256 (see SealedPrefix.sha256) can be recorded. */
const recordable = (p: SealedPrefix) => p.sha256?.length === p.segments.length;

/** The record's text for the prefixes that can be recorded; undefined when there are none. */
export function encodeManifest(prefixes: readonly SealedPrefix[]): string | undefined {
  const dirs = prefixes.filter(recordable).map((p) => ({
    dir: p.dir,
    etcdVersion: p.etcdVersion,
    segments: p.segments.map((s, i) => ({
      name: s.name,
      size: s.size,
      mtimeNs: s.mtimeNs,
      fingerprint: s.fingerprint,
      sha256: p.sha256![i]!,
    })),
    state: {
      ...p.state,
      metadata: p.state.metadata && Buffer.from(p.state.metadata).toString('base64'),
    },
    // In one order whatever order they were made in: the same record is the same text.
    hazards: p.hazards.map((h) => ({
      kind: h.kind,
      message: h.message,
      segment: h.segment,
      offset: h.offset,
    })),
  }));
  if (dirs.length === 0) return undefined;
  const body = JSON.stringify(dirs);
  return `${JSON.stringify({ format: MANIFEST_FORMAT, engine: WAL_ENGINE, sha256: digest(body), dirs: JSON.parse(body) })}\n`;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/**
 * The prefixes a record holds, by directory. Throws ManifestError, saying what is wrong, for
 * anything but a record this build wrote and nobody changed since.
 */
export function decodeManifest(text: string): Map<string, SealedPrefix> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ManifestError('not JSON');
  }
  const o = obj(doc, 'the record');
  if (o.format !== MANIFEST_FORMAT)
    throw new ManifestError(`format ${JSON.stringify(o.format)}, expected "${MANIFEST_FORMAT}"`);
  if (o.engine !== WAL_ENGINE)
    throw new ManifestError('it was written by another build of the WAL engine');
  if (!Array.isArray(o.dirs)) throw new ManifestError('no list of directories');
  // The dirs as written: a field changed by hand or by the disk shows here.
  if (o.sha256 !== digest(JSON.stringify(o.dirs)))
    throw new ManifestError('its checksum does not match its content');
  const out = new Map<string, SealedPrefix>();
  for (const d of o.dirs) {
    const p = prefixOf(obj(d, 'a directory'));
    if (out.has(p.dir)) throw new ManifestError(`${p.dir} is recorded twice`);
    out.set(p.dir, p);
  }
  return out;
}

function prefixOf(d: Record<string, unknown>): SealedPrefix {
  const segs = list(d.segments, 'segments').map((s) => obj(s, 'a segment'));
  if (segs.length === 0) throw new ManifestError('a directory without segments');
  const version = str(d.etcdVersion, 'etcdVersion');
  if (!(ETCD_VERSIONS as readonly string[]).includes(version))
    throw new ManifestError(`unknown etcd version ${version}`);
  return {
    dir: str(d.dir, 'dir'),
    etcdVersion: version as EtcdVersion,
    segments: segs.map((s) => ({
      name: str(s.name, 'name'),
      size: int(s.size, 'size'),
      mtimeNs: str(s.mtimeNs, 'mtimeNs'),
      fingerprint: str(s.fingerprint, 'fingerprint'),
    })),
    sha256: segs.map((s) => {
      const h = str(s.sha256, 'sha256');
      if (!isSha256(h)) throw new ManifestError(`sha256 ${h} is not a SHA-256`);
      return h;
    }),
    state: stateOf(obj(d.state, 'state')),
    hazards: list(d.hazards, 'hazards').map((h) => hazardOf(obj(h, 'a hazard'))),
  };
}

function stateOf(s: Record<string, unknown>): LoaderState {
  const decoder = obj(s.decoder, 'decoder');
  return {
    decoder: { crc: int(decoder.crc, 'decoder.crc') },
    startIndex: int(s.startIndex, 'startIndex'),
    startTerm: opt(s.startTerm, (v) => int(v, 'startTerm')),
    entsLen: int(s.entsLen, 'entsLen'),
    metadata: opt(s.metadata, (v) => base64(str(v, 'metadata'))),
    hardState: opt(s.hardState, (v) => hardStateOf(obj(v, 'hardState'))),
    firstEntryIndex: opt(s.firstEntryIndex, (v) => int(v, 'firstEntryIndex')),
    records: int(s.records, 'records'),
    entryRecords: int(s.entryRecords, 'entryRecords'),
    snapshots: int(s.snapshots, 'snapshots'),
    snapshotMatched: bool(s.snapshotMatched, 'snapshotMatched'),
    snapshotRefs: list(s.snapshotRefs, 'snapshotRefs').map((r) => snapshotRefOf(obj(r, 'ref'))),
  };
}

const hardStateOf = (h: Record<string, unknown>): HardState => ({
  term: int(h.term, 'term'),
  vote: str(h.vote, 'vote'),
  commit: int(h.commit, 'commit'),
});

const snapshotRefOf = (r: Record<string, unknown>): SnapshotRef => ({
  index: int(r.index, 'index'),
  term: int(r.term, 'term'),
});

const HAZARD_KINDS: ReadonlySet<string> = new Set<HazardKind>([
  'data-after-end',
  'stale-backup',
  'sequence-gap',
  'empty-segment',
  'ignored-file',
  'skipped-tail',
]);

function hazardOf(h: Record<string, unknown>): Hazard {
  const kind = str(h.kind, 'kind');
  if (!HAZARD_KINDS.has(kind)) throw new ManifestError(`unknown hazard ${kind}`);
  return {
    kind: kind as HazardKind,
    message: str(h.message, 'message'),
    ...(h.segment === undefined ? {} : { segment: str(h.segment, 'segment') }),
    ...(h.offset === undefined ? {} : { offset: int(h.offset, 'offset') }),
  };
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ManifestError(`${what} is not an object`);
  return v as Record<string, unknown>;
}
function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ManifestError(`${what} is not a list`);
  return v;
}
function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new ManifestError(`${what} is not a string`);
  return v;
}
function int(v: unknown, what: string): number {
  if (!Number.isSafeInteger(v)) throw new ManifestError(`${what} is not an integer`);
  return v as number;
}
function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new ManifestError(`${what} is not true or false`);
  return v;
}
function base64(v: string): Buffer {
  const b = Buffer.from(v, 'base64');
  // Buffer.from skips what is not base64: the text must be exactly what the bytes encode to.
  if (b.toString('base64') !== v) throw new ManifestError('metadata is not base64');
  return b;
}

const opt = <T>(v: unknown, f: (v: unknown) => T): T | undefined =>
  v === undefined || v === null ? undefined : f(v);
