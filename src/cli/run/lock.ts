// What `raftroll lock status|release` do once chosen: read or give back the lock on every host.

import { writeFile } from 'node:fs/promises';
import { ClusterSession } from '../../cluster/session.js';
import { lockReport, ReleaseRefused, releaseLock } from '../../remediate/lock-release.js';
import { EXIT, ExitError, print } from '../exit.js';
import { inventoryAndNodes } from './inventory.js';

export type Opts = { inventory: string; json?: boolean; jsonReport?: string; force?: boolean };

async function report(o: Opts, value: unknown): Promise<void> {
  if (o.jsonReport)
    await writeFile(o.jsonReport, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export async function statusAction(o: Opts): Promise<void> {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  try {
    const r = await lockReport(session);
    const value = { held: r.held, hosts: r.hosts, unknownNodes: r.unknownNodes };
    await report(o, value);
    print(!!o.json, value, r.lines.join('\n'));
    if (r.unreachable.length) throw new ExitError(EXIT.failed, 'some host could not be reached');
    if (r.held) throw new ExitError(EXIT.held, '');
  } finally {
    await session.close();
  }
}

export async function releaseAction(o: Opts): Promise<void> {
  const { inv } = await inventoryAndNodes(o.inventory);
  const session = await ClusterSession.open(inv);
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    if (!o.json) process.stdout.write(`${l}\n`);
  };
  try {
    const { released } = await releaseLock(session, { force: o.force, say }).catch((e: unknown) => {
      if (e instanceof ReleaseRefused) throw new ExitError(EXIT.failed, e.message);
      throw e;
    });
    await report(o, { released, lines });
    if (o.json) print(true, { released, lines }, '');
  } finally {
    await session.close();
  }
}
