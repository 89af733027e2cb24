-- GCRA on the Redis server's clock, so gateway clocks never matter.
-- KEYS[1]: the key. ARGV[1]: emission interval (us), ARGV[2]: tolerance = burst * interval (us),
-- ARGV[3]: most tokens wanted (1, or a lease).
-- Returns {granted, remaining, reset (us until full burst), retry (us until one is free; 0 if granted)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then
  tat = now
end
local free = math.floor((tolerance - (tat - now)) / interval)
if free < 1 then
  return {0, 0, tat - now, tat + interval - now - tolerance}
end
if free > want then
  free = want
end
local newtat = tat + free * interval
-- the key expires once it would be back at full burst: expiry never changes a decision
redis.call('SET', KEYS[1], string.format('%d', newtat), 'PX', math.floor((newtat - now) / 1000) + 1000)
return {free, math.floor((tolerance - (newtat - now)) / interval), newtat - now, 0}
