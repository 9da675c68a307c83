// A cancelled workflow sends SIGINT, then SIGTERM a few seconds later, then kills the process.
// Either signal asks the run to begin no other node; the step in flight is finished if GitHub
// leaves it the time, and the next diagnosis shows whatever a kill left behind.

import * as core from '@actions/core';

export function cancelSignal(): AbortSignal {
  const abort = new AbortController();
  const stop = (sig: string) => () => {
    core.warning(
      `${sig}: no further node will be started; the current one is being finished, which GitHub may cut short`,
    );
    abort.abort();
  };
  process.once('SIGINT', stop('SIGINT'));
  process.once('SIGTERM', stop('SIGTERM'));
  return abort.signal;
}
