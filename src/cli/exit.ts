// How a command ends: the exit codes every command shares, and printing text or JSON.

/**
 * The same numbers in every command: 0 ok, 1 failed or refused, 2 bad input, 3 a state that
 * needs a look but is no failure (a torn WAL tail, a held lock), 4 a WAL repair refused,
 * 130 interrupted.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  torn: 3,
  held: 3,
  refused: 4,
  interrupted: 130,
} as const;

export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}
