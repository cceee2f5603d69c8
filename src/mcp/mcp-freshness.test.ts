// Freshness through MCP: `recall` and `list_memories` say when a memory is past its kind's review period, and
// `remember` of a fact already stored confirms it (the same memory service as the HTTP API).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../auth/access-hook.js';
import { manualClock } from '../core/clock.js';
import { callTool, structuredOf, textOf } from '../../test/support/mcp-round-trip.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { createMcpServer } from './server.js';

const DAY = 86_400_000;
let memos: TestMemos | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await memos?.close();
  client = memos = undefined;
});

describe('freshness over MCP', () => {
  it('recall marks a stale fact, and remembering it again confirms it', async () => {
    const clock = manualClock();
    memos = await startTestMemos({ MEMOS_REVIEW_DAYS: 'fact=30' }, clock);
    const server = createMcpServer({ principal: LOCAL_PRINCIPAL, config: memos.config, services: memos.services, logger: memos.logger });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'memos-test', version: '1.0.0' });
    await client.connect(clientSide);

    const written = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'Aisha lives in Lagos', kind: 'fact' }] }));
    expect(structuredOf(await callTool(client, 'list_memories', {})).items[0].stale).toBe(false);
    clock.advance(31 * DAY);
    const recalled = await callTool(client, 'recall', { query: 'Aisha Lagos', mode: 'keyword' });
    expect(textOf(recalled)).toContain('last confirmed 2026-01-01: may be out of date] Aisha lives in Lagos');
    expect(structuredOf(recalled).hits[0].memory.stale).toBe(true);
    // Listing says so too, as GET /api/v1/memories does.
    const listed = await callTool(client, 'list_memories', {});
    expect(structuredOf(listed).items[0].stale).toBe(true);
    expect(textOf(listed)).toContain('may be out of date');

    const again = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'Aisha lives in Lagos', kind: 'fact' }] }));
    expect(again.ids).toEqual(written.ids);
    expect((await memos.services.memories.get({ namespace: 'default', id: written.ids[0] })).lastConfirmedAt).toBe(new Date(clock.now()).toISOString());
    expect(textOf(await callTool(client, 'recall', { query: 'Aisha Lagos', mode: 'keyword' }))).not.toContain('may be out of date');
  });
});
