// The private directory of a run (SSH key, known_hosts, control sockets). The main step saves its
// path as state; the post step removes it whatever happened to the main step, even a kill.

import { rm } from 'node:fs/promises';
import * as core from '@actions/core';

export const STATE_DIR = 'raftroll-private-dir';

/** The post step's work. A failure here is only a warning. */
export async function removePrivateDir(): Promise<void> {
  const dir = core.getState(STATE_DIR);
  if (!dir) return;
  try {
    await rm(dir, { recursive: true, force: true });
    core.info('removed the SSH key material of this run');
  } catch (e) {
    core.warning(`could not remove ${dir}: ${(e as Error).message}`);
  }
}
