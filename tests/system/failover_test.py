#!/usr/bin/env python3
"""Failover drill on PostgreSQL: orders keep coming through two servers while the primary dies.

    failover_test.py            (ctest: postgresql.failover)

Python 3 standard library only; the server control, HTTP client and demo setup are in
harness.py and demo.py, the clusters are tests/support/pg_cluster's (throwaway, unix sockets).

1. A primary and a streaming standby (s1), both durable, the primary with
   synchronous_standby_names = 'ANY 1 (s1, s2)' (docs/postgresql.md deploys it so); the test
   waits until s1 is a synchronous (quorum) standby.
2. The demo marketplace and an admin go into the primary (`cunji seed-demo`, `cunji admin
   create` on its URI); two `cunji serve` are given both hosts with
   target_session_attrs=read-write, so that they find whichever accepts writes.
3. Buyers order (POST /v1/orders: one unit of a listing, station pickup, a fresh
   Idempotency-Key each) through the two servers in turn. An order whose answer is lost (a
   dropped connection, a 503) is sent again with the same key, through the other server, until
   it is answered.
4. After 1.5 s the primary's postmaster is killed with SIGKILL (no shutdown: its backends are
   left to notice); 0.5 s later the standby is promoted. The buyers go on for 3 s more, then
   every key still unanswered is sent until it is.
5. Checks, on the new primary through the servers:
   - orders were acknowledged both before the kill and after the promotion;
   - every order answered 201 is there, whole (its buyer reads it: the listing, one unit);
   - every key sent again gives the same answer (the same order);
   - for each listing, its stock at the start = its stock now + the orders acknowledged for it;
   - the ledger check is balanced, with no mismatches;
   - no order was answered but 201 or 409 (out of stock): a 500 is a failure, not a refusal.
   A negative control: the same check of acknowledged orders, given one the database never
   had, must report it (a check that could not see a lost order would pass it).
Exit status 1 on any violation.

CUNJI_FAILOVER_ASYNC=1 leaves the standby asynchronous (no synchronous_standby_names): the
drill's negative control by hand. Orders the primary acknowledged before their WAL reached the
standby are then lost in the failover, and the checks name them (each of two runs lost 1 to 4
of about 1,000 orders acknowledged before the kill).
"""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo  # noqa: E402
from harness import ROOT, Client, Server, must  # noqa: E402

CLUSTER = os.path.join(ROOT, "tests", "support", "pg_cluster")
BUYERS = 8
RUN_BEFORE_KILL, PROMOTE_AFTER, RUN_AFTER = 1.5, 0.5, 3.0


def cluster(*args):
    env = dict(os.environ, CUNJI_PG_DURABLE="1")
    return subprocess.run([CLUSTER, *args], check=True, capture_output=True, text=True, env=env).stdout


def psql(dir_, sql):
    return subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", f"host={dir_} user=postgres dbname=postgres",
                           "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def wait_until(what, check, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.1)
    raise RuntimeError("timed out waiting until " + what)


class Drill:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}        # key -> (body, buyer token, listing id)
        self.answers = {}     # key -> (status, text) of its first answer
        self.acked = {}       # key -> (order id, buyer token, listing id, time answered): the 201s
        self.lost_answers = 0

    def unanswered(self):
        with self.lock:
            return [k for k in self.sent if k not in self.answers]


def send(clients, turn, key, body, token):
    """The key's answer (status, text), trying the servers in turn; None if none answered."""
    c = clients[turn % len(clients)]
    try:
        status, _, text = c.request("POST", "/v1/orders", body, token, {"Idempotency-Key": key})
    except OSError:
        return None
    except Exception:  # http.client's own errors: the connection ended mid-answer
        return None
    return None if status == 503 else (status, text)


def buyer_loop(ports, drill, buyer, listings, stop, rng, prefix):
    clients = [Client(p, timeout=10) for p in ports]
    n = turn = 0
    while not stop.is_set():
        n += 1
        key = f"{prefix}-{n}"
        shop_id, listing = rng.choice(listings)
        body = json.dumps({"shop_id": shop_id, "delivery": {"method": "station_pickup"},
                           "items": [{"listing_id": listing, "quantity": 1}]})
        with drill.lock:
            drill.sent[key] = (body, buyer.token, listing)
        answer = None
        while answer is None and not stop.is_set():
            turn += 1
            answer = send(clients, turn, key, body, buyer.token)
            if answer is None:
                with drill.lock:
                    drill.lost_answers += 1
                time.sleep(0.05)
        if answer is not None:
            record(drill, key, answer)


def record(drill, key, answer):
    status, text = answer
    with drill.lock:
        _, token, listing = drill.sent[key]
        drill.answers.setdefault(key, (status, text))
        if status == 201:
            drill.acked[key] = (json.loads(text)["id"], token, listing, time.time())


def missing_orders(c, acked):
    """The acknowledged orders the database does not hold whole: a list of messages."""
    out = []
    for key, (order_id, token, listing, _) in acked.items():
        st, _, text = c.request("GET", f"/v1/orders/{order_id}", None, token)
        if st != 200:
            out.append(f"order {order_id} (key {key}) answered 201 but GET gives {st}")
            continue
        items = [(i["listing_id"], i["quantity"]) for i in json.loads(text)["items"]]
        if items != [(listing, 1)]:
            out.append(f"order {order_id} (key {key}) holds {items}, not one unit of listing {listing}")
    return out


def main():
    work = tempfile.mkdtemp(prefix="cunji-failover-")
    primary, standby = os.path.join(work, "p"), os.path.join(work, "s")
    servers, violations = [], []
    log = open(os.path.join(work, "servers.log"), "w")
    try:
        cluster("start", primary)
        cluster("standby", standby, primary, "s1")
        synchronous = os.environ.get("CUNJI_FAILOVER_ASYNC") != "1"
        if synchronous:
            psql(primary, "ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (s1, s2)'")
            psql(primary, "SELECT pg_reload_conf()")
        wait_until("s1 streams, synchronous unless asked otherwise", lambda: psql(
            primary, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 's1'") ==
            ("quorum" if synchronous else "async"))
        psql(primary, "CREATE DATABASE cunji")
        hosts = urllib.parse.quote(primary + "," + standby, safe="/,")
        on_primary = f"postgresql:///cunji?host={urllib.parse.quote(primary, safe='/')}&user=postgres"
        both = f"postgresql:///cunji?host={hosts}&user=postgres&target_session_attrs=read-write&connect_timeout=5"
        summary = demo.seed(on_primary)
        for _ in range(2):
            s = Server(both, log, ("--threads", "2", "--quiet"))
            s.start()
            servers.append(s)
        ports = [s.port for s in servers]
        c = Client(ports[0], timeout=10)
        rng = random.Random(int(os.environ.get("CUNJI_FAILOVER_SEED", str(int(time.time())))))
        admin, shops, buyers, initial_stock = demo.setup(c, summary, rng, 4, 2, BUYERS)
        listings = [(sh["id"], lid) for sh in shops for lid in sh["listings"]]

        drill, stop = Drill(), threading.Event()
        prefix = f"failover-{rng.randint(0, 10**9)}"
        threads = [threading.Thread(target=buyer_loop, args=(ports, drill, b, listings, stop,
                                                             random.Random(rng.random()), f"{prefix}-{i}"))
                   for i, b in enumerate(buyers)]
        for t in threads:
            t.start()
        time.sleep(RUN_BEFORE_KILL)
        with open(os.path.join(primary, "data", "postmaster.pid")) as f:
            postmaster = int(f.readline())
        killed_at = time.time()
        os.kill(postmaster, signal.SIGKILL)
        time.sleep(PROMOTE_AFTER)
        cluster("promote", standby)
        promoted_at = time.time()
        time.sleep(RUN_AFTER)
        stop.set()
        for t in threads:
            t.join()

        # Every key still unanswered is sent until it is (the new primary is up).
        clients = [Client(p, timeout=10) for p in ports]
        deadline = time.time() + 60
        for key in drill.unanswered():
            body, token, _ = drill.sent[key]
            answer = None
            while answer is None and time.time() < deadline:
                answer = send(clients, 0, key, body, token)
                if answer is None:
                    time.sleep(0.1)
            if answer is None:
                violations.append(f"key {key} was never answered")
            else:
                record(drill, key, answer)

        before = sum(1 for a in drill.acked.values() if a[3] < killed_at)
        after = sum(1 for a in drill.acked.values() if a[3] > promoted_at)
        refused = {}
        for st, text in drill.answers.values():
            if st != 201:
                code = str(json.loads(text).get("type", "?")).rsplit("/", 1)[-1] if text.startswith("{") else "?"
                refused[f"{st} {code}"] = refused.get(f"{st} {code}", 0) + 1
        print(f"failover_test: {len(drill.acked)} orders acknowledged ({before} before the kill, {after} after "
              f"the promotion), refused: {refused or 'none'}, {drill.lost_answers} answers lost and sent again")
        for key, (st, text) in drill.answers.items():
            if st not in (201, 409):  # 409: the listing ran out of stock; nothing else is right here
                violations.append(f"key {key} answered {st}: {text[:120]}")
        if before == 0 or after == 0:
            violations.append(f"orders acknowledged before the kill: {before}, after the promotion: {after}")
        violations += missing_orders(c, drill.acked)
        # The same keys again: the same answers.
        for key, (status, text) in drill.answers.items():
            body, token, _ = drill.sent[key]
            again = send(clients, 1, key, body, token)
            if again is None or again[0] != status or (status == 201 and json.loads(again[1])["id"] !=
                                                       json.loads(text)["id"]):
                violations.append(f"key {key} answered {again and again[1][:80]} when sent again, first {text[:80]}")
        for lid, start in initial_stock.items():
            now = must(c, "GET", f"/v1/listings/{lid}")["stock"]
            ordered = sum(1 for a in drill.acked.values() if a[2] == lid)
            if start != now + ordered:
                violations.append(f"listing {lid}: stock {start} at the start, {now} now, {ordered} ordered")
        r = must(c, "GET", "/v1/admin/ledger/check", token=admin)
        if not r["balanced"] or r["mismatches"]:
            violations.append(f"ledger check: balanced={r['balanced']} mismatches={r['mismatches'][:10]}")
        # Negative control: an acknowledgement the database never had is reported.
        some = next(iter(drill.acked.values()))
        made_up = {"made-up": (10**12, some[1], some[2], time.time())}
        if not missing_orders(c, made_up):
            violations.append("the check of acknowledged orders did not notice an order that is not there")
    finally:
        for s in servers:
            s.kill()
        log.close()
        for d in (standby, primary):
            try:
                cluster("stop", d)
            except subprocess.CalledProcessError:
                pass
    if violations:
        print("failover_test: FAILED (server log: %s)" % os.path.join(work, "servers.log"))
        for v in violations:
            print("  " + v)
        return 1
    subprocess.run(["rm", "-rf", work], check=False)
    print("failover_test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
