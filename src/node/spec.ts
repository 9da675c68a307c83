// Container-spec bookkeeping around a replacement: the names the old container and an old data
// directory are kept under, and the labels that remember what a node ran before.

import type { ContainerInfo, RunSpec } from '../runtime/docker.js';
import { LABEL } from '../runtime/docker.js';

/** The old container keeps this suffix until the new one has caught up (rollback keeps it). */
export const PREVIOUS_SUFFIX = '.raftroll-prev';
/** A re-seeded node's old data directory is kept as `<dataDir><ASIDE_SUFFIX><time>`. */
export const ASIDE_SUFFIX = '.raftroll-reseed-';

export const previousName = (name: string) => `${name}${PREVIOUS_SUFFIX}`;

/** The new spec, labelled with the image and configuration it replaces. */
export function withPrevious(spec: RunSpec, previous?: ContainerInfo): RunSpec {
  if (!previous) return spec;
  const labels: Record<string, string> = {
    ...spec.labels,
    [LABEL.previousImage]: previous.imageId,
  };
  const fp = previous.labels[LABEL.fingerprint];
  if (fp) labels[LABEL.previousFingerprint] = fp;
  return { ...spec, labels };
}

/** image:tag with the tag replaced (a digest or tag on the original is dropped). */
export function withTag(image: string, tag: string): string {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  const repo = colon > slash ? base.slice(0, colon) : base;
  return `${repo}:${tag}`;
}
