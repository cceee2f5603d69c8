// GET /api/v1/whoami: the role and reach of the key a request carries, never its secret; the local
// admin while keys are not required.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

const ADMIN_KEY = 'an-admin-key-for-the-whoami-tests-0123456789';

describe('GET /api/v1/whoami', () => {
  let open: TestMemos;
  let guarded: TestMemos;
  beforeAll(async () => {
    open = await startTestMemos();
    guarded = await startTestMemos({ MEMOS_AUTH: 'required', MEMOS_ADMIN_KEY: ADMIN_KEY });
  });
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
  });

  const whoami = (memos: TestMemos, key?: string) =>
    memos.request({ method: 'GET', url: '/api/v1/whoami', headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });

  it('answers the local admin, keys not required, while authentication is off', async () => {
    const response = await whoami(open);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ keysRequired: false, keyId: 'local', role: 'admin', namespaces: ['*'] });
  });

  it("answers a key's id, name, role, namespaces and user, and never its secret", async () => {
    const made = await guarded.request({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      payload: { name: 'support bot', role: 'read', namespaces: ['shop', 'desk'], userId: 'ana' },
    });
    expect(made.statusCode).toBe(201);
    const { id, key } = made.json() as { id: string; key: string };
    const response = await whoami(guarded, key);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ keysRequired: true, keyId: id, name: 'support bot', role: 'read', namespaces: ['shop', 'desk'], userId: 'ana' });
    // The secret is what follows `memos_<12-character id>_` (it may hold `_` itself).
    const secret = key.slice(`memos_${id}_`.length);
    expect(secret.length).toBeGreaterThan(20);
    expect(response.body).not.toContain(secret);
    // The same answer through X-API-Key.
    expect((await guarded.request({ method: 'GET', url: '/api/v1/whoami', headers: { 'x-api-key': key } })).json()).toMatchObject({ keyId: id });

    const admin = await whoami(guarded, ADMIN_KEY);
    expect(admin.json()).toEqual({ keysRequired: true, keyId: 'admin-key', name: 'MEMOS_ADMIN_KEY', role: 'admin', namespaces: ['*'] });
  });

  it('answers 401 without a key, or with one memOS does not know, where keys are required', async () => {
    for (const key of [undefined, 'memos_aaaaaaaaaaaa_not-a-key-memos-made']) {
      const response = await whoami(guarded, key);
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
  });
});
