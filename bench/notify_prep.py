#!/usr/bin/env python3
"""Prepares scripts/bench's Alipay scenarios. notify_storm: places COUNT orders and starts an
Alipay payment for each (POST /v1/orders, then POST /v1/orders/{id}/pay {"method":"alipay"}),
and writes Alipay's signed notification of each to OUT (one form body per line) and
"order_id token" to OUT.orders. pay: places UNPAID more orders and writes "order_id token" of
each to OUT.unpaid. Prints the placing and paying rates it saw (one connection: a floor, not a
figure of record).

    notify_prep.py --port PORT --tokens FILE --orderable FILE --key ALIPAY_PRIVATE_PEM --count N
                   --unpaid M --out FILE
"""
import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "system"))
import alipay_play  # noqa: E402  (the system tests' Alipay: the same signing)
from harness import Client  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    for flag in ("--port", "--tokens", "--orderable", "--key", "--out"):
        ap.add_argument(flag, required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--unpaid", type=int, default=0)
    a = ap.parse_args()
    tokens = open(a.tokens).read().split()
    orderable = [line.split() for line in open(a.orderable) if line.strip()]
    rng = random.Random(7)
    c = Client(int(a.port), timeout=30)
    notices, orders, unpaid, placing, paying = [], [], [], 0.0, 0.0

    def place(i):
        nonlocal placing
        token = rng.choice(tokens)
        shop, listing = rng.choice(orderable)
        body = json.dumps({"shop_id": int(shop), "items": [{"listing_id": int(listing), "quantity": 1}],
                           "delivery": {"method": "address", "address": "北京市朝阳区1号"}}, ensure_ascii=False)
        t = time.perf_counter()
        status, _, text = c.request("POST", "/v1/orders", body, token, {"Idempotency-Key": f"notify-prep-{i}"})
        placing += time.perf_counter() - t
        if status != 201:
            sys.exit(f"notify_prep: placing answered {status}: {text[:200]}")
        return json.loads(text)["id"], token

    for i in range(a.unpaid):
        order, token = place(-1 - i)
        unpaid.append(f"{order} {token}")
    for i in range(a.count):
        order, token = place(i)
        t = time.perf_counter()
        status, _, text = c.request("POST", f"/v1/orders/{order}/pay", '{"method":"alipay"}', token)
        paying += time.perf_counter() - t
        if status != 202:
            sys.exit(f"notify_prep: paying answered {status}: {text[:200]}")
        p = json.loads(text)["payment"]
        notices.append(alipay_play.notification(a.key, p["out_trade_no"], "2026%024d" % (i + 1), p["amount_fen"]))
        orders.append(f"{order} {token}")
    with open(a.out, "w") as f:
        f.write("\n".join(notices) + "\n")
    with open(a.out + ".orders", "w") as f:
        f.write("\n".join(orders) + "\n")
    with open(a.out + ".unpaid", "w") as f:
        f.write("\n".join(unpaid) + "\n")
    print(json.dumps({"count": a.count, "unpaid": a.unpaid,
                      "place_per_s_one_connection": round((a.count + a.unpaid) / placing, 1),
                      "pay_per_s_one_connection": round(a.count / paying, 1)}))


if __name__ == "__main__":
    main()
