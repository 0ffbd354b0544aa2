-- Every request scenario of scripts/bench, chosen by the environment variable CUNJI_SCENARIO:
--
--   healthz            GET /healthz: the ceiling of the HTTP stack on this machine
--   browse_first_page  GET /v1/listings?limit=20 (newest first)
--   browse_filtered    county_id + category + min/max price, random per request
--   search_cjk2        q = a random 2-character Chinese word (苹果, 面粉, ...)
--   search_en          q = a random English produce word (apple, honey, ...)
--   search_cold        q = every distinct word and CJK bigram of the listings' titles
--                      (CUNJI_TERMS_FILE), each thread in its own seeded random order, round and
--                      round; an empty first page is a wrong answer (every term is in the title
--                      of a browsable listing). scripts/bench runs it against a server with its
--                      caches off, so every search is computed
--   listing_detail     GET /v1/listings/{id}, a random active listing
--   county_monthly     GET /v1/reports/counties/{id}/monthly, a random county (1..CUNJI_COUNTIES),
--                      the default 13 months
--   page_home          GET /, the buyers' home page (HTML)
--   page_search        GET /search?q=苹果, the buyers' search page (HTML)
--   order              POST /v1/orders: a random buyer token, a random orderable listing of its
--                      shop, quantity 1, delivered to an address, a unique Idempotency-Key; 201 expected
--   purchase           POST /v1/purchases: a random buyer token, 5 lines over 3 random shops (2, 2
--                      and 1 orderable listings of them), quantity 1, delivered to an address, a
--                      unique Idempotency-Key; 201 expected
--   flash_sale         the same as order, but everyone orders CUNJI_FLASH_LISTING of CUNJI_FLASH_SHOP;
--                      201 or 409 insufficient_stock expected
--   mixed              90% reads (the five read scenarios in turn at random), 10% orders
--   pay                POST /v1/orders/{id}/pay {"method":"alipay"}: orders placed beforehand and
--                      not paid (CUNJI_UNPAID_FILE, "order_id token" lines by bench/notify_prep.py),
--                      thread t of CUNJI_WRK_THREADS taking lines t, t + T, ...; 202 expected (a
--                      pending payment and its signed order string)
--   notify_storm       POST /v1/payments/alipay/notify: Alipay's signed notifications of pending
--                      payments (CUNJI_NOTICES_FILE, one form body per line, by bench/notify_prep.py),
--                      each sent 8 times in a row by one thread (thread t of CUNJI_WRK_THREADS takes
--                      lines t, t + T, ...), round and round; 200 `success` expected every time
--   listing_photos     GET /v1/listings/{id}, a random one of CUNJI_PHOTO_LISTINGS_FILE (listings that
--                      photo_upload gave photos)
--   photo_upload       POST /v1/listings/{id}/photos: the JPEG of CUNJI_PHOTO_FILE as the body, by
--                      the farmer of CUNJI_PHOTO_TOKEN, to the listings of CUNJI_PHOTO_LISTINGS_FILE
--                      in turn (each thread its own share of them, at most 6 photos each); 201
--                      expected
--
-- With CUNJI_ACCEPT_ENCODING set (scripts/bench's *_gzip rows), every GET sends it as
-- Accept-Encoding, and a 2xx without Content-Encoding: gzip is a wrong answer (the read
-- scenarios' pages are well over the 1 KiB below which nothing is compressed).
--
-- Environment: CUNJI_BENCH_SEED (request seed), CUNJI_RUN_ID (makes idempotency keys unique per
-- run), CUNJI_COUNTIES (county ids 1..N), CUNJI_IDS_FILE (active listing ids), CUNJI_ORDERABLE_FILE
-- ("shop_id listing_id" lines), CUNJI_TOKENS_FILE (buyer tokens), CUNJI_FLASH_SHOP/LISTING,
-- CUNJI_TERMS_FILE (search terms, one per line), CUNJI_PHOTO_FILE/LISTINGS_FILE/TOKEN
-- (photo_upload), CUNJI_WRK_THREADS (wrk's -t, set by scripts/bench: pay, notify_storm, photo_upload).
--
-- Each thread counts responses by status in response(); done() adds the threads' tables up
-- (wrk's setup(thread) / thread:get() pattern) and prints one machine-readable line:
--   WRK_JSON {"requests":..., "rps":..., "p50_us":..., "p99_us":..., "statuses":{"200":...},
--             "unexpected":..., "expected_409":..., "first_bad":"...", ...}
-- A 2xx is fine (in search_cold, one with items); in flash_sale a 409 whose body names
-- insufficient_stock is expected and counted apart; everything else is unexpected. Latencies
-- from wrk are in microseconds.

local scenario = os.getenv("CUNJI_SCENARIO") or "healthz"
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

-- Per thread (read back by done()).
statuses = {}
unexpected = 0
expected_409 = 0
first_bad = ""

local function env_int(name, fallback)
  return tonumber(os.getenv(name) or "") or fallback
end

local function read_lines(name)
  local file = os.getenv(name)
  if not file or file == "" then error(name .. " is not set") end
  local out = {}
  for line in io.lines(file) do
    if line ~= "" then out[#out + 1] = line end
  end
  if #out == 0 then error(file .. " is empty") end
  return out
end

-- Percent-encodes a string for a query parameter (UTF-8 bytes as %XX).
local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local categories = {"fruit", "vegetable", "grain", "meat", "poultry_eggs", "aquatic",
                    "tea", "nuts_dried", "honey", "mushroom", "handicraft", "other"}
local cjk_words = {"苹果", "土豆", "面粉", "蜂蜜", "木耳", "茶叶", "脐橙", "鸡蛋"}
local en_words = {"apple", "orange", "honey", "rice", "tea", "potato", "flour", "walnut",
                  "mushroom", "eggs", "pork", "melon", "pear", "chestnut", "plum", "noodles"}
local counties, ids, orderable, tokens, run_id, flash_shop, flash_listing, terms
local shops_of_two  -- purchase: {shop, {listing, ...}} of the shops with 2 or more orderable listings
local counter = 0
local photo, photo_listings, photo_headers  -- photo_upload
local next_term = 0
local needs = {
  listing_detail = {ids = true}, order = {orders = true}, purchase = {orders = true}, flash_sale = {tokens = true},
  mixed = {ids = true, orders = true}, search_cold = {terms = true}, notify_storm = {notices = true},
  pay = {unpaid = true}, listing_photos = {photo_ids = true},
}
local unpaid
local notices

function init(args)
  -- Reproducible request sequences: the seed from scripts/bench, then the thread number.
  math.randomseed(env_int("CUNJI_BENCH_SEED", 1) * 1000 + (thread_no or 0))
  counties = env_int("CUNJI_COUNTIES", 100)
  run_id = os.getenv("CUNJI_RUN_ID") or tostring(os.time())
  local need = needs[scenario] or {}
  if need.ids then ids = read_lines("CUNJI_IDS_FILE") end
  if need.photo_ids then ids = read_lines("CUNJI_PHOTO_LISTINGS_FILE") end
  if need.orders then
    orderable = {}
    for i, line in ipairs(read_lines("CUNJI_ORDERABLE_FILE")) do
      local shop, listing = line:match("^(%d+) (%d+)$")
      orderable[i] = {tonumber(shop), tonumber(listing)}
    end
  end
  if need.orders or need.tokens then tokens = read_lines("CUNJI_TOKENS_FILE") end
  if scenario == "purchase" then
    local by_shop, order_of = {}, {}
    for _, o in ipairs(orderable) do
      if not by_shop[o[1]] then
        by_shop[o[1]] = {}
        order_of[#order_of + 1] = o[1]
      end
      table.insert(by_shop[o[1]], o[2])
    end
    shops_of_two = {}
    for _, shop in ipairs(order_of) do
      if #by_shop[shop] >= 2 then shops_of_two[#shops_of_two + 1] = {shop, by_shop[shop]} end
    end
    if #shops_of_two < 3 then error("purchase needs 3 shops with 2 or more orderable listings") end
  end
  if need.notices then notices = read_lines("CUNJI_NOTICES_FILE") end
  if need.unpaid then
    unpaid = {}
    for i, line in ipairs(read_lines("CUNJI_UNPAID_FILE")) do
      local order, token = line:match("^(%d+) (%S+)$")
      unpaid[i] = {order, token}
    end
  end
  if need.terms then
    terms = read_lines("CUNJI_TERMS_FILE")
    for i = #terms, 2, -1 do  -- Fisher-Yates, from this thread's seed
      local j = math.random(i)
      terms[i], terms[j] = terms[j], terms[i]
    end
  end
  if scenario == "photo_upload" then
    local path = os.getenv("CUNJI_PHOTO_FILE") or error("CUNJI_PHOTO_FILE is not set")
    local f = assert(io.open(path, "rb"))
    photo = f:read("*a")
    f:close()
    photo_listings = read_lines("CUNJI_PHOTO_LISTINGS_FILE")
    photo_headers = {["Authorization"] = "Bearer " .. (os.getenv("CUNJI_PHOTO_TOKEN") or ""),
                     ["Content-Type"] = "image/jpeg"}
  end
  if scenario == "flash_sale" then
    flash_shop = env_int("CUNJI_FLASH_SHOP", 0)
    flash_listing = env_int("CUNJI_FLASH_LISTING", 0)
    if flash_shop == 0 or flash_listing == 0 then error("CUNJI_FLASH_SHOP and CUNJI_FLASH_LISTING are needed") end
  end
end

local accept_encoding = os.getenv("CUNJI_ACCEPT_ENCODING")
if accept_encoding == "" then accept_encoding = nil end
local get_headers = accept_encoding and {["Accept-Encoding"] = accept_encoding} or nil

local function get(path)
  return wrk.format("GET", path, get_headers)
end

local function content_encoding(headers)
  for k, v in pairs(headers or {}) do
    if string.lower(k) == "content-encoding" then return v end
  end
  return nil
end

local function order_request(shop, listing)
  counter = counter + 1
  local body = string.format(
    '{"shop_id":%d,"items":[{"listing_id":%d,"quantity":1}],"delivery":{"method":"address","address":"北京市朝阳区1号"}}', shop, listing)
  return wrk.format("POST", "/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, thread_no or 0, counter),
  }, body)
end

-- Two different listings of `listings` (at least two), or one.
local function pick(listings, n)
  local a = math.random(#listings)
  if n == 1 then return {listings[a]} end
  local b = math.random(#listings - 1)
  if b >= a then b = b + 1 end
  return {listings[a], listings[b]}
end

local function purchase_request()
  counter = counter + 1
  local chosen = {}
  while #chosen < 3 do  -- three different shops
    local s = shops_of_two[math.random(#shops_of_two)]
    local fresh = true
    for _, c in ipairs(chosen) do fresh = fresh and c ~= s end
    if fresh then chosen[#chosen + 1] = s end
  end
  local lines = {}
  for i, s in ipairs(chosen) do
    for _, listing in ipairs(pick(s[2], i == 3 and 1 or 2)) do
      lines[#lines + 1] = string.format('{"listing_id":%d,"quantity":1}', listing)
    end
  end
  local body = '{"lines":[' .. table.concat(lines, ",") ..
               '],"delivery":{"method":"address","address":"北京市朝阳区1号"}}'
  return wrk.format("POST", "/v1/purchases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Idempotency-Key"] = string.format("bench-p-%s-%d-%d", run_id, thread_no or 0, counter),
  }, body)
end

local build = {}
build.healthz = function() return get("/healthz") end
build.browse_first_page = function() return get("/v1/listings?limit=20") end
build.browse_filtered = function()
  local min = math.random(1, 50) * 100            -- 1..50 yuan
  local max = min + math.random(10, 300) * 100    -- up to 300 yuan more
  return get(string.format("/v1/listings?county_id=%d&category=%s&min_price_fen=%d&max_price_fen=%d&limit=20",
                           math.random(1, counties), categories[math.random(#categories)], min, max))
end
build.search_cjk2 = function() return get("/v1/listings?limit=20&q=" .. urlencode(cjk_words[math.random(#cjk_words)])) end
build.search_en = function() return get("/v1/listings?limit=20&q=" .. en_words[math.random(#en_words)]) end
build.search_cold = function()
  next_term = next_term % #terms + 1
  return get("/v1/listings?limit=20&q=" .. urlencode(terms[next_term]))
end
build.listing_detail = function() return get("/v1/listings/" .. ids[math.random(#ids)]) end
build.listing_photos = build.listing_detail  -- over listings with photos
build.county_monthly = function()
  return get(string.format("/v1/reports/counties/%d/monthly", math.random(1, counties)))
end
build.page_home = function() return get("/") end
build.page_search = function() return get("/search?q=" .. urlencode("苹果")) end
build.order = function()
  local o = orderable[math.random(#orderable)]
  return order_request(o[1], o[2])
end
build.purchase = purchase_request
local wrk_threads = env_int("CUNJI_WRK_THREADS", 2)
-- Thread t of n takes listings t, t + n, t + 2n, ... round and round: no two threads share one,
-- so none gets a 7th photo while there are 6 x (listings) uploads or fewer.
build.photo_upload = function()
  local n = wrk_threads
  local share = math.floor(#photo_listings / n)
  local i = ((thread_no or 1) - 1) + n * (counter % share)
  counter = counter + 1
  return wrk.format("POST", "/v1/listings/" .. photo_listings[i + 1] .. "/photos", photo_headers, photo)
end
build.flash_sale = function() return order_request(flash_shop, flash_listing) end
build.notify_storm = function()
  counter = counter + 1
  local round = math.floor((counter - 1) / 8)  -- each notification 8 times in a row
  local i = ((thread_no or 1) - 1 + round * wrk_threads) % #notices + 1
  return wrk.format("POST", "/v1/payments/alipay/notify",
                    {["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"}, notices[i])
end
build.pay = function()
  counter = counter + 1
  local o = unpaid[((thread_no or 1) - 1 + (counter - 1) * wrk_threads) % #unpaid + 1]
  return wrk.format("POST", "/v1/orders/" .. o[1] .. "/pay", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. o[2],
  }, '{"method":"alipay"}')
end
local reads = {build.browse_first_page, build.browse_filtered, build.search_cjk2, build.search_en, build.listing_detail}
build.mixed = function()
  if math.random(10) == 1 then return build.order() end
  return reads[math.random(#reads)]()
end

request = build[scenario]
if not request then error("unknown CUNJI_SCENARIO " .. scenario) end

local function wrong_answer(status, body)
  unexpected = unexpected + 1
  if first_bad == "" then first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300) end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status <= 299 then
    if scenario == "search_cold" and not (body and body:find('{"items":[{', 1, true)) then wrong_answer(status, body) end
    if scenario == "notify_storm" and body ~= "success" then wrong_answer(status, body) end
    -- The server compresses bodies of 1,024 bytes or more (server/compression.hpp,
    -- gzip_min_bytes); a search with few matches is smaller and rightly goes out as it is.
    if accept_encoding and content_encoding(headers) ~= "gzip" and body and #body >= 1024 then
      wrong_answer(status, "not gzip-encoded")
    end
    return
  end
  if scenario == "flash_sale" and status == 409 and body and body:find("insufficient_stock", 1, true) then
    expected_409 = expected_409 + 1
    return
  end
  wrong_answer(status, body)
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local all, bad, conflicts, sample = {}, 0, 0, ""
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses") or {}) do all[status] = (all[status] or 0) + n end
    bad = bad + (t:get("unexpected") or 0)
    conflicts = conflicts + (t:get("expected_409") or 0)
    local fb = t:get("first_bad") or ""
    if sample == "" then sample = fb end
  end
  local keys = {}
  for status in pairs(all) do keys[#keys + 1] = status end
  table.sort(keys)
  local parts = {}
  for _, status in ipairs(keys) do parts[#parts + 1] = string.format('"%d":%d', status, all[status]) end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRK_JSON {"scenario":"%s","requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"statuses":{%s},"unexpected":%d,"expected_409":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"bytes":%d,"first_bad":%s}\n',
    scenario, summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, table.concat(parts, ","), bad, conflicts,
    e.connect, e.read, e.write, e.timeout, summary.bytes, json_string(sample)))
end
