"""Shared by the system tests: a demo database and the people who use it.

seed(db) makes a database with `cunji seed-demo` and `cunji admin create`; setup(...) logs in
over HTTP as the demo farmers who run shops with stock, registers buyers and reads the stock
of the listings that will be ordered.
"""
import json
import re
import subprocess

from harness import BIN, must

DEMO_PASSWORD = "cunji-demo-2026"
ADMIN_PHONE = "+8619900000001"
ADMIN_PASSWORD = "crash-test-admin-2026"


class Buyer:
    def __init__(self, phone, token, station_token=None):
        self.phone, self.token = phone, token
        self.station_token = station_token  # the partner of the buyer's village: takes its cash
        self.orders = {}              # id -> the test's record of the order


def seed(db):
    """Seeds the demo data and an admin into a new database at `db`; returns seed-demo's summary."""
    summary = subprocess.run([BIN, "seed-demo", "--db", db], check=True, capture_output=True, text=True).stdout
    subprocess.run([BIN, "admin", "create", "--db", db, "--phone", ADMIN_PHONE, "--password", ADMIN_PASSWORD],
                   check=True, capture_output=True, text=True)
    return summary


def setup(c, seed_summary, rng, farmer_shops=4, listings_per_shop=2, buyers_wanted=6):
    """Returns (admin token, shops, buyers, initial stock by listing id). A shop is a dict:
    id, farmer_token, listings (ids of up to `listings_per_shop` listings with stock >= 100)."""
    m = re.search(r"(\d+) partners, (\d+) farmers", seed_summary)
    if not m:
        raise RuntimeError("cannot read the seed-demo summary: " + seed_summary)
    partners, farmers = int(m.group(1)), int(m.group(2))
    admin = must(c, "POST", "/v1/sessions", json.dumps({"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD}))["token"]

    # Farmer-run shops (partners were seeded first: farmer k has phone +86170{partners+k:08d}).
    shops = []
    for k in range(1, farmers + 1):
        if len(shops) == farmer_shops:
            break
        phone = "+86170%08d" % (partners + k)
        s = must(c, "POST", "/v1/sessions", json.dumps({"phone": phone, "password": DEMO_PASSWORD}))
        tok, me = s["token"], s["account"]
        if me["role"] != "farmer":
            raise RuntimeError(f"demo account {phone} is a {me['role']}, expected a farmer")
        # The farmer's shop(s): the shops of its village that it owns.
        owned = []
        cursor = None
        while True:
            path = "/v1/shops?limit=100&village_id=%d" % me["village_id"] + (f"&cursor={cursor}" if cursor else "")
            p = must(c, "GET", path)
            owned += [sh["id"] for sh in p["items"] if sh["owner_account_id"] == me["id"]]
            cursor = p["next_cursor"]
            if not cursor:
                break
        for shop_id in owned:
            page = must(c, "GET", f"/v1/listings?shop_id={shop_id}&in_stock=true&limit=100")
            good = sorted((l for l in page["items"] if l["stock"] >= 100), key=lambda l: -l["stock"])
            if len(good) >= 1:
                shops.append({"id": shop_id, "farmer_token": tok,
                              "listings": [l["id"] for l in good[:listings_per_shop]]})
                break
    if len(shops) < 2:
        raise RuntimeError("found fewer than 2 farmer shops with stock in the demo data")

    # The buyers live in the village of the first demo partner: its station takes their parcels
    # and their cash (the only payment that needs no Alipay).
    station = must(c, "POST", "/v1/sessions", json.dumps({"phone": "+8617000000001", "password": DEMO_PASSWORD}))
    if station["account"]["role"] != "partner":
        raise RuntimeError("demo account +8617000000001 is not a partner")
    buyers = []
    suffix = rng.randint(10_000, 99_999)
    for i in range(buyers_wanted):
        phone = "+86139%05d%03d" % (suffix, i)
        pw = "crash-buyer-%d" % i
        must(c, "POST", "/v1/accounts",
             json.dumps({"role": "buyer", "name": "买家%d" % i, "phone": phone, "password": pw,
                         "village_id": station["account"]["village_id"]}, ensure_ascii=False))
        tok = must(c, "POST", "/v1/sessions", json.dumps({"phone": phone, "password": pw}))["token"]
        buyers.append(Buyer(phone, tok, station["token"]))

    initial_stock = {}
    for sh in shops:
        for lid in sh["listings"]:
            initial_stock[lid] = must(c, "GET", f"/v1/listings/{lid}")["stock"]
    return admin, shops, buyers, initial_stock
