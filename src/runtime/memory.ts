// Memory limits as Docker and Go spell them. Docker's --memory takes b, k, m, g (binary
// units: 2500m is 2500 MiB); Go's GOMEMLIMIT takes B, KiB, MiB, GiB, TiB.

const DOCKER_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const GO_UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

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
  const bytes = Number(m[1]) * DOCKER_UNITS[m[2]!.toLowerCase()]!;
  // Docker itself refuses anything under 6 MiB.
  if (bytes < 6 * 1024 ** 2)
    throw new MemorySettingError(`${what} "${value}" is below Docker's minimum of 6m`);
  return bytes;
}

/** Bytes of a GOMEMLIMIT value such as "1800MiB". */
export function parseGoMemLimit(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(B|KiB|MiB|GiB|TiB)?$/.exec(value.trim());
  if (!m)
    throw new MemorySettingError(
      `GOMEMLIMIT "${value}" is not a Go memory limit: expected a number with B, KiB, MiB, GiB or TiB (e.g. 1800MiB)`,
    );
  return Math.floor(Number(m[1]) * GO_UNITS[m[2] ?? '']!);
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 ? 1 : 0)} MiB`;

/**
 * GOMEMLIMIT only helps when the Go runtime starts collecting before the kernel kills the
 * container: it must sit below the container's limit.
 */
export function checkMemLimits(memory: string | undefined, goMemLimit: string | undefined): void {
  if (memory === undefined || goMemLimit === undefined) return;
  const limit = parseDockerMemory(memory);
  const go = parseGoMemLimit(goMemLimit);
  if (go >= limit) {
    throw new MemorySettingError(
      `GOMEMLIMIT=${goMemLimit} (${mib(go)}) is not below the container memory limit ${memory} (${mib(limit)}); the kernel would kill the node before Go's collector reacts. Lower GOMEMLIMIT (about 70% of the limit) or raise the limit`,
    );
  }
}
