import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/core/clock.js';
import type { EmbeddingProvider } from '../../src/core/ports.js';
import { createMemos, type Memos } from '../../src/main.js';
import { createLogger } from '../../src/observability/logger.js';

export interface TestMemos extends Memos {
  dataDir: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies loosely
  json(method: InjectOptions['method'], url: string, body?: unknown): Promise<{ status: number; body: any; headers: LightMyRequestResponse['headers'] }>;
}

/**
 * A real memOS on a fresh SQLite data folder, served through `inject()` with no port.
 * Embeddings are off unless the test sets MEMOS_EMBEDDER or passes a provider.
 */
export async function startTestMemos(env: Record<string, string> = {}, clock?: Clock, embeddingProvider?: EmbeddingProvider): Promise<TestMemos> {
  const dataDir = mkdtempSync(join(tmpdir(), 'memos-test-'));
  const config = loadConfig({
    env: { MEMOS_DATA_DIR: dataDir, MEMOS_LOG_LEVEL: 'silent', MEMOS_SQLITE_SYNCHRONOUS: 'normal', MEMOS_EMBEDDER: embeddingProvider ? 'model2vec' : 'none', MEMOS_AUTO_BACKFILL: 'false', ...env },
    cwd: dataDir,
  });
  const memos = await createMemos(config, {
    logger: createLogger(config),
    ...(clock === undefined ? {} : { clock }),
    ...(embeddingProvider === undefined ? {} : { embeddingProvider }),
  });
  await memos.embeddings.settled;
  const request = (options: InjectOptions) => memos.app.inject(options);
  return {
    ...memos,
    dataDir,
    request,
    async json(method, url, body) {
      const response = await request({ method, url, ...(body === undefined ? {} : { payload: body as object }) });
      return { status: response.statusCode, body: response.body === '' ? undefined : response.json(), headers: response.headers };
    },
    async close() {
      await memos.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
