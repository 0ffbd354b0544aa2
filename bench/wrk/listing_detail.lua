-- One listing by id, chosen at random among the active listings of the catalog.
-- Env: CUNJI_IDS_FILE (one id per line, written by cunji_benchgen --ids); without it,
-- ids 1..CUNJI_LISTINGS (drafts among them answer 404 and count as non-2xx).
local ids = {}

function scenario_init(args)
  local file = os.getenv("CUNJI_IDS_FILE")
  if file and file ~= "" then
    for line in io.lines(file) do ids[#ids + 1] = tonumber(line) end
  end
  if #ids == 0 then
    for i = 1, env_int("CUNJI_LISTINGS", 1000) do ids[i] = i end
  end
end

function next_path()
  return "/v1/listings/" .. ids[math.random(#ids)]
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "bench/wrk/"
dofile(dir .. "common.lua")
