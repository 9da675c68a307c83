// raftroll roll's input checks that need no cluster: they fail before any connection is made
// (the hosts are in a reserved domain that never resolves).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ROOT } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

afterAll(cleanupTmp);

function roll(...args: string[]) {
  const dir = tmp();
  const inventory = join(dir, 'inventory.yml');
  writeFileSync(
    inventory,
    stringify({
      engine: 'etcd',
      etcdVersion: '3.5',
      nodes: ['n1', 'n2', 'n3'].map((id) => ({ id, host: `${id}.raftroll.invalid` })),
      container: { name: 'etcd', image: 'etcd:v1', dataDir: '/var/lib/etcd' },
    }),
  );
  return spawnSync(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), 'roll', '--inventory', inventory, '--image-tag', 'v2', ...args],
    { encoding: 'utf8', timeout: 30_000 },
  );
}

it('takes extra env from a file or from argv, not both, and names a missing file', () => {
  const both = roll('--extra-env', 'A=1', '--extra-env-file', '/nonexistent/x.env');
  expect(both.status).toBe(2);
  expect(both.stderr).toMatch(/give --extra-env or --extra-env-file, not both/);
  const missing = roll('--extra-env-file', join(tmp(), 'absent.env'));
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(
    /--extra-env-file .*absent\.env: no such file; expected a file of KEY=VALUE lines/,
  );
  const bad = join(tmp(), 'bad.env');
  writeFileSync(bad, 'NOT A PAIR\n');
  const r = roll('--extra-env-file', bad);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/extra env/);
});
