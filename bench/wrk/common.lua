-- Shared by the bench/wrk scenario scripts (scripts/bench): counts non-2xx responses per
-- thread and prints one machine-readable line at the end:
--   WRK_JSON {"requests":..., "rps":..., "p50_us":..., "p99_us":..., "non2xx":..., ...}
-- Latencies from wrk are in microseconds. A scenario script defines `next_path()` (the path
-- and query of the next request) or nothing (then the URL given to wrk is requested).

local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

non2xx = 0
first_bad = ""

function init(args)
  -- Reproducible request sequences: the seed from scripts/bench, then the thread number.
  local seed = tonumber(os.getenv("CUNJI_BENCH_SEED") or "1") or 1
  math.randomseed(seed * 1000 + (thread_no or 0))
  if scenario_init then scenario_init(args) end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then first_bad = tostring(status) .. " " .. (last_path or "") end
  end
end

if next_path then
  function request()
    last_path = next_path()
    return wrk.format("GET", last_path)
  end
end

-- Percent-encodes a string for a query parameter (UTF-8 bytes as %XX).
function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function env_int(name, fallback)
  return tonumber(os.getenv(name) or "") or fallback
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local bad, sample = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    local fb = t:get("first_bad") or ""
    if sample == "" then sample = fb end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"non2xx":%d,"status_errors":%d,"socket_errors":%d,"first_bad":%s}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, bad, e.status,
    e.connect + e.read + e.write + e.timeout, json_string(sample)))
end
