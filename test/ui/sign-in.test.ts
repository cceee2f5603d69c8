// Signing in with a key, in a real Chromium: the page asks for a key where memOS requires one,
// refuses a bad one, keeps a good one for the tab only, and shows the key's role.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';
import { expectAccessible, launchBrowser, openPage, saveScreenshot, skipBrowser } from './browser.js';
import { ADMIN_KEY, useSeededUi } from './seed.js';

describe.skipIf(skipBrowser)('web UI: sign-in', () => {
  const ui = useSeededUi();

  it('asks for a key, refuses a wrong one, and signs in with a good one for this tab only', async () => {
    const { page, context, problems } = await openPage(ui.browser, ui.memos.baseUrl);
    await page.goto(`/ui/n/${ui.seeded.namespace}`);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to memOS' }).isVisible()).toBe(true);
    await expectAccessible(page, 'sign-in');
    await saveScreenshot(page, 'sign-in');

    await page.getByLabel('API key').fill('memos_aaaaaaaaaaaa_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('refused this key');

    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.topbar .badge').textContent()).toBe('admin');
    expect(await page.evaluate(() => (globalThis as unknown as { localStorage: { length: number } }).localStorage.length)).toBe(0);

    // Another tab of the same browser profile starts signed out: the key lives in this tab's sessionStorage only.
    const other = await context.newPage();
    await other.goto(`/ui/n/${ui.seeded.namespace}`);
    await expect.poll(() => other.getByRole('heading', { name: 'Sign in to memOS' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to memOS' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe.skipIf(skipBrowser)('web UI: the loopback start with no key', () => {
  let memos: TestMemos;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    // MEMOS_AUTH=auto on loopback with no key made: memOS requires none, and neither does its UI.
    memos = await startTestMemos({ MEMOS_AUTH: 'auto' });
    await memos.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(memos.app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await memos?.close();
  });

  it('opens with no sign-in, as the local admin, and offers no sign-out', async () => {
    const { page, context, problems } = await openPage(browser, baseUrl);
    await page.goto('/ui/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/ui/n/default');
    await expect.poll(() => page.locator('.topbar .who').textContent()).toContain('local, no key');
    expect(await page.locator('.topbar .badge').textContent()).toBe('admin');
    expect(await page.getByRole('heading', { name: 'Sign in to memOS' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
