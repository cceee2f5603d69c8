// The web UI's build: one entry, served by memOS under /ui/ (src/http/ui.ts). Assets get content
// hashes in their names, so memOS can let browsers keep them for a year; index.html is revalidated.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP allows scripts from memOS itself only: no inline bootstrap.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  // `npm run dev -w @memos/web`: the UI with live reload, its API calls sent on to a memOS on 7420
  // (with memOS's own Host, which its DNS-rebinding guard accepts).
  server: {
    proxy: Object.fromEntries(['/api', '/health', '/metrics'].map((prefix) => [prefix, { target: 'http://127.0.0.1:7420', changeOrigin: true }])),
  },
});
