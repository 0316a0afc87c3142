package redis

import goredis "github.com/redis/go-redis/v9"

// fillSource is the set-if-newer script.
//
//	KEYS[1]  the prefixed key
//	ARGV[1]  the encoded entry ("<version>:<s|t>:<value>")
//	ARGV[2]  expiry in milliseconds; "0" for none
//
// It returns 1 when it stored the entry and 0 when the key already held a
// version greater than or equal to it. An existing value that does not
// parse (or is not a string at all) is overwritten.
//
// Versions are compared as canonical decimal strings (by length, then byte
// by byte), never as Lua numbers: Lua numbers are doubles and would round
// versions above 2^53. version() accepts exactly what parse in entry.go
// accepts; TestFillScriptAgreesWithParse holds them together.
const fillSource = `
local MAX = '9223372036854775807'

local function ge(a, b)
  if #a ~= #b then return #a > #b end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return true
end

local function version(s)
  local v, f = string.match(s, '^([0-9]+):([st]):')
  if not v or #v > 19 then return nil end
  if #v > 1 and string.byte(v, 1) == 48 then return nil end
  if #v == 19 and not ge(MAX, v) then return nil end
  if f == 't' and #s ~= #v + 3 then return nil end
  return v
end

local new = version(ARGV[1])
if not new then
  return redis.error_reply('ERR sysconfig: malformed entry')
end
local cur = redis.pcall('GET', KEYS[1])
if type(cur) == 'string' then
  local old = version(cur)
  if old and ge(old, new) then return 0 end
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
