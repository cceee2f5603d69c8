import { beforeAll, describe, expect, it } from 'vitest';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import type { Episode, Memory, Message } from '../../core/types.js';
import { packContext, type ContextHit, type PackInput } from './pack-context.js';
import { loadTokenCounter, type TokenCounter } from './token-counter.js';

let counter: TokenCounter;
beforeAll(async () => {
  counter = await loadTokenCounter();
});

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();
// Text that tokenizes unevenly: CJK, emoji, runs of spaces and newlines, and a special-token string.
const SAMPLES = ['plain words about Lisbon', '東京で寿司を食べた 🍣🍣', 'spaces   and\n\nnewlines\n', '<|endoftext|> is just text', 'x'.repeat(300)];
const sample = (index: number) => `${SAMPLES[index % SAMPLES.length]} #${index}`;

const messages: Message[] = Array.from({ length: 30 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: sample(index), createdAt: at(index) }));
const memoryHit = (index: number): ContextHit<Memory> => ({
  id: `mem_${index}`,
  score: 1 / (index + 1),
  parts: { keyword: 1, vector: null, recency: null, neighbours: null },
  item: testMemory({ id: `mem_${index}`, content: sample(index + 1) }),
});
const episodeHit = (index: number): ContextHit<Episode> => ({
  id: `ep_${index}`,
  score: 1 / (index + 1.5),
  parts: { keyword: 1, vector: null, recency: null, neighbours: null },
  item: testEpisode({ id: `ep_${index}`, content: sample(index + 2), occurredAt: at(index) }),
});

const input = (budget: number, extra: Partial<PackInput> = {}): PackInput => ({
  counter,
  budget,
  recentShare: 0.4,
  messages,
  summary: 'Alice is planning a trip to Lisbon.',
  memories: Array.from({ length: 25 }, (_, index) => memoryHit(index)),
  episodes: Array.from({ length: 25 }, (_, index) => episodeHit(index)),
  ...extra,
});

describe('packContext', () => {
  it('never exceeds the budget, and reports the exact count of its text, at any budget', () => {
    for (let budget = 32; budget <= 3000; budget += 37) {
      const packed = packContext(input(budget));
      expect(packed.tokens).toBe(counter.count(packed.text));
      expect(packed.tokens, `budget ${budget}`).toBeLessThanOrEqual(budget);
      // The messages kept are the newest ones, without gaps, oldest first.
      expect(packed.messages).toEqual(messages.slice(messages.length - packed.messages.length));
    }
  });

  it('keeps up to its share for the newest messages, fills with records by score, then gives the rest back to older messages', () => {
    const tight = packContext(input(400));
    expect(tight.messages.length).toBeGreaterThan(0);
    expect(tight.memories.length).toBeGreaterThan(0);
    // Records are taken best first, and skipped whole when they do not fit.
    expect(tight.memories.map((hit) => hit.id)).toEqual(tight.memories.map((hit) => hit.id).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))));
    for (const hit of tight.memories) expect(tight.text).toContain(hit.item.content.replace(/\s*\n\s*/g, ' ').trim());

    const noRecords = packContext(input(400, { memories: [], episodes: [] }));
    expect(noRecords.messages.length).toBeGreaterThan(tight.messages.length);
    const all = packContext(input(100_000));
    expect(all.messages).toEqual(messages);
    expect(all.memories).toHaveLength(25);
    expect(all.episodes).toHaveLength(25);
    expect(all.summary).toBe('Alice is planning a trip to Lisbon.');
  });

  it('drops the last-chosen items when the whole text counts more than its parts', () => {
    // Blank lines between sections cost 40 tokens each here, which the per-item estimates do not see.
    const lumpy: TokenCounter = { name: 'lumpy', count: (text) => text.length + 40 * (text.split('\n\n').length - 1) };
    for (const budget of [32, 200, 1000, 5000]) {
      const packed = packContext(input(budget, { counter: lumpy }));
      expect(packed.tokens).toBe(lumpy.count(packed.text));
      expect(packed.tokens).toBeLessThanOrEqual(budget);
    }
  });

  it('renders nothing when nothing fits', () => {
    const packed = packContext(input(32, { messages: [messages[29]!], memories: [], episodes: [], summary: undefined }));
    expect(packed).toMatchObject({ text: '', tokens: 0, messages: [], summary: null });
  });
});
