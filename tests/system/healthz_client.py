#!/usr/bin/env python3
"""healthz_client.py PORT N -- the normal client of overload_test.py, in a process of its own so
that the test's own work does not skew its timings.

Sends N sequential GET /healthz to 127.0.0.1:PORT, the first half on one keep-alive connection,
the second half each on a fresh connection, and prints one JSON object: latency_ms (one per
request), errors (the first 20) and error_count.
"""
import http.client
import json
import sys
import time


def main():
    port, n = int(sys.argv[1]), int(sys.argv[2])
    lat, errors = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(n):
        fresh = i >= n // 2
        if fresh:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        t = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            body = r.read()
            if r.status != 200 or json.loads(body) != {"status": "ok"}:
                errors.append(f"request {i}: {r.status} {body[:100]!r}")
        except Exception as e:
            errors.append(f"request {i}: {e!r}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        lat.append((time.perf_counter() - t) * 1000.0)
    print(json.dumps({"latency_ms": lat, "errors": errors[:20], "error_count": len(errors)}))


if __name__ == "__main__":
    main()
