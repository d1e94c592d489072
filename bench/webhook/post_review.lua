-- wrk script: POSTs one AdmissionReview, as kube-apiserver sends it, on every
-- request. The body file comes from WEBHOOK_BENCH_BODY (default: the
-- kubectl-apply CREATE recorded from a real kube-apiserver, 3.4 KB).
--
-- WEBHOOK_BENCH_PAUSE (0..1, default 0): the fraction of requests after which a
-- connection waits 1 ms before the next one. Debian's wrk 4.x has no -R
-- (constant rate); pausing lowers the offered rate, so latency can be read at
-- about a given rate instead of only at saturation.
local path = os.getenv("WEBHOOK_BENCH_BODY") or "bench/webhook/review-create.json"
local file = assert(io.open(path, "rb"), "cannot read " .. path)
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, */*"
wrk.headers["User-Agent"] = "kube-apiserver-admission"

local pause = tonumber(os.getenv("WEBHOOK_BENCH_PAUSE") or "0")
local owed = 0

function delay()
  owed = owed + pause
  if owed >= 1 then
    owed = owed - 1
    return 1
  end
  return 0
end
