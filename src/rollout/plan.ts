// The dry run: for each node, what a roll would do (the exact docker argv) and what it would
// find (reachability, free disk, the image, the guard's answer now). Touches nothing.

import type { NodeView } from '../cluster/observe.js';
import type { NodeRow } from '../events/events.js';
import type { RunContext } from '../node/context.js';
import { previousName } from '../node/spec.js';
import { quoteCommand } from '../remote/quote.js';
import { freeBytes } from '../runtime/disk.js';
import * as docker from '../runtime/docker.js';
import type { TargetImage } from './images.js';
import { type Blocker, walLayout } from './preflight.js';

export async function planRows(
  run: RunContext,
  order: string[],
  views: NodeView[],
  image: TargetImage,
  specOf: (id: string, v: NodeView) => docker.RunSpec,
  found: { skip: Set<string>; blockers: Blocker[] },
): Promise<NodeRow[]> {
  const { session, t } = run;
  const dataDir = session.inv.container.dataDir;
  const rows: NodeRow[] = [];
  for (const id of order) {
    const v = views.find((x) => x.id === id)!;
    const spec = specOf(id, v);
    const host = session.host(session.inv.nodes.find((n) => n.id === id)!);
    const disk = await freeBytes(host, dataDir);
    const imageId = await image.idOn(id);
    const refusals = found.blockers.filter((b) => b.node === id).map((b) => b.why);
    const skipped = found.skip.has(id);
    const layoutWarnings = v.reachable ? (await walLayout(session, id)).warnings : [];
    for (const message of layoutWarnings)
      run.events.emit({ type: 'warning', at: Date.now(), node: id, message });
    const actions = skipped
      ? []
      : [
          ...(v.raft?.role === 'leader'
            ? ['transfer leadership to the most caught-up healthy follower']
            : []),
          quoteCommand(docker.stopContainer(spec.name, t.stopGraceSeconds)),
          `verify the WAL under ${dataDir} (repair only a torn tail)`,
          quoteCommand(docker.renameContainer(spec.name, previousName(spec.name))),
          `${quoteCommand(docker.runContainer(spec))}   # env: ${Object.keys(spec.env).join(', ') || 'none'} (values from a root-only file)`,
          `wait until caught up (lag <= ${t.maxLag}) in three samples in a row${t.stabilizeMs ? `, and for at least ${t.stabilizeMs} ms` : ''}`,
        ];
    const notes = [
      v.reachable ? '' : `unreachable: ${v.error}`,
      'free' in disk
        ? `${Math.round(disk.free / 2 ** 20)} MiB free for the data dir`
        : `data dir: ${disk.error}`,
      imageId ? 'image present' : `image not present on the host; it will be pulled`,
      ...layoutWarnings.map((w) => `warning: ${w}`),
      skipped
        ? 'image and configuration unchanged, caught up: it would be skipped'
        : refusals.length
          ? refusals.map((why) => `a roll would refuse now: ${why}`).join('; ')
          : 'quorum guard passes',
    ].filter(Boolean);
    rows.push({
      node: id,
      result: 'planned',
      roleBefore: v.raft?.role ?? 'unknown',
      imageBefore: v.container?.image ?? 'none',
      imageAfter: image.image,
      wal: 'not checked (dry run)',
      handover: v.raft?.role === 'leader' ? 'planned' : 'not needed',
      finalLag: v.lag,
      message: notes.join('; '),
      actions,
    });
  }
  return rows;
}
