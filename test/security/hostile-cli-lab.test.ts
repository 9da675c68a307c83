// Hostile input through the CLI, against the lab's real sshd and Docker engines: each row is
// refused before any node is touched, or delivered literally. After every row: no marker file
// exists (the lab's hosts share this machine's filesystem, so one look covers them all), no
// container was restarted by a refused run, and the secret never appears in what raftroll printed
// or wrote.

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freshLab, LAB, lab, labContainer, raftroll } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const INVENTORY = join(LAB, 'inventory.yml');
const SECRET = 'hunter2-Sekr1t-value';
const MARK = '/tmp/raftroll-pwned';
const marks = () => readdirSync('/tmp').filter((n) => n.startsWith('raftroll-pwned'));
const started = () => [1, 2, 3].map((i) => labContainer(i).startedAt);

interface Inv {
  container: { dataDir: string; name: string };
  ssh?: Record<string, unknown>;
  nodes: { host: string; ssh?: string }[];
}

function inventoryWith(change: (inv: Inv) => void): string {
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  change(inv);
  const file = join(tmp(), 'inventory.yml');
  writeFileSync(file, stringify(inv));
  return file;
}

function run(args: string[]) {
  const report = join(tmp(), 'report.json');
  const r = raftroll([...args, '--etcd', '3.4', '--stabilize', '1', '--json-report', report]);
  const written = existsSync(report) ? readFileSync(report, 'utf8') : '';
  return { code: r.status, out: r.stdout, err: r.stderr, written };
}

beforeAll(() => {
  for (const m of marks()) rmSync(join('/tmp', m), { force: true });
  freshLab();
}, 240_000);
afterAll(() => {
  lab('down');
  cleanupTmp();
}, 120_000);

interface Row {
  what: string;
  args: () => string[];
  /** What the error must say (the thing named, what was expected). */
  refused: RegExp;
}

const roll = (inv = INVENTORY, ...more: string[]) => ['roll', '--inventory', inv, ...more];

const ROWS: Row[] = [
  {
    what: 'an image with an option after it',
    args: () => roll(INVENTORY, '--image', 'raftroll-lab/etcd:b --privileged'),
    refused: /image/,
  },
  {
    what: 'a tag with a shell command',
    args: () => roll(INVENTORY, '--image-tag', `b;touch ${MARK}-1`),
    refused: /image/,
  },
  {
    what: 'an env line without "=" holding a secret',
    args: () => roll(INVENTORY, '--image-tag', 'b', '--extra-env', `GOOD=1\n${SECRET}`),
    refused: /line 2/,
  },
  {
    what: 'a GOMEMLIMIT with decimals',
    args: () => roll(INVENTORY, '--image-tag', 'b', '--default-env', 'GOMEMLIMIT=1.5GiB'),
    refused: /GOMEMLIMIT/,
  },
  {
    what: 'a memory limit past any machine',
    args: () => roll(INVENTORY, '--image-tag', 'b', '--memory', '99999999999999g'),
    refused: /memory/,
  },
  {
    what: 'a data directory that find would read as an expression',
    args: () =>
      roll(
        inventoryWith((inv) => {
          inv.container.dataDir = '-delete';
        }),
        '--image-tag',
        'b',
      ),
    refused: /dataDir/,
  },
  {
    what: 'an ssh user ssh would read as an option',
    args: () =>
      roll(
        inventoryWith((inv) => {
          inv.ssh = { ...inv.ssh, user: `-oProxyCommand=touch ${MARK}-2` };
        }),
        '--image-tag',
        'b',
      ),
    refused: /user/,
  },
  {
    what: 'a container name with a shell command',
    args: () =>
      roll(
        inventoryWith((inv) => {
          inv.container.name = `etcd;touch ${MARK}-3`;
        }),
        '--image-tag',
        'b',
      ),
    refused: /name/,
  },
  {
    what: 'two nodes on one host',
    args: () =>
      roll(
        inventoryWith((inv) => {
          inv.nodes[1]!.host = inv.nodes[0]!.host;
          inv.nodes[1]!.ssh = inv.nodes[0]!.ssh;
        }),
        '--image-tag',
        'b',
      ),
    refused: /n1.*n2|n2.*n1/,
  },
  {
    what: 'a catch-up timeout of zero',
    args: () => roll(INVENTORY, '--image-tag', 'b', '--catch-up-timeout', '0'),
    refused: /--catch-up-timeout is "0"/,
  },
];

describe('hostile input through the CLI', () => {
  it.each(ROWS.map((r) => [r.what, r] as const))('refuses %s before touching a node', (_, row) => {
    const before = started();
    const r = run(row.args());
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toMatch(row.refused);
    expect(started()).toEqual(before);
    expect(marks()).toEqual([]);
    for (const text of [r.out, r.err, r.written]) expect(text).not.toContain(SECRET);
  });

  it('delivers shell text in an env value literally, and keeps the secret out of every output', () => {
    const nasty = `$(touch ${MARK}-4) \`touch ${MARK}-5\`; touch ${MARK}-6 ${SECRET}`;
    const file = join(tmp(), 'extra.env');
    writeFileSync(file, `RAFTROLL_PROBE=${nasty}\n`, { mode: 0o600 });
    const r = run(roll(INVENTORY, '--image-tag', 'b', '--nodes', 'n1', '--extra-env-file', file));
    expect(r.code, r.out + r.err).toBe(0);
    expect(labContainer(1).env).toContain(`RAFTROLL_PROBE=${nasty}`);
    expect(marks()).toEqual([]);
    for (const text of [r.out, r.err, r.written]) expect(text).not.toContain(SECRET);
  }, 120_000);
});
