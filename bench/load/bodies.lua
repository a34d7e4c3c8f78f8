-- wrk script: each request takes the next body from a file (one per line), round robin, so that concurrent requests
-- name distinct members or sessions. Prints one machine-readable RESULT line at the end.
--   wrk -t1 -c64 -d12s --timeout 5s -s bodies.lua URL -- METHOD PATH BODIES_FILE|- [AUTHORIZATION]
-- WRK_DELAY_MS=N: each connection waits N ms before each request, to measure at a set rate rather than flat out.
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")
if pause > 0 then function delay() return pause end end

local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  method, path, file, auth = args[1], args[2], args[3], args[4]
  bodies = {}
  if file ~= "-" then
    for line in io.lines(file) do bodies[#bodies + 1] = line end
  end
  headers = { ["Content-Type"] = "application/json" }
  if auth and auth ~= "" then headers["Authorization"] = auth end
  -- threads interleave: thread t sends bodies t, t+T, t+2T, ... (T = threads, read from the wrk table)
  step = tonumber(os.getenv("WRK_THREADS") or "1")
  index = tid or 0
  if #bodies == 0 then static = wrk.format(method, path, headers, nil) end
end

function request()
  if static then return static end
  local body = bodies[(index % #bodies) + 1]
  index = index + step
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"mean_ms":%.3f,"non2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    latency.mean / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
