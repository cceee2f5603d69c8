// How the LLM judge behaves against a local chat-completions server, for each way the server can
// answer: the outcome, the requests one question costs, and how long the caller waits for its
// answer or its error. The "model" answers instantly, so the times are memOS's own: prompt,
// parsing, backoff, Retry-After and timeouts, with the client's default retry settings.
//
//   npx tsx bench/llm-judge/run.ts [--runs 10]

import { parseArgs } from 'node:util';
import { isMemosError } from '../../src/core/errors.js';
import { createChatClient } from '../../src/llm/chat-client.js';
import { createLlmJudge, type JudgeCandidate } from '../../src/memory/truth/llm-judge.js';
import { startChatCompletionsServer, type ChatFault, type ChatRequestIn } from '../../test/support/chat-completions-server.js';
import { machineInfo } from '../machine.js';
import { fmt, heading, summarize, table } from '../stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);

/** Every candidate is unrelated: the answer's content does not matter here, only its path. */
const respond = (request: ChatRequestIn) => {
  const question = JSON.parse(request.messages[1]!.content) as { existing: Array<{ id: string }> };
  return { verdicts: question.existing.map(({ id }) => ({ candidateId: id, relation: 'unrelated', confidence: 0.9, reason: 'Different subjects.' })) };
};
const candidates: JudgeCandidate[] = Array.from({ length: 8 }, (_, i) => ({ id: `mem_${i}`, text: `Aisha visited city number ${i} last spring`, kind: 'fact', similarity: 0.9 - i / 20 }));
const incoming = { text: 'Aisha moved to Nairobi', kind: 'fact' };

interface Scenario {
  name: string;
  faults: ChatFault[];
  timeoutMs?: number;
}
const TIMEOUT_MS = 1_000;
const scenarios: Scenario[] = [
  { name: 'healthy', faults: [] },
  { name: '500, then an answer', faults: [{ kind: 'status', status: 500 }] },
  { name: 'reset connection, then an answer', faults: [{ kind: 'reset' }] },
  { name: '429 Retry-After: 1, then an answer', faults: [{ kind: 'status', status: 429, retryAfter: '1' }] },
  { name: `hang past ${TIMEOUT_MS} ms timeout, then an answer`, faults: [{ kind: 'delay', ms: 10_000 }], timeoutMs: TIMEOUT_MS },
  { name: '503 on every attempt', faults: Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 })) },
  { name: '401 wrong key', faults: [{ kind: 'status', status: 401 }] },
  { name: 'malformed JSON content', faults: [{ kind: 'malformed-content' }] },
  { name: 'JSON outside the schema', faults: [{ kind: 'content', value: { verdicts: [{ candidateId: 'm1', relation: 'maybe', confidence: 1, reason: '' }] } }] },
  { name: 'empty choices', faults: [{ kind: 'empty-choices' }] },
  { name: 'refusal', faults: [{ kind: 'refusal' }] },
];

const server = await startChatCompletionsServer({ respond });
const rows: Array<Array<string | number>> = [];
try {
  for (const scenario of scenarios) {
    const times: number[] = [];
    const outcomes = new Map<string, number>();
    let requests = 0;
    for (let run = 0; run < runs; run++) {
      // A fresh client per question: each run starts with a closed circuit.
      const judge = createLlmJudge({ client: createChatClient({ baseUrl: server.baseUrl, model: 'bench', timeoutMs: scenario.timeoutMs ?? 60_000 }) });
      server.fail(...scenario.faults);
      const before = server.requests.length;
      const started = performance.now();
      let outcome: string;
      try {
        const result = await judge.judge({ incoming, candidates });
        outcome = `${result.verdicts.length} verdicts`;
      } catch (error) {
        const details = isMemosError(error) ? error.details : undefined;
        outcome = `${isMemosError(error) ? error.code : 'error'} ${details?.unusableAnswer ?? details?.failure ?? (details?.retryable ? 'retryable' : 'final')}`;
      }
      times.push(performance.now() - started);
      requests += server.requests.length - before;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    const summary = summarize(times);
    rows.push([scenario.name, [...outcomes].map(([what, count]) => `${what} ×${count}`).join(', '), fmt(requests / runs, 1), fmt(summary.p50, 1), fmt(summary.p95, 1)]);
  }

  // The breaker: 5 unavailable attempts in a row open it; the next question fails without a request.
  const client = createChatClient({ baseUrl: server.baseUrl, model: 'bench' });
  const judge = createLlmJudge({ client });
  server.fail(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503 })));
  for (let call = 0; call < 2; call++) await judge.judge({ incoming, candidates }).catch(() => undefined);
  const before = server.requests.length;
  const fast: number[] = [];
  let fastOutcome = '';
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await judge.judge({ incoming, candidates }).catch((error: unknown) => {
      fastOutcome = isMemosError(error) ? `${error.code} ${error.details?.failure}` : 'error';
    });
    fast.push(performance.now() - started);
  }
  const summary = summarize(fast);
  rows.push(['circuit open (after 5 × 503)', `${fastOutcome} ×${runs}`, fmt((server.requests.length - before) / runs, 1), fmt(summary.p50, 2), fmt(summary.p95, 2)]);
} finally {
  await server.close();
}

console.log(heading(`LLM judge against the local chat-completions server: 8 candidates, ${runs} questions per row`));
console.log(JSON.stringify(machineInfo()));
console.log(table(['server answers', 'outcome', 'requests / question', 'p50 ms', 'p95 ms'], rows, ['left', 'left', 'right', 'right', 'right']));
