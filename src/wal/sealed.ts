// The read before the stop: etcd appends only to the last segment of a WAL directory, so the
// others (sealed) can be verified while the node still runs, at no cost in downtime. After
// the stop, verifyDir takes them as read only when each is still byte for byte the same.

import type { WalFiles } from '../base/files.js';
import { walDirsOf } from './engine.js';
import { newLoaderState } from './loader.js';
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
): Promise<SealedPrefix[]> {
  if (!files.identify) return [];
  const out: SealedPrefix[] = [];
  for (const dir of await walDirsOf(files, path)) {
    const p = await readSealedDir(files, dir, rules);
    if (p) out.push(p);
  }
  return out;
}

async function readSealedDir(
  files: WalFiles,
  dir: string,
  rules: EtcdRules,
): Promise<SealedPrefix | undefined> {
  const { segments } = selectSegments((await files.list(dir)).map((e) => e.name));
  const sealed = segments.slice(0, -1);
  if (sealed.length === 0 || findSequenceGap(segments)) return undefined;
  // Identities first: a segment that changes after this is read again after the stop.
  const ids = await files.identify!(
    dir,
    sealed.map((s) => s.name),
  );
  const state = newLoaderState(Number(segments[0]!.index));
  const hazards: Hazard[] = [];
  const identities = [];
  for (const s of sealed) {
    const id = ids.get(s.name);
    if (!id || id.size === 0) return undefined;
    const end = await readSealedSegment(files, `${dir}/${s.name}`, id.size, state, rules, hazards);
    if (end.kind === 'fail') return undefined;
    identities.push(id);
  }
  return { dir, etcdVersion: rules.version, segments: identities, state, hazards };
}
