// The recall playground in a real Chromium: a hybrid recall of where Ana lives shows the city memory
// with its score parts as bars and numbers, the context bundle within its token budget, and the
// address reproduces the recall when opened fresh; keyword mode draws no vector bar.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, openPage, saveScreenshot, skipBrowser } from './browser.js';
import { ADMIN_KEY, useSeededUi } from './seed.js';

describe.skipIf(skipBrowser)('web UI: recall playground', () => {
  const ui = useSeededUi();

  /** The hit card of the seeded city memory. */
  const cityHit = (page: Page) => page.locator(`.recall-hit[data-id="${ui.seeded.cityMemoryId}"]`);

  /** The raw value a hit's score part shows, or undefined when the part shows no bar. */
  async function partValue(page: Page, part: string): Promise<number | undefined> {
    const row = cityHit(page).locator(`.part-${part}`);
    if ((await row.locator('.score-track').count()) === 0) return undefined;
    return Number(await row.locator('.score-value').textContent());
  }

  it('recalls where Ana lives in hybrid mode: the city memory with its score parts, and the context bundle within budget', async () => {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY });
    await page.goto(`/ui/n/${ui.seeded.namespace}/recall`);
    await page.getByLabel('Query', { exact: true }).fill('where does Ana live');
    await page.getByLabel('User', { exact: true }).fill(ui.seeded.userId);
    await page.locator('select[name=mode]').selectOption('hybrid');
    await page.getByLabel('Limit').fill('6');
    await page.getByLabel('Token budget').fill('400');
    await page.getByRole('button', { name: 'Recall' }).click();

    await expect.poll(() => cityHit(page).count()).toBe(1);
    expect(await cityHit(page).locator('.recall-content').textContent()).toBe('Ana lives in Porto, near the river');
    // Keyword, vector and recency each took part: a bar and a number for each.
    for (const part of ['keyword', 'vector', 'recency']) expect(await partValue(page, part), part).toBeTypeOf('number');
    expect(await partValue(page, 'vector')).toBeGreaterThan(0);
    expect(Number(await cityHit(page).locator('.recall-score strong').textContent())).toBeGreaterThan(0);
    expect(await cityHit(page).getByRole('link').getAttribute('href')).toBe(`/ui/n/${ui.seeded.namespace}/memories/${ui.seeded.cityMemoryId}`);

    // The bundle, as the model receives it, within the budget asked for.
    await expect.poll(() => page.locator('.recall-bundle-text').textContent()).toContain('Porto');
    const tokens = Number(await page.locator('.recall-tokens').textContent());
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThanOrEqual(400);
    expect(await page.locator('#recall-budget-meter').getAttribute('max')).toBe('400');

    // The address holds the whole recall.
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: 'where does Ana live', userId: ui.seeded.userId, limit: '6', budget: '400' });

    await expectAccessible(page, 'recall playground');
    await saveScreenshot(page, 'recall-playground');
    expect(problems).toEqual([]);

    // Opened fresh in another tab, the permalink runs the same recall.
    const fresh = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY });
    await fresh.page.goto(url.pathname + url.search);
    await expect.poll(() => cityHit(fresh.page).count()).toBe(1);
    expect(await fresh.page.getByLabel('Query', { exact: true }).inputValue()).toBe('where does Ana live');
    expect(await fresh.page.getByLabel('User', { exact: true }).inputValue()).toBe(ui.seeded.userId);
    await expect.poll(() => fresh.page.locator('.recall-tokens').textContent()).toBe(String(tokens));
    expect(fresh.problems).toEqual([]);
    await fresh.context.close();
    await context.close();
  });

  it('draws no vector bar in keyword mode, where the vector part is null', async () => {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY });
    await page.goto(`/ui/n/${ui.seeded.namespace}/recall?q=${encodeURIComponent('Ana lives Porto')}&userId=${ui.seeded.userId}&mode=keyword&types=memories`);
    await expect.poll(() => cityHit(page).count()).toBe(1);
    expect(await page.locator('.recall-meta .badge').first().textContent()).toBe('keyword');
    expect(await partValue(page, 'keyword')).toBeGreaterThan(0);
    expect(await partValue(page, 'vector')).toBeUndefined();
    expect(await cityHit(page).locator('.part-vector').textContent()).toContain('no part');
    // Only memories were asked for.
    expect(await page.locator('.recall-hit .badge', { hasText: /^episode$/ }).count()).toBe(0);
    expect(await page.locator('select[name=mode]').inputValue()).toBe('keyword');
    await expectAccessible(page, 'recall playground, keyword mode');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('recalls superseded memories when asked to, marked as such', async () => {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY });
    const recall = (extra: string) => page.goto(`/ui/n/${ui.seeded.namespace}/recall?q=${encodeURIComponent('Ana works at')}&userId=${ui.seeded.userId}&types=memories${extra}`);
    const oldJob = page.locator(`.recall-hit[data-id="${ui.seeded.oldJobMemoryId}"]`);
    await recall('');
    await expect.poll(() => page.locator(`.recall-hit[data-id="${ui.seeded.jobMemoryId}"]`).count()).toBe(1);
    expect(await oldJob.count()).toBe(0);
    await recall('&includeSuperseded=true');
    await expect.poll(() => oldJob.count()).toBe(1);
    expect(await oldJob.locator('.badge', { hasText: 'superseded' }).count()).toBe(1);
    expect(await page.getByLabel('Include superseded and retracted').isChecked()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('looks right in dark mode', async () => {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY, colorScheme: 'dark' });
    await page.goto(`/ui/n/${ui.seeded.namespace}/recall?q=${encodeURIComponent('where does Ana live')}&userId=${ui.seeded.userId}&limit=6&budget=400`);
    await expect.poll(() => cityHit(page).count()).toBe(1);
    await expect.poll(() => page.locator('.recall-bundle-text').count()).toBe(1);
    await expectAccessible(page, 'recall playground (dark)');
    await saveScreenshot(page, 'recall-playground-dark');
    expect(problems).toEqual([]);
    await context.close();
  });
});
