// How a command ends: the exit codes every command shares, and printing text or JSON.

export const EXIT = { ok: 0, failed: 1, usage: 2, torn: 3, refused: 4, interrupted: 130 } as const;

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
