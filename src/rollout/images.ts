// The target image on every host: pulled before the first node is touched (no node waits on a
// download), and its ID per host, looked up once (an image does not change during a run).

import type { ClusterSession } from '../cluster/session.js';
import type { Events } from '../events/events.js';
import { StepError } from '../node/errors.js';
import * as docker from '../runtime/docker.js';

export class TargetImage {
  /** Asked once per host; an answer of '' (not there yet) is asked again, after a pull. */
  private readonly ids = new Map<string, Promise<string>>();

  constructor(
    private readonly session: ClusterSession,
    readonly image: string,
  ) {}

  private host(id: string) {
    return this.session.host(this.session.inv.nodes.find((n) => n.id === id)!);
  }

  /** The image's ID on a node's host, or '' when the host does not have it. */
  idOn(id: string): Promise<string> {
    const known = this.ids.get(id);
    if (known) return known;
    const asked = this.host(id)
      .run(docker.inspectImage(this.image), { allowFailure: true })
      .then((r) => (r.code === 0 ? r.stdout.trim() : ''));
    this.ids.set(id, asked);
    asked.then(
      (found) => {
        if (!found) this.ids.delete(id);
      },
      () => this.ids.delete(id),
    );
    return asked;
  }

  /**
   * Why a host that lacks the image could not pull it, or undefined: its registry is asked for
   * the manifest (nothing is downloaded), with the host's own network and credentials.
   */
  async pullProblem(id: string): Promise<string | undefined> {
    if (await this.idOn(id)) return undefined;
    const r = await this.host(id).run(docker.inspectManifest(this.image), {
      allowFailure: true,
      timeoutMs: 60_000,
    });
    return r.code === 0 ? undefined : pullFailure(this.image, r.stderr);
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
              `${id}: ${pullFailure(this.image, r.stderr)}; nothing was touched`,
              id,
              'observe',
            );
        }
        events.emit({ type: 'pull', at: Date.now(), node: id, image: this.image, pulled: !have });
      }),
    );
  }
}

/** A failed pull or manifest lookup in words that say what is wrong, then Docker's own. */
export function pullFailure(image: string, stderr: string): string {
  const said = stderr.trim().split('\n').filter(Boolean).at(-1) ?? 'no message';
  const why =
    /manifest unknown|manifest for .* not found|no such manifest|not found: manifest/i.test(stderr)
      ? `the tag of ${image} does not exist in its registry: check the tag`
      : /unauthorized|denied|authentication required|no basic auth/i.test(stderr)
        ? `the registry refuses ${image}: check the repository name, or log the host in (docker login)`
        : /no such host|lookup |dial tcp|i\/o timeout|connection refused|TLS handshake timeout/i.test(
              stderr,
            )
          ? `the registry of ${image} cannot be reached from this host`
          : `cannot pull ${image}`;
  return `${why} (docker: ${said})`;
}
