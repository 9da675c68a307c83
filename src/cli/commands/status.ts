// raftroll status: one line per node, read only.

import type { Command } from 'commander';
import { type NodeView, observe } from '../../cluster/observe.js';
import { ClusterSession } from '../../cluster/session.js';
import { EXIT, ExitError, print } from '../exit.js';
import { inventoryAndNodes, inventoryOption, nodesOption } from '../options.js';
import { statusLine } from '../status-text.js';

/** Container env values can be secrets: JSON output keeps GOMEMLIMIT and only the names of the rest. */
function redactEnv<T extends { container?: { env: Record<string, string> } }>(v: T): T {
  if (!v.container) return v;
  const env = Object.fromEntries(
    Object.entries(v.container.env).map(([k, x]) => [k, k === 'GOMEMLIMIT' ? x : '(set)']),
  );
  return { ...v, container: { ...v.container, env } };
}

/** Each group flat in the JSON: what an operator compares across nodes. */
export function withGroups(v: NodeView) {
  if (!v.groups) return v;
  const groups = v.groups.map((g) => ({
    id: g.id,
    role: g.raft?.role,
    leaderId: g.raft?.leaderId,
    term: g.raft?.term,
    commitIndex: g.raft?.commitIndex,
    appliedIndex: g.raft?.appliedIndex,
    lag: g.lag,
    ...(g.raftError ? { error: g.raftError } : {}),
  }));
  return { ...v, groups };
}

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'one line per node: reachable, container, image, memory settings, Raft role, indexes and lag',
    )
    .addOption(inventoryOption().makeOptionMandatory())
    .addOption(nodesOption())
    .option('--json', 'print the observation as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every node answered, 1 some node is unreachable or has no Raft status, 2 bad input.',
    )
    .action(async (o: { inventory: string; nodes?: string; json?: boolean }) => {
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
    });
}
