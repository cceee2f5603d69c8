import { readFileSync } from 'node:fs';
import { MemosError } from '../core/errors.js';

/**
 * The admin key to send to a server: `--admin-key`, else MEMOS_ADMIN_KEY, else the text of the
 * file MEMOS_ADMIN_KEY_FILE names; undefined when none is set (a memOS on loopback with no key
 * needs none).
 */
export function adminKeyFor(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new MemosError('E_CONFIG', '--admin-key is empty: give an admin key, or leave the flag out to use MEMOS_ADMIN_KEY');
    return flag.trim();
  }
  if ((env.MEMOS_ADMIN_KEY ?? '') !== '') return env.MEMOS_ADMIN_KEY!.trim();
  const file = env.MEMOS_ADMIN_KEY_FILE ?? '';
  if (file === '') return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new MemosError('E_CONFIG', `MEMOS_ADMIN_KEY_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
