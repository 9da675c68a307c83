// The one place in raftroll where an argv array becomes a shell command line. ssh hands the
// remote side a single string that the user's login shell parses, so every word is quoted
// here, once, and nowhere else.

export class QuoteError extends Error {
  override name = 'QuoteError';
}

/**
 * POSIX single quoting: inside '...' nothing is special, so the only character to handle is
 * the single quote itself ('\'' closes, adds a literal quote, reopens). NUL cannot be carried
 * by any shell or argv at all, so it is refused rather than silently truncated.
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new QuoteError(
      `argument ${JSON.stringify(arg.slice(0, 40))} contains a NUL byte, which no command line can carry`,
    );
  }
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** An argv array as one command line for a POSIX shell. */
export function quoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new QuoteError('empty command: expected at least the program name');
  return argv.map(quoteArg).join(' ');
}
