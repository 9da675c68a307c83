#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  ClusterLockedError
} from "./chunk-ASQ42LHN.js";
import {
  EnvError,
  InventoryError,
  MemorySettingError
} from "./chunk-OYZR7IG2.js";
import {
  SettingError
} from "./chunk-THGSPKRE.js";
import {
  WalInputError
} from "./chunk-6XTDMOB3.js";
import "./chunk-X6X2WM6E.js";
import {
  EXIT
} from "./chunk-B2HVS2M6.js";

// src/cli/run/failure.ts
var USAGE_ERRORS = [WalInputError, InventoryError, EnvError, MemorySettingError, SettingError];
function exitCodeFor(e) {
  if (USAGE_ERRORS.some((k) => e instanceof k)) {
    process.stderr.write(`raftroll: ${e.message}
`);
    return EXIT.usage;
  }
  if (e instanceof ClusterLockedError) {
    process.stderr.write(`raftroll: ${e.message}
`);
    return EXIT.failed;
  }
  const err = e;
  if (err.code && err.path) {
    process.stderr.write(`raftroll: cannot read ${err.path}: ${err.code} (${err.message})
`);
    return EXIT.usage;
  }
  process.stderr.write(`raftroll: ${err.stack ?? err.message}
`);
  return EXIT.failed;
}
export {
  exitCodeFor
};
