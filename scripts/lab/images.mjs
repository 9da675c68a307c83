// Lab images, built without any registry: a root filesystem holding Debian's etcd binary and
// the libraries ldd lists, imported into every host's engine under three tags.
//   :a and :b      the same etcd, with different version markers (so different image IDs)
//   :broken        exits at once with an error, for rollback tests

import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { $ } from 'zx';
import { IMAGE_REPO, LAB } from './config.mjs';
import { dockerRun } from './hosts.mjs';

export const TAGS = ['a', 'b', 'broken'];
export const image = (tag) => `${IMAGE_REPO}:${tag}`;

const building = new Map();

/** The image's root filesystem as a tarball, built once even when asked for concurrently. */
function rootfs(tag) {
  if (!building.has(tag)) building.set(tag, buildRootfs(tag));
  return building.get(tag);
}

async function buildRootfs(tag) {
  const dir = join(LAB, 'images', tag);
  const tar = `${dir}.tar`;
  if (existsSync(tar)) return tar;
  rmSync(dir, { recursive: true, force: true });
  const etcd = (await $({ quiet: true })`command -v etcd`).stdout.trim();
  const libs = (await $({ quiet: true })`ldd ${etcd}`).stdout.match(/\/\S+/g) ?? [];
  for (const f of [etcd, ...libs]) {
    const to = join(dir, f === etcd ? '/usr/bin/etcd' : f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(f, to);
  }
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  mkdirSync(join(dir, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'etc/raftroll-lab-version'), `${tag}\n`);
  await $({ quiet: true })`tar -C ${dir} -cf ${tar} .`;
  rmSync(dir, { recursive: true, force: true });
  return tar;
}

function changes(tag) {
  const entry =
    tag === 'broken' ? '["/usr/bin/etcd", "--raftroll-lab-broken-image"]' : '["/usr/bin/etcd"]';
  return [
    '--change',
    `ENTRYPOINT ${entry}`,
    '--change',
    `ENV RAFTROLL_LAB_IMAGE=${tag}`,
    '--change',
    `LABEL org.raftroll.lab.version=${tag}`,
  ];
}

/** Imports any missing lab image into host i's engine. */
export async function ensureImages(i) {
  for (const tag of TAGS) {
    const have = await dockerRun(i, ['image', 'inspect', image(tag)], { nothrow: true });
    if (have.exitCode === 0) continue;
    await dockerRun(i, ['import', ...changes(tag), await rootfs(tag), image(tag)]);
  }
}

export async function imageId(i, ref) {
  return (await dockerRun(i, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
}
