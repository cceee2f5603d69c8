// The web UI at /ui: the static files `npm run build -w @memos/web` makes in web/dist, read once at
// start and served from memory, gzipped where the browser takes it. Hashed assets are cached for a
// year; the page itself is revalidated by its ETag, so a new build shows at the next load. Paths of
// the UI's own (a permalink like /ui/n/default/memories/mem_…) answer the page, which routes them.
// Every answer carries a content security policy that lets the page load and call memOS only.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MemosError } from '../core/errors.js';

/** Where the build lands, from src/http/ and from dist/http/ alike. */
export const UI_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Scripts, styles, images and calls from memOS itself only; no frames, no plugins, no forms elsewhere. */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface UiFile {
  body: Buffer;
  gzipped: Buffer | undefined;
  type: string;
  etag: string;
  immutable: boolean;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file of the build, by its path under /ui/ (`index.html`, `assets/index-1a2b.js`). */
export function loadUi(dir: string = UI_DIR): Map<string, UiFile> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, UiFile>();
  for (const path of filesUnder(dir)) {
    const name = relative(dir, path).split(sep).join('/');
    const body = readFileSync(path);
    const type = TYPES[extname(name)] ?? 'application/octet-stream';
    const compressible = !type.startsWith('image/png');
    const gzipped = compressible && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined;
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(name, { body, gzipped: gzipped !== undefined && gzipped.length < body.length ? gzipped : undefined, type, etag, immutable: name.startsWith('assets/') });
  }
  return files;
}

function send(request: FastifyRequest, reply: FastifyReply, file: UiFile): FastifyReply {
  void reply
    .header('content-type', file.type)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header('content-security-policy', UI_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const gzip = file.gzipped !== undefined && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (gzip) void reply.header('content-encoding', 'gzip');
  return reply.send(gzip ? file.gzipped : file.body);
}

/** Serves the UI at /ui/ (and /ui, redirected), from `dir`; answers a problem naming the build command when it is not built. */
export function uiRoutes(app: FastifyInstance, dir: string = UI_DIR): void {
  const files = loadUi(dir);
  app.get('/ui', { schema: { hide: true } }, (_request, reply) => reply.redirect('/ui/', 308));
  app.get('/ui/*', { schema: { hide: true } }, (request, reply) => {
    if (files === undefined) throw new MemosError('E_NOT_FOUND', 'the web UI is not built in this install: run `npm run build -w @memos/web` (npm ci does it)');
    const path = (request.params as { '*': string })['*'];
    const file = files.get(path === '' ? 'index.html' : path);
    if (file !== undefined) return send(request, reply, file);
    // A file the build does not have is a 404; a path of the UI's own routes answers the page.
    if (extname(path) !== '' || path.startsWith('assets/')) throw new MemosError('E_NOT_FOUND', `no file ${path} in the web UI`);
    return send(request, reply, files.get('index.html')!);
  });
}
