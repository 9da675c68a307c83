// The write load: unique keys, one at a time, through the engine's client API, failing over
// between endpoints and retrying until acknowledged. Every acknowledged write goes to the
// journal with its time, which is what `lab load check` holds the cluster to.
// Usage: load-worker.js <engine> <journal> <prefix> <rate/s> <endpoint>...

import { createWriteStream } from 'node:fs';
import { engineNamed } from './engines/registry.js';

const [engineName = '', journalPath = '', prefix = '', rateArg, ...endpoints] =
  process.argv.slice(2);
const api = engineNamed(engineName).api;
const rate = Number(rateArg);
if (!journalPath || !prefix || !(rate > 0) || endpoints.length === 0) {
  console.error(
    `load-worker: got "${process.argv.slice(2).join(' ')}": expected <engine> <journal> <prefix> <rate/s> <endpoint>...`,
  );
  process.exit(2);
}
const journal = createWriteStream(journalPath, { flags: 'a' });
let stop = false;
process.on('SIGTERM', () => {
  stop = true;
});

let ep = 0;
let seq = 0;
const gap = 1000 / rate;
let next = Date.now();
while (!stop) {
  const key = `${prefix}${String(seq).padStart(9, '0')}`;
  const endpoint = endpoints[ep]!;
  const sent = Date.now();
  try {
    await api.put(endpoint, key, String(sent), 1000);
    journal.write(`${JSON.stringify({ k: key, t: Date.now(), s: sent })}\n`);
    seq++;
  } catch (e) {
    // Not acknowledged: try the same key on the next endpoint. A put of the same key and
    // value twice is harmless, so an ambiguous failure cannot corrupt the check.
    journal.write(
      `${JSON.stringify({ e: String((e as Error).message ?? e), ep: endpoint, t: Date.now() })}\n`,
    );
    ep = (ep + 1) % endpoints.length;
  }
  next += gap;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  else next = Date.now();
}
journal.end(() => process.exit(0));
