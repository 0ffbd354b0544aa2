#!/usr/bin/env python3
"""Turns the rows scripts/bench collected into its table and its JSON result.

    report.py WORKDIR RESULT_JSON

WORKDIR holds meta.json (run parameters), rows.jsonl (one line per wrk run: the WRK_JSON of
bench/wrk/market.lua plus the server's peak RSS and writer deltas), and optionally
flash.json, idle.json, notify.json, visibility.json and pgbench.json (the checks and baselines of those scenarios). Prints the table, writes RESULT_JSON,
and exits 1 if anything was wrong: an unexpected non-2xx response, a socket error, a wrong
flash-sale count, idle connections refused or dropped, or a dead server. Never on speed.
"""
import json
import os
import re
import sys


def load(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def main():
    work, result_path = sys.argv[1], sys.argv[2]
    meta = load(os.path.join(work, "meta.json"))
    rows = []
    with open(os.path.join(work, "rows.jsonl")) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    flash = load(os.path.join(work, "flash.json"))
    idle = load(os.path.join(work, "idle.json"))
    notify = load(os.path.join(work, "notify.json"))
    visibility = load(os.path.join(work, "visibility.json"))
    pgbench = load(os.path.join(work, "pgbench.json"))
    problems = list(meta.get("problems", []))

    ceiling = {r["connections"]: r["wrk"]["rps"] for r in rows if r["name"] == "healthz"}
    for r in rows:
        w = r["wrk"]
        statuses = {int(k): v for k, v in w["statuses"].items()}
        r["ratio_to_healthz"] = round(w["rps"] / ceiling[r["connections"]], 4) if ceiling.get(r["connections"]) else None
        r["p50_ms"] = w["p50_us"] / 1000
        r["p99_ms"] = w["p99_us"] / 1000
        r["created"] = statuses.get(201, 0)
        r["orders_per_s"] = round(r["created"] / w["duration_s"], 1) if w["duration_s"] else 0
        batches = r["writer"]["batches"]
        r["writer_mean_batch"] = round(r["writer"]["commands"] / batches, 2) if batches else None
        r["writer_mean_commit_ms"] = round(1000 * r["writer"]["commit_s"] / batches, 3) if batches else None
        socket_errors = w["connect_errors"] + w["read_errors"] + w["write_errors"]
        if w["unexpected"]:
            problems.append("%s (c=%d): %d unexpected responses, first: %s"
                            % (r["name"], r["connections"], w["unexpected"], w["first_bad"]))
        if socket_errors:
            problems.append("%s (c=%d): %d socket errors (connect %d, read %d, write %d)"
                            % (r["name"], r["connections"], socket_errors, w["connect_errors"], w["read_errors"],
                               w["write_errors"]))
        if w["requests"] == 0:
            problems.append("%s (c=%d): no response at all" % (r["name"], r["connections"]))
        if not r.get("server_alive", True):
            problems.append("the server died during %s" % r["name"])
        notes = []
        if r["name"] in ("order", "mixed"):
            notes.append("%.0f orders/s" % r["orders_per_s"])
        if r["name"] == "purchase":
            notes.append("%.0f purchases/s (3 orders each)" % r["orders_per_s"])
        if r["name"] == "photo_upload":
            notes.append("%.1f uploads/s (2 MiB JPEG)" % r["orders_per_s"])
        if r["name"] == "flash_sale":
            notes.append("201: %d, 409: %d" % (r["created"], w["expected_409"]))
        if r["name"].endswith("_gzip") and w.get("bytes") is not None and w["requests"]:
            # Bytes per answer (headers included) against the identity row of the same scenario.
            per = w["bytes"] / w["requests"]
            plain = next((p["wrk"] for p in rows if p["name"] == r["name"][:-5] and
                          p["connections"] == r["connections"] and p["wrk"]["requests"]), None)
            if plain and plain.get("bytes") is not None:
                notes.append("%.0f B/answer, identity %.0f" % (per, plain["bytes"] / plain["requests"]))
            else:
                notes.append("%.0f B/answer" % per)
        if w["timeouts"]:
            notes.append("%d timeouts" % w["timeouts"])
        r["notes"] = ", ".join(notes)

    if notify is not None:
        if notify["check"].get("problems") or notify["check"].get("orders_paid") != notify["prep"]["count"]:
            problems.append("notify_storm: %s of %s payments paid after the storm; %s"
                            % (notify["check"].get("orders_paid"), notify["prep"]["count"],
                               "; ".join(notify["check"].get("problems", []))))
    if flash is not None:
        row = next((r for r in rows if r["name"] == "flash_sale"), None)
        created = row["created"] if row else 0
        flash["created"] = created
        flash["insufficient_stock"] = row["wrk"]["expected_409"] if row else 0
        if created != flash["stock"]:
            problems.append("flash_sale: %d orders were created (201) for a stock of %d" % (created, flash["stock"]))
        if flash.get("stock_after") != 0:
            problems.append("flash_sale: GET /v1/listings/%s shows stock %s afterwards, not 0"
                            % (flash.get("listing_id"), flash.get("stock_after")))
    if visibility is not None:
        problems.extend("visibility: " + p for p in visibility["problems"])
    if idle is not None:
        if idle["opened"] != idle["count"]:
            problems.append("idle: only %d of %d connections could be opened (%s)"
                            % (idle["opened"], idle["count"], idle.get("first_error", "")))
        if idle["still_open"] != idle["opened"]:
            problems.append("idle: the server closed %d of the %d idle connections while they were held"
                            % (idle["opened"] - idle["still_open"], idle["opened"]))
        idle["rss_increase_mib"] = round((idle["rss_held_kib"] - idle["rss_before_kib"]) / 1024, 1)
        idle["rss_ratio"] = round(idle["rss_held_kib"] / idle["rss_before_kib"], 2) if idle["rss_before_kib"] else None
        idle["kib_per_connection"] = (round((idle["rss_held_kib"] - idle["rss_before_kib"]) / idle["opened"], 1)
                                      if idle["opened"] else None)

    header = "%-24s %5s %10s %8s %8s %6s %8s %8s %8s %7s  %s" % (
        "scenario", "conns", "req/s", "p50 ms", "p99 ms", "ratio", "non-2xx", "expected", "peak MiB", "batch", "notes")
    lines = [header]
    for r in rows:
        w = r["wrk"]
        lines.append("%-24s %5d %10.0f %8.3f %8.3f %6s %8d %8d %8.1f %7s  %s" % (
            r["name"], r["connections"], w["rps"], r["p50_ms"], r["p99_ms"],
            "%.3f" % r["ratio_to_healthz"] if r["ratio_to_healthz"] is not None else "-",
            w["unexpected"] + w["connect_errors"] + w["read_errors"] + w["write_errors"], w["expected_409"],
            r["peak_rss_kib"] / 1024, "%.1f" % r["writer_mean_batch"] if r["writer_mean_batch"] is not None else "-",
            r["notes"]))

    d = meta["data"]
    print()
    print("marketplace benchmark (seed %d%s): %d counties, %d villages, %d shops, %d listings, %d buyers, %d orders"
          % (meta["seed"], ", quick" if meta["quick"] else "", d["counties"], d["villages"], d["shops"],
             d["listings"], d["buyers"], d["orders"]))
    print("%s per scenario (flash_sale %s); server: %s threads, synchronous=%s; wrk: %s threads; %d CPUs; "
          "load average before: %s" % (meta["duration"], meta["flash_duration"], meta["server_threads"],
                                       meta["synchronous"], meta["wrk_threads"], meta["cpus"], meta["loadavg_before"]))
    print("ratio = requests/s / healthz requests/s at the same connections; non-2xx = unexpected answers and socket "
          "errors; expected = flash_sale's 409 insufficient_stock;")
    print("peak MiB = server VmHWM during the scenario%s; batch = mean writer batch (commands per commit) during it"
          % ("" if meta["hwm_reset"] else " (since start: clear_refs was not writable)"))
    print("\n".join(lines))
    if flash is not None:
        print("flash_sale: listing %s with stock %d: %d orders created, %d answered 409 insufficient_stock, "
              "stock afterwards %s" % (flash["listing_id"], flash["stock"], flash["created"],
                                       flash["insufficient_stock"], flash["stock_after"]))
    if notify is not None:
        row = next((r for r in rows if r["name"] == "notify_storm"), None)
        print("notify_storm: %d pending Alipay payments, each notification sent 8 times over 64 connections "
              "(%s notifications/s); %d orders paid, ledger balanced: %s. Preparing them on one connection: "
              "%.0f orders placed/s, %.0f Alipay payments started/s"
              % (notify["prep"]["count"], "%.0f" % row["wrk"]["rps"] if row else "?", notify["check"]["orders_paid"],
                 notify["check"]["balanced"], notify["prep"]["place_per_s_one_connection"],
                 notify["prep"]["pay_per_s_one_connection"]))
    by_name = {r["name"]: r["wrk"]["rps"] for r in rows if r["connections"] == 64}
    if all(by_name.get(n) for n in ("order", "pay", "notify_storm")):
        # One paid order is three requests, each taking its share of the server. The storm's rate
        # counts repeats (7 of 8), cheaper than first notifications: an upper bound.
        paid = 1 / (1 / by_name["order"] + 1 / by_name["pay"] + 1 / by_name["notify_storm"])
        print("paid orders: at most %.0f/s (an order, an Alipay pay request and a notification each: "
              "1 / (1/%.0f + 1/%.0f + 1/%.0f), the notification rate being the storm's), %.0f%% of the unpaid-order "
              "rate" % (paid, by_name["order"], by_name["pay"], by_name["notify_storm"], 100 * paid / by_name["order"]))
    if pgbench is not None:
        order_rps = next((r["wrk"]["rps"] for r in rows if r["name"] == "order" and r["connections"] == 64), None)
        pgbench["order_ratio"] = round(order_rps / pgbench["tps"], 2) if order_rps and pgbench["tps"] else None
        print("pgbench_order: the SQL of one order, %d clients: B = %.0f transactions/s; order / B = %s"
              % (pgbench["clients"], pgbench["tps"], pgbench["order_ratio"]))
    if visibility is not None:
        d_ms = visibility["delay_ms"]
        print("visibility: a stock change answered by one server, seen in the other's cached read after "
              "p50 %s ms, p99 %s ms, max %s ms over %d rounds, under the mixed load on the first"
              % tuple(["%.1f" % d_ms[k] if d_ms[k] is not None else "-" for k in ("p50", "p99", "max")] +
                      [visibility["rounds"]]))
    if idle is not None:
        print("idle: %d of %d keep-alive connections opened in %.1f s (server gauge: %s open) and %d still open at "
              "the end; server RSS %.1f MiB before, %.1f MiB while held (+%.1f MiB, x%.2f, %.1f KiB per "
              "connection), %.1f MiB after the load"
              % (idle["opened"], idle["count"], idle["open_seconds"], idle["server_open_connections"],
                 idle["still_open"], idle["rss_before_kib"] / 1024, idle["rss_held_kib"] / 1024,
                 idle["rss_increase_mib"], idle["rss_ratio"] or 0, idle["kib_per_connection"] or 0,
                 idle["rss_after_kib"] / 1024))
    gen = meta.get("generation") or ""
    m_orders = re.search(r"orders: ([\d.]+)s, (\d+) orders/s", gen)
    m_wall = re.search(r"wall: (\d+) s on (\d+) CPUs, load average ([\d. ]+)", gen)
    if m_orders or m_wall:
        print("data: %s, generated once in %s s (load average %s), the order history in %s s (%s orders/s, through "
              "place_order and transition_order)"
              % (d["file"], m_wall.group(1) if m_wall else "?", m_wall.group(3).strip() if m_wall else "?",
                 m_orders.group(1) if m_orders else "?", m_orders.group(2) if m_orders else "?"))

    result = dict(meta)
    result["problems"] = problems
    result["failed"] = bool(problems)
    result["scenarios"] = [{
        "scenario": r["name"], "connections": r["connections"], "threads": r["threads"], "duration": r["duration"],
        "requests_per_s": r["wrk"]["rps"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
        "ratio_to_healthz": r["ratio_to_healthz"],
        "non_2xx_unexpected": r["wrk"]["unexpected"],
        "socket_errors": r["wrk"]["connect_errors"] + r["wrk"]["read_errors"] + r["wrk"]["write_errors"],
        "expected_409": r["wrk"]["expected_409"], "created_201": r["created"], "orders_per_s": r["orders_per_s"],
        "peak_rss_mib": round(r["peak_rss_kib"] / 1024, 1), "writer_mean_batch": r["writer_mean_batch"],
        "writer_mean_commit_ms": r["writer_mean_commit_ms"], "writer": r["writer"], "wrk": r["wrk"],
    } for r in rows]
    result["flash_sale"] = flash
    result["idle"] = idle
    result["notify_storm"] = notify
    result["visibility"] = visibility
    result["pgbench_order"] = pgbench
    with open(result_path, "w") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print()
    print("results: %s" % result_path)
    if problems:
        print("bench: FAILED", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
