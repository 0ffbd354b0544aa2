-- Search with a random 2-character Chinese word (default sort: relevance).
local words = {"苹果", "土豆", "面粉", "蜂蜜", "木耳", "茶叶", "脐橙", "鸡蛋"}
local encoded = {}

function scenario_init(args)
  for i, w in ipairs(words) do encoded[i] = urlencode(w) end
end

function next_path()
  return "/v1/listings?limit=20&q=" .. encoded[math.random(#encoded)]
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "bench/wrk/"
dofile(dir .. "common.lua")
