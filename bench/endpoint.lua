-- wrk script for bench/endpoint.py: POSTs pre-signed Alexa requests from a pool file, in turn.
-- Arguments (after --): pool file ("signature<TAB>body" per line), chain URL, target requests/s for this
-- whole run (0: as fast as possible), number of wrk threads.
--
-- Pacing: wrk calls delay() before each further request of a connection. Each thread keeps a schedule of
-- send times spaced 1000 * threads / rate ms apart (wall clock through LuaJIT's ffi) and every call takes
-- the next slot, so with idle connections to spare the run sends at the target rate (a connection that was
-- held up sends at once, to catch up), and latency is measured from the real send time.
local ffi = require("ffi")
ffi.cdef [[
struct bench_timeval { long tv_sec; long tv_usec; };
int gettimeofday(struct bench_timeval *tv, void *tz);
]]
local timeval = ffi.new("struct bench_timeval")
local pool = {}
local index = 0
local interval_ms = 0
local next_due = 0

local function now_ms()
  ffi.C.gettimeofday(timeval, nil)
  return tonumber(timeval.tv_sec) * 1000 + tonumber(timeval.tv_usec) / 1000
end

local function paced_delay()
  local now = now_ms()
  if next_due < now - 1000 then
    next_due = now - 1000 -- behind schedule: catch up, but forgive more than a second of debt
  end
  local wait = math.max(0, next_due - now)
  next_due = next_due + interval_ms
  return wait
end

function init(args)
  local pool_path, chain_url = args[1], args[2]
  local rate, threads = tonumber(args[3] or "0"), tonumber(args[4] or "1")
  for line in io.lines(pool_path) do
    local signature, body = line:match("^([^\t]+)\t(.+)$")
    if signature then
      pool[#pool + 1] = wrk.format("POST", "/", {
        ["Content-Type"] = "application/json",
        ["SignatureCertChainUrl"] = chain_url,
        ["Signature-256"] = signature,
      }, body)
    end
  end
  if #pool == 0 then
    error("no signed requests in " .. pool_path)
  end
  index = math.random(#pool)
  if rate > 0 then
    -- wrk looks for delay() after init: it is only defined when pacing
    interval_ms = 1000 * threads / rate
    delay = paced_delay
  end
end

function request()
  index = index % #pool + 1
  return pool[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"seconds": %.3f, "requests": %d, "rate": %.2f, "p50_ms": %.3f, "p99_ms": %.3f, "errors": %d}\n',
    seconds, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
