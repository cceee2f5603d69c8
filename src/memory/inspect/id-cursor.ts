// The cursor of listings ordered by an id alone (users, sessions): the last id of the page, opaque
// to clients (base64url). Anything this server did not issue is E_VALIDATION naming `cursor`.
import { MemosError } from '../../core/errors.js';
import { ID_PATTERN } from '../../core/ids.js';

export function encodeIdCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeIdCursor(cursor: string): string {
  const id = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (ID_PATTERN.test(id) && encodeIdCursor(id) === cursor) return id;
  throw new MemosError('E_VALIDATION', 'cursor: not a cursor this server issued', {
    details: { field: 'cursor', issues: [{ field: 'cursor', message: 'not a cursor this server issued' }] },
  });
}
