// What `raftroll status` does once chosen: observe every node over SSH and print one line each.

import { observe } from '../../cluster/observe.js';
import { ClusterSession } from '../../cluster/session.js';
import { EXIT, ExitError, print } from '../exit.js';
import { redactEnv, withGroups } from '../status-json.js';
import { statusLine } from '../status-text.js';
import { inventoryAndNodes } from './inventory.js';

export async function statusAction(o: { inventory: string; nodes?: string; json?: boolean }) {
  const { inv, nodes } = await inventoryAndNodes(o.inventory, o.nodes);
  const session = await ClusterSession.open(inv);
  try {
    const views = await observe(session, nodes);
    print(
      !!o.json,
      views.map((v) => withGroups(redactEnv(v))),
      views.map(statusLine).join('\n'),
    );
    if (views.some((v) => !v.reachable || !v.raft)) throw new ExitError(EXIT.failed, '');
  } finally {
    await session.close();
  }
}
