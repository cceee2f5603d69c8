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
  server: { proxy: { '/api': 'http://127.0.0.1:7420', '/health': 'http://127.0.0.1:7420', '/metrics': 'http://127.0.0.1:7420' } },
});
