import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import { normaliseContent } from '../../core/text.js';
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
  parts: { keyword: 1, vector: null, recency: null, neighbours: null, time: null, speaker: null },
  item: testMemory({ id: `mem_${index}`, content: `fact: ${sample(index + 1)}` }),
});
const episodeHit = (index: number): ContextHit<Episode> => ({
  id: `ep_${index}`,
  score: 1 / (index + 1.5),
  parts: { keyword: 1, vector: null, recency: null, neighbours: null, time: null, speaker: null },
  item: testEpisode({ id: `ep_${index}`, content: `event: ${sample(index + 2)}`, occurredAt: at(index) }),
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

const memory = (id: string, content: string, score: number): ContextHit<Memory> => ({
  id,
  score,
  parts: { keyword: 1, vector: null, recency: null, neighbours: null, time: null, speaker: null },
  item: testMemory({ id, content }),
});
const episode = (id: string, content: string, score: number): ContextHit<Episode> => ({
  id,
  score,
  parts: { keyword: 1, vector: null, recency: null, neighbours: null, time: null, speaker: null },
  item: testEpisode({ id, content, occurredAt: at(1) }),
});
const say = (content: string, minute: number, role: Message['role'] = 'user'): Message => ({ role, content, createdAt: at(minute) });
/** How many lines of `text` show `content`, as a memory, an episode, a message or the summary. */
const linesShowing = (text: string, content: string) => text.split('\n').filter((line) => line.endsWith(content) || line.endsWith(`${content}.`)).length;

describe('packContext never renders the same text twice', () => {
  it('leaves out an episode that repeats a message of the conversation', () => {
    const packed = packContext(input(5000, { messages: [say('I am vegetarian', 1), say('Noted', 2, 'assistant')], memories: [], episodes: [episode('ep_1', 'I am vegetarian', 1)], summary: undefined }));
    expect(linesShowing(packed.text, 'I am vegetarian')).toBe(1);
    expect(packed.text).toContain('user: I am vegetarian');
    expect(packed.episodes).toEqual([]);
    expect(packed.duplicates).toEqual({ memories: 0, episodes: 1 });
  });

  it('keeps the better-scored of a memory and an episode with one text, and one of two memories equal after normalising', () => {
    const packed = packContext(
      input(5000, {
        messages: [],
        summary: undefined,
        memories: [memory('mem_a', 'Alice is allergic to peanuts', 0.9), memory('mem_b', 'alice is   allergic to peanuts.', 0.8), memory('mem_c', 'Alice likes tea', 0.5)],
        episodes: [episode('ep_a', 'Alice is allergic to peanuts', 0.7), episode('ep_b', 'Alice booked a flight', 0.6)],
      }),
    );
    expect(packed.memories.map((hit) => hit.id)).toEqual(['mem_a', 'mem_c']);
    expect(packed.episodes.map((hit) => hit.id)).toEqual(['ep_b']);
    expect(packed.text.split('\n').filter((line) => normaliseContent(line).includes('allergic to peanuts'))).toEqual(['- (fact) Alice is allergic to peanuts']);
    expect(packed.duplicates).toEqual({ memories: 1, episodes: 1 });

    const episodeFirst = packContext(input(5000, { messages: [], summary: undefined, memories: [memory('mem_a', 'Alice is allergic to peanuts', 0.2)], episodes: [episode('ep_a', 'Alice is allergic to peanuts', 0.7)] }));
    expect([episodeFirst.memories, episodeFirst.episodes.map((hit) => hit.id)]).toEqual([[], ['ep_a']]);
  });

  it('leaves out a summary that repeats a message', () => {
    const packed = packContext(input(5000, { messages: [say('We agreed on Lisbon in May.', 1)], memories: [], episodes: [], summary: 'we agreed on Lisbon in May' }));
    expect(packed.summary).toBeNull();
    expect(packed.text).not.toContain('Earlier in this conversation');
  });

  it('gives the place of a memory to an older message that says the same thing, keeping the conversation whole', () => {
    const conversation = [say('My passport expires in June', 1), say('Noted', 2, 'assistant'), say('Book Lisbon', 3)];
    // A share so small that only the newest message is kept first: the older ones come after the memory.
    const packed = packContext(input(5000, { messages: conversation, recentShare: 0.001, summary: undefined, memories: [memory('mem_p', 'My passport expires in June', 1)], episodes: [] }));
    expect(packed.messages).toEqual(conversation);
    expect(packed.memories).toEqual([]);
    expect(linesShowing(packed.text, 'My passport expires in June')).toBe(1);
    expect(packed.text).toContain('user: My passport expires in June');
    expect(packed.text).not.toContain('## What I know about the user');
    expect(packed.duplicates).toEqual({ memories: 1, episodes: 0 });
  });

  it('keeps repeated turns of the conversation, which are separate utterances', () => {
    const conversation = [say('yes', 1), say('Shall I book it?', 2, 'assistant'), say('yes', 3)];
    const packed = packContext(input(5000, { messages: conversation, summary: undefined, memories: [], episodes: [episode('ep_y', 'Yes', 1)] }));
    expect(packed.messages).toEqual(conversation);
    expect(packed.episodes).toEqual([]);
  });

  it('shows each text at most once in any mix of repeats, within the budget', () => {
    const texts = ['Alice is vegetarian', 'alice is vegetarian.', 'Lisbon in May', 'Window seat please', 'Bob has a cat'];
    const text = fc.constantFrom(...texts);
    fc.assert(
      fc.property(
        fc.record({
          budget: fc.integer({ min: 32, max: 600 }),
          messages: fc.array(text, { maxLength: 6 }),
          memories: fc.array(fc.tuple(text, fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 6 }),
          episodes: fc.array(fc.tuple(text, fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 6 }),
          summary: fc.option(text, { nil: undefined }),
        }),
        (drawn) => {
          const packed = packContext({
            counter,
            budget: drawn.budget,
            recentShare: 0.4,
            messages: drawn.messages.map((content, minute) => say(content, minute)),
            summary: drawn.summary,
            memories: drawn.memories.map(([content, score], n) => memory(`mem_${n}`, content, score)).sort((a, b) => b.score - a.score),
            episodes: drawn.episodes.map(([content, score], n) => episode(`ep_${n}`, content, score)).sort((a, b) => b.score - a.score),
          });
          expect(packed.tokens).toBeLessThanOrEqual(drawn.budget);
          const shown = [...packed.memories.map((hit) => hit.item.content), ...packed.episodes.map((hit) => hit.item.content), ...(packed.summary === null ? [] : [packed.summary])];
          const keys = shown.map(normaliseContent);
          // Records and summary never repeat each other, nor a message that is shown.
          expect(new Set(keys).size).toBe(keys.length);
          const messageKeys = new Set(packed.messages.map((message) => normaliseContent(message.content)));
          expect(keys.filter((key) => messageKeys.has(key))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
