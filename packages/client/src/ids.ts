// memOS's rule for the ids a caller chooses (users, agents, sessions), as the OpenAPI document
// states it, so that adapters can refuse a bad id at set-up rather than as a 400 mid-run.
const MEMOS_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The rule in words, for error messages. */
export const MEMOS_ID_RULE = '1 to 128 characters of A-Z a-z 0-9 . _ : @ -';

/** Whether `value` is an id memOS takes for a user, agent or session. */
export function isMemosId(value: unknown): value is string {
  return typeof value === 'string' && MEMOS_ID.test(value);
}

/** The pattern itself, as the OpenAPI document writes it (for the test that keeps the two alike). */
export const MEMOS_ID_PATTERN = MEMOS_ID.source;
