#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  splitIds
} from "./chunk-HTIQHKCO.js";
import {
  loadInventory,
  selectNodes
} from "./chunk-OYZR7IG2.js";

// src/cli/run/inventory.ts
async function inventoryAndNodes(file, ids) {
  const inv = await loadInventory(file);
  return { inv, nodes: selectNodes(inv, splitIds(ids)) };
}

export {
  inventoryAndNodes
};
