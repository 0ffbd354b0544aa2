-- A fixed URL (healthz, browse_first_page): the URL given to wrk, with counting and JSON.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "bench/wrk/"
dofile(dir .. "common.lua")
