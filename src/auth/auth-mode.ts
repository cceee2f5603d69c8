// When keys are required. `auto` keeps the loopback start key-free: keys are required as soon as
// one exists or memOS listens beyond loopback, where a start with no key at all is refused.

import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';
import { isLoopbackHost } from '../http/host-guard.js';

export type AuthMode = Config['auth']['mode'];

/** How to make the first admin key, for messages. */
export const FIRST_KEY_HINT =
  'make the first admin key with `memos keys create --role admin --name admin` (it prints the key once), or set MEMOS_ADMIN_KEY (or MEMOS_ADMIN_KEY_FILE) to a secret of at least 32 characters';

/**
 * Refuses to start beyond loopback while no key exists and keys were not turned off explicitly;
 * returns a warning to log at start and show on `/health/detailed`, when there is one.
 */
export function checkAuthAtStart(config: Config, keysExist: boolean): string | undefined {
  const { mode } = config.auth;
  const loopback = isLoopbackHost(config.server.host);
  if (mode === 'off') {
    return loopback ? undefined : `MEMOS_AUTH=off while memOS listens on ${config.server.host}, beyond loopback: anyone who reaches the port can read, change and delete every namespace`;
  }
  if (!loopback && !keysExist) {
    throw new MemosError(
      'E_CONFIG',
      `memOS listens on ${config.server.host}, beyond loopback, and no API key exists: ${FIRST_KEY_HINT}; or set MEMOS_AUTH=off to serve without keys (not recommended)`,
    );
  }
  if (mode === 'required' && !keysExist) return `MEMOS_AUTH=required and no API key exists yet: every request but the health probes is refused until one does; ${FIRST_KEY_HINT}`;
  return undefined;
}

/**
 * Whether a request must carry a key now. Only `auto` on loopback depends on whether a key exists
 * (which may change while memOS runs), so only then is `keysExist` asked.
 */
export async function keysRequired(config: Config, keysExist: () => Promise<boolean>): Promise<boolean> {
  const { mode } = config.auth;
  if (mode === 'off') return false;
  if (mode === 'required' || !isLoopbackHost(config.server.host)) return true;
  return keysExist();
}
