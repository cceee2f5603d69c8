// A lean load generator for one request shape: raw keep-alive TCP connections to 127.0.0.1, one
// request in flight per connection, the request bytes prepared once and each response read just far
// enough to check its status and skip its body (Content-Length). Node's http client costs about as
// much CPU per request as a bare Fastify route; on a 2-core machine it would cap the very rate measured.
import { connect, type Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/** Requests per second over `connections` sockets, until `maxRequests` are answered or `maxMs` passes, and how many were answered; any status but 200 throws. */
export async function rawThroughput(baseUrl: string, path: string, body: string, connections: number, maxRequests: number, maxMs: number): Promise<{ perSec: number; answered: number }> {
  const { hostname, port } = new URL(baseUrl);
  if (hostname !== '127.0.0.1') throw new Error(`loopback only, not ${hostname}`);
  const payload = Buffer.from(body);
  const request = Buffer.concat([
    Buffer.from(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: keep-alive\r\n\r\n`),
    payload,
  ]);
  let sent = 0;
  let answered = 0;
  const start = performance.now();
  const until = start + maxMs;
  const more = () => sent < maxRequests && performance.now() < until;

  const drive = (socket: Socket) =>
    new Promise<void>((resolve, reject) => {
      let pending: Buffer = Buffer.alloc(0);
      let bodyLeft = -1;
      const next = () => {
        if (!more()) {
          socket.end();
          resolve();
          return;
        }
        sent++;
        socket.write(request);
      };
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          if (bodyLeft < 0) {
            const end = pending.indexOf(HEADER_END);
            if (end < 0) return;
            const head = pending.subarray(0, end).toString('latin1');
            if (!head.startsWith('HTTP/1.1 200')) {
              reject(new Error(`POST ${path}: ${head.split('\r\n')[0]}`));
              socket.destroy();
              return;
            }
            const length = /\r\ncontent-length: *(\d+)/i.exec(head);
            if (length === null) {
              reject(new Error(`POST ${path}: no content-length`));
              socket.destroy();
              return;
            }
            bodyLeft = Number(length[1]);
            pending = pending.subarray(end + 4);
          }
          if (pending.length < bodyLeft) return;
          pending = pending.subarray(bodyLeft);
          bodyLeft = -1;
          answered++;
          next();
        }
      });
      socket.on('connect', next);
    });

  const sockets = Array.from({ length: connections }, () => connect({ host: hostname, port: Number(port), noDelay: true }));
  try {
    await Promise.all(sockets.map(drive));
  } finally {
    for (const socket of sockets) socket.destroy();
  }
  return { perSec: (answered / (performance.now() - start)) * 1000, answered };
}
