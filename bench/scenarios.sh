# shellcheck shell=bash disable=SC2034,SC2154
# (SC2154, SC2034: the globals of scripts/bench, set there, and idle_pid, read by its cleanup.)
# The scenarios of scripts/bench that prepare something through the API or hold something open
# while they run: flash_sale, photo_upload with listing_photos, and the idle connections.
# Sourced by scripts/bench after its run function; each function runs its scenario when --only
# (if given) asks for it, and uses the script's globals (base, port, prefix, work, duration,
# problems, ...).

# new_listing SHOP TOKEN JSON: creates a listing in SHOP as its farmer (TOKEN); prints its id, or
# nothing (and the answer on stderr) if it was not created.
new_listing() {
  local made
  made=$(curl -sS --max-time 10 -X POST "$base/v1/shops/$1/listings" \
    -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3" -w '\n%{http_code}' || true)
  if [[ $(tail -n1 <<<"$made") == 201 ]]; then
    sed '$d' <<<"$made" | python3 bench/json_field.py id || true
  else
    echo "bench: a listing was not created: $made" >&2
  fi
}

# Flash sale: the farmer of the first shop lists 1,000 boxes, then everyone orders them.
flash_sale_scenario() {
  wanted flash_sale || return 0
  local flash_shop farmer_token flash_id stock_after
  read -r flash_shop farmer_token <"$prefix.farmer"
  flash_id=$(new_listing "$flash_shop" "$farmer_token" \
    "{\"title\":\"限时秒杀 红富士苹果 5斤装\",\"description\":\"Flash sale: $flash_stock boxes.\",\"category\":\"fruit\",\"unit\":\"box\",\"price_fen\":990,\"stock\":$flash_stock}")
  if [[ -z $flash_id ]]; then
    problems+=("flash_sale: could not create the listing")
  else
    CUNJI_FLASH_SHOP=$flash_shop CUNJI_FLASH_LISTING=$flash_id run flash_sale flash_sale 64 2 "$flash_duration"
    stock_after=$(curl -fsS --max-time 10 "$base/v1/listings/$flash_id" | python3 bench/json_field.py stock || echo null)
    printf '{"listing_id":%d,"shop_id":%d,"stock":%d,"stock_after":%s}\n' \
      "$flash_id" "$flash_shop" "$flash_stock" "$stock_after" >"$work/flash.json"
  fi
}

# Photo uploads: 200 new listings of the first shop's farmer, a 2 MiB JPEG uploaded to them in turn.
photo_scenarios() {
  wanted photo_upload || return 0
  local photo_shop photo_token photo_bytes i
  read -r photo_shop photo_token <"$prefix.farmer"
  : >"$work/photo_listings"
  for i in $(seq 200); do
    new_listing "$photo_shop" "$photo_token" \
      "{\"title\":\"带照片的脐橙 $i\",\"category\":\"fruit\",\"unit\":\"box\",\"price_fen\":3900,\"stock\":10}" \
      >>"$work/photo_listings"
  done
  photo_bytes=$(build/cunji_benchphoto "$work/photo.jpg" $((2 * 1024 * 1024)) || true)
  if [[ $(wc -l <"$work/photo_listings") -lt 200 || -z $photo_bytes ]]; then
    echo "bench: could not prepare photo_upload (listings: $(wc -l <"$work/photo_listings"), photo: ${photo_bytes:-none})" >&2
    problems+=("photo_upload: could not prepare the listings or the photo")
  else
    CUNJI_PHOTO_FILE="$work/photo.jpg" CUNJI_PHOTO_LISTINGS_FILE="$work/photo_listings" CUNJI_PHOTO_TOKEN=$photo_token \
      run photo_upload photo_upload 8 2 "$photo_duration"
    # A listing detail with photos: the first 10 listings, which the uploads reach first (in turn).
    head -n 10 "$work/photo_listings" >"$work/photo_listings.read"
    CUNJI_PHOTO_LISTINGS_FILE="$work/photo_listings.read" run listing_photos listing_photos 64 2 "$duration"
  fi
}

# Idle connections: held open while the server keeps serving 64 others.
idle_scenario() {
  wanted idle || return 0
  local rss_before ready opened refused open_s first_error rss_held open_gauge rss_after still_open
  rss_before=$(status_kib VmRSS)
  ready="$work/idle.ready"
  python3 bench/idle_conns.py --port "$port" --count "$idle" --ready "$ready" >"$work/idle.out" 2>&1 &
  idle_pid=$!
  for _ in $(seq 3000); do
    [[ -f $ready ]] && break
    kill -0 "$idle_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ! -f $ready ]]; then
    echo "bench: the idle-connection helper did not get ready:" >&2
    cat "$work/idle.out" >&2
    problems+=("idle: the helper did not get ready")
  else
    read -r _ opened refused open_s first_error <"$ready" || true
    sleep 1
    rss_held=$(status_kib VmRSS)
    open_gauge=$(scrape | awk '{ print $5 }')
    run "idle+healthz" healthz 64 2 "$duration"
    run "idle+browse_first_page" browse_first_page 64 2 "$duration"
    rss_after=$(status_kib VmRSS)
    kill -TERM "$idle_pid" 2>/dev/null || true
    wait "$idle_pid" 2>/dev/null || true
    still_open=$(awk '$1 == "held" { print $2 }' "$work/idle.out")
    printf '{"count":%d,"opened":%d,"failed":%d,"open_seconds":%s,"first_error":"%s","still_open":%d,"server_open_connections":%d,"rss_before_kib":%d,"rss_held_kib":%d,"rss_after_kib":%d}\n' \
      "$idle" "$opened" "$refused" "$open_s" "$(tr -d '"\\' <<<"${first_error:-}")" "${still_open:-0}" \
      "${open_gauge:-0}" "$rss_before" "$rss_held" "$rss_after" >"$work/idle.json"
  fi
  idle_pid=""
}

# Cache visibility across servers (PostgreSQL only): a second server on the same database; while
# the mixed load runs on the first, a listing's stock is changed through the first and looked
# for in the second's cached reads (bench/visibility_probe.py).
visibility_scenario() {
  [[ $engine == postgresql ]] || return 0
  wanted visibility || return 0
  local shop token listing second_pid second_port load_pid rounds=$((quick ? 10 : 60))
  read -r shop token <"$prefix.farmer"
  listing=$(new_listing "$shop" "$token" \
    '{"title":"看得见的库存 visibility probe","category":"fruit","unit":"box","price_fen":990,"stock":1000}')
  if [[ -z $listing ]] || ! start_server "$work/second.log"; then
    problems+=("visibility: could not create the listing or start the second server")
    return 0
  fi
  second_pid=$started_pid second_port=$started_port
  # The load (not recorded): the mixed scenario on the first server until the probe is done.
  CUNJI_SCENARIO=mixed CUNJI_WRK_THREADS=2 CUNJI_RUN_ID="$run_id-visibility" wrk -t 2 -c 64 -d 120s --timeout 5s \
    -s bench/wrk/market.lua "$base" >/dev/null 2>&1 &
  load_pid=$!
  sleep 0.5
  if ! python3 bench/visibility_probe.py --writer "$port" --reader "$second_port" --token="$token" \
      --listing "$listing" --rounds "$rounds" >"$work/visibility.json" 2>"$work/visibility.err"; then
    problems+=("visibility: the probe failed: $(tail -n1 "$work/visibility.err")")
    rm -f "$work/visibility.json"
  fi
  kill "$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
  stop_server "$second_pid"
}

# The order scenario's baseline B (PostgreSQL only): pgbench running the SQL of one order on the
# same cluster, with order's connections and duration.
pgbench_baseline() {
  [[ $engine == postgresql ]] || return 0
  wanted order || return 0
  local out tps ranges p_listings p_shops p_first p_last
  ranges=$(psql -qAt -F ' ' "host=$pg_dir user=postgres dbname=bench" -c \
    "SELECT (SELECT max(id) FROM listings), (SELECT max(id) FROM shops), min(id), max(id) FROM accounts WHERE role = 'buyer'")
  read -r p_listings p_shops p_first p_last <<<"$ranges"
  if out=$(/usr/lib/postgresql/15/bin/pgbench -n -M prepared -c 64 -j 2 -T "${duration%s}" -D listings="$p_listings" \
      -D shops="$p_shops" -D buyer_first="$p_first" -D buyer_last="$p_last" \
      -f bench/pgbench_order.sql "host=$pg_dir user=postgres dbname=bench" 2>&1); then
    tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")
  fi
  if [[ -z ${tps:-} ]]; then
    echo "bench: pgbench failed: $out" >&2
    problems+=("pgbench_order: pgbench failed")
    return 0
  fi
  echo "bench: pgbench_order c=64 tps=$tps" >&2
  printf '{"clients":64,"duration":"%s","tps":%s}\n' "$duration" "$tps" >"$work/pgbench.json"
}
