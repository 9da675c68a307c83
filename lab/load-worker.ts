// The write load: unique keys through the engine's client API, one writer per lane (each
// lane's keys land in one Raft group), each one write at a time, failing over between its
// endpoints and retrying until acknowledged. Every acknowledged write goes to the journal with
// its time and group, which is what `lab load check` holds the cluster to.
// Usage: load-worker.js <engine> <journal> <rate/s, over all lanes> <lanes as JSON>

import { createWriteStream } from 'node:fs';
import type { LoadLane } from './engine.js';
import { engineNamed } from './engines/registry.js';

const [engineName = '', journalPath = '', rateArg, lanesArg = ''] = process.argv.slice(2);
const usage = () => {
  console.error(
    `load-worker: got "${process.argv.slice(2).join(' ')}": expected <engine> <journal> <rate/s> <lanes as JSON>`,
  );
  process.exit(2);
};
let lanes: LoadLane[] = [];
try {
  lanes = JSON.parse(lanesArg);
} catch {
  usage();
}
const rate = Number(rateArg);
if (!journalPath || !(rate > 0) || !Array.isArray(lanes) || lanes.length === 0) usage();
if (lanes.some((l) => !l.prefix || l.endpoints.length === 0)) usage();
const api = engineNamed(engineName).api;
const journal = createWriteStream(journalPath, { flags: 'a' });
let stop = false;
process.on('SIGTERM', () => {
  stop = true;
});

async function writeLane({ group, prefix, endpoints }: LoadLane): Promise<void> {
  let ep = 0;
  let seq = 0;
  const gap = (1000 * lanes.length) / rate;
  let next = Date.now();
  while (!stop) {
    const key = `${prefix}${String(seq).padStart(9, '0')}`;
    const endpoint = endpoints[ep]!;
    const sent = Date.now();
    try {
      await api.put(endpoint, key, String(sent), 1000);
      journal.write(`${JSON.stringify({ k: key, g: group, t: Date.now(), s: sent })}\n`);
      seq++;
    } catch (e) {
      // Not acknowledged: try the same key on the next endpoint. A put of the same key and
      // value twice is harmless, so an ambiguous failure cannot corrupt the check.
      journal.write(
        `${JSON.stringify({ e: String((e as Error).message ?? e), g: group, ep: endpoint, t: Date.now() })}\n`,
      );
      ep = (ep + 1) % endpoints.length;
    }
    next += gap;
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else next = Date.now();
  }
}

await Promise.all(lanes.map(writeLane));
journal.end(() => process.exit(0));
