// CRC-32C (Castagnoli), the checksum etcd chains through every WAL record.
// etcd computes it with the CPU's crc32 instruction; so do we when @node-rs/crc32's native
// module loads (about 15x faster than any JavaScript table). Where it cannot load (a bundled
// GitHub Action without node_modules, an unusual platform), a slicing-by-8 table version
// gives the same results, more slowly.

import { createRequire } from 'node:module';

const POLY = 0x82f63b78; // reversed Castagnoli polynomial

const TABLES: Int32Array[] = (() => {
  const t0 = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[i] = c;
  }
  const tables = [t0];
  for (let s = 1; s < 8; s++) {
    const prev = tables[s - 1]!;
    const next = new Int32Array(256);
    for (let i = 0; i < 256; i++) next[i] = (prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!;
    tables.push(next);
  }
  return tables;
})();

// Module constants, not destructured on every call: the hot loop should allocate nothing.
const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];

// The module takes any Uint8Array: a plain view is cheaper to make than a Buffer.
type NativeCrc = (input: Uint8Array, initial?: number) => number;

function loadNative(): NativeCrc | undefined {
  if (process.env.RAFTROLL_PURE_JS_CRC === '1') return undefined;
  try {
    const req = createRequire(import.meta.url);
    const mod = req('@node-rs/crc32') as { crc32c?: NativeCrc };
    const f = mod.crc32c;
    // Trust it only if it agrees with the table on a known vector ("123456789" -> e3069283).
    if (f && f(Buffer.from('123456789'), 0) === 0xe3069283) return f;
  } catch {
    // not installed, or no prebuilt binary for this platform
  }
  return undefined;
}

// Loaded on first use: commands that never check a WAL do not pay for loading the module.
let native: NativeCrc | undefined;
let loaded = false;

function nativeOnce(): NativeCrc | undefined {
  loaded = true;
  native = loadNative();
  return native;
}

/** Which implementation is in use, for benchmarks and diagnostics. */
export function crc32cImplementation(): 'native' | 'javascript' {
  return (loaded ? native : nativeOnce()) ? 'native' : 'javascript';
}

/**
 * Continues a CRC-32C over buf[start, end), like Go's crc32.Update(crc, castagnoli, p):
 * `crc` is the finished checksum of everything before, 0 for a fresh digest.
 */
export function crc32cUpdate(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  // Below a few hundred bytes the call into native code costs more than the table loop.
  if (end - start >= 384) {
    const f = loaded ? native : nativeOnce();
    if (f) return f(new Uint8Array(buf.buffer, buf.byteOffset + start, end - start), crc) >>> 0;
  }
  return crc32cTable(crc, buf, start, end);
}

/** The table implementation, exported so tests can hold it against the native one. */
export function crc32cTable(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let c = ~crc;
  let i = start;
  const fast = end - ((end - start) & 7);
  while (i < fast) {
    const a = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    c =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[buf[i + 4]!]! ^
      t2[buf[i + 5]!]! ^
      t1[buf[i + 6]!]! ^
      t0[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = t0[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
