// The UI reaches no further than its key, in a real Chromium: permalinks into another namespace,
// or to another user's records under a user-bound key, show memOS's refusal and nothing of the
// records, and recall through the playground finds only what the key reaches.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { unique } from '../../packages/client/test/listening-memos.js';
import { openPage, skipBrowser } from './browser.js';
import { useSeededUi } from './seed.js';

const SECRET = 'quetzal-ledger-5521';

describe.skipIf(skipBrowser)('web UI: nothing beyond the key', () => {
  let otherNamespace: string;
  let otherMemoryId: string;
  let otherEpisodeId: string;
  let benMemoryId: string;
  let readKey: string;
  let anaKey: string;

  const ui = useSeededUi(async ({ memos, seeded }) => {
    const client = memos.client();
    otherNamespace = unique('ui-other');
    otherMemoryId = (await client.memories.write({ namespace: otherNamespace, userId: 'ana', memories: [{ content: `Ana's vault code is ${SECRET}` }] })).ids[0]!;
    otherEpisodeId = (await client.episodes.write({ namespace: otherNamespace, episodes: [{ kind: 'observation', userId: 'ana', content: `Saw ${SECRET} on a note` }] })).ids[0]!;
    benMemoryId = (await client.memories.list({ userId: seeded.otherUserId }, { namespace: seeded.namespace })).items[0]!.id;
    readKey = (await client.keys.create({ role: 'read', namespaces: [seeded.namespace] })).key;
    anaKey = (await client.keys.create({ role: 'write', namespaces: [seeded.namespace], userId: seeded.userId })).key;
  });

  /** Opens `path` under /ui with `apiKey`, waits for the view to settle, and answers its text. */
  async function textAt(apiKey: string, path: string, settled: (page: Page) => Promise<boolean>): Promise<{ text: string; problems: string[] }> {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey });
    await page.goto(`/ui${path}`);
    await expect.poll(() => settled(page), { timeout: 10_000 }).toBe(true);
    const text = (await page.locator('body').textContent()) ?? '';
    await context.close();
    return { text, problems };
  }
  const alerted = (page: Page) => page.getByRole('alert').first().isVisible();

  it("shows a key of one namespace memOS's refusal, and none of another namespace's records, at their permalinks", async () => {
    for (const path of [
      `/n/${otherNamespace}/memories/${otherMemoryId}`,
      `/n/${otherNamespace}/episodes/${otherEpisodeId}`,
      `/n/${otherNamespace}/memories`,
      `/n/${otherNamespace}/episodes`,
      `/n/${otherNamespace}/recall?q=${encodeURIComponent('vault code')}`,
    ]) {
      const { text, problems } = await textAt(readKey, path, alerted);
      expect(text, path).toMatch(/403|E_FORBIDDEN|namespace/);
      expect(text, path).not.toContain(SECRET);
      expect(problems).toEqual([]);
    }
  });

  it("shows a key bound to ana no record of ben's, by permalink or by recall", async () => {
    const memory = await textAt(anaKey, `/n/${ui.seeded.namespace}/memories/${benMemoryId}`, alerted);
    expect(memory.text).toMatch(/404|not found/i);
    expect(memory.text).not.toContain('bees');

    const recalled = await textAt(anaKey, `/n/${ui.seeded.namespace}/recall?q=${encodeURIComponent('who keeps bees on the roof')}`, async (page) => (await page.locator('.recall-meta, [role="alert"]').count()) > 0);
    expect(recalled.text).not.toContain('Ben keeps bees');
    expect(recalled.text).not.toContain('I keep bees');

    const listed = await textAt(anaKey, `/n/${ui.seeded.namespace}/memories?userId=${ui.seeded.otherUserId}`, async (page) => (await page.locator('table, [role="alert"], .muted').count()) > 0);
    expect(listed.text).not.toContain('bees');
  });
});
