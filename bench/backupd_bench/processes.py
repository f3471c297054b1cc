"""What a run starts and how it talks to it. Every child is the leader of its own process group and is
listed (in memory and in the pid file bench/run reads), so that whatever ends the run also ends them;
the phases of a run are timed here; the servers are reached over HTTP on 127.0.0.1 only."""

import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time

from .parameters import MB


class Children:
    def __init__(self, pid_file):
        self.procs = []
        self.pid_file = pid_file
        self.lock = threading.Lock()

    def start(self, argv, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        proc = subprocess.Popen(argv, start_new_session=True, **kw)
        with self.lock:
            self.procs.append(proc)
            self._write()
        return proc

    def _write(self):
        live = [str(p.pid) for p in self.procs if p.poll() is None]
        self.pid_file.write_text("".join(pid + "\n" for pid in live))

    def stop(self, proc, sig=signal.SIGTERM, grace=10.0):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(5)
        else:
            # The leader is gone; anything it left in its group goes too.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        with self.lock:
            self._write()

    def stop_all(self):
        for proc in list(self.procs):
            try:
                self.stop(proc, signal.SIGKILL, grace=5)
            except Exception:
                pass


# The run's one registry of children, made by track_children() when the work directory is known.
_children = None


def track_children(pid_file):
    global _children
    _children = Children(pid_file)


def start(argv, **kw):
    """Starts a child in a process group of its own, listed until it is stopped."""
    return _children.start(argv, **kw)


def stop(proc, sig=signal.SIGTERM, grace=10.0):
    _children.stop(proc, sig, grace)


def stop_all():
    if _children is not None:
        _children.stop_all()


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


class Phases:
    def __init__(self):
        self.start = time.monotonic()
        self.rows = []

    def run(self, part, name, fn, *args, **kw):
        """Runs one phase of a part (sqlite, references, postgres), timed; its row says which part it
        was, so that RESULTS.md shows each part's phases in that part's section."""
        t = time.monotonic()
        say(f"\n== {name}")
        try:
            return fn(*args, **kw)
        finally:
            seconds = time.monotonic() - t
            self.rows.append({"phase": name, "seconds": round(seconds, 1), "loadavg_1m": round(os.getloadavg()[0], 2),
                              "part": part})
            say(f"== {name}: {seconds:.1f} s (run so far {time.monotonic() - self.start:.0f} s)")


def say(text=""):
    print(text, flush=True)


def run_text(argv, **kw):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, **kw)
        return (out.stdout + out.stderr).strip()
    except Exception as error:  # noqa: BLE001 - a missing tool is reported, not fatal
        return f"unavailable ({error})"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_request(port, method, target, headers, body=b"", timeout=60):
    status, _, answer = http_exchange(port, method, target, headers, body, timeout)
    return status, answer


def http_exchange(port, method, target, headers, body=b"", timeout=60):
    """One request on a connection of its own: the status, the response's headers (names in lower case)
    and its body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if body:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        answer = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, answer
    finally:
        conn.close()


def wait_health(port, proc, limit=120.0):
    t_end = time.monotonic() + limit
    while time.monotonic() < t_end:
        if proc.poll() is not None:
            return False
        try:
            status, _ = http_request(port, "GET", "/health", {"Host": f"127.0.0.1:{port}"}, timeout=2)
            if status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.005)
    return False


def log_summary(path, keep=200):
    """Counts the request lines of a server's log by status, then trims it to its head and tail."""
    counts = {}
    lines = 0
    size = path.stat().st_size
    with open(path, "rb") as f:
        pending = b""
        while chunk := f.read(1 << 24):
            chunk = pending + chunk
            cut = chunk.rfind(b"\n") + 1
            block, pending = chunk[:cut], chunk[cut:]
            lines += block.count(b"\n")
            for m in re.finditer(rb" route=(.+?) status=(\d{3}) ", block):
                if m.group(1) != b"GET /health":  # /health may answer 503 before the store is up
                    code = m.group(2).decode()
                    counts[code] = counts.get(code, 0) + 1
    if size > 4 * MB:
        with open(path, "rb") as f:
            head = b"".join(f.readline() for _ in range(keep))
            f.seek(max(size - 64 * 1024, 0))
            tail = f.read().split(b"\n", 1)[-1]
        path.write_bytes(head + f"\n[... trimmed by bench: {lines:,} lines, {size:,} bytes ...]\n".encode() + tail)
    return {"lines": lines, "bytes": size, "statuses": counts}
