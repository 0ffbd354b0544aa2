#!/usr/bin/env python3
"""overload_test.py (scripts/overload_test) -- slow-loris and connection-limit check against a real `cunji serve`.

Builds nothing: runs $CUNJI_BIN (default build/cunji). Python 3 standard library only.

1. Starts the server on a fresh database with --request-timeout-ms 2000 --max-connections 6000
   (the file-descriptor limit is raised for this script and the server).
2. Slow loris: opens 5,000 connections that each send half a request header and stall (a tenth
   of them keep trickling a byte every 300 ms, which must not extend the deadline), while a
   normal client in a separate process sends 500 sequential GET /healthz (250 on one keep-alive
   connection, 250 on fresh connections) and records the latency. Reports p50/p99.
   Checks that the server closes every stalled connection within the request timeout + 1 s of
   its first byte.
3. Over the limit: opens 6,000 idle connections (the maximum), then 200 more; each extra one
   must get `503 overloaded` fast (reports the latency). VmRSS of the server (from /proc) is
   reported before, at the peaks and after, and must stay under 1 GiB.
Exit status 1 if the normal client fails, its p99 is over 200 ms (a generous bound for a shared
CI machine; the goal is < 50 ms), a stalled connection outlives its deadline, an extra
connection does not get its 503, or the RSS bound is exceeded.
"""
import json
import os
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import harness

HEALTHZ_CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "healthz_client.py")
REQUEST_TIMEOUT_MS = 2000
MAX_CONNECTIONS = 6000
STALLED = 5000
TRICKLE_EVERY = 10          # every 10th stalled connection keeps sending a byte
NORMAL_REQUESTS = 500
EXTRA = 200
P99_LIMIT_MS = 200.0
RSS_LIMIT_KB = 1024 * 1024
HALF_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: slow"

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr, flush=True)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))] if s else float("nan")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            return
        except (ValueError, OSError):
            sys.exit(f"overload_test: needs {want} file descriptors, the hard limit is {hard} (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    return None


def connect(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close = RST, no TIME_WAIT
    s.connect(("127.0.0.1", port))
    return s


def slow_loris(port, pid):
    print(f"slow loris: opening {STALLED} connections that stall in the middle of a header", flush=True)
    sel = selectors.DefaultSelector()
    first_byte, closed_at, socks = {}, {}, []
    t_open = time.monotonic()
    for i in range(STALLED):
        s = connect(port)
        first_byte[s.fileno()] = time.monotonic()  # before sending: the server's deadline starts later
        s.sendall(HALF_REQUEST)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, i)
        socks.append(s)
    opened = time.monotonic() - t_open
    rss_peak = rss_kb(pid)
    print(f"  opened in {opened:.2f} s; server VmRSS {rss_peak} kB", flush=True)

    # The normal client runs in its own process so this script's work does not skew its timings.
    client = subprocess.Popen([sys.executable, HEALTHZ_CLIENT, str(port), str(NORMAL_REQUESTS)],
                              stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + REQUEST_TIMEOUT_MS / 1000.0 + 4.0
    next_trickle = time.monotonic() + 0.3
    early = []
    while len(closed_at) < STALLED and time.monotonic() < deadline:
        now = time.monotonic()
        if now >= next_trickle:
            for s in socks[::TRICKLE_EVERY]:
                if s.fileno() >= 0 and s.fileno() not in closed_at:
                    try:
                        s.send(b"w")
                    except OSError:
                        pass
            next_trickle = now + 0.3
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            fd = s.fileno()
            try:
                data = s.recv(4096)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            except BlockingIOError:
                continue
            if data:
                # The server answered before the request was complete: it must not.
                early.append((key.data, data[:80]))
            t = time.monotonic()
            closed_at[fd] = t
            sel.unregister(s)
    rss_after_loris = rss_kb(pid)
    out, _ = client.communicate(timeout=120)
    result = json.loads(out)
    lat = result["latency_ms"]

    durations = sorted(closed_at[fd] - first_byte[fd] for fd in closed_at)
    still_open = STALLED - len(closed_at)
    limit = REQUEST_TIMEOUT_MS / 1000.0 + 1.0
    late = sum(1 for d in durations if d > limit)
    print(f"  normal client: {len(lat)} GET /healthz, {result['error_count']} failed; latency p50 "
          f"{pct(lat, 50):.2f} ms, p99 {pct(lat, 99):.2f} ms, max {max(lat):.2f} ms "
          f"(keep-alive half p99 {pct(lat[:len(lat)//2], 99):.2f} ms, fresh-connection half p99 "
          f"{pct(lat[len(lat)//2:], 99):.2f} ms)", flush=True)
    if durations:
        print(f"  stalled connections closed by the server after (from their first byte): min {durations[0]:.2f} s, "
              f"p50 {pct(durations, 50):.2f} s, max {durations[-1]:.2f} s; {late} later than {limit:.1f} s, "
              f"{still_open} never closed; server VmRSS {rss_after_loris} kB", flush=True)
    if result["error_count"]:
        fail(f"the normal client failed {result['error_count']} requests: {result['errors'][:3]}")
    if pct(lat, 99) > P99_LIMIT_MS:
        fail(f"normal client p99 {pct(lat, 99):.1f} ms > {P99_LIMIT_MS} ms")
    elif pct(lat, 99) > 50:
        print(f"  note: p99 {pct(lat, 99):.1f} ms is above the 50 ms goal", flush=True)
    if still_open or late:
        fail(f"{still_open} stalled connections still open and {late} closed later than {limit:.1f} s")
    if early:
        fail(f"{len(early)} stalled connections got an answer to an incomplete request, e.g. {early[0][1]!r}")
    if durations and durations[0] < REQUEST_TIMEOUT_MS / 1000.0 - 0.2:
        print(f"  note: some stalled connections were closed before the request timeout ({durations[0]:.2f} s)")
    for s in socks:
        s.close()
    sel.close()
    return rss_peak, rss_after_loris


def got_503(s):
    """Whether the server wrote its 503 on this (non-blocking) socket."""
    try:
        data = s.recv(4096)
    except BlockingIOError:
        return False
    except OSError:
        return False
    return data.startswith(b"HTTP/1.1 503")


def over_limit(port, pid):
    print(f"over the limit: {MAX_CONNECTIONS} idle connections, then {EXTRA} more", flush=True)
    idle = [connect(port) for _ in range(MAX_CONNECTIONS)]
    time.sleep(0.5)  # let the server accept them all: the next connections are the extras
    rss_full = rss_kb(pid)
    lat, bad = [], []
    for i in range(EXTRA):
        t = time.monotonic()
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        try:
            data = b""
            while not (b"\r\n\r\n" in data and data.rstrip().endswith(b"}")):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            lat.append((time.monotonic() - t) * 1000.0)
            if not data.startswith(b"HTTP/1.1 503") or b'"overloaded"' not in data:
                bad.append(data[:100])
        except OSError as e:
            bad.append(repr(e).encode())
        finally:
            s.close()
    rss_extra = rss_kb(pid)
    for s in idle:
        s.setblocking(False)
    idle_rejected = sum(1 for s in idle if got_503(s))
    print(f"  {EXTRA - len(bad)} of {EXTRA} extra connections got 503 overloaded (and {idle_rejected} of the "
          f"{MAX_CONNECTIONS} before them); 503 latency p50 {pct(lat, 50):.2f} ms, p99 {pct(lat, 99):.2f} ms, "
          f"max {max(lat) if lat else float('nan'):.2f} ms; server VmRSS with {MAX_CONNECTIONS} open {rss_full} kB, "
          f"after the extras {rss_extra} kB", flush=True)
    # Never more than the maximum open, and every connection beyond it answered 503 at once.
    held = (MAX_CONNECTIONS - idle_rejected) + (EXTRA - (EXTRA - len(bad)))
    if held > MAX_CONNECTIONS:
        fail(f"{held} connections were held open, more than --max-connections {MAX_CONNECTIONS}")
    if len(bad) > idle_rejected:
        fail(f"{len(bad)} extra connections did not get a 503: {bad[:2]}")
    if lat and pct(lat, 99) > 1000:
        fail(f"the 503 for extra connections is slow: p99 {pct(lat, 99):.0f} ms")
    for s in idle:
        s.close()
    return rss_full, rss_extra


def main():
    if not os.access(harness.BIN, os.X_OK):
        print(f"overload_test: no executable {harness.BIN}; build first (scripts/build) or set CUNJI_BIN", file=sys.stderr)
        return 2
    raise_fd_limit(2 * (MAX_CONNECTIONS + EXTRA) + 1024)
    tmp = tempfile.mkdtemp(prefix="cunji-overload-")
    log = open(os.path.join(tmp, "server.log"), "ab")
    srv = harness.Server(os.path.join(tmp, "cunji.db"), log, [
        "--request-timeout-ms", str(REQUEST_TIMEOUT_MS), "--max-connections", str(MAX_CONNECTIONS), "--quiet"])
    keep = False
    try:
        srv.start()
        port, pid = srv.port, srv.proc.pid
        rss_before = rss_kb(pid)
        print(f"overload_test: server pid {pid} on port {port}, VmRSS {rss_before} kB", flush=True)
        loris_peak, after_loris = slow_loris(port, pid)
        full, extra = over_limit(port, pid)
        time.sleep(0.5)
        rss_end = rss_kb(pid)
        if srv.proc.poll() is not None:
            fail("the server exited")
        peak = max(loris_peak, after_loris, full, extra, rss_end)
        print(f"VmRSS kB: before {rss_before}, {STALLED} stalled {loris_peak}, after they were closed {after_loris}, "
              f"{MAX_CONNECTIONS} open {full}, after {EXTRA} rejected {extra}, all closed {rss_end}", flush=True)
        if peak > RSS_LIMIT_KB:
            fail(f"server VmRSS reached {peak} kB > {RSS_LIMIT_KB} kB")
        r = metric(port, "cunji_http_rejected_connections_total")
        print(f"metrics: rejected connections {r:.0f}", flush=True)
    except Exception:
        keep = True
        raise
    finally:
        if not srv.stop():
            fail("the server did not stop on SIGTERM within 30 s")
        log.close()
        if failures or keep:
            print(f"overload_test: server log kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"overload_test: FAILED ({len(failures)} problems)", file=sys.stderr)
        return 1
    print("overload_test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
