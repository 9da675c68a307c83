#!/usr/bin/env node
// npm run lab -- <command>: the lab's entry point. The lab is TypeScript (lab/); this builds
// its bundle when the sources changed and runs it in this same process.
import { buildLab, LAB_BUILD } from './build.mjs';

await buildLab({ quiet: true, ifStale: true });
await import(`${LAB_BUILD}/main.js`);
