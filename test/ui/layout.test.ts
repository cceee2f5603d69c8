// The UI at a small laptop's width, in a real Chromium: each main view fits the window with no
// sideways scrolling (wide tables and charts scroll or wrap inside their own boxes).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningMemos } from '../../packages/client/test/listening-memos.js';
import { launchBrowser, openPage, saveScreenshot, skipBrowser } from './browser.js';
import { ADMIN_KEY, seed, startUiMemos, type Seeded } from './seed.js';

const WIDTH = 1024;

describe.skipIf(skipBrowser)(`web UI: ${WIDTH} px wide`, () => {
  let memos: ListeningMemos;
  let browser: Browser;
  let seeded: Seeded;

  beforeAll(async () => {
    memos = await startUiMemos();
    seeded = await seed(memos.client());
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await memos?.close();
  });

  it('fits every main view into the window, with no sideways scrolling', async () => {
    const { page, context, problems } = await openPage(browser, memos.baseUrl, { apiKey: ADMIN_KEY, width: WIDTH });
    const ns = seeded.namespace;
    const views: Array<[string, string, string]> = [
      ['namespace', `/ui/n/${ns}`, 'table'],
      ['user-memories', `/ui/n/${ns}/u/${seeded.userId}`, 'table'],
      ['user-episodes', `/ui/n/${ns}/u/${seeded.userId}?tab=episodes`, 'svg'],
      ['memory', `/ui/n/${ns}/memories/${seeded.cityMemoryId}`, '.memory-history'],
      ['recall', `/ui/n/${ns}/recall?q=${encodeURIComponent('where does Ana live')}&userId=${seeded.userId}`, '.recall-hits'],
      ['operations', `/ui/operations?namespace=${ns}`, 'svg'],
    ];
    for (const [name, url, ready] of views) {
      await page.goto(url);
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow, `${name} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
      if (name === 'recall' || name === 'user-episodes') await saveScreenshot(page, `${name}-${WIDTH}`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
