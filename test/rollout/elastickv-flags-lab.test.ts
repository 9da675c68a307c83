// The deploy script's S3, SQS and admin settings on the elastickv-shaped lab (the stand-in, not
// elastickv): the plan shows the flags in the script's order, the read-only bind mounts, and the
// check that every host holds the files, which stops the plan naming the node and the path.
//
// The settings come through the inventory's `elastickv:` section, the same resolution that
// `--from-script-env` maps the script's variables onto (table-tested in test/inventory/). The lab's
// hosts share one filesystem, so a file is present on all of them or on none.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INVENTORY } from '../../lab/config.js';
import { lab, labContainer, raftroll } from '../helpers/lab.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

// Outside every lab directory, so that `lab down` never takes it for its own.
const FILES = '/etc/raftroll-lab-flags';
const S3 = `${FILES}/s3.json`;
const SQS = `${FILES}/sqs.json`;
const SIGNING = `${FILES}/admin-signing.key`;

let inventory: string;

beforeAll(() => {
  lab('down');
  lab('up', '--engine', 'elastickv', '--groups', '3');
  const inv = parse(readFileSync(INVENTORY, 'utf8'));
  // The script's own argument list (the preset) instead of the lab's explicit one. The preset
  // names one group; the lab runs three, so the inventory lists them (their WAL directories are
  // checked, and a group it left out would be warned about).
  delete inv.container.args;
  inv.groups = [1, 2, 3].map((id) => ({ id, port: 39100 + id }));
  inv.elastickv = {
    s3: { credentialsFile: S3, region: 'eu-west-1' },
    sqs: { enabled: true, credentialsFile: SQS },
    admin: { enabled: true, signingKeyFile: SIGNING, fullAccessKeys: ['AKIALAB'] },
  };
  inventory = join(tmp(), 'inventory.yml');
  writeFileSync(inventory, stringify(inv));
}, 300_000);

afterAll(() => {
  rmSync(FILES, { recursive: true, force: true });
  lab('down');
  cleanupTmp();
}, 120_000);

const plan = () => raftroll(['plan', '--inventory', inventory, '--image-tag', 'b']);
const started = () => [1, 2, 3].map((i) => labContainer(i).startedAt);

it('stops the plan, naming the node and the path, while a credentials file is missing', () => {
  rmSync(FILES, { recursive: true, force: true });
  mkdirSync(FILES, { recursive: true });
  writeFileSync(SQS, '{}');
  writeFileSync(SIGNING, 'k'.repeat(32));
  const before = started();
  const r = plan();
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(r.stderr).toMatch(
    /n\d: refused: \/etc\/raftroll-lab-flags\/s3\.json \(mounted read-only into the container\) does not exist or is not readable on 127\.0\.1\.\d/,
  );
  expect(started()).toEqual(before);
});

it('shows the S3, SQS and admin flags and the read-only mounts once every file is there', () => {
  writeFileSync(S3, '{}');
  const before = started();
  const r = plan();
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const runs = r.stdout.split('\n').filter((l) => /^ {4}docker run /.test(l));
  expect(runs).toHaveLength(3);
  for (const line of runs) {
    for (const f of [S3, SQS, SIGNING]) expect(line).toContain(`--volume ${f}:${f}:ro`);
    expect(line).toMatch(/--s3Address 127\.0\.1\.\d:9000 --s3Region eu-west-1 .*--raftS3Map /);
    expect(line).toContain(`--s3CredentialsFile ${S3}`);
    expect(line).toMatch(/--sqsAddress 127\.0\.1\.\d:9324 --sqsRegion us-east-1 --raftSqsMap /);
    expect(line).toContain(`--sqsCredentialsFile ${SQS}`);
    expect(line).toContain(`--adminEnabled --adminSessionSigningKeyFile ${SIGNING}`);
    expect(line).toContain('--adminFullAccessKeys AKIALAB');
  }
  expect(started()).toEqual(before);
});
