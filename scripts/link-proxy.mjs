// A slow link for the lab: a TCP proxy that lets bytes through at a fixed rate in each
// direction, shared by every connection through it, as one runner's uplink is. Put between
// raftroll and a host's sshd, it shows what a deploy over Tailscale sees. ssh still checks the
// host's own key: the proxy only carries bytes.

import { createConnection, createServer } from 'node:net';

/**
 * One direction of the link: a chunk may go once the link has finished sending what came
 * before it, and takes n / rate to send; it arrives delayMs (half the round trip) after that.
 * The source is paused while the link is busy, so TCP's own back pressure reaches the sender;
 * bytes in flight do not hold it back.
 */
function direction(bytesPerSec, delayMs = 0) {
  let freeAt = 0;
  return (from, to) => {
    // Chunks in flight, in order, each with when it arrives; one timer delivers them, so that
    // timers firing out of order can never reorder the bytes.
    const flight = [];
    let timer;
    const deliver = () => {
      timer = undefined;
      while (flight.length && flight[0].at - Date.now() < 1) to.write(flight.shift().chunk);
      if (flight.length) timer = setTimeout(deliver, Math.max(1, flight[0].at - Date.now()));
      else if (ended) to.end();
    };
    let ended = false;
    from.on('data', (chunk) => {
      const now = Date.now();
      freeAt = Math.max(freeAt, now) + (chunk.length * 1000) / bytesPerSec;
      const busy = freeAt - now;
      if (busy >= 1) {
        from.pause();
        setTimeout(() => from.resume(), busy);
      }
      flight.push({ chunk, at: freeAt + delayMs });
      if (!timer) deliver();
    });
    // The last chunk may still be on its way: end only once it has arrived.
    from.on('end', () => {
      ended = true;
      if (!timer) deliver();
    });
  };
}

/**
 * Listens on listen.host:listen.port and carries each connection to target at bytesPerSec each
 * way. Resolves once listening; close() stops it and cuts every connection.
 */
export async function startLinkProxy({ listen, target, bytesPerSec, rttMs = 0 }) {
  if (!(bytesPerSec > 0)) throw new Error(`link rate ${bytesPerSec} B/s: expected a positive rate`);
  if (!(rttMs >= 0)) throw new Error(`link round trip ${rttMs} ms: expected 0 or more`);
  const up = direction(bytesPerSec, rttMs / 2);
  const down = direction(bytesPerSec, rttMs / 2);
  const sockets = new Set();
  let carried = 0;
  const server = createServer((client) => {
    const server = createConnection(target.port, target.host);
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        server.destroy();
      });
    }
    server.on('data', (d) => {
      carried += d.length;
    });
    up(client, server);
    down(server, client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  return {
    /** Bytes carried from the target back to the client so far. */
    get carried() {
      return carried;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
