// The read before the stop: etcd appends only to the last segment of a WAL directory, so the
// others (sealed) can be verified while the node still runs, at no cost in downtime. After
// the stop, verifyDir takes them as read only when each is still byte for byte the same.

import { type FileIdentity, sameFile, type WalFiles } from '../base/files.js';
import { walDirsOf } from './engine.js';
import { cloneLoaderState, newLoaderState } from './loader.js';
import { findSequenceGap, selectSegments } from './names.js';
import { type Hazard, readSealedSegment, type SealedPrefix } from './verify.js';
import type { EtcdRules } from './versions.js';

/**
 * Reads the sealed segments of every WAL directory under path. A directory is left out when
 * there is nothing to gain or anything is amiss (no sealed segment, a gap, a segment that
 * fails to read): the read after the stop then covers all of it, and decides.
 */
export async function readSealed(
  files: WalFiles,
  path: string,
  rules: EtcdRules,
  recorded: ReadonlyMap<string, SealedPrefix> = new Map(),
): Promise<SealedPrefix[]> {
  if (!files.identify) return [];
  const out: SealedPrefix[] = [];
  for (const dir of await walDirsOf(files, path)) {
    const p = await readSealedDir(files, dir, rules, recorded.get(dir));
    if (p) out.push(p);
  }
  return out;
}

async function readSealedDir(
  files: WalFiles,
  dir: string,
  rules: EtcdRules,
  recorded: SealedPrefix | undefined,
): Promise<SealedPrefix | undefined> {
  const { segments } = selectSegments((await files.list(dir)).map((e) => e.name));
  const sealed = segments.slice(0, -1);
  if (sealed.length === 0 || findSequenceGap(segments)) return undefined;
  const names = sealed.map((s) => s.name);
  // Identities first: a segment that changes after this is read again after the stop.
  const ids = await files.identify!(dir, names);
  // A record's segments are taken as read; segments sealed since are read on from its state.
  const kept = await stillRecorded(files, dir, rules, names, ids, recorded);
  const state = kept ? cloneLoaderState(kept.state) : newLoaderState(Number(segments[0]!.index));
  const hazards: Hazard[] = kept ? [...kept.hazards] : [];
  const identities = kept ? [...kept.segments] : [];
  const sha256 = kept ? [...kept.sha256!] : [];
  const fresh = sealed.slice(identities.length);
  for (const s of fresh) {
    const id = ids.get(s.name);
    if (!id || id.size === 0) return undefined;
    const end = await readSealedSegment(files, `${dir}/${s.name}`, id.size, state, rules, hazards);
    if (end.kind === 'fail') return undefined;
    identities.push(id);
  }
  const prefix: SealedPrefix = {
    dir,
    etcdVersion: rules.version,
    segments: identities,
    state,
    hazards,
  };
  // The hashes for the record, taken right after the read and kept only for a segment whose
  // identity is still the one taken before it. A change in between that leaves no trace in the
  // metadata (a disk's rot, within those seconds, under the page cache) is not seen: as between
  // this read and the check after the stop.
  const now = fresh.length
    ? await files
        .contents?.(
          dir,
          fresh.map((s) => s.name),
        )
        .catch(() => undefined)
    : new Map();
  for (const s of fresh) {
    const c = now?.get(s.name);
    if (!c || !sameFile(ids.get(s.name)!, c)) return prefix;
    sha256.push(c.sha256);
  }
  prefix.sha256 = sha256;
  return prefix;
}

/**
 * The recorded prefix, when the directory's first sealed segments are exactly the ones it
 * covers (names, identities, and their SHA-256 on the host now): those bytes were verified.
 */
async function stillRecorded(
  files: WalFiles,
  dir: string,
  rules: EtcdRules,
  names: readonly string[],
  ids: ReadonlyMap<string, FileIdentity>,
  recorded: SealedPrefix | undefined,
): Promise<SealedPrefix | undefined> {
  if (!recorded?.sha256 || !files.contents) return undefined;
  const segs = recorded.segments;
  if (recorded.dir !== dir || recorded.etcdVersion !== rules.version) return undefined;
  // A purged first segment changes where ReadAll starts, and so what it checks.
  if (segs.length > names.length || segs.some((s, i) => s.name !== names[i])) return undefined;
  if (!segs.every((s) => sameFile(s, ids.get(s.name)))) return undefined;
  // Identity alone misses what changes no metadata (a disk's rot since the record): the hash
  // taken now must be the recorded one too.
  const now = await files
    .contents(
      dir,
      segs.map((s) => s.name),
    )
    .catch(() => undefined);
  const same = segs.every((s, i) => {
    const c = now?.get(s.name);
    return !!c && sameFile(s, c) && c.sha256 === recorded.sha256![i];
  });
  return same ? recorded : undefined;
}
