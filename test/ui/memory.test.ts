// A memory's page and its curation in a real Chromium: the history as a word diff, editing (the
// history grows), confirming, retracting, superseding and deleting, the conflicts review, and a read
// key that sees none of the write controls. Each change is checked against memOS's API too.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MemosClient } from '../../packages/client/src/index.js';
import { expectAccessible, openPage, saveScreenshot, skipBrowser, type UiPage } from './browser.js';
import { ADMIN_KEY, useSeededUi } from './seed.js';

const WRITE_CONTROLS = ['Edit', 'Supersede', 'Retract', 'Confirm', 'Delete', 'Keep this one'];

describe.skipIf(skipBrowser)('web UI: a memory, its history and curation', () => {
  let client: MemosClient;
  let readKey: string;
  const ui = useSeededUi(async ({ memos, seeded }) => {
    client = memos.client();
    readKey = (await client.keys.create({ role: 'read', namespaces: [seeded.namespace] })).key;
  });

  const call = () => ({ namespace: ui.seeded.namespace });

  /** The id of Ana's current memory that states `content`. */
  async function memoryId(content: string): Promise<string> {
    const page = await client.memories.list({ userId: ui.seeded.userId, limit: 100 }, call());
    const found = page.items.find((memory) => memory.content === content);
    if (found === undefined) throw new Error(`no current memory states "${content}"`);
    return found.id;
  }

  async function openMemory(id: string, apiKey = ADMIN_KEY): Promise<UiPage> {
    const opened = await openPage(ui.browser, ui.memos.baseUrl, { apiKey });
    await opened.page.goto(`/ui/n/${ui.seeded.namespace}/memories/${id}`);
    await expect.poll(() => opened.page.locator('.memory-content').count()).toBe(1);
    return opened;
  }

  const standing = (page: Page) => page.locator('.memory-standing').textContent();

  it('shows the city memory by permalink, with its history as a word diff (Lisbon deleted, Porto inserted)', async () => {
    const { page, context, problems } = await openMemory(ui.seeded.cityMemoryId);
    expect(await page.locator('.memory-content').textContent()).toBe('Ana lives in Porto, near the river');
    expect(await standing(page)).toBe('current');
    expect(await page.locator('.memory-facts').textContent()).toContain('home_city');
    const change = page.locator('.memory-change');
    expect(await change.count()).toBe(1);
    expect(await change.locator('.word-diff del').allTextContents()).toEqual(['Lisbon']);
    expect((await change.locator('.word-diff ins').allTextContents()).join('')).toContain('Porto');
    // Importance changed in the same update: listed as a changed field.
    expect(await change.locator('.memory-fields-changed').textContent()).toContain('importance');
    // Its source episode links to the episode's page.
    await expect.poll(() => page.locator('.memory-source-episodes a').first().getAttribute('href')).toBe(`/ui/n/${ui.seeded.namespace}/episodes/${ui.seeded.episodeIds[0]}`);
    await expectAccessible(page, 'memory page');
    await saveScreenshot(page, 'memory');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('edits the memory: the history grows by one version, as the API says', async () => {
    const { page, context, problems } = await openMemory(ui.seeded.cityMemoryId);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Content').fill('Ana lives in Porto, near the river Douro');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('.memory-change').count()).toBe(2);
    expect(await page.locator('.memory-content').textContent()).toBe('Ana lives in Porto, near the river Douro');
    expect(await page.locator('.memory-change').first().locator('ins').first().textContent()).toBe('Douro');
    const history = await client.memories.history(ui.seeded.cityMemoryId, call());
    expect(history.currentVersion).toBe(3);
    expect(history.versions).toHaveLength(2);
    await expectAccessible(page, 'memory page after an edit');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('confirms a memory: lastConfirmedAt moves to now', async () => {
    const id = await memoryId('Ana has a sister named Rita');
    const before = (await client.memories.get(id, call())).lastConfirmedAt;
    const { page, context, problems } = await openMemory(id);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(async () => (await client.memories.get(id, call())).lastConfirmedAt).not.toBe(before);
    const after = (await client.memories.get(id, call())).lastConfirmedAt;
    await expect.poll(() => page.locator('.memory-confirmed time').first().getAttribute('datetime')).toBe(after);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a read key the conflicts and the memory, with no write control at all', async () => {
    for (const where of [`memories/${ui.seeded.cityMemoryId}`, 'conflicts']) {
      const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: readKey });
      await page.goto(`/ui/n/${ui.seeded.namespace}/${where}`);
      if (where === 'conflicts') await expect.poll(() => page.locator('.conflict-pair').count()).toBeGreaterThan(0);
      else await expect.poll(() => page.locator('.memory-change').count()).toBeGreaterThan(0);
      expect(await page.locator('.topbar .badge').textContent()).toBe('read');
      for (const name of WRITE_CONTROLS) expect(await page.getByRole('button', { name, exact: true }).count(), `${where}: ${name}`).toBe(0);
      expect(await page.locator('.memory-actions').count()).toBe(0);
      await expectAccessible(page, `${where} with a read key`);
      if (where !== 'conflicts') await saveScreenshot(page, 'memory-read-key');
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it('resolves the bike conflict by keeping one side: the other is retracted and the pair leaves the list', async () => {
    const open = await client.memories.conflicts({ userId: ui.seeded.userId }, call());
    const bike = open.items.find((conflict) => conflict.memory.content === 'Ana does not own a bike');
    expect(bike?.conflictsWith.content).toBe('Ana owns a bike');
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY });
    await page.goto(`/ui/n/${ui.seeded.namespace}/conflicts?userId=${ui.seeded.userId}`);
    const pair = page.locator('.conflict-pair', { hasText: 'Ana does not own a bike' });
    await expect.poll(() => pair.count()).toBe(1);
    expect(await pair.locator('.conflict-why').textContent()).toContain('negation');
    await expectAccessible(page, 'conflicts page');
    await saveScreenshot(page, 'conflicts');
    await pair.locator('.conflict-side', { hasText: 'Ana does not own a bike' }).getByRole('button', { name: 'Keep this one' }).click();
    await expect.poll(() => pair.count()).toBe(0);
    const dropped = await client.memories.get(bike!.conflictsWith.id, call());
    expect(dropped.validTo).toBeDefined();
    expect(dropped.retractionReason).toContain(bike!.memory.id);
    expect((await client.memories.get(bike!.memory.id, call())).validTo).toBeUndefined();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('retracts a fact with a reason: marked retracted, and the API has its validTo', async () => {
    const id = await memoryId('Ana does not own a bike');
    const { page, context, problems } = await openMemory(id);
    await page.getByRole('button', { name: 'Retract' }).click();
    await page.getByLabel('Reason (optional)').fill('said better by "Ana sold her bike"');
    await page.getByRole('button', { name: 'Retract now' }).click();
    await expect.poll(() => standing(page)).toBe('retracted');
    expect(await page.locator('.memory-retracted').textContent()).toContain('Ana sold her bike');
    const memory = await client.memories.get(id, call());
    expect(memory.validTo).toBeDefined();
    expect(memory.retractedAt).toBeDefined();
    // Neither retracting nor confirming applies now, and the page says why.
    expect(await page.getByRole('button', { name: 'Retract' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Confirm' }).isDisabled()).toBe(true);
    expect(await page.locator('.memory-actions-why').textContent()).toContain('it is retracted');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('supersedes a memory with the fact that holds now, and opens the new one', async () => {
    const { page, context, problems } = await openMemory(ui.seeded.teaMemoryId);
    await page.getByRole('button', { name: 'Supersede' }).click();
    await page.getByLabel('The fact that holds now').fill('Ana prefers black coffee in the morning');
    await page.getByRole('button', { name: 'Write and supersede' }).click();
    await expect.poll(() => page.locator('.memory-content').textContent()).toBe('Ana prefers black coffee in the morning');
    const newId = page.url().split('/').pop()!;
    expect(newId).not.toBe(ui.seeded.teaMemoryId);
    expect(await page.locator('.memory-facts dt:text-is("Supersedes") + dd').textContent()).toBe(ui.seeded.teaMemoryId);
    expect((await client.memories.get(ui.seeded.teaMemoryId, call())).supersededBy).toBe(newId);
    expect((await client.memories.get(newId, call())).supersedes).toEqual([ui.seeded.teaMemoryId]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('deletes a memory after the confirmation dialog, then shows the memories list', async () => {
    const { page, context, problems } = await openMemory(ui.seeded.oldJobMemoryId);
    expect(await standing(page)).toBe('superseded');
    expect(await page.getByRole('button', { name: 'Supersede' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Ana works at a bakery');
    await expectAccessible(page, 'memory page, delete dialog');
    await dialog.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/ui/n/${ui.seeded.namespace}/memories`);
    await expect(client.memories.get(ui.seeded.oldJobMemoryId, call())).rejects.toMatchObject({ status: 404 });
    expect(problems).toEqual([]);
    await context.close();
  });
});
