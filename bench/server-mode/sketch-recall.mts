// Vector search by sketch (server mode without pgvector) against exact search: recall@LIMIT (10) and the
// store's search p50 over N memories in one namespace, with the bench corpus and its queries embedded
// by Model2Vec, the store asked directly (no HTTP, no cache); and CHECKS near-duplicate checks of
// probes near stored memories, against exact ones in the same scope. Fresh schema, dropped at the end.
// Run: N=16000 QUERIES=200 CHECKS=1000 LIMIT=10 npx tsx bench/server-mode/sketch-recall.mts
process.env.BENCH_VECTORS = '1';
const { startServerMode, ingest } = await import('../store/harness.js');
const { generateCorpus, generateQueries } = await import('../store/corpus.js');
const { embedAll } = await import('../scale/limits.js');
const { summarize } = await import('../stats.js');

const N = Number(process.env.N ?? 16_000);
const LIMIT = Number(process.env.LIMIT ?? 10);

/** Rows [0, n) with the `limit` highest cosines to `query` (unit vectors), best first. */
function exactTop(vectors: { matrix: Float32Array; dimensions: number }, query: Float32Array, n: number, limit: number): number[] {
  const scored: { row: number; score: number }[] = [];
  for (let row = 0; row < n; row++) {
    let score = 0;
    for (let d = 0; d < vectors.dimensions; d++) score += vectors.matrix[row * vectors.dimensions + d]! * query[d]!;
    scored.push({ row, score });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, limit).map((s) => s.row);
}
const corpus = generateCorpus(N, 42);
const queries = generateQueries(corpus.slice(0, Math.min(N, 2_000)), Number(process.env.QUERIES ?? 200)).map((query) => query.text);
const embedded = await embedAll(corpus.map((memory) => memory.content), queries);
const server = await startServerMode(500);
try {
  const r = await ingest(server, 'direct', corpus, { from: 0, to: N, batchSize: 500, budgetMs: 600_000 });
  console.log(`ingested ${r.records} in ${(r.wallMs / 1000).toFixed(1)} s`);
  let [found, wanted] = [0, 0];
  const samples: number[] = [];
  for (const [i, query] of embedded.queries.entries()) {
    const begin = performance.now();
    const hits = await server.memos.storage.vectors.search({ tier: 'memories', model: embedded.corpus.model, vector: query, limit: LIMIT, filter: { namespace: 'bench' } });
    samples.push(performance.now() - begin);
    const got = new Set(hits.map((hit) => hit.item.content));
    const exact = exactTop(embedded.corpus, query, N, LIMIT).map((row) => corpus[row]!.content);
    wanted += exact.length;
    found += exact.filter((text) => got.has(text)).length;
    if (i === 0) console.log(`first search ${samples[0]!.toFixed(1)} ms`);
  }
  const s = summarize(samples);
  console.log(`N ${N}: recall@${LIMIT} against exact ${(found / wanted).toFixed(3)}; store search p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (${s.n} queries)`);
  // Near-duplicate checks through the band keys against exact ones: probes near stored memories
  // (cosine ~0.93-0.99), each checked in its memory's scope at the default threshold.
  const dims = embedded.corpus.dimensions;
  const rowOf = (row: number) => embedded.corpus.matrix.subarray(row * dims, (row + 1) * dims);
  let seed = 7;
  const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const CHECKS = Number(process.env.CHECKS ?? 1000);
  const probes = Array.from({ length: CHECKS }, (_, k) => {
    const row = Math.floor((k * 7919) % N);
    const vector = rowOf(row).map((x) => x + (0.02 + 0.03 * (k % 3)) * noise());
    return { row, vector };
  });
  let [same, nonEmpty] = [0, 0];
  for (let at = 0; at < probes.length; at += 500) {
    const batch = probes.slice(at, at + 500);
    const queries = batch.map(({ row, vector }) => ({ scope: { namespace: 'bench', userId: corpus[row]!.userId, agentId: corpus[row]!.agentId }, model: embedded.corpus.model, vector, threshold: 0.95, limit: 5 }));
    const answers = await server.memos.storage.vectors.nearestMemories(queries);
    batch.forEach(({ row, vector }, k) => {
      let norm = 0;
      for (const x of vector) norm += x * x;
      const exact: string[] = [];
      const scored: { content: string; score: number }[] = [];
      for (let other = 0; other < N; other++) {
        if (corpus[other]!.userId !== corpus[row]!.userId || corpus[other]!.agentId !== corpus[row]!.agentId) continue;
        const v = rowOf(other);
        let dot = 0;
        for (let d = 0; d < dims; d++) dot += v[d]! * vector[d]!;
        const score = dot / Math.sqrt(norm);
        if (score >= 0.95) scored.push({ content: corpus[other]!.content, score });
      }
      scored.sort((a, b) => b.score - a.score);
      for (const hit of scored.slice(0, 5)) exact.push(hit.content);
      const got = new Set(answers[k]!.map((hit) => hit.item.content));
      if (exact.length > 0) nonEmpty++;
      if (exact.every((content) => got.has(content))) same++;
    });
  }
  console.log(`near-duplicate checks at 0.95: ${same} of ${CHECKS} find all that exact finds (${nonEmpty} with an exact match)`);
} finally {
  await server.close();
}
