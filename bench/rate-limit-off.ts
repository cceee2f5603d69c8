/**
 * The settings that turn memOS's default rate limit off: a benchmark drives one server as fast as
 * it can, which is the load the limit exists to refuse, and measures the serving, not the refusals.
 */
export const RATE_LIMIT_OFF = { MEMOS_RATE_LIMIT_PER_SECOND: '0' } as const;
