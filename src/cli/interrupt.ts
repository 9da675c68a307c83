// Ctrl-C once: finish (or roll back) the current node, then stop. Twice: stop now.

export function onInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const handler = () => {
    if (abort.signal.aborted) {
      process.stderr.write(
        'raftroll: second interrupt: stopping now; the current node may be half-done (check it with raftroll status)\n',
      );
      process.exit(130);
    }
    process.stderr.write(
      'raftroll: interrupt: finishing (or rolling back) the current node, then stopping. Press Ctrl-C again only if you accept a half-done node.\n',
    );
    abort.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
