// The web UI's build: small, and self-contained (no CDN, no web font, nothing loaded from
// elsewhere), so it works offline. Prints the main bundle's size, gzipped as memOS serves it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '../../web/dist');
/** The most the entry script may weigh gzipped: a guard against a heavy dependency slipping in, not a target. */
const MAIN_BUDGET_BYTES = 60_000;

describe.skipIf(!existsSync(join(DIST, 'index.html')) && process.env.MEMOS_REQUIRE_SERVICES !== '1')('the web UI build', () => {
  const html = () => readFileSync(join(DIST, 'index.html'), 'utf8');
  const assets = () => readdirSync(join(DIST, 'assets'));

  it('has one entry script, within its gzipped budget', () => {
    const entries = [...html().matchAll(/<script[^>]*src="\/ui\/assets\/([^"]+)"/g)].map((match) => match[1]!);
    expect(entries).toHaveLength(1);
    const main = readFileSync(join(DIST, 'assets', entries[0]!));
    const gzipped = gzipSync(main, { level: 9 }).length;
    console.log(`web UI main bundle: ${(main.length / 1000).toFixed(1)} kB, ${(gzipped / 1000).toFixed(1)} kB gzipped; ${assets().length} files in assets/`);
    expect(gzipped).toBeLessThan(MAIN_BUDGET_BYTES);
  });

  it('loads nothing from elsewhere: no external script, stylesheet, font or image, and no inline script', () => {
    expect(html()).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const name of assets().filter((file) => file.endsWith('.css'))) {
      const css = readFileSync(join(DIST, 'assets', name), 'utf8');
      expect(css, name).not.toMatch(/@import|@font-face|url\((['"]?)(https?:)?\/\//);
    }
    expect(assets().filter((file) => /\.(woff2?|ttf|otf)$/.test(file))).toEqual([]);
  });
});
