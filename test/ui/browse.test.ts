// Browsing memOS in a real Chromium: namespaces → users → a user's memories, episode timeline and
// live session; the timeline's zoom and outcomes; filters, paging and permalinks; and what a read
// key sees where memOS lists only to write keys.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectAccessible, openPage, saveScreenshot, skipBrowser, type PageOptions, type UiPage } from './browser.js';
import { ADMIN_KEY, useSeededUi } from './seed.js';

describe.skipIf(skipBrowser)('web UI: browse', () => {
  let readKey: string;
  const tabs: UiPage[] = [];

  const ui = useSeededUi(async ({ memos, seeded }) => {
    readKey = (await memos.client().keys.create({ role: 'read', namespaces: [seeded.namespace], name: 'ui-reader' })).key;
  });
  afterAll(async () => {
    for (const tab of tabs) await tab.context.close();
  });

  async function open(to: string, options: PageOptions = {}): Promise<UiPage> {
    const tab = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY, ...options });
    tabs.push(tab);
    await tab.page.goto(to);
    return tab;
  }
  const uiPath = (...parts: string[]) => `/ui/${parts.map(encodeURIComponent).join('/')}`;
  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const queryOf = (page: Page) => new URL(page.url()).searchParams;
  const episodeRows = (page: Page) => page.locator('table.episode-list tbody tr').count();

  it('goes from the namespaces to the users, to ana and her memories and episode timeline, and zooms it', async () => {
    const { page, problems } = await open(uiPath('n'));
    await page.getByRole('heading', { name: 'Namespaces' }).waitFor();
    await page.getByRole('link', { name: ui.seeded.namespace, exact: true }).waitFor();
    await expectAccessible(page, 'namespaces');
    await saveScreenshot(page, 'namespaces');

    await page.getByRole('link', { name: ui.seeded.namespace, exact: true }).click();
    await page.getByRole('heading', { name: `Namespace ${ui.seeded.namespace}` }).waitFor();
    const users = page.locator('table.user-table tbody tr');
    await expect.poll(() => users.count()).toBe(2);
    expect(await users.first().textContent()).toContain('ana');
    await expectAccessible(page, 'namespace (users)');
    await saveScreenshot(page, 'namespace-users');

    await page.getByRole('link', { name: 'ana', exact: true }).click();
    await page.getByRole('heading', { name: 'User ana' }).waitFor();
    expect(pathOf(page)).toBe(uiPath('n', ui.seeded.namespace, 'u', 'ana'));
    expect(await page.getByRole('link', { name: 'Memories' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('link', { name: 'Ana prefers green tea in the morning' }).waitFor();
    // Current memories only: the bakery job was superseded by the harbour office (the same key).
    expect(await page.locator('table.memory-table').textContent()).not.toContain('bakery');
    await expect.poll(() => page.locator('.user-counts').textContent()).toContain('Episodes8');
    await expect.poll(() => page.locator('.user-counts').textContent()).toContain('Live sessions1');
    await expectAccessible(page, 'user, memories tab');
    await saveScreenshot(page, 'user-memories');

    await page.getByRole('link', { name: 'Episode timeline' }).click();
    await expect.poll(() => queryOf(page).get('tab')).toBe('episodes');
    const chart = page.getByRole('img', { name: /Episode timeline of 8 episodes/ });
    await chart.waitFor();
    const summary = (await chart.getAttribute('aria-label')) ?? '';
    expect(summary).toContain('1 failed');
    expect(summary).toContain('1 completed');
    expect(await episodeRows(page)).toBe(8);
    // The failed intervention says so in words, not only in red.
    const failedRow = page.locator(`tr[data-episode="${ui.seeded.failedInterventionId}"]`);
    expect(await failedRow.locator('.badge.bad').textContent()).toContain('failed');
    expect(await page.locator('.tl-legend').textContent()).toContain('intervention failed');
    await expectAccessible(page, 'user, episodes tab');
    await saveScreenshot(page, 'user-episodes');

    // The seed's episodes lie 1 to 13 days back; the last week holds ana's 6, 4, 2 and 1 days ago.
    await page.getByRole('button', { name: 'Last week' }).click();
    await expect.poll(() => queryOf(page).get('from')).not.toBeNull();
    expect(queryOf(page).get('to')).not.toBeNull();
    expect(queryOf(page).get('tab')).toBe('episodes');
    await expect.poll(() => episodeRows(page)).toBe(4);
    expect(await page.locator('svg[role="img"] .tl-dot').count()).toBe(4);
    const zoomed = page.url();

    // The zoomed view is a permalink: a fresh tab at its URL shows the same window.
    const again = await open(new URL(zoomed).pathname + new URL(zoomed).search);
    await again.page.getByRole('img', { name: /Episode timeline of 4 episodes/ }).waitFor();
    expect(again.problems).toEqual([]);

    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => queryOf(page).get('from')).not.toBe(new URL(zoomed).searchParams.get('from'));
    await page.getByRole('button', { name: 'All time' }).click();
    await expect.poll(() => queryOf(page).get('from')).toBeNull();
    await expect.poll(() => episodeRows(page)).toBe(8);
    expect(problems).toEqual([]);
  });

  it("draws the namespace's timeline, and a click on the failed intervention's dot opens it with every field", async () => {
    const { page, problems } = await open(uiPath('n', ui.seeded.namespace, 'episodes'));
    await page.getByRole('img', { name: /Episode timeline of 9 episodes/ }).waitFor();
    await expectAccessible(page, 'episodes timeline');
    await saveScreenshot(page, 'episodes-timeline');

    await page.getByRole('button', { name: 'Zoom out' }).click();
    await expect.poll(() => queryOf(page).get('to')).not.toBeNull();
    await page.getByRole('img', { name: /Episode timeline of 9 episodes/ }).waitFor();

    await page.locator(`svg .tl-dot[data-episode="${ui.seeded.failedInterventionId}"]`).click();
    await expect.poll(() => pathOf(page)).toBe(uiPath('n', ui.seeded.namespace, 'episodes', ui.seeded.failedInterventionId));
    const card = page.locator('.episode-card');
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    for (const field of ['Booked a dentist appointment for Tuesday.', 'intervention', 'task_failed', 'failed', 'scheduling', 'calendar full that week', 'ana', ui.seeded.namespace, ui.seeded.failedInterventionId]) expect(text).toContain(field);
    expect(problems).toEqual([]);

    // By its permalink, in a fresh tab: a message episode with its session and metadata.
    const direct = await open(uiPath('n', ui.seeded.namespace, 'episodes', ui.seeded.episodeIds[0]!));
    const directCard = direct.page.locator('.episode-card');
    await directCard.waitFor();
    const directText = (await directCard.textContent()) ?? '';
    expect(directText).toContain('I moved to Porto last month');
    expect(directText).toContain('chat-1');
    expect(directText).toContain('"speaker": "Ana"');
    await expectAccessible(direct.page, 'episode');
    await saveScreenshot(direct.page, 'episode');
    expect(direct.problems).toEqual([]);
  });

  it("opens ana's live session from her sessions tab, with its messages and state", async () => {
    const { page, problems } = await open(`${uiPath('n', ui.seeded.namespace, 'u', 'ana')}?tab=sessions`);
    await page.getByRole('link', { name: ui.seeded.sessionId }).click();
    await expect.poll(() => pathOf(page)).toBe(uiPath('n', ui.seeded.namespace, 'sessions', ui.seeded.sessionId));
    const messages = page.locator('ol.messages li');
    await expect.poll(() => messages.count()).toBe(3);
    expect(await messages.first().textContent()).toContain('Can you plan a weekend trip for me and Rita?');
    expect(await messages.nth(1).textContent()).toContain('assistant');
    const state = (await page.locator('pre.session-state').textContent()) ?? '';
    expect(JSON.parse(state)).toEqual({ step: 'planning', topic: 'weekend trip' });
    const facts = (await page.locator('dl.facts').textContent()) ?? '';
    expect(facts).toContain('helper');
    expect(facts).toContain('1 h (3600 s)');
    await expectAccessible(page, 'session');
    await saveScreenshot(page, 'session');
    expect(problems).toEqual([]);
  });

  it('filters memories by kind, pages a short list, and opens a memory from its row', async () => {
    const { page, problems } = await open(uiPath('n', ui.seeded.namespace, 'memories'));
    const rows = page.locator('table.memory-table tbody tr');
    // The seeded memories, and the reflections memOS draws from the interventions' outcomes.
    await page.getByRole('link', { name: 'Ben keeps bees on the roof' }).waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('table.memory-table').textContent()).not.toContain('bakery');
    await page.getByLabel('Kind').selectOption('preference');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => queryOf(page).get('kind')).toBe('preference');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByLabel('Kind').inputValue()).toBe('preference');
    expect(await rows.first().locator('.badge.accent').textContent()).toBe('preference');
    expect(await rows.first().textContent()).toContain('green tea');
    await expectAccessible(page, 'memories');
    await saveScreenshot(page, 'memories');

    // Superseded versions on request: the bakery job, marked as such.
    await page.goto(`${uiPath('n', ui.seeded.namespace, 'memories')}?userId=ana&key=job&includeSuperseded=true`);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator(`tr[data-memory="${ui.seeded.oldJobMemoryId}"]`).textContent()).toContain('superseded');
    expect(await page.locator(`tr[data-memory="${ui.seeded.jobMemoryId}"]`).textContent()).toContain('current');

    await page.goto(`${uiPath('n', ui.seeded.namespace, 'memories')}?limit=3`);
    await expect.poll(() => rows.count()).toBe(3);
    const firstPage = await rows.allTextContents();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => queryOf(page).get('cursor')).not.toBeNull();
    expect(queryOf(page).get('limit')).toBe('3');
    await expect.poll(async () => (await rows.allTextContents()).join()).not.toBe(firstPage.join());
    const secondPage = await rows.allTextContents();
    await page.getByRole('button', { name: 'First page' }).click();
    await expect.poll(() => queryOf(page).get('cursor')).toBeNull();
    await expect.poll(async () => (await rows.allTextContents()).join()).not.toBe(secondPage.join());

    // A click on the row (its importance cell, not the link) opens the memory's permalink; the row
    // is found by its id, so that a list drawn again meanwhile cannot put another row under the click.
    const id = await rows.first().getAttribute('data-memory');
    await page.locator(`tr[data-memory="${id}"]`).locator('.importance').click();
    await expect.poll(() => pathOf(page)).toBe(uiPath('n', ui.seeded.namespace, 'memories', id!));
    expect(problems).toEqual([]);
  });

  it("browses from ana's memories to her home city, and its history: Lisbon struck out, Porto put in", async () => {
    const { page, problems } = await open(uiPath('n', ui.seeded.namespace, 'u', ui.seeded.userId));
    const row = page.locator('tr[data-memory]', { hasText: 'Ana lives in Porto' });
    await row.getByRole('link', { name: /Ana lives in Porto/ }).click();
    await expect.poll(() => pathOf(page)).toBe(uiPath('n', ui.seeded.namespace, 'memories', ui.seeded.cityMemoryId));
    const history = page.locator('.memory-history');
    await expect.poll(() => history.locator('del').allTextContents()).toContain('Lisbon');
    expect((await history.locator('ins').allTextContents()).join(' ')).toContain('Porto');
    expect(problems).toEqual([]);
  });

  it('shows a read key the namespace with a clear word instead of the users list, and ana by her id', async () => {
    const { page, problems } = await open(uiPath('n', ui.seeded.namespace), { apiKey: readKey });
    await page.getByRole('heading', { name: `Namespace ${ui.seeded.namespace}` }).waitFor();
    expect(await page.locator('.notice').textContent()).toContain('write keys only');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('table.user-table').count()).toBe(0);
    await expectAccessible(page, 'namespace (read key)');
    await saveScreenshot(page, 'namespace-read');

    await page.getByLabel('Find a user by id').fill('ana');
    await page.getByRole('button', { name: 'Open user' }).click();
    await page.getByRole('heading', { name: 'User ana' }).waitFor();
    await page.getByRole('link', { name: 'Ana prefers green tea in the morning' }).waitFor();
    expect(await page.locator('header.user-head').textContent()).toContain('Counts need a write key');
    await page.getByRole('link', { name: 'Live sessions' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('write keys only');
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByRole('link', { name: 'Browse' }).click();
    await page.goto(uiPath('n'));
    await page.getByRole('link', { name: ui.seeded.namespace, exact: true }).waitFor();
    expect(await page.locator('.notice').textContent()).toContain('need a write key');
    expect(problems).toEqual([]);
  });

  it("takes a key bound to ana straight from the namespace to her page", async () => {
    const admin = ui.memos.client({ apiKey: ADMIN_KEY });
    const { key } = await admin.keys.create({ role: 'read', namespaces: [ui.seeded.namespace], userId: 'ana', name: 'ui-ana' });
    const { page, problems } = await open(uiPath('n', ui.seeded.namespace), { apiKey: key });
    await page.getByRole('heading', { name: 'User ana' }).waitFor();
    expect(pathOf(page)).toBe(uiPath('n', ui.seeded.namespace, 'u', 'ana'));
    await page.getByRole('link', { name: 'Ana prefers green tea in the morning' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('draws the timeline in dark mode', async () => {
    const { page, problems } = await open(`${uiPath('n', ui.seeded.namespace, 'u', 'ana')}?tab=episodes`, { colorScheme: 'dark' });
    await page.getByRole('img', { name: /Episode timeline of 8 episodes/ }).waitFor();
    await expectAccessible(page, 'user episodes, dark');
    await saveScreenshot(page, 'user-episodes-dark');
    expect(problems).toEqual([]);
  });
});
