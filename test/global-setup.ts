// Builds the Go reference once before any test file runs, and makes sure no lab outlives the
// test run, whatever a test file left behind.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { walrefBinary } from './helpers/walref.js';

export default function setup(): () => void {
  walrefBinary();
  return () => {
    const root = resolve(import.meta.dirname, '..');
    spawnSync(process.execPath, [join(root, 'scripts/lab.mjs'), 'down'], {
      stdio: 'ignore',
      timeout: 120_000,
    });
  };
}
