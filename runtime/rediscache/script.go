package rediscache

import goredis "github.com/redis/go-redis/v9"

// fillSource is the set-if-newer script.
//
//	KEYS[1]  the prefixed key
//	ARGV[1]  the encoded entry ("<epoch>:<version>:<asof>:<s|t>:<value>")
//	ARGV[2]  expiry in milliseconds; "0" for none
//
// It returns 1 when it stored the entry and 0 when the key already held an
// entry at least as new: entries are ordered by epoch, then version, then
// asof. An existing value that does not parse (or is not a string at all)
// is overwritten.
//
// Numbers are compared as canonical decimal strings (by length, then byte
// by byte), never as Lua numbers: Lua numbers are doubles and would round
// anything above 2^53. order() accepts exactly what parse in entry.go
// accepts; TestFillScriptAgreesWithParse holds them together.
const fillSource = `
local MAX = '9223372036854775807'

-- cmp compares two canonical decimals: -1, 0 or 1. (Byte by byte: Lua's
-- own string order follows the server's locale.)
local function cmp(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y and -1 or 1 end
  end
  return 0
end

local function number(s)
  if not s or #s == 0 or #s > 19 then return nil end
  if #s > 1 and string.byte(s, 1) == 48 then return nil end
  if #s == 19 and cmp(s, MAX) > 0 then return nil end
  return s
end

-- order returns the entry's epoch, version and asof, or nil if malformed.
local function order(s)
  local e, v, a, f = string.match(s, '^([0-9]+):([0-9]+):([0-9]+):([st]):')
  e, v, a = number(e), number(v), number(a)
  if not (e and v and a) then return nil end
  if f == 't' and #s ~= #e + #v + #a + 5 then return nil end
  return {e, v, a}
end

local new = order(ARGV[1])
if not new then
  return redis.error_reply('ERR sysconfig: malformed entry')
end
local cur = redis.pcall('GET', KEYS[1])
if type(cur) == 'string' then
  local old = order(cur)
  if old then
    local c = cmp(new[1], old[1])
    if c == 0 then c = cmp(new[2], old[2]) end
    if c == 0 then c = cmp(new[3], old[3]) end
    if c <= 0 then return 0 end
  end
end
if ARGV[2] == '0' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
`

// fillScript is loaded lazily: Script.Run tries EVALSHA and falls back to
// EVAL, which also caches the script on that server.
var fillScript = goredis.NewScript(fillSource)

// claimSource is the repopulation claim script.
//
//	KEYS[1]  the prefixed repopulation key of one app
//	ARGV[1]  the "running" state (stateRunning)
//	ARGV[2]  the "done" state (stateDone)
//	ARGV[3]  the claim's expiry in milliseconds
//
// It returns "busy" when the key holds the running state, "done" when it
// holds the done state, and otherwise (missing, any other value, not a
// string at all) sets it to the running state with PX ARGV[3] and returns
// "won".
const claimSource = `
local running, done, pttl = ARGV[1], ARGV[2], ARGV[3]
local cur = redis.pcall('GET', KEYS[1])
if cur == running then return 'busy' end
if cur == done then return 'done' end
redis.call('SET', KEYS[1], running, 'PX', pttl)
return 'won'
`

// claimScript is loaded lazily, like fillScript.
var claimScript = goredis.NewScript(claimSource)
