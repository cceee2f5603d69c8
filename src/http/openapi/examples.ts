// The examples of the OpenAPI document: one small story, told the same way by every request and
// answer. alice, a customer of the tenant `acme`, talks to the `support-bot` agent in session
// `chat-alice-42`; the bot once suggested green tea instead of coffee (an intervention), and
// memOS remembers that she prefers green tea. Request examples are sent to a real memOS by
// openapi/examples.test.ts, in an order that makes each one valid: the import example stores the
// memory and the episode whose ids the other examples name.

export const NAMESPACE = 'acme';
export const USER_ID = 'alice';
export const AGENT_ID = 'support-bot';
export const SESSION_ID = 'chat-alice-42';
export const MEMORY_ID = 'mem_01JQ8Z6V4K2N7R5T9W3X1Y0B8C';
export const EPISODE_ID = 'ep_01JQ8Z5M2D4F6H8K0N2P4R6T8V';
/** Ids and values the server makes itself: the test takes them from the answers that made them. */
export const KEY_ID = 'k7q2m9x4w1za';
export const RECEIPT_ID = 'era_01JQ9A2B3C4D5E6F7G8H9J0K1M';
export const MODEL_ID = 'minishlab/potion-base-8M';
export const DIMENSIONS = 256;

const embedded = { status: 'ready', model: MODEL_ID, dimensions: DIMENSIONS } as const;

// ── Records ─────────────────────────────────────────────────────────────────

export const messages = [
  { role: 'user', content: 'Hi, can you reorder my usual morning drink?', createdAt: '2026-11-21T08:58:02.000Z' },
  { role: 'assistant', content: 'Of course: one large green tea, as last time?', createdAt: '2026-11-21T08:58:04.000Z' },
] as const;

export const session = {
  sessionId: SESSION_ID,
  namespace: NAMESPACE,
  userId: USER_ID,
  agentId: AGENT_ID,
  messages: [...messages],
  state: { cart: ['green tea (large)'], step: 'confirm' },
  ttlSeconds: 1800,
  createdAt: '2026-11-21T08:58:02.000Z',
  updatedAt: '2026-11-21T08:58:04.000Z',
  expiresAt: '2026-11-21T09:28:04.000Z',
};

export const episode = {
  id: EPISODE_ID,
  namespace: NAMESPACE,
  userId: USER_ID,
  agentId: AGENT_ID,
  sessionId: SESSION_ID,
  kind: 'intervention',
  content: 'Suggested green tea instead of coffee before alice’s evening meeting',
  occurredAt: '2026-11-20T17:45:00.000Z',
  createdAt: '2026-11-20T17:45:01.000Z',
  metadata: { channel: 'chat' },
  task: 'Recommend a drink for alice’s 6 pm meeting',
  context: 'alice said coffee after 4 pm keeps her awake',
  outcome: 'task_completed',
  embedding: embedded,
};

export const memory = {
  id: MEMORY_ID,
  namespace: NAMESPACE,
  userId: USER_ID,
  agentId: AGENT_ID,
  content: 'Prefers green tea over coffee',
  kind: 'preference',
  importance: 0.8,
  metadata: { source: 'chat' },
  sourceEpisodeIds: [EPISODE_ID],
  version: 1,
  createdAt: '2026-11-20T17:46:12.000Z',
  updatedAt: '2026-11-20T17:46:12.000Z',
  lastConfirmedAt: '2026-11-20T17:46:12.000Z',
  sourceSessionIds: [SESSION_ID],
  key: 'tea_or_coffee',
  validFrom: '2026-11-20T17:46:12.000Z',
  supersedes: [],
  conflicts: [],
  embedding: embedded,
};

/** A likely contradiction the detector flagged. */
export const conflictMark = {
  memoryId: 'mem_01JQ9B7C2D4E6F8G0H2J4K6M8N',
  reason: 'different-object',
  source: 'detector',
  similarity: 0.81,
  at: '2026-11-20T17:46:12.000Z',
};

function withoutKey<T extends { key?: string }>({ key: _key, ...rest }: T): Omit<T, 'key'> {
  return rest;
}

export const memoryRetraction = { namespace: NAMESPACE, reason: 'She corrected it: never allergic' };

/** An open conflict: the later memory flagged against the earlier one. */
export const conflict = {
  memory: { ...withoutKey(memory), id: 'mem_01JQ9B7C2D4E6F8G0H2J4K6M8N', content: 'Prefers coffee over green tea', conflicts: [{ ...conflictMark, memoryId: MEMORY_ID }] },
  conflictsWith: memory,
  reason: conflictMark.reason,
  source: conflictMark.source,
  similarity: conflictMark.similarity,
  at: conflictMark.at,
};

export const memoryUpdated = {
  ...memory,
  content: 'Prefers green tea over coffee, jasmine above all',
  importance: 0.9,
  version: 2,
  updatedAt: '2026-11-21T09:02:44.000Z',
  lastConfirmedAt: '2026-11-21T09:02:44.000Z',
};

export const memoryVersion = {
  memoryId: MEMORY_ID,
  version: 1,
  content: memory.content,
  kind: memory.kind,
  importance: memory.importance,
  metadata: memory.metadata,
  sourceEpisodeIds: memory.sourceEpisodeIds,
  validFrom: memory.createdAt,
  validTo: memoryUpdated.updatedAt,
  reason: 'update',
};

export const scoreParts = { keyword: 4.21, vector: 0.63, recency: 0.97, neighbours: null, time: null, speaker: null };

export const searchResponse = {
  mode: 'hybrid',
  requestedMode: 'hybrid',
  hits: [
    { type: 'memory', id: MEMORY_ID, score: 1, parts: scoreParts, item: memory, stale: false },
    { type: 'episode', id: EPISODE_ID, score: 0.72, parts: { keyword: 2.87, vector: 0.48, recency: 0.95, neighbours: 0, time: null, speaker: null }, item: episode },
  ],
  notices: [],
  cached: false,
};

export const contextBundle = {
  namespace: NAMESPACE,
  query: 'what should alice drink this afternoon',
  querySource: 'request',
  tokenBudget: 1024,
  tokens: 118,
  tokenizer: 'o200k_base',
  session: { sessionId: SESSION_ID, summary: null, messages: [...messages], omittedMessages: 0 },
  memories: [{ id: MEMORY_ID, score: 1, parts: scoreParts, item: memory, stale: false }],
  episodes: [{ id: EPISODE_ID, score: 1, parts: { keyword: 2.87, vector: 0.48, recency: 0.95, neighbours: 0, time: null, speaker: null }, item: episode }],
  text: [
    '## Conversation',
    'user: Hi, can you reorder my usual morning drink?',
    'assistant: Of course: one large green tea, as last time?',
    '## Memories',
    '- Prefers green tea over coffee',
    '## Episodes',
    '- 2026-11-20 intervention: Suggested green tea instead of coffee before alice’s evening meeting (task_completed)',
  ].join('\n'),
  notices: [],
  cached: false,
};

// ── Requests ────────────────────────────────────────────────────────────────

export const sessionPut = {
  namespace: NAMESPACE,
  userId: USER_ID,
  agentId: AGENT_ID,
  messages: [
    { role: 'user', content: 'Hi, can you reorder my usual morning drink?' },
    { role: 'assistant', content: 'Of course: one large green tea, as last time?' },
  ],
  state: { cart: ['green tea (large)'], step: 'confirm' },
  ttlSeconds: 1800,
};

export const sessionAppend = {
  namespace: NAMESPACE,
  userId: USER_ID,
  messages: [{ role: 'user', content: 'Yes please, but a small one today.' }],
};

export const episodeWrite = {
  namespace: NAMESPACE,
  userId: USER_ID,
  agentId: AGENT_ID,
  sessionId: SESSION_ID,
  episodes: [
    {
      kind: 'intervention',
      content: 'Offered a decaf green tea when alice asked for an espresso at 5 pm',
      task: 'Keep alice’s evening order caffeine-light',
      context: 'alice said coffee after 4 pm keeps her awake',
      outcome: 'task_completed',
      occurredAt: '2026-11-22T17:02:00Z',
    },
    { kind: 'observation', content: 'alice ordered a small decaf green tea', occurredAt: '2026-11-22T17:03:10Z', metadata: { channel: 'chat' } },
  ],
};

export const memoryWrite = {
  namespace: NAMESPACE,
  userId: USER_ID,
  agentId: AGENT_ID,
  memories: [
    { content: 'Prefers green tea over coffee', kind: 'preference', importance: 0.8, key: 'tea_or_coffee', sourceEpisodeIds: [EPISODE_ID] },
    { content: 'Is allergic to peanuts', kind: 'fact', importance: 1, metadata: { source: 'profile' } },
  ],
};

export const memoryPatch = { namespace: NAMESPACE, content: 'Prefers green tea over coffee, jasmine above all', importance: 0.9 };

export const searchRequest = {
  namespace: NAMESPACE,
  query: 'what does alice drink',
  userId: USER_ID,
  types: ['memories', 'episodes'],
  limit: 5,
  mode: 'hybrid',
  filters: { kind: ['preference', 'intervention'] },
};

export const contextRequest = {
  namespace: NAMESPACE,
  sessionId: SESSION_ID,
  userId: USER_ID,
  query: 'what should alice drink this afternoon',
  tokenBudget: 1024,
  limit: 5,
  types: ['memories', 'episodes'],
  filters: {},
};

// ── Import and export ───────────────────────────────────────────────────────

/** An export of alice's records in `acme`: what `GET /export` answers and `POST /import` takes. */
export const exportStream = [
  {
    type: 'header',
    format: 'memos-export',
    version: 1,
    memosVersion: '0.1.0',
    exportedAt: '2026-11-21T10:00:00.000Z',
    embedder: null,
    filters: { namespace: NAMESPACE, userId: USER_ID },
    withVectors: false,
  },
  {
    type: 'episode',
    id: EPISODE_ID,
    userId: USER_ID,
    agentId: AGENT_ID,
    sessionId: SESSION_ID,
    kind: episode.kind,
    content: episode.content,
    occurredAt: episode.occurredAt,
    createdAt: episode.createdAt,
    metadata: episode.metadata,
    task: episode.task,
    context: episode.context,
    outcome: episode.outcome,
  },
  {
    type: 'memory',
    id: MEMORY_ID,
    userId: USER_ID,
    agentId: AGENT_ID,
    kind: memory.kind,
    content: memory.content,
    importance: memory.importance,
    metadata: memory.metadata,
    sourceEpisodeIds: memory.sourceEpisodeIds,
    version: 1,
    createdAt: memory.createdAt,
    updatedAt: memory.updatedAt,
    history: [],
  },
  { type: 'end', counts: { sessions: 0, episodes: 1, memories: 1 } },
]
  .map((line) => `${JSON.stringify(line)}\n`)
  .join('');
