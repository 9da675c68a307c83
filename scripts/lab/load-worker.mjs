#!/usr/bin/env node
// The write load: unique keys, one at a time, through etcd's client API, failing over between
// endpoints and retrying until acknowledged. Every acknowledged write goes to the journal with
// its time, which is what `lab load check` holds the cluster to.
// Usage: load-worker.mjs <journal> <prefix> <rate/s> <endpoint>...

import { createWriteStream } from 'node:fs';
import { b64 } from './etcd-api.mjs';

const [journalPath, prefix, rateArg, ...endpoints] = process.argv.slice(2);
const rate = Number(rateArg);
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
  const sent = Date.now();
  try {
    const r = await fetch(`${endpoints[ep]}/v3/kv/put`, {
      method: 'POST',
      body: JSON.stringify({ key: b64(key), value: b64(String(sent)) }),
      signal: AbortSignal.timeout(1000),
    });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    await r.arrayBuffer();
    journal.write(`${JSON.stringify({ k: key, t: Date.now(), s: sent })}\n`);
    seq++;
  } catch (e) {
    // Not acknowledged: try the same key on the next endpoint. A put of the same key and
    // value twice is harmless, so an ambiguous failure cannot corrupt the check.
    journal.write(
      `${JSON.stringify({ e: String(e.message ?? e), ep: endpoints[ep], t: Date.now() })}\n`,
    );
    ep = (ep + 1) % endpoints.length;
  }
  next += gap;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  else next = Date.now();
}
journal.end(() => process.exit(0));
