"""Plays Alipay for the system tests (Python standard library and the `openssl` tool): makes the
key pairs, and signs trade notifications the way Alipay does (RSA2: SHA256withRSA over the
fields sorted by name, `sign` and `sign_type` left out, base64).
docs/payments.md walks through the same steps by hand."""
import base64
import os
import subprocess
import urllib.parse

APP_ID = "2021000000000001"
SELLER_ID = "2088000000000001"


def make_keys(directory):
    """Alipay's key pair (we sign notifications with its private half) and the application's.
    Returns the `cunji serve` options that configure Alipay with them."""
    paths = {}
    for who in ("alipay", "app"):
        private = os.path.join(directory, f"{who}_private.pem")
        public = os.path.join(directory, f"{who}_public.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                        "-out", private], check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", private, "-pubout", "-out", public], check=True, capture_output=True)
        paths[who] = (private, public)
    args = ["--alipay-app-id", APP_ID, "--alipay-seller-id", SELLER_ID,
            "--alipay-public-key", paths["alipay"][1], "--alipay-private-key", paths["app"][0]]
    return paths["alipay"][0], args


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def notification(alipay_private_key, out_trade_no, trade_no, amount_fen, status="TRADE_SUCCESS"):
    """The form body of Alipay's notification that the trade succeeded (or closed)."""
    fields = {"app_id": APP_ID, "seller_id": SELLER_ID, "out_trade_no": out_trade_no, "trade_no": trade_no,
              "total_amount": yuan(amount_fen), "trade_status": status, "charset": "utf-8", "version": "1.0",
              "notify_type": "trade_status_sync"}
    content = "&".join(f"{k}={fields[k]}" for k in sorted(fields))
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", alipay_private_key], input=content.encode(),
                         check=True, capture_output=True).stdout
    fields["sign_type"] = "RSA2"
    fields["sign"] = base64.b64encode(sig).decode()
    return urllib.parse.urlencode(fields)
