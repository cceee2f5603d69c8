// The operations view in a real Chromium against a real memOS: health per component, the
// embedding backlog, cache hit rates, request rate and latency, and record counts, each as memOS
// reports them; and a key that may see none of it is told so plainly.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, openPage, saveScreenshot, skipBrowser } from './browser.js';
import { ADMIN_KEY, useSeededUi } from './seed.js';

const MISSES = 25;

/** The aria-label of the chart whose label starts with `prefix`. */
const chartLabel = (page: Page, prefix: string) => page.locator(`svg[role="img"][aria-label^="${prefix}"]`).first().getAttribute('aria-label');

describe.skipIf(skipBrowser)('web UI: operations', () => {
  const ui = useSeededUi(async ({ memos, seeded }) => {
    // Requests the chart must count: each a 404 for a memory that is not there.
    for (let i = 0; i < MISSES; i++) {
      const response = await fetch(`${memos.baseUrl}/api/v1/memories/mem_missing${i}?namespace=${seeded.namespace}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(response.status).toBe(404);
    }
    // A search twice: the second is an answer-cache hit.
    const client = memos.client({ namespace: seeded.namespace });
    await client.search({ query: 'where does Ana live' });
    await client.search({ query: 'where does Ana live' });
  });

  it('shows health, backlog, cache hit rates, requests and record counts to an admin', async () => {
    const admin = ui.memos.client();
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY });
    await page.goto(`/ui/operations?namespace=${ui.seeded.namespace}`);
    await expect.poll(() => page.getByRole('heading', { name: 'Operations', level: 1 }).isVisible()).toBe(true);

    // Health: every component memOS reports, with its status and detail.
    const health = await admin.health.detailed();
    expect(Object.keys(health.components).length).toBeGreaterThanOrEqual(3);
    for (const [name, component] of Object.entries(health.components)) {
      const item = page.locator(`[data-component="${name}"]`);
      await expect.poll(() => item.textContent()).toContain(component.status);
      expect(await item.textContent()).toContain(name);
    }

    // The backlog: the same numbers as GET /api/v1/admin/reindex.
    await expect.poll(async () => {
      const { progress } = await admin.reindex.status();
      return progress === undefined ? undefined : chartLabel(page, 'Embedding backlog').then((label) => label?.includes(`${progress.ready} of ${progress.total} records ready, ${progress.pending} pending, ${progress.failed} failed`));
    }, { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Reindex pending' }).count()).toBe(1);

    // Cache hit rates: hits and misses as memOS counts them.
    const embeddings = await admin.embeddings.cacheStats();
    expect(embeddings.hits + embeddings.misses).toBeGreaterThan(0);
    await expect.poll(async () => {
      const now = await admin.embeddings.cacheStats();
      return (await chartLabel(page, 'Embedding cache hit rate'))?.includes(`${now.hits} hits, ${now.misses} misses`);
    }).toBe(true);
    await expect.poll(async () => {
      const answers = (await admin.cache.stats()).caches.responses;
      return (await chartLabel(page, 'Answer cache hit rate'))?.includes(`${answers.hits} hits, ${answers.misses} misses`);
    }).toBe(true);
    const answerLabel = (await chartLabel(page, 'Answer cache hit rate'))!;
    expect(answerLabel).not.toContain(' 0 hits');

    // Requests: the 404s this test made first are in the chart's numbers.
    const rate = (await chartLabel(page, 'Requests per 10 s'))!;
    const clientErrors = Number(/(\d+) client errors/.exec(rate)?.[1]);
    const total = Number(/: (\d+) in all/.exec(rate)?.[1]);
    expect(clientErrors).toBeGreaterThanOrEqual(MISSES);
    expect(total).toBeGreaterThanOrEqual(MISSES + 2);
    expect(await chartLabel(page, 'Latency over the last 15 minutes')).toMatch(/p50 [\d.]+ ms and p95 [\d.]+ ms/);

    // Record counts of the namespace, per tier and per kind.
    const stats = await admin.stats({}, { namespace: ui.seeded.namespace });
    const tiers = (await chartLabel(page, 'Records per tier'))!;
    expect(tiers).toContain(`${stats.sessions.live} live sessions, ${stats.episodes.count} episodes, ${stats.memories.count} memories`);
    expect(await chartLabel(page, 'Memories by kind')).toContain(`${stats.memories.byKind.fact} fact`);
    expect(await chartLabel(page, 'Episodes by kind')).toContain(`${stats.episodes.byKind.intervention} intervention`);

    await expectAccessible(page, 'operations');
    await saveScreenshot(page, 'operations');

    // The top bar's namespace picker counts another namespace, staying on this view.
    await page.getByRole('textbox', { name: 'Namespace' }).fill('default');
    await page.getByRole('textbox', { name: 'Namespace' }).press('Enter');
    await expect.poll(() => new URL(page.url()).search).toBe('?namespace=default');
    await expect.poll(() => page.getByRole('heading', { name: 'Records in default' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('looks right in dark mode', async () => {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY, colorScheme: 'dark' });
    await page.goto(`/ui/operations?namespace=${ui.seeded.namespace}`);
    await expect.poll(() => page.locator('svg[aria-label^="Records per tier"]').count()).toBe(1);
    await expect.poll(() => page.locator('svg[aria-label^="Embedding cache hit rate"]').count()).toBe(1);
    await expect.poll(() => page.locator('svg[aria-label^="Embedding backlog"]').count()).toBe(1);
    await expectAccessible(page, 'operations (dark)');
    await saveScreenshot(page, 'operations-dark');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells a read key of one namespace plainly that it may see none of it', async () => {
    const { key } = await ui.memos.client().keys.create({ role: 'read', namespaces: [ui.seeded.namespace] });
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: key });
    await page.goto('/ui/operations');
    await expect.poll(() => page.getByText('This key may see none of the operations view').isVisible()).toBe(true);
    for (const heading of ['Embedding backlog', 'Cache hit rates', 'Health']) expect(await page.getByRole('heading', { name: heading }).count()).toBe(0);
    expect(await page.locator('svg[role="img"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Reindex pending' }).count()).toBe(0);
    await expectAccessible(page, 'operations (read key)');
    expect(problems).toEqual([]);
    await context.close();
  });
});
