// The Lua scripts of the Redis session store. Each runs atomically on the server; all numbers
// (milliseconds since the epoch) come from the caller's clock, never from Redis time.
import { RedisScript } from './redis-script.js';

/** Lua: whether the stored session `data` (JSON) belongs to `owner`; any session when `owner` is ''. */
const OWNED_BY = `
local function owned_by(data, owner)
  if owner == '' then return true end
  local ok, session = pcall(cjson.decode, data)
  return ok and session.userId == owner
end
`;

/**
 * Reads a live session and refreshes its idle TTL when the refresh is due: when it moves the
 * deadline by at least min(ttl × share, max step) (see refreshedDeadline). Returns
 * {data|false, deadline, outbox length}; a read that is not due, or a live-session miss, writes
 * nothing. With an owner, a session of another user (or of none) is a miss, and is not refreshed.
 * KEYS: session, deadlines index, outbox. ARGV: now, grace ms, index member, share, max step ms, owner or ''.
 */
export const GET_AND_TOUCH = new RedisScript(`${OWNED_BY}
local f = redis.call('HMGET', KEYS[1], 'data', 'deadline', 'ttl')
local pending = redis.call('LLEN', KEYS[3])
local now = tonumber(ARGV[1])
if not f[1] or tonumber(f[2]) <= now or not owned_by(f[1], ARGV[6]) then return {false, 0, pending} end
local ttl = tonumber(f[3]) * 1000
local next = now + ttl
if next - tonumber(f[2]) < math.min(ttl * tonumber(ARGV[4]), tonumber(ARGV[5])) then return {f[1], f[2], pending} end
local deadline = string.format('%d', next)
redis.call('HSET', KEYS[1], 'deadline', deadline)
redis.call('PEXPIRE', KEYS[1], tonumber(deadline) - now + tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], deadline, ARGV[3])
return {f[1], deadline, pending}
`);

/**
 * Compare-and-set of one session together with its outbox: applies only when the stored version
 * token is still ARGV[1] ('' for no session), so that a write computed from a stale read is
 * retried rather than applied. Writes (or, when the new version is '', deletes) the session,
 * keeps the deadlines index in step and pushes the promoted episodes onto the outbox.
 * Returns -1 on a version mismatch, else the outbox length.
 * KEYS: session, outbox, deadlines index, outbox set.
 * ARGV: expected version, member, new version, data, deadline, pexpire ms, ttl seconds, episodes...
 */
export const WRITE_SESSION = new RedisScript(`
local current = redis.call('HGET', KEYS[1], 'v') or ''
if current ~= ARGV[1] then return -1 end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[3], ARGV[2])
else
  redis.call('HSET', KEYS[1], 'data', ARGV[4], 'deadline', ARGV[5], 'ttl', ARGV[7], 'v', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
end
for i = 8, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
if #ARGV >= 8 then redis.call('SADD', KEYS[4], ARGV[2]) end
return redis.call('LLEN', KEYS[2])
`);

/**
 * Deletes a session (live or expired but still stored) when it belongs to the owner, or whatever its
 * owner when the owner is ''. Returns 1 when a session went, else 0.
 * KEYS: session, deadlines index. ARGV: index member, owner or ''.
 */
export const DELETE_SESSION = new RedisScript(`${OWNED_BY}
local data = redis.call('HGET', KEYS[1], 'data')
if not data or not owned_by(data, ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`);

/**
 * Removes delivered entries from an outbox (each exact value once, so that two drainers never
 * remove entries the other has not delivered) and drops the session from the outbox set once
 * the outbox is empty. Returns what is left.
 * KEYS: outbox, outbox set. ARGV: member, delivered entries...
 */
export const ACK_OUTBOX = new RedisScript(`
for i = 2, #ARGV do redis.call('LREM', KEYS[1], 1, ARGV[i]) end
local left = redis.call('LLEN', KEYS[1])
if left == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return left
`);
