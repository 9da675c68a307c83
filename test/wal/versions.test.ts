// The inputs on which etcd releases disagree (see src/wal/versions.ts), each as a fixture of
// its own. 3.4's verdicts are also checked against etcd 3.4's real code; 3.5-3.7 cannot run
// here, so their expected verdicts come from reading their source at the tags named there.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFiles } from '../../src/remote/local-files.js';
import { verifyPath } from '../../src/wal/engine.js';
import type { EtcdVerdict } from '../../src/wal/verify.js';
import { type EtcdVersion, rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, copyDir, tmp } from '../helpers/tmp.js';
import { entryData, field, SegmentBuilder, stateData, T, varint } from '../helpers/wal-builder.js';
import { type LoadResult, walref } from '../helpers/walref.js';

afterAll(cleanupTmp);

const SEGMENT = '0000000000000000-0000000000000000.wal';
const PREALLOC = 64 * 1024;

interface Case {
  name: string;
  build: () => Buffer;
  expect: Record<EtcdVersion, EtcdVerdict>;
}

const base = () => new SegmentBuilder().entries(1, 20);

/** Appends one more entry whose encoded walpb.Record is replaced by `raw(crc)`. */
function withRaw(
  raw: (crc: number, data: number[]) => number[],
  prealloc = PREALLOC,
  more = 0,
): Buffer {
  const data = entryData(1, 21, Buffer.alloc(40, 0x41));
  const b = base().add({ type: T.entry, data, raw: (crc) => raw(crc, data) });
  if (more > 0) b.add({ type: T.state, data: stateData(1, 1, 21) }).entries(22, 21 + more);
  return b.build(prealloc);
}

const header = (crc: number, type = T.entry) => [
  ...field(1, 0, varint(type)),
  ...field(2, 0, varint(crc)),
];

const CASES: Case[] = [
  {
    name: 'length word of the last record set to 2^40',
    build: () => {
      const b = base();
      const buf = b.build(PREALLOC);
      const last = b.offsets[b.offsets.length - 1]!;
      buf.writeUInt32LE(0, last);
      buf.writeUInt32LE(0x100, last + 4);
      return buf;
    },
    expect: { '3.4': 'corrupt', '3.5': 'torn', '3.6': 'torn', '3.7': 'torn' },
  },
  {
    name: 'a legitimate 11 MiB entry',
    build: () =>
      base()
        .add({ type: T.entry, data: entryData(1, 21, Buffer.alloc(11 << 20, 7)) })
        .build(),
    expect: { '3.4': 'corrupt', '3.5': 'clean', '3.6': 'clean', '3.7': 'clean' },
  },
  {
    name: 'protobuf cut short inside the last record (no zero sector)',
    build: () => withRaw((crc, data) => [...header(crc), 0x1a, 0x7f, ...data]),
    expect: { '3.4': 'torn', '3.5': 'torn', '3.6': 'torn', '3.7': 'corrupt' },
  },
  {
    name: 'protobuf cut short inside a middle record',
    build: () => withRaw((crc, data) => [...header(crc), 0x1a, 0x7f, ...data], PREALLOC, 5),
    expect: { '3.4': 'torn', '3.5': 'torn', '3.6': 'torn', '3.7': 'corrupt' },
  },
  {
    name: 'known field with the wrong wire type',
    build: () => withRaw((crc, data) => [...header(crc), 0x0a, 0x00, ...field(3, 2, data)]),
    expect: { '3.4': 'corrupt', '3.5': 'corrupt', '3.6': 'corrupt', '3.7': 'clean' },
  },
  {
    name: 'unknown field number 2^29',
    build: () =>
      withRaw((crc, data) => [
        ...header(crc),
        ...field(3, 2, data),
        0x80,
        0x80,
        0x80,
        0x80,
        0x10,
        0x05,
      ]),
    expect: { '3.4': 'clean', '3.5': 'clean', '3.6': 'clean', '3.7': 'corrupt' },
  },
  {
    name: 'unknown varint whose 10th byte is 2',
    build: () =>
      withRaw((crc, data) => [
        ...header(crc),
        ...field(3, 2, data),
        0x20,
        ...Array(9).fill(0x80),
        0x02,
      ]),
    expect: { '3.4': 'clean', '3.5': 'clean', '3.6': 'clean', '3.7': 'corrupt' },
  },
  {
    name: 'unknown group closed by another field number',
    build: () => withRaw((crc, data) => [...header(crc), ...field(3, 2, data), 0x23, 0x2c]),
    expect: { '3.4': 'clean', '3.5': 'clean', '3.6': 'clean', '3.7': 'corrupt' },
  },
  {
    name: 'snapshot record with a malformed conf_state',
    build: () =>
      base()
        .add({ type: T.snapshot, data: [0x08, 0x00, 0x10, 0x00, 0x1a, 0x02, 0x08, 0x80] })
        .build(PREALLOC),
    expect: { '3.4': 'clean', '3.5': 'corrupt', '3.6': 'corrupt', '3.7': 'corrupt' },
  },
  {
    name: 'empty metadata, a metadata record without Data, then other metadata (nil is never compared)',
    build: () =>
      new SegmentBuilder(0, '')
        .entries(1, 20)
        .add({ type: T.metadata })
        .add({ type: T.metadata, data: Buffer.from('other') })
        .entries(21, 22)
        .build(PREALLOC),
    expect: { '3.4': 'clean', '3.5': 'clean', '3.6': 'clean', '3.7': 'clean' },
  },
  {
    name: 'conflicting metadata',
    build: () =>
      base()
        .add({ type: T.metadata, data: Buffer.from('other') })
        .build(PREALLOC),
    expect: { '3.4': 'corrupt', '3.5': 'corrupt', '3.6': 'corrupt', '3.7': 'corrupt' },
  },
  {
    name: 'Data length that overflows when added to the offset',
    build: () => withRaw((crc) => [...header(crc), 0x1a, ...Array(8).fill(0xff), 0x7f]),
    expect: { '3.4': 'corrupt', '3.5': 'corrupt', '3.6': 'corrupt', '3.7': 'corrupt' },
  },
];

const files = new LocalFiles();

describe.each(CASES)('$name', (c) => {
  const dir = join(tmp(), 'wal');
  mkdirSync(dir);
  writeFileSync(join(dir, SEGMENT), c.build());

  it.each(Object.entries(c.expect))('etcd %s: %s', async (version, verdict) => {
    const r = await verifyPath(files, dir, rulesFor(version));
    expect(r.etcdVerdict, r.dirs[0]!.reason).toBe(verdict);
  });

  it("3.4's verdict is etcd 3.4's own", () => {
    const etcd = walref<LoadResult>('load', copyDir(dir, join(tmp(), 'wal')));
    expect(etcd.verdict, JSON.stringify(etcd)).toBe(c.expect['3.4']);
  });
});
