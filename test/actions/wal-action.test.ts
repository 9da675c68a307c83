// The bundled wal action, run the way a GitHub runner runs it: a node process with INPUT_*
// variables and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { frames } from '../helpers/frames.js';
import { cleanupTmp, copyDir, dirDigest, tmp } from '../helpers/tmp.js';
import { createWal } from '../helpers/walref.js';

const ROOT = resolve(import.meta.dirname, '../..');

function runAction(inputs: Record<string, string>) {
  const dir = tmp();
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/wal.js')], { env, encoding: 'utf8' });
  const outputs: Record<string, string> = {};
  // GITHUB_OUTPUT uses name<<delimiter blocks.
  const text = readFileSync(output, 'utf8');
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { code: r.status, stdout: r.stdout, outputs, summary: readFileSync(summary, 'utf8') };
}

let clean: string;
beforeAll(() => {
  clean = join(tmp(), 'wal');
  createWal(clean, { entries: 200, entrySize: 100, segmentSize: 30_000 });
});
afterAll(cleanupTmp);

it('action.yml declares node24 and the committed bundle', () => {
  const spec = parse(readFileSync(join(ROOT, 'actions/wal/action.yml'), 'utf8'));
  expect(spec.runs).toEqual({ using: 'node24', main: '../../dist/wal.js' });
  expect(Object.keys(spec.outputs)).toEqual(['verdict', 'etcd-verdict', 'repairable', 'report']);
});

it('repairs a torn tail, sets outputs, writes the summary', () => {
  const dir = copyDir(clean, join(tmp(), 'wal'));
  const last = readdirSync(dir).sort().at(-1)!;
  const fs = frames(readFileSync(join(dir, last)));
  truncateSync(join(dir, last), fs.at(-1)!.offset + 11);
  const r = runAction({
    path: dir,
    mode: 'repair',
    'etcd-version': '3.7',
    'allow-lossy-repair': 'false',
  });
  expect(r.code, r.stdout).toBe(0);
  expect(r.outputs).toMatchObject({
    verdict: 'clean',
    'etcd-verdict': 'clean',
    repairable: 'false',
  });
  expect(JSON.parse(readFileSync(r.outputs.report!, 'utf8')).verdict).toBe('clean');
  expect(r.summary).toMatch(/\| directory \| verdict/);
  expect(r.stdout).toMatch(/repaired .*backup .*\.raftroll-backup/);
});

it('fails on a corrupt log with an error annotation, and writes nothing', () => {
  const dir = copyDir(clean, join(tmp(), 'wal'));
  const first = readdirSync(dir).sort()[0]!;
  const buf = readFileSync(join(dir, first));
  const f = frames(buf)[20]!;
  buf[f.end - 2] = buf[f.end - 2]! ^ 0x01;
  writeFileSync(join(dir, first), buf);
  const before = dirDigest(dir);
  const r = runAction({ path: dir, mode: 'repair' });
  expect(r.code).toBe(1);
  expect(r.outputs.verdict).toBe('corrupt');
  expect(r.stdout).toMatch(/::error title=WAL corrupt::/);
  expect(dirDigest(dir)).toEqual(before);
});

it('names a bad input and what was expected', () => {
  const r = runAction({ path: clean, mode: 'fix' });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('input mode is "fix"; expected one of: verify, repair');
});
