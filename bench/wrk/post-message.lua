-- wrk script for bench/run.sh: POSTs one web-form message per request, counts the answers by status, and ends
-- with one machine-readable "BENCH key=value ..." line (latencies in milliseconds) that run.sh parses.
-- Environment: BENCH_API_KEY (sent as X-Api-Key when set), BENCH_BODY_FILE (request body; a default one otherwise),
-- BENCH_SENDERS (one or many, below).

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

local body_file = os.getenv("BENCH_BODY_FILE")
wrk.method = "POST"
wrk.body = (body_file and body_file ~= "") and read_file(body_file)
  or '{"sender":{"name":"Amira Hassan","email":"amira@example.org"},"subject":"Leaking tap","text":"The kitchen tap leaks."}'
wrk.headers["Content-Type"] = "application/json"
local api_key = os.getenv("BENCH_API_KEY")
if api_key and api_key ~= "" then
  wrk.headers["X-Api-Key"] = api_key
end

-- BENCH_CHANNEL=telegram: each request is a Telegram Bot API update with its own message id and sender (a
-- redelivered id would be answered from the idempotency table and measure nothing), carrying the webhook's
-- secret token (BENCH_TELEGRAM_SECRET). The customers repeat over a pool of 1,000, so most messages continue an
-- open case, as in real traffic.
local channel = os.getenv("BENCH_CHANNEL") or "api"
if channel == "telegram" then
  wrk.headers["X-Telegram-Bot-Api-Secret-Token"] = os.getenv("BENCH_TELEGRAM_SECRET") or ""
end

-- the main state keeps the threads so done() can collect their counters
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
  table.insert(threads, thread)
end

local sent = 0
local run = 0
function init(args)
  -- distinct message ids across threads and across the separate wrk runs of one benchmark
  math.randomseed(os.time() + (thread_number or 0) * 7919)
  run = math.random(1, 2000000)
end

if channel == "telegram" then
  function request()
    sent = sent + 1
    local user = 100000 + ((sent * 7 + (thread_number or 0)) % 1000)
    local message_id = (run * 16 + (thread_number or 0)) * 1000000 + sent
    local body = string.format('{"update_id":%d,"message":{"message_id":%d,"date":%d,'
      .. '"from":{"id":%d,"is_bot":false,"first_name":"Amira","last_name":"Hassan","username":"amira_h"},'
      .. '"chat":{"id":%d,"type":"private"},"text":"The kitchen tap leaks."}}',
      message_id, message_id, os.time(), user, user)
    return wrk.format(nil, nil, nil, body)
  end
end

-- BENCH_SENDERS=many (API only): every request comes from its own address, a customer without history; the default,
-- one, sends everything from one address, whose case history grows through the run (the pathological customer)
if channel ~= "telegram" and os.getenv("BENCH_SENDERS") == "many" then
  function request()
    sent = sent + 1
    local body = string.format('{"sender":{"name":"Amira Hassan","email":"tenant-%d-%d-%d@example.org"},'
      .. '"subject":"Leaking tap","text":"The kitchen tap leaks."}', run, thread_number or 0, sent)
    return wrk.format(nil, nil, nil, body)
  end
end

-- per-thread counters (each wrk thread runs its own copy of this script)
ok = 0
non2xx = 0
statuses = {}

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    non2xx = non2xx + 1
  end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total_ok, total_non2xx, merged = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_non2xx = total_non2xx + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local codes = {}
  for status, count in pairs(merged) do
    table.insert(codes, status .. ":" .. count)
  end
  table.sort(codes)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH responses=%d ok=%d non2xx=%d statuses=%s socket_errors=%d connect=%d read=%d write=%d timeout=%d"
      .. " duration_s=%.3f ok_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f mean_ms=%.3f\n",
    summary.requests, total_ok, total_non2xx, (#codes > 0) and table.concat(codes, ",") or "none",
    e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout,
    seconds, total_ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
end
