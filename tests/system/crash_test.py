#!/usr/bin/env python3
"""crash_test.py [ROUNDS] (scripts/crash_test) -- crash consistency: kill -9 the server under load, restart it,
and check that every acknowledged write survived and nothing was duplicated.

Builds nothing: it runs the binary in $CUNJI_BIN (default build/cunji; for example
`scripts/build build-crash -DCUNJI_TESTS=OFF` then `CUNJI_BIN=build-crash/cunji scripts/crash_test`).
Python 3 standard library only; the server control, HTTP client and demo setup are in
harness.py and demo.py.

Setup: a temporary database with `cunji seed-demo` and `cunji admin create`; a few buyers made
over POST /v1/accounts; a handful of in-stock listings of farmer-run demo shops, whose farmers
(demo accounts, password cunji-demo-2026) ship the orders. The initial stock of every listing
used is read before the first round.

Each round (default 20): `cunji serve` on a free loopback port, with Alipay configured (key
pairs made with `openssl`; alipay_play.py signs Alipay's notifications). One thread per buyer
places orders and purchases across two shops (Idempotency-Key); pays them: cash taken by the
station's partner for an order or a whole purchase, or Alipay (the buyer's request, then the
signed notification sent 1-3 times); has them shipped by the shop's farmer, arrive at the
station and handed over against their codes, or cancels them. An admin thread runs payouts and
records hand-ins of the station's cash (Idempotency-Key). Unpaid orders are cancelled by the
timer after one minute, racing later payments (in the longer runs). Every 2xx answer is
recorded. At a random moment 0.2-1.5 s into the round (every fifth round: 6 s, so that the
timer runs under the load) the server gets SIGKILL, and is started again on the same database. Then, checked every round:
  - requests with a key whose answer was lost in the crash are retried with their key and body
    (a replay if they had committed, else a first run), so every order has a known key; lost
    notifications are sent again;
  - every acknowledged order exists (GET /v1/orders/{id} as its buyer) with the acknowledged
    shop, items, money, delivery, parties and payment, and its status is the acknowledged one
    or one reachable from it by moves that were attempted (or the timer's cancellation); an
    order whose notification was answered `success` is no longer `placed`;
  - every acknowledged key of the round, and a sample of older ones, retried with the same body
    answers `Idempotent-Replayed: true` with the same status and byte-identical body;
  - the buyers' order lists hold exactly the orders known from keys (no duplicates, no orphans);
  - GET /v1/admin/ledger/check is balanced with no mismatches (station cash and refunds due
    included), and the station's cash counts every acknowledged hand-in and adds up;
  - stock conservation: for each listing used, stock now + units in non-cancelled orders =
    stock at the start.
At the end every acknowledged key is replayed once more. Exit status 1 on any violation.
"""
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

import alipay_play
import demo
from harness import BIN, Client, Server, must

BUYERS = 6
FARMER_SHOPS = 4          # farmer-run shops whose listings are ordered
LISTINGS_PER_SHOP = 2
OLD_KEY_SAMPLE = 200      # earlier rounds' keys replayed each round
NEXT = {"pay": ("placed", "paid"), "ship": ("paid", "shipped"), "arrive": ("shipped", "at_station"),
        "hand_over": ("at_station", "delivered")}

violations = []


def violation(msg):
    violations.append(msg)
    print("VIOLATION: " + msg, file=sys.stderr, flush=True)


# --- what the clients know -------------------------------------------------------------------

class Key:
    """An idempotent request: endpoint, body, owner; `ack` is (status, body) of a 2xx answer."""

    def __init__(self, kind, path, body, token, order_id=None):
        self.kind, self.path, self.body, self.token = kind, path, body, token
        self.key = str(uuid.uuid4())
        self.order_id = order_id
        self.ack = None
        self.round = None


class Order:
    def __init__(self, oid, buyer, farmer_token, placed):
        self.id, self.buyer, self.farmer_token = oid, buyer, farmer_token
        self.placed = placed          # the acknowledged placement body (dict)
        self.ack_status = "placed"    # the last acknowledged status
        self.ack_payment = None
        self.attempted = set()        # moves sent, answered or not
        self.notified = False         # Alipay's notification of its payment was answered `success`


def reachable(start, moves):
    """Statuses reachable from `start` using only the moves in `moves`."""
    seen, todo = {start}, [start]
    while todo:
        s = todo.pop()
        nxt = [NEXT[m][1] for m in moves if m in NEXT and NEXT[m][0] == s]
        if ("cancel" in moves and s in ("placed", "paid")) or s == "placed":
            nxt.append("cancelled")  # asked for, or (placed) the unpaid-order timer
        for n in nxt:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys = []                # every Key
        self.unsettled = []           # Keys whose answer was lost
        self.acked_orders = 0
        self.handed_in = 0            # fen of acknowledged hand-ins
        self.alipay_key = None        # the private key that plays Alipay's
        self.trade_no = 0             # Alipay's trade numbers, made up
        self.unsent_notices = []      # notifications whose answer was lost
        self.notices = 0              # notifications answered success
        self.timer_cancelled = set()  # orders the unpaid-order timer cancelled
        self.round = 0


# --- one round's load ------------------------------------------------------------------------

def record_place(st, buyer, key, status, text, shop_farmer):
    if 200 <= status < 300:
        body = json.loads(text)
        key.ack = (status, text)
        key.order_id = body["id"]
        o = Order(body["id"], buyer, shop_farmer, body)
        with st.lock:
            buyer.orders[o.id] = o
            st.acked_orders += 1


def record_pay(st, buyer, key, status, text):
    if 200 <= status < 300:
        key.ack = (status, text)
        body = json.loads(text)
        o = buyer.orders.get(key.order_id)
        if o is not None:
            o.ack_status = body["status"]
            o.ack_payment = body["payment"]


def record_purchase(st, buyer, key, status, text, farmer_of):
    """A purchase is one order per shop: each becomes a known order of the buyer."""
    if 200 <= status < 300:
        body = json.loads(text)
        key.ack = (status, text)
        with st.lock:
            for placed in body["orders"]:
                buyer.orders[placed["id"]] = Order(placed["id"], buyer, farmer_of[placed["shop_id"]], placed)
                st.acked_orders += 1


def record_purchase_pay(st, buyer, key, status, text):
    if 200 <= status < 300:
        key.ack = (status, text)
        for paid in json.loads(text)["orders"]:
            o = buyer.orders.get(paid["id"])
            if o is not None:
                o.ack_status, o.ack_payment = paid["status"], paid["payment"]


def record_alipay(st, buyer, key, status, text):
    """202: a pending payment, paid once Alipay's notification arrives (made here, signed)."""
    key.notice = None
    if status == 202:
        key.ack = (status, text)
        p = json.loads(text)["payment"]
        with st.lock:
            st.trade_no += 1
            trade_no = "2026%024d" % st.trade_no
        key.notice = alipay_play.notification(st.alipay_key, p["out_trade_no"], trade_no, p["amount_fen"])


def send_notice(c, st, key):
    """Alipay's notification; one whose answer is lost is sent again after the restart."""
    try:
        status, _, text = c.request("POST", "/v1/payments/alipay/notify", key.notice, None,
                                    {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    except (OSError, http.client.HTTPException):
        with st.lock:
            st.unsent_notices.append(key)
        raise
    if status == 200 and text == "success":
        o = key.buyer.orders.get(key.order_id)
        if o is not None:
            o.notified = True
        with st.lock:
            st.notices += 1
    else:
        violation(f"notification of order {key.order_id} answered {status} {text[:100]}")


def send_keyed(c, st, key):
    """Sends an idempotent request; if its answer is lost, the key is retried after the restart."""
    with st.lock:
        st.keys.append(key)
    try:
        return c.request("POST", key.path, key.body, key.token, {"Idempotency-Key": key.key})
    except (OSError, http.client.HTTPException):
        with st.lock:
            st.unsettled.append(key)
        raise


def random_lines(rng, shop):
    return [{"listing_id": l, "quantity": rng.randint(1, 3)}
            for l in rng.sample(shop["listings"], rng.randint(1, len(shop["listings"])))]


def buyer_loop(port, st, buyer, shops, stop, rng):
    c = Client(port, timeout=5)
    fc = Client(port, timeout=5)
    farmer_of = {sh["id"]: sh["farmer_token"] for sh in shops}
    delivery = {"method": "station_pickup"}  # the station of the buyer's village
    while not stop.is_set():
        mine = list(buyer.orders.values())
        r = rng.random()
        try:
            if r < 0.30 or not mine:
                shop = rng.choice(shops)
                body = json.dumps({"shop_id": shop["id"], "delivery": delivery, "items": random_lines(rng, shop)},
                                  ensure_ascii=False)
                key = Key("place", "/v1/orders", body, buyer.token)
                key.round, key.shop_farmer, key.buyer = st.round, shop["farmer_token"], buyer
                status, _, text = send_keyed(c, st, key)
                record_place(st, buyer, key, status, text, shop["farmer_token"])
                continue
            if r < 0.45:
                # One checkout across two shops: one order per shop, all or nothing.
                lines = [line for shop in rng.sample(shops, 2) for line in random_lines(rng, shop)]
                body = json.dumps({"lines": lines, "delivery": delivery}, ensure_ascii=False)
                key = Key("purchase", "/v1/purchases", body, buyer.token)
                key.round, key.buyer, key.farmer_of = st.round, buyer, farmer_of
                status, _, text = send_keyed(c, st, key)
                record_purchase(st, buyer, key, status, text, farmer_of)
                continue
            o = rng.choice(mine)
            if o.ack_status == "placed" and r < 0.75:
                # Cash, taken by the partner of the order's station (it holds it from then on); an
                # order of a purchase is paid with the rest of the purchase half of the time.
                body = json.dumps({"method": "cash_at_station"})
                purchase = o.placed.get("purchase_id")
                if purchase is not None and rng.random() < 0.5:
                    key = Key("purchase_pay", f"/v1/purchases/{purchase}/pay", body, buyer.station_token)
                    key.round, key.buyer = st.round, buyer
                    for other in mine:
                        if other.placed.get("purchase_id") == purchase:
                            other.attempted.add("pay")
                    status, _, text = send_keyed(c, st, key)
                    record_purchase_pay(st, buyer, key, status, text)
                    continue
                if rng.random() < 0.4:
                    # Alipay: the buyer starts the payment, then Alipay's notification pays it
                    # (sent 1 to 3 times, as Alipay repeats it), unless the timer cancelled it first.
                    key = Key("alipay", f"/v1/orders/{o.id}/pay", json.dumps({"method": "alipay"}), buyer.token, o.id)
                    key.round, key.buyer = st.round, buyer
                    o.attempted.add("pay")
                    status, _, text = send_keyed(c, st, key)
                    record_alipay(st, buyer, key, status, text)
                    if key.notice:
                        for _ in range(rng.randint(1, 3)):
                            send_notice(c, st, key)
                    continue
                key = Key("pay", f"/v1/orders/{o.id}/pay", body, buyer.station_token, o.id)
                key.round, key.buyer = st.round, buyer
                o.attempted.add("pay")
                status, _, text = send_keyed(c, st, key)
                record_pay(st, buyer, key, status, text)
            elif o.ack_status in ("placed", "paid") and r < 0.82:
                o.attempted.add("cancel")
                status, _, text = c.request("POST", f"/v1/orders/{o.id}/cancel", '{"reason":"crash test"}', buyer.token)
                if status == 200:
                    o.ack_status = json.loads(text)["status"]
            elif o.ack_status == "paid":
                o.attempted.add("ship")
                status, _, text = fc.request("POST", f"/v1/orders/{o.id}/ship", '{"tracking":"SF%d"}' % o.id,
                                             o.farmer_token)
                if status == 200:
                    o.ack_status = json.loads(text)["status"]
            elif o.ack_status == "shipped":
                o.attempted.add("arrive")
                status, _, text = c.request("POST", f"/v1/orders/{o.id}/arrive", None, buyer.station_token)
                if status == 200:
                    o.ack_status = json.loads(text)["status"]
            elif o.ack_status == "at_station":
                o.attempted.add("hand_over")
                code = json.dumps({"pickup_code": o.placed["pickup_code"]})
                status, _, text = c.request("POST", f"/v1/orders/{o.id}/hand-over", code, buyer.station_token)
                if status == 200:
                    o.ack_status = json.loads(text)["status"]
        except (OSError, http.client.HTTPException):
            if stop.is_set():
                return
            time.sleep(0.02)  # the server is gone (killed) or restarting


def record_handin(st, key, status, text):
    if status == 201:
        key.ack = (status, text)
        with st.lock:
            st.handed_in += json.loads(text)["amount_fen"]


def admin_loop(port, st, admin_token, station, stop, rng):
    """Runs payouts, and records part of the cash the station's partner holds as handed in."""
    c = Client(port, timeout=5)
    while not stop.is_set():
        try:
            if rng.random() < 0.5:
                c.request("POST", "/v1/payouts", None, admin_token)
            else:
                status, _, text = c.request("GET", f"/v1/stations/{station['id']}/cash", None, station["token"])
                held = json.loads(text)["held_fen"] if status == 200 else 0
                if held > 0:
                    body = json.dumps({"amount_fen": rng.randint(1, held), "reference": f"round {st.round}"})
                    key = Key("handin", f"/v1/stations/{station['id']}/cash-handins", body, admin_token)
                    key.round = st.round
                    status, _, text = send_keyed(c, st, key)
                    record_handin(st, key, status, text)
        except (OSError, http.client.HTTPException):
            if stop.is_set():
                return
        time.sleep(rng.uniform(0.05, 0.2))


# --- checks ----------------------------------------------------------------------------------

MONEY_FIELDS = ("shop_id", "village_id", "county_id", "poverty_relief", "placed_by", "buyer_account_id",
                "villager_id", "items", "subtotal_fen", "delivery", "delivery_fee_fen", "total_fen",
                "platform_commission_fen", "shop_proceeds_fen", "partner_fees", "created_at")


def settle(c, st):
    """Retries every request whose answer was lost: the key decides whether it runs again."""
    with st.lock:
        pending, st.unsettled = st.unsettled, []
    replayed = 0
    for key in pending:
        status, hdrs, text = c.request("POST", key.path, key.body, key.token, {"Idempotency-Key": key.key})
        if status >= 500:
            violation(f"retry of lost {key.kind} key {key.key} answered {status}: {text[:200]}")
            continue
        replayed += hdrs.get("idempotent-replayed") == "true"
        if key.kind == "place":
            record_place(st, key.buyer, key, status, text, key.shop_farmer)
        elif key.kind == "alipay":
            record_alipay(st, key.buyer, key, status, text)
            if key.notice:
                send_notice(c, st, key)
        elif key.kind == "purchase":
            record_purchase(st, key.buyer, key, status, text, key.farmer_of)
        elif key.kind == "purchase_pay":
            record_purchase_pay(st, key.buyer, key, status, text)
        elif key.kind == "handin":
            record_handin(st, key, status, text)  # 409 if the cash is no longer held: not recorded
        else:
            record_pay(st, key.buyer, key, status, text)
    with st.lock:
        notices, st.unsent_notices = st.unsent_notices, []
    for key in notices:
        send_notice(c, st, key)
    return len(pending), replayed


def check_replay(c, key):
    status, hdrs, text = c.request("POST", key.path, key.body, key.token, {"Idempotency-Key": key.key})
    if hdrs.get("idempotent-replayed") != "true":
        violation(f"{key.kind} key {key.key} (order {key.order_id}) ran again instead of replaying: {status} {text[:200]}")
    elif (status, text) != key.ack:
        violation(f"{key.kind} key {key.key} replayed {status} {text[:200]}, acknowledged {key.ack[0]} {key.ack[1][:200]}")


def check_orders(c, st, buyers):
    checked = 0
    for b in buyers:
        for o in list(b.orders.values()):
            status, _, text = c.request("GET", f"/v1/orders/{o.id}", None, b.token)
            if status != 200:
                violation(f"acknowledged order {o.id} answers {status}: {text[:200]}")
                continue
            now = json.loads(text)
            for f in MONEY_FIELDS:
                if now.get(f) != o.placed.get(f):
                    violation(f"order {o.id}: {f} is {now.get(f)!r}, acknowledged {o.placed.get(f)!r}")
            if now["status"] == "cancelled" and "cancel" not in o.attempted:
                st.timer_cancelled.add(o.id)
            ok = reachable(o.ack_status, o.attempted)
            if now["status"] not in ok:
                violation(f"order {o.id} is {now['status']}, acknowledged {o.ack_status} (attempted {sorted(o.attempted)})")
            if o.notified and now["status"] == "placed":
                violation(f"order {o.id}: Alipay's notification was answered success, but it is still placed")
            if o.ack_payment is not None and now.get("payment") != o.ack_payment:
                violation(f"order {o.id}: payment {now.get('payment')!r}, acknowledged {o.ack_payment!r}")
            checked += 1
    return checked


def all_orders_of(c, token):
    out, cursor = [], None
    while True:
        path = "/v1/orders?as=buyer&limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = must(c, "GET", path, token=token)
        out += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def check_no_duplicates_and_stock(c, buyers, initial_stock):
    units = {lid: 0 for lid in initial_stock}
    for b in buyers:
        listed = all_orders_of(c, b.token)
        ids = {o["id"] for o in listed}
        known = set(b.orders)
        for extra in sorted(ids - known):
            violation(f"buyer {b.phone} has order {extra} that no key created (a duplicate or an orphan)")
        for missing in sorted(known - ids):
            violation(f"buyer {b.phone}'s order list lacks acknowledged order {missing}")
        for o in listed:
            if o["status"] != "cancelled":
                for line in o["items"]:
                    units[line["listing_id"]] = units.get(line["listing_id"], 0) + line["quantity"]
    for lid, start in initial_stock.items():
        stock = must(c, "GET", f"/v1/listings/{lid}")["stock"]
        if stock + units[lid] != start:
            violation(f"listing {lid}: stock {stock} + {units[lid]} units in open orders != {start} at the start")


def payout_settlements(c, station):
    """The station cash the payouts settled (the hand-ins with reference `payout`), from the
    partner's statement: each `settlement_available` entry is one, negated. Below zero when a
    payout paid back cash refunded after it was handed in."""
    kept, cursor = 0, ""
    while True:
        page = must(c, "GET", f"/v1/statements/me?limit=100{cursor}", token=station["token"])
        kept -= sum(e["amount_fen"] for e in page["items"] if e["kind"] == "settlement_available")
        if page["next_cursor"] is None:
            return kept
        cursor = f"&cursor={urllib.parse.quote(page['next_cursor'])}"


def check_station_cash(c, st, station):
    """The station's cash has every acknowledged hand-in and nothing more, besides what the
    payouts settled. Every hand-in whose answer was lost was settled (retried) before this, so
    the two sides must be equal."""
    cash = must(c, "GET", f"/v1/stations/{station['id']}/cash?from=2000-01-01", token=station["token"])
    settled = payout_settlements(c, station)
    if cash["handed_in_fen"] != st.handed_in + settled:
        violation(f"station cash: {cash['handed_in_fen']} fen handed in, {st.handed_in} acknowledged "
                  f"and {settled} settled by payouts")
    if cash["collected_fen"] - cash["handed_in_fen"] - cash["refunded_fen"] != cash["held_fen"]:
        violation(f"station cash does not add up: {cash}")
    return cash, settled


def check_ledger(c, admin_token):
    r = must(c, "GET", "/v1/admin/ledger/check", token=admin_token)
    if not r["balanced"] or r["mismatches"]:
        violation(f"ledger check: balanced={r['balanced']} mismatches={r['mismatches'][:10]}")
    return r


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    if not os.access(BIN, os.X_OK):
        print(f"crash_test: no executable {BIN}; build first (scripts/build) or set CUNJI_BIN", file=sys.stderr)
        return 2
    seed = int(os.environ.get("CUNJI_CRASH_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="cunji-crash-")
    db = os.path.join(tmp, "cunji.db")
    log = open(os.path.join(tmp, "server.log"), "ab")
    alipay_key, alipay_args = alipay_play.make_keys(tmp)
    srv = Server(db, log, ["--threads", "4", "--quiet"] + alipay_args)
    keep = False
    try:
        summary = demo.seed(db)
        srv.start()
        c = Client(srv.port)
        admin, shops, buyers, initial_stock = demo.setup(c, summary, rng, FARMER_SHOPS, LISTINGS_PER_SHOP, BUYERS)
        print(f"crash_test: seed {seed}, {rounds} rounds, {len(buyers)} buyers, listings {sorted(initial_stock)} "
              f"(stock {[initial_stock[k] for k in sorted(initial_stock)]}), db {db}", flush=True)
        st = State()
        st.alipay_key = alipay_key
        # Unpaid orders are cancelled after a minute (the shortest the schedule allows), so the
        # timer (every 5 s) races the payments and notifications of the later rounds.
        schedule = must(c, "GET", "/v1/fee-schedule")
        schedule["unpaid_timeout_minutes"] = 1
        must(c, "PUT", "/v1/fee-schedule", json.dumps(schedule), token=admin)
        me = must(c, "GET", "/v1/me", token=buyers[0].station_token)
        station = {"id": me["id"], "token": buyers[0].station_token}
        checked_total = 0
        for rnd in range(1, rounds + 1):
            st.round = rnd
            stop = threading.Event()
            threads = [threading.Thread(target=buyer_loop, args=(srv.port, st, b, shops, stop,
                                                                  random.Random(rng.random())))
                       for b in buyers]
            threads.append(threading.Thread(target=admin_loop,
                                            args=(srv.port, st, admin, station, stop, random.Random(rng.random()))))
            for t in threads:
                t.start()
            # Every fifth round runs long enough for the unpaid-order timer (every 5 s) to fire under
            # the load; the others are killed 0.2-1.5 s in.
            time.sleep(6.0 if rnd % 5 == 0 else rng.uniform(0.2, 1.5))
            srv.kill()                                   # kill -9 in the middle of the load
            stop.set()
            for t in threads:
                t.join()
            srv.start()
            c = Client(srv.port)
            lost, lost_committed = settle(c, st)
            checked = check_orders(c, st, buyers)
            checked_total += checked
            this_round = [k for k in st.keys if k.ack and k.round == rnd]
            older = [k for k in st.keys if k.ack and k.round != rnd]
            for key in this_round + rng.sample(older, min(OLD_KEY_SAMPLE, len(older))):
                check_replay(c, key)
            check_no_duplicates_and_stock(c, buyers, initial_stock)
            ledger = check_ledger(c, admin)
            cash, settled = check_station_cash(c, st, station)
            print(f"round {rnd}: {len(this_round)} keys acknowledged; {lost} answers lost in the kill "
                  f"({lost_committed} had committed: replayed); {st.acked_orders} orders so far, {checked} checked; "
                  f"station cash held {cash['held_fen']}, handed in {cash['handed_in_fen']} "
                  f"({settled} of it settled by payouts); "
                  f"ledger postings {ledger['postings']}; violations {len(violations)}", flush=True)
        c = Client(srv.port)
        for key in [k for k in st.keys if k.ack]:
            check_replay(c, key)
        srv.stop()
        keys_acked = sum(1 for k in st.keys if k.ack)
        by_kind = {}
        for k in st.keys:
            if k.ack:
                by_kind[k.kind] = by_kind.get(k.kind, 0) + 1
        print(f"crash_test summary: rounds {rounds}, orders acknowledged {st.acked_orders}, "
              f"order checks {checked_total}, idempotency keys acknowledged {keys_acked} {by_kind} (all replayed at the end), "
              f"Alipay notifications answered success {st.notices}, orders cancelled by the timer "
              f"{len(st.timer_cancelled)}, "
              f"violations {len(violations)}")
        if violations:
            keep = True
            print(f"crash_test: FAILED; database and server log kept in {tmp}", file=sys.stderr)
            return 1
        return 0
    except Exception:
        keep = True
        print(f"crash_test: error; database and server log kept in {tmp}", file=sys.stderr)
        raise
    finally:
        srv.kill()
        log.close()
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
