#!/usr/bin/env python3
"""How soon one server's cached read shows a write acknowledged by another server on the same
PostgreSQL database (scripts/bench --engine postgresql runs it while the mixed load runs on the
writer).

    visibility_probe.py --writer PORT --reader PORT --token TOKEN --listing ID [--rounds N]

Each round changes the listing's stock through the writer (PATCH, by the listing's farmer). Once
the writer has answered 2xx:
  - the writer's own read must show the new stock at once (its caches moved before it answered);
  - the reader's read (a cached answer: it is read twice before each write) is repeated until it
    shows the new stock; the time from the writer's answer to that read's answer is the delay.
The reader's database connections are warmed first. Prints one JSON object: rounds, writer_stale (writer reads that did not show its own write),
reader_gave_up (rounds where the reader did not show it within 2 s), delay_ms {p50, p99, max},
and problems (a failed request, a stale writer read, a reader that gave up).
"""
import argparse
import http.client
import json
import time


def request(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data


def stock_of(conn, listing):
    status, data = request(conn, "GET", "/v1/listings/%d" % listing)
    if status != 200:
        raise RuntimeError("GET /v1/listings/%d: %d %s" % (listing, status, data[:200]))
    return json.loads(data)["stock"]


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--writer", type=int, required=True)
    ap.add_argument("--reader", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--listing", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=50)
    a = ap.parse_args()
    writer = http.client.HTTPConnection("127.0.0.1", a.writer, timeout=10)
    writer_reads = http.client.HTTPConnection("127.0.0.1", a.writer, timeout=10)
    reader = http.client.HTTPConnection("127.0.0.1", a.reader, timeout=10)
    delays, problems = [], []
    writer_stale = gave_up = 0
    first = stock_of(writer_reads, a.listing)
    # A fresh server's database connections each prepare their statements on first use (about
    # 6 ms): the reader's are warmed first with reads of other listings (any answer will do).
    for i in range(1, 65):
        request(reader, "GET", "/v1/listings/%d" % max(1, a.listing - i))
    for k in range(a.rounds):
        stock = 1000 + (first + k + 1) % 1000
        stock_of(reader, a.listing)
        stock_of(reader, a.listing)  # the reader's answer is now a cached one
        status, data = request(writer, "PATCH", "/v1/listings/%d" % a.listing, {"stock": stock}, a.token)
        acknowledged = time.monotonic()
        if status // 100 != 2:
            problems.append("PATCH: %d %s" % (status, data[:200].decode(errors="replace")))
            break
        if stock_of(writer_reads, a.listing) != stock:
            writer_stale += 1
        while True:
            seen = stock_of(reader, a.listing)
            now = time.monotonic()
            if seen == stock:
                delays.append((now - acknowledged) * 1000)
                break
            if now - acknowledged > 2:
                gave_up += 1
                break
            time.sleep(0.0005)
        time.sleep(0.05)
    if writer_stale:
        problems.append("the writer's own read missed its write %d times" % writer_stale)
    if gave_up:
        problems.append("the reader did not show the write within 2 s %d times" % gave_up)
    delays.sort()
    print(json.dumps({
        "rounds": len(delays) + gave_up, "writer_stale": writer_stale, "reader_gave_up": gave_up,
        "delay_ms": {"p50": percentile(delays, 0.5), "p99": percentile(delays, 0.99),
                     "max": delays[-1] if delays else None},
        "problems": problems,
    }))


if __name__ == "__main__":
    main()
