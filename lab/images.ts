// Lab images, built without any registry: a root filesystem holding one binary (and, for a
// dynamically linked one, the libraries ldd lists), imported into every host's engine under each tag (see IMAGE_TAGS).

import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { $ } from 'zx';
import { LAB } from './config.js';
import { docker } from './docker.js';
import { IMAGE_TAGS, type ImageTag, type LabEngine } from './engine.js';

/**
 * A tarball of a root filesystem holding `files` (host path -> path in the image), /tmp, and a
 * version marker file naming the tag, so each tag gets its own image ID.
 */
export async function packRootfs(
  engine: string,
  tag: ImageTag,
  files: ReadonlyMap<string, string>,
): Promise<string> {
  const dir = join(LAB, 'images', engine, tag);
  const tar = `${dir}.tar`;
  if (existsSync(tar)) return tar;
  rmSync(dir, { recursive: true, force: true });
  for (const [from, as] of files) {
    const to = join(dir, as);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  mkdirSync(join(dir, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'etc/raftroll-lab-version'), `${tag}\n`);
  await $({ quiet: true })`tar -C ${dir} -cf ${tar} .`;
  rmSync(dir, { recursive: true, force: true });
  return tar;
}

/**
 * A root filesystem holding `binary` (found on PATH) at `installAs`, with the shared libraries
 * ldd lists at their own paths.
 */
export async function rootfsWithBinary(
  engine: string,
  tag: ImageTag,
  binary: string,
  installAs: string,
): Promise<string> {
  const tar = join(LAB, 'images', engine, `${tag}.tar`);
  if (existsSync(tar)) return tar;
  const found = (await $({ quiet: true, nothrow: true })`command -v ${binary}`).stdout.trim();
  if (!found) throw new Error(`${binary} is not installed: run 'npm run setup' first`);
  const libs = (await $({ quiet: true })`ldd ${found}`).stdout.match(/\/\S+/g) ?? [];
  return packRootfs(
    engine,
    tag,
    new Map([[found, installAs], ...libs.map((l) => [l, l] as const)]),
  );
}

/** Imports any of the engine's images that host i's engine lacks. */
export async function ensureImages(i: number, engine: LabEngine): Promise<void> {
  for (const tag of IMAGE_TAGS) {
    const ref = engine.image(tag);
    const have = await docker(i, ['docker', 'image', 'inspect', ref], { nothrow: true });
    if (have.exitCode === 0) continue;
    const { tarball, changes } = await engine.imageSource(tag);
    await docker(i, ['docker', 'import', ...changes.flatMap((c) => ['--change', c]), tarball, ref]);
  }
}
