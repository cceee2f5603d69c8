// JSON body parser benchmark: memOS's parser (one scan for depth, repeated keys, lone surrogates
// and NUL, then JSON.parse) against plain JSON.parse and against Fastify's former default
// (secure-json-parse), on realistic 1 MB batch bodies. Variants run in interleaved rounds on the
// same texts. Run with `npm run bench:json-body`. Knobs: BENCH_ROUNDS (15), BENCH_ITERATIONS (20).
// Reports the median and p95 per parse, and the minimum (the least disturbed round on a busy machine).

import { createRequire } from 'node:module';
import { bodyDepthLimit, parseJsonBytes, parseJsonText, scanJson } from '../../src/http/json-body.js';
import { machineInfo } from '../machine.js';
import { fmt, summarize } from '../stats.js';
import { envInt } from '../env.js';

const require = createRequire(import.meta.url);
const secureJson = require('secure-json-parse') as { parse(text: string, options?: object): unknown };

const ROUNDS = envInt('BENCH_ROUNDS', 15);
const ITERATIONS = envInt('BENCH_ITERATIONS', 20);
const DEPTH = bodyDepthLimit(8);
const TARGET_BYTES = 1024 * 1024;

/** Deterministic prose: words, punctuation, a quote, a newline, and now and then an accent or an emoji. */
function sentence(seed: number): string {
  const words = ['the', 'user', 'prefers', 'green', 'tea', 'in', 'the', 'morning', 'and', 'lives', 'near', 'Lyon', 'café', 'meeting', 'moved', 'to', 'Friday', '😀', 'said', '"fine"'];
  let out = '';
  for (let i = 0; i < 120; i++) out += `${words[(seed * 7 + i * 13) % words.length]}${i % 17 === 16 ? '.\n' : ' '}`;
  return out;
}

/** A memory batch of about 1 MB: `asciiOnly` escapes every non-ASCII character as \u (as some clients do). */
function batchBody(asciiOnly: boolean): string {
  const memories: object[] = [];
  let text = '';
  for (let i = 0; text.length < TARGET_BYTES; i++) {
    memories.push({
      content: sentence(i),
      kind: i % 3 === 0 ? 'preference' : 'fact',
      importance: (i % 10) / 10,
      metadata: { source: 'chat', turn: i, tags: ['a', 'b'], scores: { relevance: 0.5, novelty: i % 7 } },
      userId: `user-${i % 20}`,
    });
    if (i % 50 === 0) text = JSON.stringify({ namespace: 'bench', memories });
  }
  text = JSON.stringify({ namespace: 'bench', memories });
  return asciiOnly ? text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

const variants: Record<string, (text: string, bytes: Buffer) => unknown> = {
  'JSON.parse': (text) => JSON.parse(text),
  'secure-json-parse (former default)': (text) => secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' }),
  'memOS scan alone': (text) => scanJson(text, DEPTH),
  'memOS parseJsonText (scan + parse)': (text) => parseJsonText(text, DEPTH),
  'bytes: toString + JSON.parse': (_text, bytes) => JSON.parse(bytes.toString('utf8')),
  'bytes: memOS parseJsonBytes': (_text, bytes) => parseJsonBytes(bytes, DEPTH),
};

console.log(JSON.stringify(machineInfo()));
for (const asciiOnly of [false, true]) {
  const text = batchBody(asciiOnly);
  const bytes = Buffer.from(text);
  console.log(`\nbody: ${fmt(bytes.length / 1024)} KiB, ${asciiOnly ? 'non-ASCII escaped as \\u' : 'UTF-8 as is'}; ${ROUNDS} rounds of ${ITERATIONS} parses per variant, interleaved`);
  const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
  for (const parse of Object.values(variants)) for (let i = 0; i < 5; i++) parse(text, bytes); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, parse] of Object.entries(variants)) {
      const start = performance.now();
      for (let i = 0; i < ITERATIONS; i++) parse(text, bytes);
      samples.get(name)!.push((performance.now() - start) / ITERATIONS);
    }
  }
  const baseline = summarize(samples.get('JSON.parse')!).p50;
  console.log(`${'variant'.padEnd(36)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'min ms'.padStart(8)} ${'MB/s p50'.padStart(9)} ${'p50 vs JSON.parse'.padStart(18)}`);
  for (const [name, runs] of samples) {
    const { p50, p95, min } = summarize(runs);
    const row = [fmt(p50, 2).padStart(8), fmt(p95, 2).padStart(8), fmt(min, 2).padStart(8), fmt(bytes.length / 1e6 / (p50 / 1000), 0).padStart(9), `${fmt(p50 / baseline, 2)}×`.padStart(18)];
    console.log(`${name.padEnd(36)} ${row.join(' ')}`);
  }
}
