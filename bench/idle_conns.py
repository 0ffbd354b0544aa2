#!/usr/bin/env python3
"""Holds many idle keep-alive connections to a server (scripts/bench, scenario idle).

    idle_conns.py --port PORT [--host 127.0.0.1] --count 10000 --ready FILE

Opens COUNT connections and makes one GET /healthz on each, so every one is a real keep-alive
connection that has served a request and now sits idle (not a half-open socket that never
spoke). Then writes "ready OPENED FAILED SECONDS" to FILE and holds the connections until
SIGTERM or SIGINT. On the signal it checks every connection without blocking and prints
"held STILL_OPEN OPENED" (connections the server has not closed) on stdout, then exits 0.
"""
import argparse
import os
import resource
import signal
import socket
import sys
import time

CHUNK = 250  # connections opened before their responses are read (stays under the listen backlog)


def read_response(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the response")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed inside the body")
        body += chunk
    return status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--ready", required=True)
    a = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.count + 64
    if soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))

    stop = False

    def on_signal(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    request = ("GET /healthz HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (a.host, a.port)).encode()
    held, failed = [], 0
    first_error = ""
    t0 = time.monotonic()
    for start in range(0, a.count, CHUNK):
        chunk = []
        for _ in range(min(CHUNK, a.count - start)):
            try:
                s = socket.create_connection((a.host, a.port), timeout=10)
                s.sendall(request)
                chunk.append(s)
            except OSError as e:
                failed += 1
                first_error = first_error or repr(e)
        for s in chunk:
            try:
                status = read_response(s)
                if status != 200:
                    raise ConnectionError("status %d" % status)
                held.append(s)
            except (OSError, ValueError, IndexError) as e:
                failed += 1
                first_error = first_error or repr(e)
                s.close()
    seconds = time.monotonic() - t0
    with open(a.ready + ".tmp", "w") as f:
        f.write("ready %d %d %.2f %s\n" % (len(held), failed, seconds, first_error.replace("\n", " ")))
    os.replace(a.ready + ".tmp", a.ready)

    while not stop:
        signal.pause() if hasattr(signal, "pause") else time.sleep(0.2)

    still = 0
    for s in held:
        try:
            s.setblocking(False)
            data = s.recv(1, socket.MSG_PEEK)
            if data:
                still += 1  # unexpected bytes, but the connection is open
        except BlockingIOError:
            still += 1  # nothing to read: open and idle
        except OSError:
            pass  # reset
    print("held %d %d" % (still, len(held)), flush=True)
    for s in held:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
