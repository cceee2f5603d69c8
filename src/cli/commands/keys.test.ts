// What `memos keys` says about each bad flag, checked in process: every one is refused before any
// storage is opened or any server asked (test/e2e/keys-cli.test.ts runs the command for real).
import { describe, expect, it } from 'vitest';
import { keysCommand } from './keys.js';

const WHOLE_KEY = 'memos_abcdefabcdef_0123456789012345678901234567890123456789abc';

describe('memos keys: bad flags', () => {
  it.each([
    [['create'], '--role is required: read, write, admin'],
    [['create', '--role', 'owner'], "--role 'owner' must be read, write or admin"],
    [['create', '--role', 'write'], '--namespaces is required for a write key'],
    [['create', '--role', 'read', '--namespaces', 'a,b c'], "--namespaces 'b c': must be 1 to 128 characters"],
    [['create', '--role', 'read', '--namespaces', ''], "--namespaces '': must be 1 to 128 characters"],
    [['create', '--role', 'read', '--namespaces', 'a', '--user', 'al ice'], "--user 'al ice': must be 1 to 128 characters"],
    [['create', '--role', 'read', '--namespaces', 'a', '--name', ''], "--name '': Too small"],
    [['create', '--role', 'read', '--namespaces', 'a', '--expires', 'tomorrow'], "--expires 'tomorrow': must be an ISO 8601 date-time with a time zone"],
    [['create', '--role', 'read', '--namespaces', 'a', '--expires', '2001-01-01T00:00:00Z'], "--expires '2001-01-01T00:00:00Z': must be in the future"],
    [['create', '--role', 'read', '--namespaces', 'a', '--rate-per-second', '5'], '--rate-per-second needs --rate-burst too'],
    [['create', '--role', 'read', '--namespaces', 'a', '--rate-burst', '5'], '--rate-burst needs --rate-per-second too'],
    [['create', '--role', 'read', '--namespaces', 'a', '--rate-per-second', 'lots', '--rate-burst', '5'], "--rate-per-second 'lots' must be a number"],
    [['create', '--role', 'read', '--namespaces', 'a', '--rate-per-second', '100001', '--rate-burst', '5'], "--rate-per-second '100001': Too big"],
    [['create', '--role', 'read', '--namespaces', 'a', '--rate-per-second', '5', '--rate-burst', '2.5'], "--rate-burst '2.5':"],
    [['create', '--role', 'read', '--namespaces', 'a', '--rol', 'x'], "Unknown option '--rol'"],
    [['create', '--role', 'read', '--namespaces', 'a', 'extra'], "Unexpected argument 'extra'"],
    [['create', '--role', 'admin', '--admin-key', 'k'.repeat(40)], '--admin-key goes with --url'],
    [['create', '--role', 'admin', '--url', 'ftp://127.0.0.1:7420'], "--url 'ftp://127.0.0.1:7420' must be an http:// or https:// URL"],
    [['create', '--role', 'admin', '--url', '127.0.0.1:9', '--admin-key', ' '], '--admin-key is empty'],
    [['list', '--url', '127.0.0.1:9', '--data-dir', '/nowhere'], '--data-dir does not go with --url'],
    [['list', '--url', '127.0.0.1:9', '--config', '/nowhere.json'], '--config does not go with --url'],
    [['revoke'], 'revoke needs the id of the key'],
    [['revoke', 'abc', 'def'], "Unexpected argument 'def'"],
    [['revoke', 'not-an-id'], 'revoke takes a key id: 12 characters of a-z 0-9'],
    [['revoke', WHOLE_KEY], "revoke takes the key's id, abcdefabcdef, not the whole key"],
  ])('memos keys %j is E_CONFIG (exit 78): %s', async (args, message) => {
    const refusal = await keysCommand(args).then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string },
    );
    expect(refusal?.code).toBe('E_CONFIG');
    expect(refusal?.message).toContain(message);
    // A whole key is a secret: only its id is ever repeated.
    expect(refusal?.message).not.toContain(WHOLE_KEY.slice(19));
  });
});
