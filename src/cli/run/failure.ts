// How an error no command caught ends the process: one line on stderr and an exit code. Its
// error classes come from the heavy modules (the inventory's YAML reader, the lock), so
// main() loads this only once something has failed.

import { ClusterLockedError } from '../../cluster/lock.js';
import { InventoryError } from '../../inventory/load.js';
import { EnvError } from '../../runtime/env.js';
import { MemorySettingError } from '../../runtime/memory.js';
import { SettingError } from '../../settings/options.js';
import { WalInputError } from '../../wal/verify.js';
import { EXIT } from '../exit.js';

/** Input the user can fix: a clear line and exit 2, no stack. */
const USAGE_ERRORS = [WalInputError, InventoryError, EnvError, MemorySettingError, SettingError];

export function exitCodeFor(e: unknown): number {
  if (USAGE_ERRORS.some((k) => e instanceof k)) {
    process.stderr.write(`raftroll: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  if (e instanceof ClusterLockedError) {
    process.stderr.write(`raftroll: ${e.message}\n`);
    return EXIT.failed;
  }
  const err = e as NodeJS.ErrnoException;
  if (err.code && err.path) {
    process.stderr.write(`raftroll: cannot read ${err.path}: ${err.code} (${err.message})\n`);
    return EXIT.usage;
  }
  process.stderr.write(`raftroll: ${err.stack ?? err.message}\n`);
  return EXIT.failed;
}
