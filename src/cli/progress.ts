// The terminal renderer: one progress line per event, as it happens.

import type { Events } from '../events/events.js';
import { progressLine } from '../events/report.js';

export function printProgress(events: Events): void {
  const t0 = Date.now();
  events.on((e) => {
    const line = progressLine(e, t0);
    if (line) process.stdout.write(`${line}\n`);
  });
}
