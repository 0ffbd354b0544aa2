"""Shared by the system tests: the cunji binary, an HTTP client and control of a server process.

Python 3 standard library only. The binary is $CUNJI_BIN (default build/cunji of this
repository); nothing here builds it.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("CUNJI_BIN", os.path.join(ROOT, "build", "cunji"))


class Client:
    """One keep-alive connection; reconnects after errors."""

    def __init__(self, port, timeout=10):
        self.port, self.timeout, self.conn = port, timeout, None

    def request(self, method, path, body=None, token=None, headers=None):
        """Returns (status, headers dict lowercased, body text); raises OSError/HTTPException."""
        h = {"Host": "127.0.0.1"}
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else body
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            text = r.read().decode()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if hdrs.get("connection", "").lower() == "close":
                self.close()
            return r.status, hdrs, text
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def must(client, method, path, body=None, token=None, want=(200, 201), headers=None):
    st, hdrs, text = client.request(method, path, body, token, headers)
    if st not in want:
        raise RuntimeError(f"{method} {path} answered {st}: {text[:300]}")
    return json.loads(text) if text else None



def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`cunji serve` on a free loopback port; `args` replaces the default options after --listen."""

    def __init__(self, db, log, args=("--threads", "4", "--quiet")):
        self.db, self.log, self.args, self.proc, self.port = db, log, list(args), None, None

    def start(self):
        for _ in range(5):
            self.port = free_port()
            listen = f"127.0.0.1:{self.port}"
            self.proc = subprocess.Popen([BIN, "serve", "--db", self.db, "--listen", listen] + self.args,
                                         stdout=self.log, stderr=self.log)
            deadline = time.time() + 20
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    st, _, _ = Client(self.port, timeout=2).request("GET", "/healthz")
                    if st == 200:
                        return
                except OSError:
                    time.sleep(0.05)
            self.kill()  # port taken in the meantime, or did not come up: try again
        raise RuntimeError("the server did not start; see its log in the temp dir")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait()

    def stop(self, timeout=30):
        """SIGTERM; SIGKILL if it has not exited after `timeout` s. Returns False in that case."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return False
        return True
