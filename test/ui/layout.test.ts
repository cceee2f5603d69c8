// The UI at a small laptop's width, in a real Chromium: each main view fits the window with no
// sideways scrolling (wide tables and charts scroll or wrap inside their own boxes).
import { describe, expect, it } from 'vitest';
import { openPage, saveScreenshot, skipBrowser } from './browser.js';
import { ADMIN_KEY, useSeededUi } from './seed.js';

const WIDTH = 1024;

describe.skipIf(skipBrowser)(`web UI: ${WIDTH} px wide`, () => {
  const ui = useSeededUi();

  it('fits every main view into the window, with no sideways scrolling', async () => {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl, { apiKey: ADMIN_KEY, width: WIDTH });
    const ns = ui.seeded.namespace;
    const views: Array<[string, string, string]> = [
      ['namespace', `/ui/n/${ns}`, 'table'],
      ['user-memories', `/ui/n/${ns}/u/${ui.seeded.userId}`, 'table'],
      ['user-episodes', `/ui/n/${ns}/u/${ui.seeded.userId}?tab=episodes`, 'svg'],
      ['memory', `/ui/n/${ns}/memories/${ui.seeded.cityMemoryId}`, '.memory-history'],
      ['recall', `/ui/n/${ns}/recall?q=${encodeURIComponent('where does Ana live')}&userId=${ui.seeded.userId}`, '.recall-hits'],
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
