// The target image on every host: pulled before the first node is touched (no node waits on a
// download), and its ID per host, looked up once (an image does not change during a run).

import type { ClusterSession } from '../cluster/session.js';
import type { Events } from '../events/events.js';
import { StepError } from '../node/errors.js';
import * as docker from '../runtime/docker.js';

export class TargetImage {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly session: ClusterSession,
    readonly image: string,
  ) {}

  private host(id: string) {
    return this.session.host(this.session.inv.nodes.find((n) => n.id === id)!);
  }

  /** The image's ID on a node's host, or '' when the host does not have it. */
  async idOn(id: string): Promise<string> {
    const known = this.ids.get(id);
    if (known) return known;
    const r = await this.host(id).run(docker.inspectImage(this.image), { allowFailure: true });
    const found = r.code === 0 ? r.stdout.trim() : '';
    if (found) this.ids.set(id, found);
    return found;
  }

  async pullEverywhere(order: string[], events: Events): Promise<void> {
    await Promise.all(
      order.map(async (id) => {
        const have = await this.idOn(id);
        if (!have) {
          const r = await this.host(id).run(docker.pullImage(this.image), {
            allowFailure: true,
            timeoutMs: 900_000,
          });
          if (r.code !== 0)
            throw new StepError(
              `${id}: cannot pull ${this.image}: ${r.stderr.trim()}; nothing was touched`,
              id,
              'observe',
            );
        }
        events.emit({ type: 'pull', at: Date.now(), node: id, image: this.image, pulled: !have });
      }),
    );
  }
}
