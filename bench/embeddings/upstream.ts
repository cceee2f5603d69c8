// The OpenAI-compatible upstream of the gateway benchmark, in a child process of its own (as a
// real embedding server would be), so that its JSON work does not share memOS's event loop.
// This one file is both sides: the parent calls startUpstream(), which forks this file with
// BENCH_FAKE_UPSTREAM=1; the child runs startFakeOpenAiServer and is driven over IPC:
//   parent → {type: 'arm', count, delayMs}  queue `count` delay faults: the next `count` requests
//                                            each wait `delayMs` before the normal answer
//   parent → {type: 'stats'}                 reply {type: 'stats', requests, armedAt, armed}
//   parent → {type: 'close'}                 close the server and exit
// On start the child sends {type: 'ready', baseUrl}. rawRoundTrips() measures the upstream alone,
// as the baseline for the gateway's miss latency.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAiServer, type UpstreamFault } from '../../src/embeddings/fake/index.js';
import { summarize, type Summary } from '../stats.js';

export type ToUpstream = { type: 'arm'; count: number; delayMs: number } | { type: 'stats' } | { type: 'close' };
export type FromUpstream =
  | { type: 'ready'; baseUrl: string }
  | { type: 'armed' }
  /** `requests` counts every request so far; those from `armedAt` on met the queued delay, up to `armed` of them. */
  | { type: 'stats'; requests: number; armedAt: number; armed: number };

async function child(): Promise<void> {
  const send = (message: FromUpstream) => process.send?.(message);
  const dimensions = Number(process.env.BENCH_UPSTREAM_DIMENSIONS ?? 384);
  const server = await startFakeOpenAiServer({ dimensions });
  let armedAt = 0;
  let armed = 0;
  process.on('message', (message: ToUpstream) => {
    if (message.type === 'arm') {
      // `fail()` queues one fault per request, consumed in arrival order: one delay per request to come.
      armedAt = server.requests.length;
      armed = message.count;
      const fault: UpstreamFault = { kind: 'delay', ms: message.delayMs };
      for (let queued = 0; queued < message.count; queued += 1000) {
        server.fail(...Array.from({ length: Math.min(1000, message.count - queued) }, () => fault));
      }
      send({ type: 'armed' });
    } else if (message.type === 'stats') {
      send({ type: 'stats', requests: server.requests.length, armedAt, armed });
    } else if (message.type === 'close') {
      void server.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', baseUrl: server.baseUrl });
}

export interface Upstream {
  baseUrl: string;
  pid: number;
  arm(count: number, delayMs: number): Promise<void>;
  stats(): Promise<Extract<FromUpstream, { type: 'stats' }>>;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

/** Forks the fake upstream (the tsx loader comes with the inherited execArgv) and waits for its URL. */
export async function startUpstream(dimensions: number): Promise<Upstream> {
  const child: ChildProcess = fork(SELF, [], {
    env: { ...process.env, BENCH_FAKE_UPSTREAM: '1', BENCH_UPSTREAM_DIMENSIONS: String(dimensions) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <K extends FromUpstream['type']>(type: K): Promise<Extract<FromUpstream, { type: K }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: FromUpstream) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<FromUpstream, { type: K }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the fake upstream exited (code ${code}) before '${type}'`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const send = (message: ToUpstream) => child.send(message);
  const { baseUrl } = await next('ready');
  return {
    baseUrl,
    pid: child.pid ?? -1,
    async arm(count, delayMs) {
      const armed = next('armed');
      send({ type: 'arm', count, delayMs });
      await armed;
    },
    async stats() {
      const stats = next('stats');
      send({ type: 'stats' });
      return stats;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'close' });
      await exited;
    },
  };
}

/** `count` sequential requests of `batchSize` texts straight to the upstream, as memOS's provider sends them. */
export async function rawRoundTrips(upstream: Upstream, model: string, texts: readonly string[], batchSize: number, count: number): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const input = Array.from({ length: batchSize }, (_, k) => texts[(i * batchSize + k) % texts.length] as string);
    const body = JSON.stringify({ model, input, encoding_format: 'float' });
    const begin = performance.now();
    const response = await fetch(`${upstream.baseUrl}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`fake upstream: HTTP ${response.status}: ${text.slice(0, 200)}`);
    JSON.parse(text);
    samples.push(performance.now() - begin);
  }
  return summarize(samples);
}

if (process.env.BENCH_FAKE_UPSTREAM === '1' && process.send !== undefined) void child();
