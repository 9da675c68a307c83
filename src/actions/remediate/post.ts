// The post step: whatever happened to the main step, remove the private directory that held
// the SSH key, known_hosts and control sockets (the rollout's post step, shared).

import { removePrivateDir } from '../private-dir.js';

await removePrivateDir();
