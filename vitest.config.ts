import { createConnection } from 'node:net';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// The HTTP tests that run a second time in server mode (PostgreSQL and Redis, DESIGN §8).
// The client's tests that reach a memOS run there too; those of its types, route table and packing need no storage.
// So do the framework adapters' tests: each adapter keeps its framework's records in memOS's tiers.
const SERVER_MODE_TESTS = ['src/http/**/*.test.ts', 'src/mcp/*.test.ts', 'src/auth/**/*.test.ts', 'src/cache/*.test.ts', 'src/memory/**/*.test.ts', 'test/scenarios/*.test.ts', 'test/e2e/durability.test.ts', 'test/fuzz/*.test.ts', 'test/leakage/*.test.ts', 'packages/client/test/{records,operations,errors}.test.ts', 'packages/{ai-sdk,langgraph,mastra,openai-agents}/test/**/*.test.ts', 'test/examples/*.test.ts'];

const POSTGRES = new URL(process.env.MEMOS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const REDIS = new URL(process.env.MEMOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

/** Whether something accepts connections at `url` within a second. */
function listening(url: URL, defaultPort: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || defaultPort) });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}

export default defineConfig(async () => {
  // Without the services the server project is left out, unless MEMOS_REQUIRE_SERVICES=1 makes their absence a failure.
  const servicesUp = (await listening(POSTGRES, 5432)) && (await listening(REDIS, 6379));
  const serverMode = servicesUp || process.env.MEMOS_REQUIRE_SERVICES === '1';
  if (!serverMode) console.warn('PostgreSQL or Redis is not listening: the HTTP tests run in embedded mode only');
  const projects: TestProjectInlineConfiguration[] = [
    { extends: true, test: { name: 'embedded', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'packages/*/test/**/*.test.ts'] } },
    ...(serverMode ? [{ extends: true as const, test: { name: 'server', include: SERVER_MODE_TESTS, env: { MEMOS_TEST_BACKEND: 'server' } } }] : []),
  ];
  return {
    test: {
      // Contract suites are imported by each adapter's test file, never run on their own.
      exclude: ['**/*.case.test.ts', 'node_modules/**', 'dist/**'],
      testTimeout: 20_000,
      hookTimeout: 30_000,
      pool: 'forks' as const,
      // Two test files at a time: on these 2-core machines vitest's default is one, and most files
      // spend their time waiting on PostgreSQL, Redis, fsync or a child process (CI: 966 s of tests
      // with one worker, 712 s with two, in two runs on the same machine).
      maxWorkers: 2,
      projects,
    },
  };
});
