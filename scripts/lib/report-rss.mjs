// Preloaded with `node --import` by the benchmarks: reports the process's peak RSS on exit.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nRAFTROLL_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
