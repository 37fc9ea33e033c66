// The one Lua script a Redis check runs: GCRA for every key of a request, charged all-or-nothing,
// on Redis's own clock. Its arithmetic must match gcra.ts (the reply lets gcra.ts recompute it).
import { createHash } from 'node:crypto';

/*
 * KEYS[i]   the counter of item i
 * ARGV[1]   the cost of the request
 * ARGV[2i]  item i's emission interval, ARGV[2i+1] its effective window (whole microseconds)
 * Reply: { charged (1/0), TIME seconds, TIME microseconds, stored TAT of item 1 or '', ... }
 * TIME comes from Redis so all app servers share one clock; Redis 5+ replicates script effects,
 * so a non-deterministic command before a write is allowed. Numbers stay below 2^53, exact in
 * Lua's doubles; string.format('%.0f') writes them back without exponent or rounding.
 */
export const RATE_LIMIT_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local cost = tonumber(ARGV[1])
local stored = {}
local newTats = {}
local allowed = true
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 2])
  local window = tonumber(ARGV[i * 2 + 1])
  local raw = redis.call('GET', KEYS[i])
  local tat = raw and tonumber(raw)
  local base = now
  if tat and tat > now then base = tat end
  newTats[i] = base + cost * interval
  if newTats[i] - now > window then allowed = false end
  stored[i] = raw or ''
end
if allowed then
  for i = 1, #KEYS do
    redis.call('SET', KEYS[i], string.format('%.0f', newTats[i]), 'PX', math.ceil((newTats[i] - now) / 1000))
  end
end
local reply = { allowed and 1 or 0, time[1], time[2] }
for i = 1, #KEYS do reply[i + 3] = stored[i] end
return reply
`;

export const RATE_LIMIT_LUA_SHA1 = createHash('sha1').update(RATE_LIMIT_LUA).digest('hex');
