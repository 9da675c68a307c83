// Ways a WAL gets damaged, each aimed at a real record of a real etcd-written WAL.
// Every mutation is deterministic, so it can be applied to several copies alike.

import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../../src/wal/verify.js';
import { type Frame, frames } from '../helpers/frames.js';

export interface Mutation {
  name: string;
  /** Applies the damage; returns false when the fixture has no suitable target. */
  apply(dir: string): boolean;
  /** raftroll's own verdict where the mutation's class decides it. */
  expect?: Verdict;
}

function segments(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort();
}

function seg(dir: string, which: 'last' | 'middle' | 'first'): string | undefined {
  const s = segments(dir);
  if (which === 'last') return join(dir, s[s.length - 1]!);
  if (which === 'first') return join(dir, s[0]!);
  return s.length >= 3 ? join(dir, s[Math.floor(s.length / 2)]!) : undefined;
}

/** Records of a segment; `data` frames exclude the crc/metadata/state header records. */
function target(
  path: string,
  pick: 'last' | 'middle' | 'first',
): { buf: Buffer; f: Frame } | undefined {
  const buf = readFileSync(path);
  const fs = frames(buf);
  if (fs.length < 5) return undefined;
  const f =
    pick === 'last'
      ? fs[fs.length - 1]!
      : pick === 'first'
        ? fs[0]!
        : fs[Math.floor(fs.length / 2)]!;
  return { buf, f };
}

function edit(
  which: 'last' | 'middle',
  pick: 'last' | 'middle' | 'first',
  fn: (buf: Buffer, f: Frame, path: string) => unknown,
): (dir: string) => boolean {
  return (dir) => {
    const path = seg(dir, which);
    if (!path) return false;
    const t = target(path, pick);
    if (!t) return false;
    if (fn(t.buf, t.f, path) === false) return false;
    writeFileSync(path, t.buf);
    return true;
  };
}

function cut(
  which: 'last' | 'middle',
  pick: 'last' | 'middle',
  at: (f: Frame) => number | undefined,
): (dir: string) => boolean {
  return (dir) => {
    const path = seg(dir, which);
    if (!path) return false;
    const t = target(path, pick);
    if (!t) return false;
    const off = at(t.f);
    if (off === undefined) return false;
    truncateSync(path, off);
    return true;
  };
}

/** The sector-aligned piece of a record's body that isTorn looks at, zeroed. */
function zeroBodySector(buf: Buffer, f: Frame, piece: 'first' | 'last'): void {
  const start = f.offset + 8;
  const end = f.end;
  if (piece === 'first') {
    const stop = Math.min(end, Math.floor(start / 512) * 512 + 512);
    buf.fill(0, start, stop);
  } else {
    const from = Math.max(start, Math.floor((end - 1) / 512) * 512);
    buf.fill(0, from, end);
  }
}

function flip(buf: Buffer, i: number, mask: number): void {
  buf[i] = buf[i]! ^ mask;
}

function setLength(buf: Buffer, f: Frame, recBytes: number, pad = 0): void {
  buf.writeUInt32LE(recBytes % 2 ** 32, f.offset);
  const hi = Math.floor(recBytes / 2 ** 32) & 0xffffff;
  buf.writeUInt32LE((hi | (pad ? (0x80 | pad) << 24 : 0)) >>> 0, f.offset + 4);
}

export const MUTATIONS: Mutation[] = [
  { name: 'none', apply: () => true, expect: 'clean' },
  {
    name: 'cut inside the last record length word',
    apply: cut('last', 'last', (f) => f.offset + 3),
    expect: 'torn',
  },
  {
    name: 'cut right after the last length word',
    apply: cut('last', 'last', (f) => f.offset + 8),
    expect: 'torn',
  },
  {
    name: 'cut inside the last record body',
    apply: cut('last', 'last', (f) => f.offset + 8 + Math.floor(f.recBytes / 2)),
    expect: 'torn',
  },
  {
    name: 'cut inside the last record padding',
    apply: cut('last', 'last', (f) => (f.padBytes > 1 ? f.end - 1 : undefined)),
    expect: 'torn',
  },
  {
    name: 'cut exactly at the last record boundary',
    apply: cut('last', 'last', (f) => f.offset),
    expect: 'clean',
  },
  {
    name: 'cut inside a middle record of the last segment',
    apply: cut('last', 'middle', (f) => f.offset + 12),
  },
  {
    name: 'cut inside a record of a middle segment',
    apply: cut('middle', 'middle', (f) => f.offset + 12),
    expect: 'corrupt',
  },
  {
    name: 'zeroed sector piece in the last record',
    apply: edit('last', 'last', (b, f) => zeroBodySector(b, f, 'last')),
    expect: 'torn',
  },
  {
    name: 'zeroed first sector piece in the last record',
    apply: edit('last', 'last', (b, f) => zeroBodySector(b, f, 'first')),
    expect: 'torn',
  },
  {
    name: 'zeroed sector piece in a middle record of the last segment',
    apply: edit('last', 'middle', (b, f) => zeroBodySector(b, f, 'last')),
    expect: 'torn-with-data-after',
  },
  {
    name: 'zeroed sector piece in a record of a middle segment',
    apply: edit('middle', 'middle', (b, f) => zeroBodySector(b, f, 'last')),
    expect: 'corrupt',
  },
  {
    name: 'bit flip in the last record data',
    apply: edit('last', 'last', (b, f) => flip(b, f.end - f.padBytes - 1, 0x10)),
    expect: 'corrupt',
  },
  {
    name: 'bit flip in a middle record data',
    apply: edit('last', 'middle', (b, f) => flip(b, f.end - f.padBytes - 2, 0x01)),
    expect: 'corrupt',
  },
  {
    name: 'bit flip in padding',
    apply: edit('last', 'middle', (b, f) => (f.padBytes > 0 ? flip(b, f.end - 1, 0xff) : false)),
    expect: 'clean',
  },
  {
    name: 'bit flip in the record type',
    apply: edit('last', 'middle', (b, f) => flip(b, f.offset + 9, 0x08)),
    expect: 'corrupt',
  },
  {
    name: 'length word low bit flipped (last record)',
    apply: edit('last', 'last', (b, f) => flip(b, f.offset, 0x01)),
  },
  {
    name: 'length word low bit flipped (middle record)',
    apply: edit('last', 'middle', (b, f) => flip(b, f.offset, 0x01)),
  },
  {
    name: 'length word bit 20 flipped (last record)',
    apply: edit('last', 'last', (b, f) => flip(b, f.offset + 2, 0x10)),
  },
  {
    name: 'huge length 2^40 in the last record',
    apply: edit('last', 'last', (b, f) => setLength(b, f, 2 ** 40)),
    expect: 'corrupt',
  },
  {
    name: 'huge length 2^55 in a middle record',
    apply: edit('last', 'middle', (b, f) => setLength(b, f, 2 ** 55)),
    expect: 'corrupt',
  },
  {
    name: 'length exactly 10 MiB',
    apply: edit('last', 'last', (b, f) => setLength(b, f, 10 * 1024 * 1024)),
    expect: 'corrupt',
  },
  {
    name: 'length just under 10 MiB, past the end of file (last record)',
    apply: edit('last', 'last', (b, f) => setLength(b, f, 10 * 1024 * 1024 - 9, 1)),
  },
  {
    name: 'length inflated past the end of file (middle record)',
    apply: edit('last', 'middle', (b, f) => setLength(b, f, b.length - f.offset, 0)),
    expect: 'torn-with-data-after',
  },
  {
    name: 'crc record value flipped (last segment)',
    apply: edit('last', 'first', (b, f) => {
      const fs = frames(b);
      if (fs[0]!.offset !== f.offset) return false;
      flip(b, f.offset + 8 + 3, 0x01);
    }),
  },
  {
    name: 'crc record value flipped (first segment)',
    apply: (dir) => {
      const path = seg(dir, 'first')!;
      const b = readFileSync(path);
      flip(b, 8 + 3, 0x01);
      writeFileSync(path, b);
      return true;
    },
  },
  {
    name: 'garbage after the end marker',
    apply: edit('last', 'last', (b, f) => {
      if (b.length < f.end + 200) return false;
      b.write('not a record, just bytes', f.end + 64);
    }),
    expect: 'clean',
  },
  {
    name: 'garbage right at the end marker',
    apply: edit('last', 'last', (b, f) => {
      if (b.length < f.end + 200) return false;
      b.write('garbage!garbage!', f.end);
    }),
  },
  {
    name: 'a valid record copied after the end marker',
    apply: edit('last', 'last', (b, f) => {
      const at = Math.ceil((f.end + 512) / 8) * 8;
      if (b.length < at + (f.end - f.offset)) return false;
      b.copy(b, at, f.offset, f.end);
    }),
    expect: 'data-after-end',
  },
  {
    name: 'zeroed length word of a middle record',
    apply: edit('last', 'middle', (b, f) => {
      b.fill(0, f.offset, f.offset + 8);
    }),
    expect: 'data-after-end',
  },
  {
    name: 'record protobuf cut short (last record)',
    apply: edit('last', 'last', (b, f) => {
      // The Data length varint is at a fixed spot only for 1-byte crc varints; find 0x1a.
      const i = b.indexOf(0x1a, f.offset + 8);
      if (i < 0 || i > f.offset + 20 || b[i + 1]! >= 0x7f) return false;
      b[i + 1] = b[i + 1]! + 1;
    }),
  },
  {
    name: 'record protobuf cut short (middle segment)',
    apply: (dir) => {
      const path = seg(dir, 'middle');
      if (!path) return false;
      const b = readFileSync(path);
      const f = frames(b)[Math.floor(frames(b).length / 2)]!;
      const i = b.indexOf(0x1a, f.offset + 8);
      if (i < 0 || i > f.offset + 20 || b[i + 1]! >= 0x7f) return false;
      b[i + 1] = b[i + 1]! + 1;
      writeFileSync(path, b);
      return true;
    },
    expect: 'corrupt',
  },
  {
    name: 'a middle segment removed',
    apply: (dir) => {
      const path = seg(dir, 'middle');
      if (!path) return false;
      rmSync(path);
      return true;
    },
    expect: 'corrupt',
  },
  {
    name: 'last segment emptied',
    apply: (dir) => {
      truncateSync(seg(dir, 'last')!, 0);
      return true;
    },
    expect: 'corrupt',
  },
];
