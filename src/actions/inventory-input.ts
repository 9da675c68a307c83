// The inventory input of the cluster actions: a path in the repository, or the inventory itself
// (YAML) when the value spans several lines.

import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { type Inventory, loadInventory, parseInventory } from '../inventory/load.js';

/** `baseDir` holds the scratch folder an inline inventory is named after (for messages). */
export async function inventoryFromInput(value: string, baseDir: string): Promise<Inventory> {
  if (!value.includes('\n')) return loadInventory(value.trim());
  const dir = await mkdtemp(join(baseDir, 'raftroll-inventory-'));
  return parseInventory(value, join(dir, 'inventory.yml'));
}
