// A small HTTP/1.1 load client for 127.0.0.1: keep-alive sockets through one http.Agent, a fixed
// number of requests in flight, every series bounded in count and in time.
import { Agent, request } from 'node:http';

export interface Client {
  post<T = unknown>(path: string, body: string): Promise<{ status: number; body: T }>;
  close(): void;
}

export function createClient(baseUrl: string, sockets = 32): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(baseUrl);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') throw new Error(`the bench sends traffic to loopback only, not ${hostname}`);
  return {
    post<T>(path: string, body: string) {
      return new Promise<{ status: number; body: T }>((resolve, reject) => {
        const req = request(
          { agent, host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              try {
                resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
              } catch (error) {
                reject(new Error(`POST ${path}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`, { cause: error }));
              }
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** POSTs and throws unless the status is one of `ok`. */
export async function expectPost<T>(client: Client, path: string, body: unknown, ok = [200, 201]): Promise<T> {
  const reply = await client.post<T>(path, JSON.stringify(body));
  if (!ok.includes(reply.status)) throw new Error(`POST ${path}: HTTP ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
  return reply.body;
}
