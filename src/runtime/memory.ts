// Memory limits as Docker and Go spell them. Docker's --memory takes b, k, m, g (binary
// units: 2500m is 2500 MiB); Go's GOMEMLIMIT takes a whole number of bytes with an optional
// B, KiB, MiB, GiB or TiB. Both are checked here exactly as strictly as the consumer parses
// them, so a value is refused when the spec is built, not after the old node was stopped.

const DOCKER_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1024n,
  m: 1024n ** 2n,
  g: 1024n ** 3n,
};
const GO_UNITS: Record<string, bigint> = {
  '': 1n,
  B: 1n,
  KiB: 1024n,
  MiB: 1024n ** 2n,
  GiB: 1024n ** 3n,
  TiB: 1024n ** 4n,
};

/** Docker refuses a limit under 6 MiB. */
export const MIN_DOCKER_MEMORY = 6 * 1024 ** 2;
/** No machine a node runs on has 1 PiB; anything above is a typo (and far from overflow). */
export const MAX_DOCKER_MEMORY = 1024 ** 5;
// Go's runtime keeps the limit in an int64 and refuses more.
const MAX_INT64 = 2n ** 63n - 1n;

export class MemorySettingError extends Error {
  override name = 'MemorySettingError';
}

/** Bytes of a docker --memory value such as "2500m" or "2g". */
export function parseDockerMemory(value: string, what = 'memory limit'): number {
  const m = /^(\d+)([bkmg]?)$/i.exec(value.trim());
  if (!m)
    throw new MemorySettingError(
      `${what} "${value}" is not a Docker memory size: expected a whole number with b, k, m or g (e.g. 2500m)`,
    );
  const bytes = BigInt(m[1]!) * DOCKER_UNITS[m[2]!.toLowerCase()]!;
  if (bytes < BigInt(MIN_DOCKER_MEMORY))
    throw new MemorySettingError(`${what} "${value}" is below Docker's minimum of 6m`);
  if (bytes > BigInt(MAX_DOCKER_MEMORY))
    throw new MemorySettingError(
      `${what} "${value}" is above 1 PiB, more than any host has: expected a limit such as 2500m or 64g`,
    );
  return Number(bytes);
}

/**
 * Bytes of a GOMEMLIMIT value such as "1800MiB". Go accepts no decimals, no spaces and no
 * sign: GOMEMLIMIT=1.5GiB makes every Go program crash at startup.
 */
export function parseGoMemLimit(value: string): number {
  const m = /^(\d+)(B|KiB|MiB|GiB|TiB)?$/.exec(value);
  if (!m)
    throw new MemorySettingError(
      `GOMEMLIMIT "${value}" is not a Go memory limit: expected a whole number with an optional B, KiB, MiB, GiB or TiB and no spaces (e.g. 1800MiB; 1.5GiB is 1536MiB); Go refuses anything else at startup`,
    );
  const bytes = BigInt(m[1]!) * GO_UNITS[m[2] ?? '']!;
  if (bytes > MAX_INT64)
    throw new MemorySettingError(
      `GOMEMLIMIT "${value}" is more bytes than Go can hold (2^63-1); Go refuses it at startup`,
    );
  return Number(bytes);
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 ? 1 : 0)} MiB`;

/**
 * GOMEMLIMIT only helps when the Go runtime starts collecting before the kernel kills the
 * container: it must sit below the container's limit.
 */
export function checkMemLimits(memory: string | undefined, goMemLimit: string | undefined): void {
  // Go's own "no soft limit": harmless without a container limit, no protection under one.
  if (goMemLimit === 'off' && memory !== undefined)
    throw new MemorySettingError(
      `GOMEMLIMIT=off under the container memory limit ${memory}: the kernel would kill the node before Go's collector reacts. Give GOMEMLIMIT about 70% of the limit`,
    );
  if (goMemLimit !== undefined && goMemLimit !== 'off') parseGoMemLimit(goMemLimit);
  if (memory === undefined || goMemLimit === undefined) return;
  const limit = parseDockerMemory(memory);
  const go = parseGoMemLimit(goMemLimit);
  if (go >= limit) {
    throw new MemorySettingError(
      `GOMEMLIMIT=${goMemLimit} (${mib(go)}) is not below the container memory limit ${memory} (${mib(limit)}); the kernel would kill the node before Go's collector reacts. Lower GOMEMLIMIT (about 70% of the limit) or raise the limit`,
    );
  }
}
