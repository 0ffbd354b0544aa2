-- Filtered browse: a random county, category and price range, newest first.
-- Env: CUNJI_COUNTIES (county ids are 1..N in a generated catalog).
local categories = {"fruit", "vegetable", "grain", "meat", "poultry_eggs", "aquatic",
                    "tea", "nuts_dried", "honey", "mushroom", "handicraft", "other"}
local counties

function scenario_init(args)
  counties = env_int("CUNJI_COUNTIES", 100)
end

function next_path()
  local min = math.random(1, 50) * 100            -- 1..50 yuan
  local max = min + math.random(10, 300) * 100    -- up to 300 yuan more
  return string.format("/v1/listings?county_id=%d&category=%s&min_price_fen=%d&max_price_fen=%d&limit=20",
                       math.random(1, counties), categories[math.random(#categories)], min, max)
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "bench/wrk/"
dofile(dir .. "common.lua")
