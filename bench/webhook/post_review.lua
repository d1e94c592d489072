-- wrk script: POSTs one AdmissionReview, as kube-apiserver sends it, on every
-- request. The body file comes from WEBHOOK_BENCH_BODY (default: the
-- kubectl-apply CREATE recorded from a real kube-apiserver, 3.4 KB).
--
-- WEBHOOK_BENCH_RATE (requests/s over all of wrk's threads; unset or 0: as
-- fast as the connections go) paces the requests. Debian's wrk 4.x has no -R
-- (constant rate), so each thread hands out send slots 1/rate apart (times its
-- thread count, WEBHOOK_BENCH_THREADS) and delay() holds a connection until
-- its slot. delay() takes whole milliseconds: a fractional wait is rounded up
-- or down at random in proportion, so the rate is right on average. Latency is
-- measured from the actual send, as wrk always does.
local path = os.getenv("WEBHOOK_BENCH_BODY") or "bench/webhook/review-create.json"
local file = assert(io.open(path, "rb"), "cannot read " .. path)
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, */*"
wrk.headers["User-Agent"] = "kube-apiserver-admission"

local rate = tonumber(os.getenv("WEBHOOK_BENCH_RATE") or "0")
local threads = tonumber(os.getenv("WEBHOOK_BENCH_THREADS") or "1")

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } dynop_timespec;
    int clock_gettime(int clock, dynop_timespec* ts);
  ]]
  local ts = ffi.new("dynop_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = 1000 * threads / rate -- ms between this thread's sends
  local next_slot = nil

  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - 100 then
      next_slot = now -- start, or fell far behind: do not burst to catch up
    end
    local wait = next_slot - now
    next_slot = next_slot + interval
    if wait <= 0 then
      return 0
    end
    local whole = math.floor(wait)
    if math.random() < wait - whole then
      whole = whole + 1
    end
    return whole
  end
end
