// A cancelled workflow sends SIGINT, then SIGTERM. Either one asks the run to finish (or roll
// back) the node it is working on and then stop, never to leave a node half-done.

import * as core from '@actions/core';

export function cancelSignal(): AbortSignal {
  const abort = new AbortController();
  const stop = (sig: string) => () => {
    core.warning(`${sig}: finishing the current node, then stopping`);
    abort.abort();
  };
  process.once('SIGINT', stop('SIGINT'));
  process.once('SIGTERM', stop('SIGTERM'));
  return abort.signal;
}
