#!/usr/bin/env python3
"""disk_full_test.py (scripts/disk_full_test) -- a real full disk: the server's database lives on a small tmpfs.

Builds nothing: it runs the binary in $CUNJI_BIN (default build/cunji). Needs root (it mounts a
tmpfs); where mounting is not allowed it says so and exits 0 -- the same behaviour is also
covered, through a simulated full disk, by tests/server/storage_fault_test.cpp. Python 3
standard library only; the HTTP client, server control and demo setup are in harness.py and
demo.py.

Steps: a demo database (`cunji seed-demo`, `cunji admin create`) is copied onto a new tmpfs a few
MiB larger than it, and served from there. Buyers log in, then a filler file takes every free
byte. Concurrent orders (Idempotency-Key) must now answer 201 or 503 (`storage_full`, or
`storage_unavailable` if the shared-memory file could not grow) with Retry-After, and at least
one must be refused; reads (a listing, a search, an acknowledged order) must keep answering 200.
The filler is removed: new orders answer 201 at once, every refused order retried with its key
answers 201, and after a restart every acknowledged order is still there, the ledger check is
balanced and stock + units ordered equals the stock at the start. Exit status 1 on a violation.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid

import demo
import harness

THREADS = 4
MAX_ORDERS_WHILE_FULL = 400
problems = []


def problem(msg):
    problems.append(msg)
    print("VIOLATION: " + msg, file=sys.stderr, flush=True)


def place(port, buyer, shop, lid, key=None, body=None):
    """One order; returns (key, body, status, type, order id or None)."""
    key = key or str(uuid.uuid4())
    body = body or json.dumps({"shop_id": shop["id"], "items": [{"listing_id": lid, "quantity": 1}],
                               "delivery": {"method": "station_pickup"}})
    st, hdrs, text = harness.Client(port).request("POST", "/v1/orders", body, buyer.token, {"Idempotency-Key": key})
    doc = json.loads(text) if text else {}
    if st == 503 and "retry-after" not in hdrs:
        problem("a 503 without Retry-After")
    return {"key": key, "body": body, "buyer": buyer, "lid": lid, "status": st, "type": doc.get("type", ""),
            "id": doc.get("id") if st == 201 else None}


def fill(path):
    """Writes zeros until the file system is full."""
    chunk = b"\0" * 65536
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError:
                break
        for size in (4096, 512, 1):  # the last few bytes too
            while True:
                try:
                    f.write(chunk[:size])
                except OSError:
                    break


def main():
    if not os.access(harness.BIN, os.X_OK):
        print(f"disk_full_test: no executable {harness.BIN}; build first or set CUNJI_BIN", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="cunji-diskfull-")
    mnt = os.path.join(work, "disk")
    os.mkdir(mnt)
    log = open(os.path.join(work, "server.log"), "w")
    rng = random.Random(int(os.environ.get("CUNJI_DISK_FULL_SEED", "7")))
    mounted = False
    server = None
    try:
        seed_db = os.path.join(work, "seed.db")
        summary = demo.seed(seed_db)
        size_mib = os.path.getsize(seed_db) // (1 << 20) + 6
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs", mnt], capture_output=True,
                           text=True)
        if r.returncode != 0:
            print("disk_full_test: SKIPPED: cannot mount a tmpfs here (%s); the simulated full disk of "
                  "tests/server/storage_fault_test.cpp covers the same behaviour" % r.stderr.strip(), flush=True)
            return 0
        mounted = True
        db = os.path.join(mnt, "cunji.db")
        shutil.copy(seed_db, db)
        server = harness.Server(db, log)
        server.start()
        c = harness.Client(server.port)
        admin, shops, buyers, initial = demo.setup(c, summary, rng)

        # The disk fills up.
        filler = os.path.join(mnt, "filler")
        fill(filler)
        print(f"disk_full_test: {size_mib} MiB tmpfs full ({os.path.getsize(filler)} filler bytes)", flush=True)

        results, lock = [], threading.Lock()
        stop = threading.Event()

        def worker(i):
            local = random.Random(i)
            while not stop.is_set():
                buyer = buyers[local.randrange(len(buyers))]
                shop = shops[local.randrange(len(shops))]
                res = place(server.port, buyer, shop, local.choice(shop["listings"]))
                with lock:
                    results.append(res)
                    refused = sum(r["status"] == 503 for r in results)
                    if refused >= 20 or len(results) >= MAX_ORDERS_WHILE_FULL:
                        stop.set()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        refused = [r for r in results if r["status"] == 503]
        for r in results:
            if r["status"] not in (201, 503) or (r["status"] == 503 and r["type"] not in (
                    "storage_full", "storage_unavailable")):
                problem(f"an order on a full disk answered {r['status']} {r['type']}")
        if not refused:
            problem(f"{len(results)} orders on a full disk and none was refused")
        types = sorted({r["type"] for r in refused})
        print(f"disk_full_test: while full: {len(results)} orders, {len(results) - len(refused)} answered 201, "
              f"{len(refused)} answered 503 {types}", flush=True)

        # Reads go on.
        any_lid = shops[0]["listings"][0]
        for path, token in ((f"/v1/listings/{any_lid}", None), ("/v1/listings?q=%E8%8B%B9%E6%9E%9C", None),
                            ("/v1/orders?limit=5", buyers[0].token)):
            st, _, _ = c.request("GET", path, None, token)
            if st != 200:
                problem(f"GET {path} answered {st} while the disk was full")
        acked = [r for r in results if r["status"] == 201]
        if acked:
            st, _, _ = c.request("GET", f"/v1/orders/{acked[0]['id']}", None, acked[0]["buyer"].token)
            if st != 200:
                problem(f"an acknowledged order answered {st} while the disk was full")

        # Space returns: writes work at once; refused orders are retried with their keys.
        os.remove(filler)
        for shop in shops[:2]:
            r = place(server.port, buyers[0], shop, shop["listings"][0])
            if r["status"] != 201:
                problem(f"an order after space returned answered {r['status']} {r['type']}")
            results.append(r)
        for r in refused:
            again = place(server.port, r["buyer"], None, r["lid"], r["key"], r["body"])
            if again["status"] != 201:
                problem(f"the retry of a refused order answered {again['status']} {again['type']}")
            r.update(status=again["status"], id=again["id"])

        # Nothing acknowledged is lost, even across a restart.
        server.stop()
        server.start()
        c = harness.Client(server.port)
        ids = set()
        for r in results:
            if r["status"] != 201:
                continue
            ids.add(r["id"])
            st, _, _ = c.request("GET", f"/v1/orders/{r['id']}", None, r["buyer"].token)
            if st != 200:
                problem(f"acknowledged order {r['id']} answered {st} after the restart")
        keys = {r["key"] for r in results}
        if len(ids) != len(keys):
            problem(f"{len(keys)} keys made {len(ids)} orders")
        report = harness.must(c, "GET", "/v1/admin/ledger/check", token=admin)
        if not report.get("balanced") or report.get("mismatches"):
            problem(f"the ledger check is not balanced: {json.dumps(report)[:300]}")
        ordered = {}
        for r in results:
            ordered[r["lid"]] = ordered.get(r["lid"], 0) + 1
        for lid, start in initial.items():
            now = harness.must(c, "GET", f"/v1/listings/{lid}")["stock"]
            if now + ordered.get(lid, 0) != start:
                problem(f"listing {lid}: stock {now} + {ordered.get(lid, 0)} ordered != {start} at the start")
        print(f"disk_full_test: {len(ids)} orders checked after the restart; ledger balanced: "
              f"{report.get('balanced')}", flush=True)
    finally:
        if server:
            server.stop()
        log.close()
        if mounted:
            subprocess.run(["umount", mnt], check=False)
        if not problems:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"disk_full_test: the server log is in {work}", file=sys.stderr)
    if problems:
        print(f"disk_full_test: {len(problems)} violation(s)", file=sys.stderr)
        return 1
    print("disk_full_test: ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
