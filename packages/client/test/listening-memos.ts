// A real memOS for the client's tests: started in-process on a fresh data folder (PostgreSQL and
// Redis under the server test project), listening on an ephemeral loopback port, so that the
// client reaches it through the platform's real fetch.
import type { AddressInfo } from 'node:net';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { haveModel, MODEL_PATH } from '../../../test/support/test-model.js';
import { MemosClient, type MemosClientOptions } from '../src/index.js';

export { haveModel };

/** The admin key of every test memOS here (MEMOS_ADMIN_KEY). */
export const ADMIN_KEY = 'an-admin-key-for-the-client-tests-0123456789';

export interface ListeningMemos {
  memos: TestMemos;
  baseUrl: string;
  /** A client with the admin key; `options` are added to it. */
  client(options?: Partial<MemosClientOptions>): MemosClient;
  close(): Promise<void>;
}

/** memOS with keys required (the admin key above), the Model2Vec embedder, and `env` on top. */
export async function startListeningMemos(env: Record<string, string> = {}): Promise<ListeningMemos> {
  const memos = await startTestMemos({
    MEMOS_AUTH: 'required',
    MEMOS_ADMIN_KEY: ADMIN_KEY,
    MEMOS_EMBEDDER: 'model2vec',
    MEMOS_MODEL2VEC_PATH: MODEL_PATH,
    ...env,
  });
  await memos.app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(memos.app.server.address() as AddressInfo).port}`;
  return {
    memos,
    baseUrl,
    client: (options = {}) => new MemosClient({ baseUrl, apiKey: ADMIN_KEY, ...options }),
    close: () => memos.close(),
  };
}

/** A name no other test uses, for namespaces, users and sessions. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
