// WAL segment names, "<seq>-<index>.wal" in 16 hex digits each, and the rules etcd uses to
// pick its segments out of a directory listing.

export interface SegmentName {
  name: string;
  seq: bigint;
  /** Raft index of the first entry the segment was cut for (0 for the first segment). */
  index: bigint;
}

const HEX = /^[0-9a-fA-F]$/;

/**
 * Parses a segment name the way etcd does: the name must end in ".wal" and start with what
 * Go's fmt.Sscanf("%016x-%016x.wal") accepts (up to 16 hex digits each, anything after the
 * matched ".wal" ignored). Returns undefined for a name etcd would skip.
 */
export function parseSegmentName(name: string): SegmentName | undefined {
  if (!name.endsWith('.wal')) return undefined;
  let i = 0;
  const hex = (): bigint | undefined => {
    while (name[i] === ' ' || name[i] === '\t' || name[i] === '\r') i++;
    const start = i;
    while (i - start < 16 && i < name.length && HEX.test(name[i]!)) i++;
    if (i === start) return undefined;
    return BigInt(`0x${name.slice(start, i)}`);
  };
  const seq = hex();
  if (seq === undefined || name[i] !== '-') return undefined;
  i++;
  const index = hex();
  if (index === undefined || name.slice(i, i + 4) !== '.wal') return undefined;
  return { name, seq, index };
}

export function segmentName(seq: bigint, index: bigint): string {
  return `${seq.toString(16).padStart(16, '0')}-${index.toString(16).padStart(16, '0')}.wal`;
}

/**
 * etcd reads a directory's names sorted byte-wise and keeps the ones that parse; the
 * sequence numbers must then rise by exactly one from segment to segment.
 * Returns the first place where they do not.
 */
export function findSequenceGap(
  segments: readonly SegmentName[],
): { after: string; before: string } | undefined {
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!;
    const cur = segments[i]!;
    // etcd's check skips a predecessor whose seq is 0, so "0 then 5" passes there.
    if (prev.seq !== 0n && prev.seq !== cur.seq - 1n) return { after: prev.name, before: cur.name };
  }
  return undefined;
}

/** The segments etcd would load, in etcd's order, and the names it ignores. */
export function selectSegments(names: readonly string[]): {
  segments: SegmentName[];
  ignored: string[];
} {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const segments: SegmentName[] = [];
  const ignored: string[] = [];
  for (const n of sorted) {
    const s = parseSegmentName(n);
    if (s) segments.push(s);
    else ignored.push(n);
  }
  return { segments, ignored };
}
