// Where server-mode ingest (and, with SEARCH=vector|hybrid, search) spends its PostgreSQL time:
// every statement the pg driver sends is timed and grouped by its text (literals blanked), over
// an ingest of N memories with Model2Vec vectors (fresh schema, dropped at the end). EXPLAIN=<text>
// prints the EXPLAIN ANALYZE of the first statement containing <text>, in its tenant scope.
// Run: N=3000 SEARCH=vector npx tsx bench/server-mode/statements.mts
process.env.BENCH_VECTORS = '1';
const pg = (await import('pg')).default;
const { startServerMode, ingest } = await import('../store/harness.js');
const { generateCorpus } = await import('../store/corpus.js');
const stats = new Map<string, { n: number; ms: number; sample: string }>();
const original = pg.Client.prototype.query as any;
(pg.Client.prototype as any).query = function (this: any, ...args: any[]) {
  const text: string = typeof args[0] === 'string' ? args[0] : args[0]?.text ?? '?';
  const key = text.replace(/set_config\('memos[^)]*\)/g, '').replace(/\s+/g, ' ').replace(/E?'[^']*'/g, "'?'").slice(0, 140);
  const begin = performance.now();
  const result = original.apply(this, args);
  if (result && typeof result.then === 'function') {
    return result.then((value: unknown) => {
      const s = stats.get(key) ?? { n: 0, ms: 0, sample: text };
      s.n++; s.ms += performance.now() - begin; stats.set(key, s);
      return value;
    });
  }
  return result;
};
const corpus = generateCorpus(Number(process.env.N ?? 4000), 42);
const server = await startServerMode(500);
try {
  const r = await ingest(server, 'direct', corpus, { from: 0, to: corpus.length, batchSize: 500, budgetMs: 120_000 });
  console.log('records', r.records, 'wall', r.wallMs.toFixed(0), 'rec/s', (r.records / r.wallMs * 1000).toFixed(0));
  const top = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
  for (const [key, s] of top) console.log(s.ms.toFixed(0).padStart(7), 'ms', String(s.n).padStart(6), (s.ms / s.n).toFixed(2).padStart(7), key);
  if (process.env.SEARCH) {
    stats.clear();
    const { generateQueries } = await import('../store/corpus.js');
    const queries = generateQueries(corpus, 30).map((q) => q.text);
    const begin = performance.now();
    for (const query of queries) {
      await server.memos.cache.clear({ cache: 'responses' });
      await server.memos.services.search.search({ namespace: 'bench', query, types: ['memories'], limit: 10, mode: process.env.SEARCH as 'vector', filters: {} });
    }
    console.log('searches', queries.length, 'ms each', ((performance.now() - begin) / queries.length).toFixed(1));
    const topS = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
    for (const [key, s] of topS) console.log(s.ms.toFixed(0).padStart(7), 'ms', String(s.n).padStart(6), (s.ms / s.n).toFixed(2).padStart(7), key);
    const [, first] = topS[0]!;
    console.log(first.sample.slice(0, 2500).replace(/'\{[-0-9.,e]+\}'/g, "'{...}'"));
  }
  if (process.env.EXPLAIN) {
    const [, s] = [...stats.entries()].find(([key]) => key.includes(process.env.EXPLAIN!))!;
    const body = s.sample.replace(/^BEGIN; /, '').replace(/; COMMIT$/, '');
    const cut = body.indexOf('; ', body.indexOf('set_config'));
    const enter = body.slice(0, cut);
    const statement = body.slice(cut + 2);
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres', options: `-c search_path=${(server as any).schema},public` });
    await client.connect();
    const results = (await client.query(`BEGIN; ${enter}; EXPLAIN (ANALYZE, BUFFERS) ${statement}; ROLLBACK`)) as any;
    console.log(statement.slice(0, 1500));
    console.log(results[2].rows.map((r: any) => r['QUERY PLAN']).join('\n'));
    const keys = /memos_vector_candidates\(('[^']*')/.exec(statement)?.[1];
    for (const extra of (process.env.EXTRA ?? '').split('|').filter(Boolean)) {
      const sql = extra.replaceAll('KEYS', keys ?? "'{}'");
      const r = await client.query(sql);
      console.log('--', sql.slice(0, 200));
      for (const one of (Array.isArray(r) ? r : [r]) as any[]) console.log(one.rows.map((row: any) => Object.values(row).join(' ')).join('\n'));
    }
    await client.end();
  }
} finally {
  await server.close();
}
