// The lab as a module, for scripts that drive its nodes directly (the rollout benchmark).
// Bundled as its own entry point; the CLI is main.ts.

export { runNode } from './cluster.js';
export { hostIp } from './config.js';
export { docker } from './docker.js';
export { labEngine } from './engines/registry.js';
export { requireLab } from './state.js';
