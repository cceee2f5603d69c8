// What the browser tests browse: a namespace with two users, a live session, an episode timeline
// over two weeks (messages, interventions with each outcome, an observation), and memories with
// history (a PATCH), a superseded fact (the same key), a flagged contradiction and provenance.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startListeningMemos, unique, type ListeningMemos } from '../../packages/client/test/listening-memos.js';
import type { MemosClient } from '../../packages/client/src/index.js';
import { launchBrowser } from './browser.js';

export { ADMIN_KEY } from '../../packages/client/test/listening-memos.js';

export interface Seeded {
  namespace: string;
  /** The user with most records. */
  userId: string;
  otherUserId: string;
  sessionId: string;
  /** Ana's current home city, a fact with two versions in its history (written, then edited). */
  cityMemoryId: string;
  /** Her tea preference. */
  teaMemoryId: string;
  /** The superseded job fact, and the one that superseded it (the same key). */
  oldJobMemoryId: string;
  jobMemoryId: string;
  /** An intervention episode that failed. */
  failedInterventionId: string;
  episodeIds: string[];
}

const DAY = 86_400_000;

export async function seed(client: MemosClient, namespace = unique('ui')): Promise<Seeded> {
  const userId = 'ana';
  const otherUserId = 'ben';
  const sessionId = unique('chat');
  const at = (daysAgo: number, hour = 10) => new Date(Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY + hour * 3_600_000).toISOString();
  const scope = { namespace };

  const episodes = await client.episodes.write({
    ...scope,
    episodes: [
      { kind: 'message', userId, sessionId: 'chat-1', content: 'Ana: I moved to Porto last month, the flat is near the river.', occurredAt: at(13, 9), metadata: { speaker: 'Ana' } },
      { kind: 'message', userId, sessionId: 'chat-1', content: 'Ana: my sister Rita visits every summer.', occurredAt: at(13, 10), metadata: { speaker: 'Ana' } },
      { kind: 'intervention', userId, content: 'Suggested a weekly budget review every Sunday.', task: 'budget coaching', context: 'Ana asked for help saving for a bike', outcome: 'task_completed', occurredAt: at(11, 18) },
      { kind: 'intervention', userId, content: 'Booked a dentist appointment for Tuesday.', task: 'scheduling', context: 'calendar full that week', outcome: 'task_failed', occurredAt: at(8, 11) },
      { kind: 'observation', userId, content: 'Ana drinks green tea in the morning meetings.', occurredAt: at(6, 8) },
      { kind: 'intervention', userId, content: 'Offered to order a new bike helmet.', task: 'shopping', context: 'she cycles to work', outcome: 'abandoned', occurredAt: at(4, 19) },
      { kind: 'message', userId, sessionId: 'chat-2', content: 'Ana: the new job at the harbour office starts on Monday.', occurredAt: at(2, 12), metadata: { speaker: 'Ana' } },
      { kind: 'intervention', userId, content: 'Drafted a message to congratulate Rita on her exam.', task: 'messaging', context: 'Rita passed her exam', outcome: 'unknown', occurredAt: at(1, 16) },
      { kind: 'message', userId: otherUserId, sessionId: 'chat-9', content: 'Ben: I keep bees on the roof.', occurredAt: at(3, 9), metadata: { speaker: 'Ben' } },
    ],
  });
  const episodeIds = episodes.ids;

  const city = await client.memories.write({ ...scope, userId, memories: [{ content: 'Ana lives in Lisbon', kind: 'fact', importance: 0.8, key: 'home_city', sourceEpisodeIds: [episodeIds[0]!] }] });
  const cityMemoryId = city.results[0]!.id;
  await client.memories.update(cityMemoryId, { content: 'Ana lives in Porto, near the river', importance: 0.9 }, { namespace });

  const tea = await client.memories.write({ ...scope, userId, memories: [{ content: 'Ana prefers green tea in the morning', kind: 'preference', importance: 0.6, sourceEpisodeIds: [episodeIds[4]!] }] });
  const oldJob = await client.memories.write({ ...scope, userId, memories: [{ content: 'Ana works at a bakery', kind: 'fact', importance: 0.7, key: 'job' }] });
  const job = await client.memories.write({ ...scope, userId, memories: [{ content: 'Ana works at the harbour office', kind: 'fact', importance: 0.7, key: 'job', sourceEpisodeIds: [episodeIds[6]!] }] });
  await client.memories.write({
    ...scope,
    userId,
    memories: [
      { content: 'Ana has a sister named Rita', kind: 'fact', importance: 0.5, sourceEpisodeIds: [episodeIds[1]!] },
      { content: 'Ana responds well to short weekly check-ins about money', kind: 'reflection', importance: 0.4 },
    ],
  });
  // Two writes: the contradiction detector compares a new memory with those stored before its write.
  await client.memories.write({ ...scope, userId, memories: [{ content: 'Ana owns a bike', kind: 'fact', importance: 0.3 }] });
  await client.memories.write({ ...scope, userId, memories: [{ content: 'Ana does not own a bike', kind: 'fact', importance: 0.3 }] });
  await client.memories.write({ ...scope, userId: otherUserId, memories: [{ content: 'Ben keeps bees on the roof', kind: 'fact', importance: 0.5 }] });

  await client.sessions.put(
    sessionId,
    {
      userId,
      agentId: 'helper',
      ttlSeconds: 3600,
      state: { step: 'planning', topic: 'weekend trip' },
      messages: [
        { role: 'user', content: 'Can you plan a weekend trip for me and Rita?' },
        { role: 'assistant', content: 'Sure. Do you want to stay near Porto or travel further?' },
        { role: 'user', content: 'Near Porto, somewhere with a river walk.' },
      ],
    },
    { namespace },
  );

  return {
    namespace,
    userId,
    otherUserId,
    sessionId,
    cityMemoryId,
    teaMemoryId: tea.results[0]!.id,
    oldJobMemoryId: oldJob.results[0]!.id,
    jobMemoryId: job.results[0]!.id,
    failedInterventionId: episodeIds[3]!,
    episodeIds,
  };
}

/** memOS with keys required (the admin key), the Model2Vec embedder, serving the built UI. */
export async function startUiMemos(): Promise<ListeningMemos> {
  return startListeningMemos();
}

/** What a block of browser tests works on: a memOS with the seed, and a Chromium. */
export interface SeededUi {
  memos: ListeningMemos;
  seeded: Seeded;
  browser: Browser;
}

/**
 * Starts memOS, seeds it and launches Chromium before the tests of the calling `describe`, and
 * closes both after them. `prepare` runs between the seed and the browser, for what a block adds
 * (keys, more records, requests to count). The object returned is filled in when a test runs.
 */
export function useSeededUi(prepare?: (ui: Omit<SeededUi, 'browser'>) => Promise<void>): SeededUi {
  const ui = {} as SeededUi;
  beforeAll(async () => {
    ui.memos = await startUiMemos();
    ui.seeded = await seed(ui.memos.client());
    await prepare?.(ui);
    ui.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await ui.browser?.close();
    await ui.memos?.close();
  });
  return ui;
}
