#!/usr/bin/env python3
"""A mutational fuzzer for backupd (issue 15), run by scripts/fuzz against a server it started.

Every operation of GET /openapi.json, with valid and broken credentials of several tenants,
hostile targets, headers, bodies and framing, and raw-socket garbage. Checks every reply: no 5xx,
no hang, the API's JSON with the right error envelope and an X-Request-Id, no secret of the seed in
a reply; at the end: no secret or request data in the server's log, the catalog unchanged by the
first phase (only requests that must be refused, and reads), the server's RSS flat.

Python 3.11 standard library only. See scripts/fuzz for the options.
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import signer  # noqa: E402
import wire  # noqa: E402

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
TOKEN_FORMAT = re.compile(r"^MII[A-Za-z0-9_-]{64}$")
JSON_TYPE = "application/json;charset=UTF-8"

CTX = None  # set before the workers fork


# ---------------------------------------------------------------------------------------------
# Reproducers


def escape(data, limit=6000):
    data = bytes(data)
    if len(data) <= limit:
        return repr(data)
    head, tail = data[:limit - 600], data[-400:]
    return (repr(head) + f" + <{len(data) - len(head) - len(tail)} bytes elided, sha256 of the whole request "
            f"{hashlib.sha256(data).hexdigest()}> + " + repr(tail))


# ---------------------------------------------------------------------------------------------
# Checks of one reply


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def check_reply(req, reply, st, secrets):
    """Returns a list of (check, key, detail) failures."""
    out = []
    method = req["method"] if isinstance(req["method"], str) else req["method"].decode("latin-1")
    target = gen.as_bytes(req["target"])
    status = reply.status
    if status >= 500:
        code = ""
        try:
            code = json.loads(reply.body).get("error_code", "")
        except Exception:
            pass
        out.append(("5xx", f"{status} {code}", f"status {status}, body {reply.body[:300]!r}"))
    rids = reply.all("x-request-id")
    if len(rids) != 1 or not REQUEST_ID.match(rids[0]):
        out.append(("request-id", "missing/malformed", f"X-Request-Id {rids!r}"))
    elif st.get("client_request_id") and rids[0] == st["client_request_id"]:
        out.append(("request-id", "echoed", "the client's own X-Request-Id was echoed"))
    # The server matches literal segments after decoding them (/%6D%65%74%72%69%63%73 is /metrics).
    path = "/".join(gen.decoded_segments(target)).encode("utf-8", "replace")
    metrics = path == b"/metrics" and status == 200
    no_body = method == "HEAD" or status in (204, 304)
    ctype = reply.header("content-type")
    if status == 204 and reply.body:
        out.append(("non-json", "204 with body", f"204 with a body {reply.body[:200]!r}"))
    if metrics:
        if not (ctype or "").startswith("text/plain"):
            out.append(("non-json", "metrics type", f"/metrics Content-Type {ctype!r}"))
    elif not no_body:
        body = None
        if ctype != JSON_TYPE:
            out.append(("non-json", f"content-type {ctype}", f"Content-Type {ctype!r}"))
        try:
            body = json.loads(reply.body.decode("utf-8"), parse_constant=reject_constant)
        except Exception as e:
            out.append(("non-json", "body", f"body is not JSON ({e}): {reply.body[:300]!r}"))
        if body is not None and status >= 400:
            problem = envelope_problem(body, rids[0] if rids else None, status)
            if problem:
                out.append(("envelope", problem.split(":")[0], problem + f": {reply.body[:300]!r}"))
    # Secrets: in the body, and in every header but X-Subject-Token of the token routes.
    head = reply.raw_head
    if path == b"/v3/auth/tokens":
        head = b"\r\n".join(line for line in head.split(b"\r\n") if not line.lower().startswith(b"x-subject-token:"))
    for s in secrets:
        if s in reply.body or s in head:
            out.append(("secret", "in reply", f"a secret ({s[:4]!r}…, {len(s)} bytes) is in the reply"))
    if st.get("oversize") and st.get("clean") and status != 413:
        out.append(("413", f"{status}", f"a body over 1 MiB got {status}, not 413 APIGW.0201"))
    if st.get("oversize") and st.get("clean") and status == 413:
        try:
            if json.loads(reply.body).get("error_code") != "APIGW.0201":
                out.append(("413", "code", f"413 without APIGW.0201: {reply.body[:200]!r}"))
        except Exception:
            pass
    if 200 <= status < 300:
        if st["phase"] == 1 and st.get("write_like") and path != b"/v3/auth/tokens":
            out.append(("phase1-accepted", f"{status}", "a write that had to be refused was accepted "
                        f"({'malformed body' if st.get('forced_malformed') else 'credential ' + req['cred']})"))
        why = bypass(req, st, target)
        if why:
            out.append(("auth-bypass", why, f"{why}: got {status}"))
    return out


def envelope_problem(body, rid, status):
    if not isinstance(body, dict):
        return "not an object"
    keys = set(body)
    if keys == {"error"}:
        e = body["error"]
        if not isinstance(e, dict) or set(e) != {"code", "message", "title"}:
            return "keystone shape"
        if e.get("code") != status:
            return "keystone code"
        return None
    code = body.get("error_code")
    if not isinstance(code, str) or not isinstance(body.get("error_msg"), str):
        return "no error_code/error_msg"
    if code.startswith("APIGW.") or code.startswith("BACKUPD."):
        if keys != {"error_code", "error_msg", "request_id"}:
            return f"gateway keys {sorted(keys)}"
        if body["request_id"] != rid:
            return "gateway request_id differs from X-Request-Id"
    elif code.startswith("DCS."):
        if keys != {"error_code", "error_msg", "error_ext_msg"} or body["error_ext_msg"] is not None:
            return f"DCS keys {sorted(keys)}"
    elif keys != {"error_code", "error_msg"}:
        return f"service keys {sorted(keys)} ({code})"
    return None


def bypass(req, st, target):
    """A 2xx that the credential cannot have earned."""
    segs = gen.decoded_segments(target)
    raw_path = gen.origin_path(target).decode("latin-1")
    dec_path = "/".join(segs)
    method = req["method"] if isinstance(req["method"], str) else req["method"].decode("latin-1")
    if raw_path in CTX.public_paths or dec_path in CTX.public_paths:
        return None
    if dec_path == "/v3/auth/tokens" and method == "POST":
        return None
    cred = st["credobj"]
    if segs[1:3] == ["_backupd", "v1"] or dec_path == "/metrics":
        return None if cred.control_valid else "control route without the control token"
    if not cred.iam_valid:
        return "credential that cannot authenticate"
    if len(segs) > 2 and segs[1] in ("v1.0", "v2", "v3") and segs[2] in CTX.seed.projects:
        if segs[2] not in cred.scope:
            return "project outside the credential's scope"
    return None


# ---------------------------------------------------------------------------------------------
# A worker


class Worker:
    def __init__(self, phase, wid, seed, ops=None):
        self.phase, self.wid = phase, wid
        self.ops = ops or CTX.ops
        # A password check costs the server 210,000 PBKDF2 rounds: POST /v3/auth/tokens is drawn
        # at a fifth of the weight of the other operations.
        self.weights = [0.2 if op.label == "POST /v3/auth/tokens" else 1.0 for op in self.ops]
        self.rng = random.Random(f"{seed}/{phase}/{wid}")
        self.conn = wire.Conn(CTX.host, CTX.port, CTX.timeout)
        self.reused = False
        self.sent = 0
        self.statuses = Counter()
        self.kinds = Counter()
        self.failures = {}  # key -> [count, first example]
        self.all_failures = []
        self.issued = set()
        self.secrets = list(CTX.secrets)
        self.garbage_share = 0.05
        self.tag = ""

    def fail(self, check, key, detail, req, data):
        label = req["op"] if req else "raw"
        if req and not label.startswith(str(req["method"]) + " "):
            label = f"{req['method'] if isinstance(req['method'], str) else req['method'].decode('latin-1')[:20]} *"
        k = (check, label, key)
        entry = self.failures.get(k)
        line = f"[{check}] {k[1]} ({key}): {detail}"
        if entry is None:
            self.failures[k] = [1, line, escape(data) if data is not None else "", req["desc"] if req else []]
        else:
            entry[0] += 1
        if len(self.all_failures) < 2000:
            self.all_failures.append(line + "\n  request: " + (escape(data, 2000) if data is not None else "-"))

    # -- building

    def build(self, valid_mix=False):
        rng = self.rng
        op = rng.choices(self.ops, self.weights)[0]
        req, cred, query, path = gen.base_request(rng, CTX, op, self.phase, valid_mix)
        st = {"phase": self.phase, "query": query, "credobj": cred, "raw": False}
        n = 0 if valid_mix else rng.choice([0, 1, 1, 1, 2, 2, 3, 4])
        for _ in range(n):
            mutation = rng.choice(gen.ALL_MUTATIONS)
            req["desc"].append(mutation(rng, req, CTX, st))
        # A later mutation may have put a small body in place of an oversize one.
        st["oversize"] = bool(st.get("oversize")) and len(req["body"] or b"") > 1048576
        # Only a body over 1 MiB on an otherwise clean request must get the 413.
        st["clean"] = all(d.startswith(("oversize", "content-type", "client-request-id", "sdk-date", "project-id",
                                        "accept-encoding", "cookie", "dup-token",
                                        "content-sha", "odd-value", "huge-number", "repeat", "empty "))
                          for d in req["desc"]) and not (op.control and cred.kind != "control:right") \
            and all(0x21 <= c <= 0x7e for c in gen.as_bytes(req["target"])) \
            and all(c == 9 or 0x20 <= c <= 0x7e for n, v in req["headers"] for c in gen.as_bytes(n) + gen.as_bytes(v))
        # (a byte the HTTP parser refuses gets its 404 first: api.md §1.1)
        if self.phase == 1:
            gen.make_phase1_safe(rng, req, CTX, cred, st)
        if cred.sign:
            gen.apply_signature(rng, req, cred)
        st["head"] = (req["method"] == "HEAD")
        st["tag"] = (self.tag + " " if self.tag else "") + ",".join(d.split(" ")[0] for d in req["desc"])
        return req, st

    def serialize(self, req):
        return wire.serialize(req["method"], req["target"], req["headers"], req["body"], req["framing"], req["chunks"])

    # -- sending

    def deadline(self, data):
        return time.monotonic() + CTX.timeout + len(data) / 50e6

    def one(self, valid_mix=False):
        req, st = self.build(valid_mix)
        data = self.serialize(req)
        if st["raw"] or st.get("oversize"):
            self.kinds["fresh"] += 1
            self.fresh([(req, st)], data)
            return
        self.kinds["keepalive"] += 1
        for attempt in (0, 1):
            if self.conn.sock is None:
                self.conn.open()
                self.reused = False
            deadline = self.deadline(data)
            try:
                self.conn.send(data, deadline)
                self.sent += 1
                reply = self.conn.read_reply(deadline, head_only=st["head"])
            except wire.Closed as e:
                self.conn.close()
                if self.reused and attempt == 0 and not e.partial:
                    continue  # an idle keep-alive connection the server closed: once more, fresh
                self.statuses["closed"] += 1
                self.fail("no-reply", "closed", f"the connection closed without a reply (got {e.partial[:100]!r})",
                          req, data)
                return
            except wire.Hang as e:
                self.conn.close()
                self.statuses["hang"] += 1
                self.fail("hang", str(e), f"no reply within {CTX.timeout:.0f}s ({e})", req, data)
                return
            except (wire.BadReply, OSError) as e:
                self.conn.close()
                self.statuses["bad"] += 1
                self.fail("non-http", type(e).__name__, f"not an HTTP reply: {e}", req, data)
                return
            self.got(req, st, reply, data)
            if reply.closes() or self.conn.sock is None:
                self.conn.close()
            else:
                self.reused = True
            return

    def got(self, req, st, reply, data):
        self.statuses[reply.status] += 1
        for check, key, detail in check_reply(req, reply, st, self.secrets):
            self.fail(check, key, detail, req, data)
        if gen.as_bytes(req["target"]).startswith(b"/v3/auth/tokens") and reply.status in (200, 201):
            tok = reply.header("x-subject-token")
            if tok:
                if reply.status == 201 and not TOKEN_FORMAT.match(tok):
                    self.fail("token-format", "issued", f"issued token {tok[:8]!r}… is not MII + 64", req, data)
                if tok.encode() not in self.secrets:
                    self.secrets.append(tok.encode())
                    self.issued.add(tok)

    def fresh(self, reqs, data, shutdown=False, expect_reply=True):
        """reqs sent as data on a new connection; every reply read and checked until the count or
        the close. A request the server may refuse to parse may get no reply, but then the
        connection must close."""
        conn = wire.Conn(CTX.host, CTX.port, CTX.timeout)
        try:
            conn.open()
        except OSError as e:
            self.fail("connect", type(e).__name__, f"cannot connect: {e}", None, data)
            return
        deadline = self.deadline(data)
        try:
            try:
                conn.send(data, deadline)
            except wire.Hang:
                self.statuses["hang"] += 1
                self.fail("hang", "sending", "the server stopped reading", reqs[0][0] if reqs else None, data)
                return
            self.sent += max(1, len(reqs))
            if shutdown:
                conn.shutdown_write()
            got = 0
            while got < len(reqs) or not reqs:
                req, st = reqs[got] if reqs else (None, None)
                try:
                    reply = conn.read_reply(deadline, head_only=bool(st and st.get("head")))
                except wire.Closed as e:
                    if e.partial:
                        self.fail("non-http", "partial", f"a partial reply then close: {e.partial[:200]!r}", req, data)
                    else:
                        self.statuses["closed"] += 1
                        self.kinds["closed without a reply: " + (st["tag"] if st else self.tag)] += 1
                    return
                except wire.Hang:
                    self.statuses["hang"] += 1
                    self.fail("hang", "raw", f"neither a reply nor a close within {CTX.timeout:.0f}s "
                              f"(after {got} replies)", req, data)
                    return
                except wire.BadReply as e:
                    self.statuses["bad"] += 1
                    self.fail("non-http", "bad", f"not an HTTP reply: {e}", req, data)
                    return
                got += 1
                if req is None:
                    self.statuses[reply.status] += 1
                    fake = {"method": "GET", "target": b"/", "op": "raw", "desc": [], "cred": "none"}
                    for check, key, detail in check_reply(fake, reply, {"phase": self.phase, "credobj": gen.Cred("none")},
                                                          self.secrets):
                        if check != "auth-bypass":
                            self.fail(check, key, detail, None, data)
                    if reply.closes() or conn.sock is None:
                        return
                else:
                    self.got(req, st, reply, data)
                if conn.sock is None or reply.closes():
                    return
        finally:
            conn.close()

    # -- raw socket garbage

    def garbage(self):
        rng = self.rng
        how = rng.randrange(12)
        self.kinds[f"garbage-{how}"] += 1
        self.tag = f"garbage-{how}"
        if how == 0:  # random bytes
            data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000)))
            self.fresh([], data, shutdown=True)
        elif how == 1:  # half a request line, then EOF
            line = rng.choice([b"GET /v3/", b"GET /health HTTP/1.", b"POST /v3/auth/tokens HTTP/1.1\r\nContent-Le",
                               b"GET", b"G", b"\r\n", b"GET /health HTTP/1.1\r\nHost: x\r\n"])
            self.fresh([], line, shutdown=True)
        elif how == 2:  # pipelined requests
            n = rng.randint(2, 8)
            reqs = [self.build(valid_mix=rng.random() < 0.5) for _ in range(n)]
            reqs = [(r, s) for r, s in reqs if not s["raw"] and not s.get("oversize")] or [self.build(True)]
            for r, s in reqs:
                if r["framing"] == "none":
                    r["framing"] = "length"
            data = b"".join(self.serialize(r) for r, _ in reqs)
            self.fresh(reqs, data)
        elif how == 3:  # early close: a whole request, then close without reading
            req, st = self.build()
            data = self.serialize(req)
            try:
                s = socket.create_connection((CTX.host, CTX.port), timeout=CTX.timeout)
                s.sendall(data[:rng.randint(1, len(data))] if rng.random() < 0.5 else data)
                if rng.random() < 0.5:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
                s.close()
                self.sent += 1
            except OSError:
                pass
        elif how == 4:  # Content-Length larger than the body, then EOF
            req, st = self.build()
            st["clean"] = False
            req["desc"].append("garbage: odd Content-Length/Transfer-Encoding")
            req["desc"].append("garbage: Content-Length larger than the body, then EOF")
            req["headers"].append(("Content-Length", str(len(req["body"]) + rng.choice([1, 10, 100000]))))
            req["framing"] = "none"
            self.fresh([(req, st)], self.serialize(req), shutdown=True)
        elif how == 5:  # Content-Length smaller than the body: the rest is the next "request"
            req, st = self.build(valid_mix=True)
            st["clean"] = False
            req["desc"].append("garbage: Content-Length smaller than the body")
            if req["method"] not in ("POST", "PUT") or self.phase == 1:
                req["body"] = b'{"x":1,"x":1}GET /health HTTP/1.1\r\n\r\n'
            req["headers"].append(("Content-Length", str(rng.randrange(0, max(1, len(req["body"]))))))
            req["framing"] = "none"
            if self.phase == 1:
                req["method"] = "GET"
                st["write_like"] = False
            self.fresh([(req, st)], self.serialize(req), shutdown=True)
        elif how == 6:  # odd Content-Length / Transfer-Encoding combinations
            req, st = self.build()
            st["clean"] = False
            req["desc"].append("garbage: odd Content-Length/Transfer-Encoding")
            req["desc"].append("garbage: Content-Length larger than the body, then EOF")
            b = req["body"] or b"{}"
            if self.phase == 1 and st["credobj"].possibly_valid:
                b = b'{"x":1,"x":1}'
                req["body"] = b
            variant = rng.randrange(7)
            req["desc"][-1] += f" (variant {variant})"
            h = req["headers"]
            if variant == 0:
                h += [("Content-Length", str(len(b))), ("Content-Length", str(len(b) + 1))]
            elif variant == 1:
                h += [("Content-Length", rng.choice(["-1", "+5", "0x10", "abc", "99999999999999999999", " ", ""]))]
            elif variant == 2:
                h += [("Transfer-Encoding", "chunked"), ("Content-Length", str(len(b)))]
                b = b"%x\r\n" % len(b) + b + b"\r\n0\r\n\r\n"
            elif variant == 3:
                h += [("Transfer-Encoding", rng.choice(["gzip", "chunked, gzip", "identity", "Chunked", "x"]))]
            elif variant == 4:
                h += [("Transfer-Encoding", "chunked")]
                broken = [b"zz\r\n", b"5\r\nab\r\n0\r\n\r\n", b"ffffffffffffffff\r\n", b"-1\r\n", b"2\r\n{}0\r\n\r\n"]
                # Well-formed chunked bodies of {} (an extension, a trailer): a write may accept {},
                # so not in phase 1 with a credential that may be valid.
                well_formed = [b"2;ext=1\r\n{}\r\n0\r\n\r\n", b"2\r\n{}\r\n0\r\nTrailer: x\r\n\r\n"]
                refusing = self.phase == 1 and st["credobj"].possibly_valid
                b = rng.choice(broken if refusing else broken + well_formed)
            elif variant == 5:
                h += [("Content-Length", str(len(b)))]
                h[:] = [(n, v) for n, v in h] + [("X-Crlf", "a\r\nX-Injected: 1")]
            else:
                h += [("Content-Length", str(len(b))), ("X-Folded", "a\r\n b")]
            req["body"], req["framing"] = b, "none"
            self.fresh([(req, st)], self.serialize(req), shutdown=True)
        elif how == 7:  # bare LF line endings, HTTP/1.0, HTTP/0.9, HTTP/2 preface
            data = rng.choice([b"GET /health HTTP/1.1\nHost: x\n\n", b"GET /health HTTP/1.0\r\n\r\n", b"GET /health\r\n",
                               b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", b"GET /health HTTP/9.9\r\n\r\n",
                               b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * 3, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                               b"GET  /health  HTTP/1.1\r\n\r\n", b"GET /health HTTP/1.1\r\n:\r\n\r\n",
                               b"GET /health HTTP/1.1\r\nHost x\r\n\r\n", b"\r\n\r\nGET /health HTTP/1.1\r\n\r\n"])
            self.fresh([], data, shutdown=True)
        elif how == 8:  # NUL and control bytes in the request line
            data = b"GET /he\x00alth HTTP/1.1\r\nHost: x\r\n\r\n" if rng.random() < 0.5 else \
                b"GET /v3/auth/tokens\x7f HTTP/1.1\r\n\r\n"
            self.fresh([], data, shutdown=True)
        elif how == 9:  # a request split over several writes with pauses
            req, st = self.build(valid_mix=True)
            data = self.serialize(req)
            conn = wire.Conn(CTX.host, CTX.port, CTX.timeout)
            try:
                conn.open()
                for i in range(0, len(data), max(1, len(data) // 4)):
                    conn.sock.sendall(data[i:i + max(1, len(data) // 4)])
                    time.sleep(0.01)
                self.sent += 1
                deadline = self.deadline(data)
                reply = conn.read_reply(deadline, head_only=st["head"])
                self.got(req, st, reply, data)
            except wire.Hang:
                self.statuses["hang"] += 1
                self.fail("hang", "split", "no reply to a request written in pieces", req, data)
            except (wire.Closed, wire.BadReply, OSError) as e:
                self.fail("no-reply", "split", f"no reply to a request written in pieces: {e}", req, data)
            finally:
                conn.close()
        elif how == 10:  # an oversized head: very long request line or header block
            n = rng.choice([100000, 300000, 1100000])
            data = b"GET /health?" + b"a" * n + b" HTTP/1.1\r\nHost: x\r\n\r\n" if rng.random() < 0.5 else \
                b"GET /health HTTP/1.1\r\nX-Big: " + b"b" * n + b"\r\n\r\n"
            self.fresh([], data, shutdown=True)
        else:  # many requests on one connection, then the same connection reused
            req, st = self.build(valid_mix=True)
            self.fresh([(req, st)] * 1, self.serialize(req))

    # -- the loop

    def run(self, count, deadline, valid_share):
        rng = self.rng
        while self.sent < count and time.monotonic() < deadline:
            r = rng.random()
            try:
                self.tag = ""
                if r < self.garbage_share:
                    self.garbage()
                else:
                    self.one(valid_mix=rng.random() < valid_share)
            except Exception as e:  # a bug of the fuzzer itself: report, never hide
                self.fail("fuzzer-error", type(e).__name__, repr(e)[:300], None, None)
                self.sent += 1
                self.conn.close()
        self.conn.close()
        return {"sent": self.sent, "statuses": dict(self.statuses), "failures": self.failures,
                "all_failures": self.all_failures, "issued": sorted(self.issued), "kinds": dict(self.kinds)}


def run_worker(args):
    phase, wid, seed, count, deadline, valid_share = args
    return Worker(phase, wid, seed).run(count, deadline, valid_share)


# ---------------------------------------------------------------------------------------------
# The main process


def http(method, path, headers=(), body=b"", timeout=30):
    conn = wire.Conn(CTX.host, CTX.port, timeout)
    conn.open()
    try:
        conn.send(wire.serialize(method, path, [("Host", f"{CTX.host}:{CTX.port}")] + list(headers), body),
                  time.monotonic() + timeout)
        return conn.read_reply(time.monotonic() + timeout, head_only=(method == "HEAD"))
    finally:
        conn.close()


def issue_token(user, password, domain, scope):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": user, "password": password,
                                                                                  "domain": {"name": domain}}}}}}
    if scope:
        body["auth"]["scope"] = scope
    r = http("POST", "/v3/auth/tokens?nocatalog=true", [("Content-Type", "application/json")], json.dumps(body).encode())
    if r.status != 201:
        raise SystemExit(f"fuzz: POST /v3/auth/tokens for {user} answered {r.status}: {r.body[:200]!r}")
    return r.header("x-subject-token")


def export(args):
    r = subprocess.run([args.bin, "export", "--store", args.store], capture_output=True, timeout=120)
    if r.returncode != 0:
        raise SystemExit(f"fuzz: backupd export failed: {r.stderr.decode(errors='replace')[:500]}")
    return r.stdout


def control_state():
    auth = [("Authorization", "Bearer " + CTX.control_token)]
    clock = json.loads(http("GET", "/_backupd/v1/clock", auth).body)
    timings = http("GET", "/_backupd/v1/timings", auth).body
    return {"frozen": clock["frozen"], "offset_seconds": clock["offset_seconds"]}, timings


def rss_kb(pid, field="VmRSS"):
    """A field of /proc/PID/status in kB: VmRSS, or RssAnon, the heap and stacks alone. VmRSS also
    counts the pages of the executable read so far, which grow as the fuzzing reaches more code
    (a debug build's text is 160 MB); a leak grows RssAnon."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None


def heap_in_use_kb():
    """The server's heap in use in kB: `backupd_heap_bytes{state="in_use"}` of /metrics, what the
    allocator has handed out and not had back (README "Metrics"); None when it does not say."""
    try:
        r = http("GET", "/metrics", [("Authorization", "Bearer " + CTX.control_token)], timeout=10)
    except Exception:
        return None
    for line in r.body.decode(errors="replace").splitlines():
        if line.startswith('backupd_heap_bytes{state="in_use"} '):
            return float(line.split()[1]) / 1024
    return None


class RssSampler(threading.Thread):
    """RSS and RssAnon every second; the heap in use every 5 s (a scrape of /metrics)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.anon, self.heap, self.stop = pid, [], [], [], threading.Event()

    def run(self):
        tick = 0
        while not self.stop.is_set():
            kb, anon = rss_kb(self.pid), rss_kb(self.pid, "RssAnon")
            if kb is not None:
                self.samples.append((time.monotonic(), kb))
            if anon is not None:
                self.anon.append((time.monotonic(), anon))
            if tick % 5 == 0:
                heap = heap_in_use_kb()
                if heap is not None:
                    self.heap.append((time.monotonic(), heap))
            tick += 1
            self.stop.wait(1.0)


def run_phase(pool, phase, count, deadline, args, valid_share):
    per = [count // args.workers + (1 if i < count % args.workers else 0) for i in range(args.workers)]
    jobs = [(phase, i, args.seed, per[i], deadline, valid_share) for i in range(args.workers)]
    return pool.map(run_worker, jobs)


def merge(results, into):
    for r in results:
        into["sent"] += r["sent"]
        into["statuses"].update(r["statuses"])
        into["kinds"].update(r["kinds"])
        into["issued"].update(r["issued"])
        into["all_failures"] += r["all_failures"]
        for k, (n, line, repro, desc) in r["failures"].items():
            if k in into["failures"]:
                into["failures"][k][0] += n
            else:
                into["failures"][k] = [n, line, repro, desc]


def status_classes(statuses):
    c = Counter()
    for s, n in statuses.items():
        c[f"{str(s)[0]}xx" if isinstance(s, int) else s] += n
    return c


def main():
    global CTX
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--requests", type=int, default=30000, help="requests to send (default 30000)")
    p.add_argument("--seconds", type=float, default=600, help="time bound for the whole run (default 600)")
    p.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    p.add_argument("--seed", default="15", help="the random seed (default 15)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds a reply may take (default 5)")
    p.add_argument("--phase1-share", type=float, default=0.5, help="share of the requests in phase 1 (default 0.5)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--server-log", action="append", default=[], help="the server's log files (repeatable)")
    p.add_argument("--store", required=True, help="the server's store, for backupd export")
    p.add_argument("--bin", required=True, help="the backupd binary, for backupd export")
    p.add_argument("--seed-file", required=True)
    p.add_argument("--victim-key", help="a file with the access key and secret that gets only wrong signatures")
    # The repository's copy of the contract's signing vectors.
    p.add_argument("--vectors", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                     "Tests", "BackupdAuthTests", "Fixtures", "signing-vectors.json"))
    p.add_argument("--workdir", required=True)
    args = p.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("fuzz: only 127.0.0.1")
    control_token = os.environ["BACKUPD_FUZZ_CONTROL_TOKEN"]
    t0 = time.monotonic()
    hard_deadline = t0 + args.seconds
    print(f"fuzz: seed {args.seed}, {args.requests} requests, {args.workers} workers, at most {args.seconds:.0f}s, "
          f"server pid {args.server_pid} on {args.host}:{args.port}", flush=True)

    if os.path.exists(args.vectors):
        print(f"fuzz: signer reproduces {signer.check_vectors(args.vectors)} signing vectors", flush=True)
    with open(args.seed_file) as f:
        seed_doc = json.load(f)
    victim = None
    if args.victim_key:
        text = open(args.victim_key).read()
        ak = re.search(r"access key:\s*(\S+)", text).group(1)
        sk = re.search(r"secret key:\s*(\S+)", text).group(1)
        victim = (ak, sk)
    seed = gen.Seed(seed_doc, victim)
    canary = "fzc" + hashlib.sha256(str(args.seed).encode()).hexdigest()[:10]
    CTX = gen.Ctx(args.host, args.port, [], seed, {}, control_token, canary, args.timeout)

    doc = json.loads(http("GET", "/openapi.json").body)
    ops = gen.load_ops(doc)
    CTX.ops = ops
    print(f"fuzz: {len(ops)} operations in /openapi.json", flush=True)

    # Tokens: alice in three projects and her domain, bob in cn-north-4, carol in globex.
    projects = {name: pid for pid, (name, dom) in seed.projects.items() if dom == "acme"}
    tokens = {}
    alice = seed.user("alice")
    for name in ("cn-north-4", "cn-east-3", "ap-southeast-3"):
        tokens[("alice", projects[name])] = issue_token("alice", alice["password"], "acme", {"project": {"name": name}})
    tokens[("alice", "domain")] = issue_token("alice", alice["password"], "acme", {"domain": {"name": "acme"}})
    bob = seed.user("bob")
    tokens[("bob", projects["cn-north-4"])] = issue_token("bob", bob["password"], "acme", {"project": {"name": "cn-north-4"}})
    carol = seed.user("carol")
    globex = next(pid for pid, (n, d) in seed.projects.items() if d == "globex")
    tokens[("carol", globex)] = issue_token("carol", carol["password"], "globex", {"project": {"id": globex}})
    CTX.tokens = tokens
    CTX.secrets = [s.encode() for s in seed.secrets() + [control_token] + list(tokens.values())]

    sampler = RssSampler(args.server_pid)
    sampler.start()
    # Warm-up: valid requests over every operation, so the baseline RSS has the caches and pools.
    # Reads only: a write now (a backup building, a policy) would change the catalog during phase 1.
    warm = Worker(0, 0, args.seed, [op for op in ops if op.method == "GET"])
    warm.garbage_share = 0.0
    warm.run(min(400, max(50, args.requests // 50)), hard_deadline, 1.0)
    time.sleep(1.5)
    baseline = rss_kb(args.server_pid)
    anon_baseline = rss_kb(args.server_pid, "RssAnon")

    before = export(args)
    state_before = control_state()
    n1 = int(args.requests * args.phase1_share)
    n2 = args.requests - n1
    totals = {"sent": 0, "statuses": Counter(), "kinds": Counter(), "issued": set(), "failures": {}, "all_failures": []}
    phases = {}
    ctx_mp = multiprocessing.get_context("fork")
    with ctx_mp.Pool(args.workers) as pool:
        t1 = time.monotonic()
        phase_deadline = t1 + (hard_deadline - t1) * args.phase1_share
        r1 = run_phase(pool, 1, n1, phase_deadline, args, 0.3)
        p1 = {"sent": 0, "statuses": Counter(), "kinds": Counter(), "issued": set(), "failures": {}, "all_failures": []}
        merge(r1, p1)
        merge(r1, totals)
        phases[1] = (p1, time.monotonic() - t1)
        rss_phase1 = rss_kb(args.server_pid) or 0
        anon_phase1 = rss_kb(args.server_pid, "RssAnon") or 0
        after = export(args)
        state_after = control_state()
        catalog_changed = before != after or state_before != state_after
        if catalog_changed:
            diff = describe_diff(before, after, state_before, state_after)
            totals["failures"][("catalog", "phase 1", "changed")] = [1, "[catalog] phase 1 changed the catalog: " + diff, "", []]
            totals["all_failures"].append("[catalog] " + diff)
            with open(os.path.join(args.workdir, "export-before.json"), "wb") as f:
                f.write(before)
            with open(os.path.join(args.workdir, "export-after.json"), "wb") as f:
                f.write(after)
        t2 = time.monotonic()
        r2 = run_phase(pool, 2, n2, hard_deadline, args, 0.3)
        p2 = {"sent": 0, "statuses": Counter(), "kinds": Counter(), "issued": set(), "failures": {}, "all_failures": []}
        merge(r2, p2)
        merge(r2, totals)
        phases[2] = (p2, time.monotonic() - t2)
    duration = time.monotonic() - t1

    # The server must still be there and well.
    time.sleep(1.0)
    alive = rss_kb(args.server_pid) is not None
    if not alive:
        totals["failures"][("crash", "server", "gone")] = [1, "[crash] the server process is gone", "", []]
    else:
        try:
            h = http("GET", "/health", timeout=10)
            if h.status != 200:
                totals["failures"][("health", "end", str(h.status))] = [1, f"[health] GET /health answered {h.status}", "", []]
        except Exception as e:
            totals["failures"][("health", "end", "none")] = [1, f"[health] GET /health after the run: {e!r}", "", []]
    sampler.stop.set()
    sampler.join()
    samples = [kb for _, kb in sampler.samples]
    last = rss_kb(args.server_pid) or (samples[-1] if samples else 0)
    anon_last = rss_kb(args.server_pid, "RssAnon") or 0

    # The log: no secret, no issued token, no request data (the canary is in queries, headers,
    # wrong passwords and broken tokens; the log has none of those, README "Commands and flags").
    secrets = set(CTX.secrets) | {t.encode() for t in totals["issued"]}
    log_lines = 0
    for path in args.server_log:
        with open(path, "rb") as f:
            for number, line in enumerate(f, 1):
                log_lines += 1
                for s in secrets:
                    if s in line:
                        k = ("log-secret", path, s[:4].decode(errors="replace"))
                        if k not in totals["failures"]:
                            totals["failures"][k] = [0, f"[log-secret] {os.path.basename(path)}:{number} holds a secret "
                                                        f"({s[:4]!r}…): {line[:300]!r}", "", []]
                        totals["failures"][k][0] += 1
                if canary.encode() in line:
                    k = ("log-request-data", path, "canary")
                    if k not in totals["failures"]:
                        totals["failures"][k] = [0, f"[log-request-data] {os.path.basename(path)}:{number} holds request "
                                                    f"data (the fuzzer's canary): {line[:300]!r}", "", []]
                    totals["failures"][k][0] += 1

    # Memory: flat means each figure ends at most 1.25 x what it was a quarter into the run + a
    # slack. By then the caches have filled (1 MiB each here, scripts/fuzz); a leak grows with the
    # requests after that. The heap in use (what the allocator handed out and did not get back,
    # from /metrics) is the leak's measure, with 8 MB of slack for the requests in flight; RssAnon
    # (what the allocator holds from the system, and stacks) also counts freed memory it keeps.
    def quarter_in(series):
        if not series:
            return None
        start, end = series[0][0], series[-1][0]
        return next(kb for t, kb in series if t >= start + (end - start) / 4)
    anon_quarter, heap_quarter = quarter_in(sampler.anon), quarter_in(sampler.heap)
    heap_last = sampler.heap[-1][1] if sampler.heap else None
    heap_max = max((kb for _, kb in sampler.heap), default=0)
    for key, what, quarter, last_kb, slack in (("rss", "heap (RssAnon)", anon_quarter, anon_last, 16 * 1024),
                                               ("heap", "heap in use (backupd_heap_bytes)", heap_quarter, heap_last, 8 * 1024)):
        limit = quarter * 1.25 + slack if quarter else None
        if limit and last_kb is not None and last_kb > limit:
            totals["failures"][(key, "server", "grew")] = [1, f"[{key}] the server's {what} grew from "
                                                              f"{quarter / 1024:.1f} MB a quarter into the run to "
                                                              f"{last_kb / 1024:.1f} MB (limit {limit / 1024:.1f} MB)", "", []]
    if not sampler.heap:
        totals["failures"][("heap", "server", "unknown")] = [1, "[heap] /metrics gave no backupd_heap_bytes", "", []]

    # The report.
    for phase, (ph, secs) in phases.items():
        cls = status_classes(ph["statuses"])
        print(f"fuzz: phase {phase} ({'refused writes and reads, catalog checked' if phase == 1 else 'valid writes mixed in'}): "
              f"{ph['sent']} requests in {secs:.1f}s; " + ", ".join(f"{k} {v}" for k, v in sorted(cls.items())), flush=True)
        top = sorted(((s, n) for s, n in ph["statuses"].items()), key=lambda x: -x[1])[:14]
        print("fuzz:   statuses: " + ", ".join(f"{s}: {n}" for s, n in top), flush=True)
    closes = sorted(((k, v) for k, v in totals["kinds"].items() if k.startswith("closed without")), key=lambda x: -x[1])
    if closes:
        print("fuzz: closed without a reply (allowed for requests the parser may refuse): "
              + ", ".join(f"{k[len('closed without a reply: '):] or '-'} {v}" for k, v in closes[:12]), flush=True)
    print(f"fuzz: catalog after phase 1: {'CHANGED' if catalog_changed else 'identical'} "
          f"(backupd export, {len(before)} bytes; clock and timings)", flush=True)
    print(f"fuzz: server log: {log_lines} lines checked for {len(secrets)} secrets and the canary", flush=True)
    failures = totals["failures"]
    nfail = sum(v[0] for v in failures.values())
    cls = status_classes(totals["statuses"])
    rate = totals["sent"] / duration if duration else 0
    rss_first = samples[0] / 1024 if samples else 0
    print(f"fuzz: SUMMARY seed={args.seed} requests={totals['sent']} "
          + " ".join(f"{k}={v}" for k, v in sorted(cls.items()))
          + f" failures={nfail} distinct={len(failures)} duration={duration:.1f}s rate={rate:.0f}/s "
          f"rss_first={rss_first:.1f}MB rss_baseline={(baseline or 0) / 1024:.1f}MB rss_last={last / 1024:.1f}MB "
          f"rss_after_phase1={rss_phase1 / 1024:.1f}MB rss_max={max(samples or [0]) / 1024:.1f}MB "
          f"anon_baseline={(anon_baseline or 0) / 1024:.1f}MB anon_quarter={(anon_quarter or 0) / 1024:.1f}MB "
          f"anon_after_phase1={anon_phase1 / 1024:.1f}MB "
          f"anon_last={anon_last / 1024:.1f}MB heap_quarter={(heap_quarter or 0) / 1024:.1f}MB "
          f"heap_last={(heap_last or 0) / 1024:.1f}MB heap_max={heap_max / 1024:.1f}MB", flush=True)
    if totals["sent"] < args.requests:
        print(f"fuzz: the time bound stopped the run after {totals['sent']} of {args.requests} requests", flush=True)
    if failures:
        path = os.path.join(args.workdir, "failures.txt")
        with open(path, "w") as f:
            for k, (n, line, repro, desc) in sorted(failures.items()):
                f.write(f"{n}x {line}\n  mutations: {desc}\n  reproducer: {repro}\n\n")
            f.write("\n---- every failure (at most 2000 per worker) ----\n")
            f.write("\n".join(totals["all_failures"]))
        print(f"fuzz: {len(failures)} distinct failures ({nfail} in all), written to {path}:", flush=True)
        for k, (n, line, repro, desc) in sorted(failures.items()):
            short = repro if len(repro) <= 1600 else repro[:1200] + " …(cut here; whole in failures.txt)… " + repro[-300:]
            print(f"\n{n}x {line}\n  mutations: {desc}\n  reproducer (bytes sent to 127.0.0.1:PORT): {short}",
                  flush=True)
        return 1
    print("fuzz: no failure", flush=True)
    return 0


def describe_diff(before, after, sb, sa):
    if sb != sa:
        return f"clock/timings before {sb!r}, after {sa!r}"
    try:
        b, a = json.loads(before), json.loads(after)
        out = []
        for key in ("domains", "instances", "backups"):
            bb = {json.dumps(x, sort_keys=True) for x in b.get(key, [])}
            aa = {json.dumps(x, sort_keys=True) for x in a.get(key, [])}
            if bb != aa:
                out.append(f"{key}: {len(aa - bb)} new or changed, {len(bb - aa)} gone or changed; "
                           f"first new {sorted(aa - bb)[:1]!r:.400}, first gone {sorted(bb - aa)[:1]!r:.400}")
        return "; ".join(out) or "the export differs in bytes only"
    except Exception as e:
        return f"the export differs ({e})"


if __name__ == "__main__":
    sys.exit(main())
