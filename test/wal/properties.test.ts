// Property tests on the WAL engine: arbitrary bytes never crash it or make it read without
// bound, random damage to a real WAL always gets etcd's own verdict, and repair never
// writes to a log that verify does not call a clean torn tail.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFiles } from '../../src/remote/local-files.js';
import { RepairRefusedError, repairPath, verifyPath } from '../../src/wal/engine.js';
import { rulesFor } from '../../src/wal/versions.js';
import { cleanupTmp, copyDir, dirDigest, tmp } from '../helpers/tmp.js';
import { createWal, type LoadResult, walref } from '../helpers/walref.js';

const SEGMENT = '0000000000000000-0000000000000000.wal';

/** LocalFiles that counts what it reads and the largest chunk it hands out. */
class CountingFiles extends LocalFiles {
  bytesRead = 0;
  override async *read(path: string, start?: number, end?: number): AsyncIterable<Uint8Array> {
    for await (const chunk of super.read(path, start, end)) {
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }
}

afterAll(cleanupTmp);

describe('arbitrary bytes as a segment', () => {
  it.each(['3.4', '3.5', '3.6', '3.7'])(
    'etcd %s: never throws, reads each byte a bounded number of times',
    async (v) => {
      const rules = rulesFor(v);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 4096 }),
            // Mostly-valid frames: small length words followed by noise, the decoder's hard case.
            fc
              .array(
                fc.tuple(fc.integer({ min: 0, max: 300 }), fc.uint8Array({ maxLength: 300 })),
                { maxLength: 20 },
              )
              .map((parts) =>
                Buffer.concat(
                  parts.map(([len, body]) => {
                    const head = Buffer.alloc(8);
                    head.writeUInt32LE(len, 0);
                    return Buffer.concat([head, body]);
                  }),
                ),
              ),
          ),
          async (bytes) => {
            const dir = tmp();
            writeFileSync(join(dir, SEGMENT), bytes);
            const files = new CountingFiles();
            const r = await verifyPath(files, dir, rules);
            expect(['clean', 'torn', 'corrupt']).toContain(r.etcdVerdict);
            // Pass 1, Repair's pass and the second ReadAll: at most three reads of the file.
            expect(files.bytesRead).toBeLessThanOrEqual(3 * bytes.length);
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});

interface Edit {
  kind: 'flip' | 'zero' | 'truncate' | 'garbage' | 'tail-cut' | 'after-end';
  segment: number;
  at: number;
  len: number;
  value: number;
}

function applyEdits(dir: string, edits: Edit[]): void {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort();
  for (const e of edits) {
    const seg =
      e.kind === 'tail-cut' || e.kind === 'after-end' ? names.length - 1 : e.segment % names.length;
    const path = join(dir, names[seg]!);
    const buf = readFileSync(path);
    if (buf.length === 0) continue;
    if (e.kind === 'after-end') {
      // Stray bytes in the preallocated space, clear of the end marker: etcd loads the log.
      let end = buf.length;
      while (end > 0 && buf[end - 1] === 0) end--;
      const at = end + 16 + (e.at % 512);
      if (at < buf.length) buf[at] = 1 + (e.value % 255);
      writeFileSync(path, buf);
      continue;
    }
    if (e.kind === 'tail-cut') {
      // A kill inside a write: the end of the data, cut somewhere in the last few records.
      let end = buf.length;
      while (end > 0 && buf[end - 1] === 0) end--;
      writeFileSync(path, buf.subarray(0, Math.max(0, end - (e.at % 600))));
      continue;
    }
    const at = e.at % buf.length;
    if (e.kind === 'truncate') {
      writeFileSync(path, buf.subarray(0, at));
      continue;
    }
    for (let i = at; i < Math.min(buf.length, at + e.len); i++) {
      if (e.kind === 'flip') buf[i] = buf[i]! ^ (1 << (e.value % 8));
      else if (e.kind === 'zero') buf[i] = 0;
      else buf[i] = (e.value + i) & 0xff;
    }
    writeFileSync(path, buf);
  }
}

describe('random damage to an etcd-written WAL', () => {
  let fixture: string;
  beforeAll(() => {
    fixture = join(tmp(), 'wal');
    createWal(fixture, { entries: 600, entrySize: 150, segmentSize: 40_000, batch: 3 });
  });

  it("gets etcd 3.4's verdict, and repair writes only to a clean torn tail", async () => {
    const rules = rulesFor('3.4');
    const files = new LocalFiles();
    // Edits aim at the end of segments more often, where torn tails live.
    const edit = fc.record<Edit>({
      kind: fc.constantFrom('flip', 'zero', 'truncate', 'garbage', 'tail-cut', 'after-end'),
      segment: fc.nat(),
      at: fc.oneof(fc.nat({ max: 45_000 }), fc.integer({ min: 30_000, max: 45_000 })),
      len: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 600 })),
      value: fc.nat({ max: 255 }),
    });
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const ours = copyDir(fixture, join(tmp(), 'wal'));
        const theirs = copyDir(fixture, join(tmp(), 'wal'));
        applyEdits(ours, edits);
        applyEdits(theirs, edits);
        const before = dirDigest(ours);
        const r = await verifyPath(files, ours, rules);
        const etcd = walref<LoadResult>('load', theirs);
        expect(r.etcdVerdict, `${JSON.stringify(etcd)}\n${r.dirs[0]!.reason}`).toBe(etcd.verdict);
        seen.set(r.etcdVerdict, (seen.get(r.etcdVerdict) ?? 0) + 1);
        if (r.verdict !== 'torn' && r.verdict !== 'clean') {
          await expect(repairPath(files, ours, rules)).rejects.toBeInstanceOf(RepairRefusedError);
          expect(dirDigest(ours)).toEqual(before);
        }
      }),
      { numRuns: 250 },
    );
    console.log(`random damage, etcd verdicts seen: ${JSON.stringify(Object.fromEntries(seen))}`);
    // The generator must reach every kind of verdict, or the property proves little.
    for (const v of ['clean', 'torn', 'corrupt'])
      expect(seen.get(v), `verdicts seen: ${[...seen]}`).toBeGreaterThan(3);
  });
});
