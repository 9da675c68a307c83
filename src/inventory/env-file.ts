// ROLLING_UPDATE_ENV_FILE, which rolling-update.sh sources. raftroll reads it instead: a file of
// KEY=VALUE assignments with the shell's quoting, and nothing that would need a shell to run
// (expansions, command substitution, commands). Anything else is refused by line, because
// guessing what a shell would have made of it could deploy a different value.

import { InventoryError } from './load.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const ENV_FILE_RULES =
  'only KEY=VALUE lines (optionally after "export "), # comments, and values that are bare words, ' +
  '\'single-quoted\' or "double-quoted" (may span lines); no $ expansion, `commands`, $(...), ~ or other shell statements';

function refuse(file: string, line: number, why: string): never {
  throw new InventoryError(
    `${file}, line ${line}: ${why}; the file is read, never run: ${ENV_FILE_RULES}`,
  );
}

/** Assignments in file order; a later one for the same key replaces the earlier, as in a shell. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  let line = 1;
  const n = text.length;
  const at = () => text[i];
  const skipBlanks = () => {
    while (i < n && (at() === ' ' || at() === '\t' || at() === '\r')) i++;
  };
  const skipComment = () => {
    while (i < n && at() !== '\n') i++;
  };
  while (i < n) {
    skipBlanks();
    if (i >= n) break;
    if (at() === '\n') {
      i++;
      line++;
      continue;
    }
    if (at() === '#') {
      skipComment();
      continue;
    }
    const start = line;
    let end = i;
    while (end < n && /[A-Za-z0-9_]/.test(text[end]!)) end++;
    let name = text.slice(i, end);
    if (name === 'export' && (text[end] === ' ' || text[end] === '\t')) {
      i = end;
      skipBlanks();
      end = i;
      while (end < n && /[A-Za-z0-9_]/.test(text[end]!)) end++;
      name = text.slice(i, end);
    }
    if (!NAME.test(name) || text[end] !== '=')
      refuse(file, start, 'expected a KEY=VALUE assignment');
    i = end + 1;
    let value = '';
    // One shell word: bare, quoted and escaped pieces run together until unquoted blank or newline.
    while (i < n && !' \t\r\n'.includes(at()!)) {
      const c = at()!;
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        if (close < 0) refuse(file, start, `the ' quote of ${name} is never closed`);
        const piece = text.slice(i + 1, close);
        line += piece.split('\n').length - 1;
        value += piece;
        i = close + 1;
      } else if (c === '"') {
        i++;
        for (;;) {
          if (i >= n) refuse(file, start, `the " quote of ${name} is never closed`);
          const d = at()!;
          if (d === '"') {
            i++;
            break;
          }
          if (d === '\\') {
            const e = text[i + 1];
            if (e === '\n') {
              line++;
              i += 2;
            } else if (e !== undefined && '$`"\\'.includes(e)) {
              value += e;
              i += 2;
            } else {
              value += d;
              i++;
            }
            continue;
          }
          if (d === '$' || d === '`')
            refuse(file, line, `${name} uses ${d === '$' ? '$ expansion' : 'a `command`'}`);
          if (d === '\n') line++;
          value += d;
          i++;
        }
      } else if (c === '\\') {
        const e = text[i + 1];
        if (e === undefined) refuse(file, line, `${name} ends in a lone backslash`);
        if (e === '\n') line++;
        else value += e;
        i += 2;
      } else if (c === '$' || c === '`') {
        refuse(file, line, `${name} uses ${c === '$' ? '$ expansion' : 'a `command`'}`);
      } else if (c === '~' && value === '' && text[i - 1] === '=') {
        refuse(file, line, `${name} starts with ~, which a shell would expand`);
      } else if ('|&;<>()'.includes(c)) {
        refuse(file, line, `${name} has an unquoted ${JSON.stringify(c)}, which a shell would run`);
      } else {
        value += c;
        i++;
      }
    }
    skipBlanks();
    if (i < n && at() === '#') skipComment();
    else if (i < n && at() !== '\n')
      refuse(file, line, `more follows the value of ${name} (a second word or a command)`);
    out[name] = value;
  }
  return out;
}
