#!/usr/bin/env python3
"""Checks scripts/bench's notify_storm afterwards: every order of ORDERS ("order_id token"
lines, from notify_prep.py) is paid, by exactly one succeeded payment, and the ledger check is
balanced. Prints a JSON line; exits 1 otherwise.

    notify_check.py --port PORT --orders FILE --admin-token TOKEN --notices FILE

First every notification of NOTICES (one form body per line) is sent once more, one at a time:
a storm that ended before it had sent them all (a slower engine) still leaves every payment
notified, and each is one more duplicate for those it had sent.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "system"))
from harness import Client  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    for flag in ("--port", "--orders", "--admin-token", "--notices"):
        ap.add_argument(flag, required=True)
    a = ap.parse_args()
    c = Client(int(a.port), timeout=30)
    paid, problems = 0, []
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    for line in open(a.notices):
        if line.strip():
            status, _, text = c.request("POST", "/v1/payments/alipay/notify", line.strip(), None, form)
            if status != 200 or text.strip() != "success":
                problems.append(f"a notification sent again: {status} {text[:80]}")
    for line in open(a.orders):
        if not line.strip():
            continue
        order, token = line.split()
        status, _, text = c.request("GET", f"/v1/orders/{order}", None, token)
        o = json.loads(text) if status == 200 else {}
        if o.get("status") == "paid" and (o.get("payment") or {}).get("method") == "alipay":
            paid += 1
        else:
            problems.append(f"order {order}: {status} {o.get('status')}")
    # The check reads every posting of the marketplace: about a minute on the full bench data.
    try:
        status, _, text = Client(int(a.port), timeout=900).request(
            "GET", "/v1/admin/ledger/check", None, a.admin_token)
        ledger = json.loads(text) if status == 200 else {"balanced": False, "mismatches": [text[:200]]}
    except OSError as e:  # a timeout included: reported, not a traceback in place of the JSON line
        ledger = {"balanced": False, "mismatches": [f"the ledger check did not answer: {e}"]}
    if not ledger["balanced"]:
        problems.append(f"ledger: {ledger['mismatches'][:5]}")
    print(json.dumps({"orders_paid": paid, "balanced": ledger["balanced"], "problems": problems[:5]}))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
