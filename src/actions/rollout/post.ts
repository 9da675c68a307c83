// The post step: whatever happened to the main step, remove the private directory that held
// the SSH key, known_hosts and control sockets. A failure here is only a warning.

import { rm } from 'node:fs/promises';
import * as core from '@actions/core';

const dir = core.getState('raftroll-private-dir');
if (dir) {
  try {
    await rm(dir, { recursive: true, force: true });
    core.info('removed the SSH key material of this run');
  } catch (e) {
    core.warning(`could not remove ${dir}: ${(e as Error).message}`);
  }
}
