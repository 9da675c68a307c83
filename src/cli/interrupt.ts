// Ctrl-C once: finish (or roll back) the current node, then stop. Ctrl-C twice: stop now.
// SIGTERM (a supervisor, or a cancelled CI job after its SIGINT) only asks to stop: it never
// cuts a node short by itself, since whatever sends it may still allow the node its time; a
// kill that follows leaves the lock and its journal saying where things stand.

export function onInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  let interrupts = 0;
  const stop = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT') interrupts++;
    if (interrupts >= 2) {
      process.stderr.write(
        'raftroll: second interrupt: stopping now; the current node may be half-done (raftroll lock status shows where)\n',
      );
      process.exit(130);
    }
    if (abort.signal.aborted) {
      process.stderr.write(`raftroll: ${signal}: still finishing the current node\n`);
      return;
    }
    process.stderr.write(
      `raftroll: ${signal === 'SIGINT' ? 'interrupt' : signal}: finishing (or rolling back) the current node, then stopping.${signal === 'SIGINT' ? ' Press Ctrl-C again only if you accept a half-done node.' : ''}\n`,
    );
    abort.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
