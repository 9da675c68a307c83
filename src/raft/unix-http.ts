// A small JSON-over-HTTP POST through a unix socket (an SSH tunnel's local end).

import { request } from 'node:http';

export function postJson(
  socketPath: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          try {
            resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} });
          } catch {
            reject(
              new Error(
                `${path}: HTTP ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`,
              ),
            );
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
