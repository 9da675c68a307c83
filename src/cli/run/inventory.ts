// Reading the inventory a cluster command names. Here, not in ../options.ts, because the
// inventory's reader brings the YAML parser and the schema, which --help must not load.

import { loadInventory, selectNodes } from '../../inventory/load.js';
import { splitIds } from '../options.js';

/** The inventory and the nodes a --nodes list picks from it (all when none is given). */
export async function inventoryAndNodes(file: string, ids?: unknown) {
  const inv = await loadInventory(file);
  return { inv, nodes: selectNodes(inv, splitIds(ids)) };
}
