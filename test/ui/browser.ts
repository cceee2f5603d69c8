// The web UI's end-to-end tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core,
// against a real memOS listening on loopback and serving the built UI (web/dist). Never
// `playwright install`: the browser is the system's. Screenshots land in artifacts/ui/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.MEMOS_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
/** Without Chromium the browser tests skip, unless MEMOS_REQUIRE_SERVICES=1 (CI) makes that a failure. */
export const skipBrowser = !haveChromium && process.env.MEMOS_REQUIRE_SERVICES !== '1';
if (skipBrowser) console.warn(`no Chromium at ${CHROMIUM}: the web UI's browser tests are skipped (apt-get install -y chromium)`);

export const ARTIFACTS = join(import.meta.dirname, '../../artifacts/ui');
const UI_BUILD = join(import.meta.dirname, '../../web/dist/index.html');

/** Chromium headless, with nothing that reaches beyond this machine. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(UI_BUILD)) throw new Error('the web UI is not built: run `npm run build -w @memos/web` (npm ci does it)');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface PageOptions {
  /** An API key the tab is already signed in with (kept in sessionStorage, as the sign-in keeps it). */
  apiKey?: string;
  colorScheme?: 'light' | 'dark';
  width?: number;
}

export interface UiPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and CSP refusals the page met: a test expects none. */
  problems: string[];
}

/** A fresh tab (its own storage) at a laptop's size. */
export async function openPage(browser: Browser, baseUrl: string, options: PageOptions = {}): Promise<UiPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: options.width ?? 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  if (options.apiKey !== undefined) await context.addInitScript((key) => (globalThis as unknown as { sessionStorage: { setItem(name: string, value: string): void } }).sessionStorage.setItem('memos.apiKey', key), options.apiKey);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the page as it is now: no serious or critical violation (WCAG 2.1 A and AA rules, and axe's best practices). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern; the page itself stays under it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as { document: unknown; axe: { run(context: unknown, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } };
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')) }));
  });
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious, `${what}: axe-core found serious or critical violations`).toEqual([]);
}

/** Saves the page as artifacts/ui/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}
