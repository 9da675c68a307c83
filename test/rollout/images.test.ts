// A pull that cannot work, in words that say what is wrong: Docker's messages as the daemon and
// the CLI print them.

import { describe, expect, it } from 'vitest';
import { pullFailure } from '../../src/rollout/images.js';

const image = 'ghcr.io/acme/kv:v9';

describe('pullFailure', () => {
  it.each([
    [
      'manifest unknown',
      'Error response from daemon: manifest unknown',
      /tag of .* does not exist/,
    ],
    [
      'a manifest not found',
      'Error response from daemon: manifest for ghcr.io/acme/kv:v9 not found: manifest unknown: manifest unknown',
      /tag of .* does not exist/,
    ],
    ['docker manifest inspect', 'no such manifest: ghcr.io/acme/kv:v9', /tag of .* does not exist/],
    ['a private registry', 'Error response from daemon: denied: denied', /refuses .*docker login/],
    ['no credentials', 'unauthorized: authentication required', /refuses/],
    [
      'no network',
      'dial tcp: lookup ghcr.io on 10.0.0.53:53: no such host',
      /cannot be reached from this host/,
    ],
  ])('names %s', (_, stderr, why) => {
    const m = pullFailure(image, stderr);
    expect(m).toMatch(why);
    expect(m).toContain(image);
    // Docker's own last line is kept, for the details.
    expect(m).toContain(`(docker: ${stderr})`);
  });

  it('falls back to the plain failure with Docker’s message', () => {
    expect(pullFailure(image, 'something else\nlast line\n')).toBe(
      `cannot pull ${image} (docker: last line)`,
    );
  });
});
