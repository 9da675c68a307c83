export function walrefBinary(): string;
export function walref<T = unknown>(cmd: string, dir: string, ...args: string[]): T;
