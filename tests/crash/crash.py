#!/usr/bin/env python3
"""Crash and full-disk tests of backupd's write side (issue 15): nothing acknowledged is lost.

Python 3.11 standard library only. Run it through scripts/crash-test, which finds the binary and
bounds the whole run; directly:

    BACKUPD_BIN=.build/debug/backupd python3 tests/crash/crash.py [--part sqlite|postgres|disk|all]
        [--iterations N] [--pg-kill-iterations N] [--seconds S] [--random-seed S] [--keep]

Parts:

  sqlite    kill -9 of `backupd serve` (SQLite store) at a random moment under a stream of writes from
            several client threads (RDS manual backup creates and deletes, DCS v2 creates and deletes),
            restart on the same store, then: every write answered 2xx is there (export and the RDS
            list API), every acknowledged delete is applied, no record is half-written or unknown,
            the export loads back into an empty store, PRAGMA integrity_check says ok, /health is 200.
  postgres  the same with a PostgreSQL store (BACKUPD_TEST_POSTGRES_URL, a fresh schema), and kill -9
            of the postmaster of a cluster of this test's own (scripts/pg-cluster) under writes: during
            the outage every request is answered within a bound with the service's server failure,
            /health is 503 with a reason, serve answers again by itself once PostgreSQL is back, and
            every acknowledged write is there. Skipped without BACKUPD_TEST_POSTGRES_URL unless
            BACKUPD_REQUIRE_POSTGRES=1.
  disk      SQLite without space: RLIMIT_FSIZE lowered on the running serve (SIGXFSZ ignored), and a
            small tmpfs filled up when this machine lets the test mount one. Writes must answer the
            server-failure body, bad input still its 4xx, reads keep answering, /health answers
            (its answer is reported), nothing is corrupted, and writes succeed again once there is
            space.

Exit status: 0 when every check passed, 1 when one failed (each failure is printed with its details
and repeated in the summary), 2 for a usage or environment error.
"""

import argparse
import collections
import errno
import http.client
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = os.path.join(ROOT, "examples", "seed.json")
PROJECT = "0483b6b16e954cb88930a360d2c4e663"  # alice's cn-north-4 project in examples/seed.json
RDS_INSTANCES = [
    "a48e43ff268f4c0e879652d65e63d0fbin01",
    "43e4feaab48f11e89039fa163ebaa7e4in01",
    "b7c6d5e4f3a2419087f6e5d4c3b2a190in03",
]
DCS_INSTANCES = ["5560df16-cebf-4473-95c4-d1b573c16e79", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"]
ZERO_TIMINGS = {"rds_building": 0, "rds_deleting": 0, "taurusdb_building": 0, "dcs_waiting": 0, "dcs_backuping": 0}
# docs/api.md §1.7: the server failure of the RDS (and TaurusDB, DDM) routes and of the DCS routes.
RDS_FAILURE = (500, "DBS.108000", "Server failure.")
DCS_FAILURE = (500, "DCS.5000", "Internal service error.")
IAM_FAILURE_MESSAGE = "Internal server error."  # docs/auth.md §2.4
DCS_KEPT = 24  # lifecycle.md §8.4 rule 2: lifecycle records kept per DCS instance
REQUEST_TIMEOUT = 10.0  # seconds a client waits for an answer; longer is a hang

FAILURES = []
FIGURES = collections.OrderedDict()


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fail(part, message):
    if f"{part}: {message}" in FAILURES:
        return  # the same finding seen again by a later check of the whole ledger
    FAILURES.append(f"{part}: {message}")
    log(f"FAIL {part}: {message}")


def figure(part, text):
    FIGURES.setdefault(part, []).append(text)
    log(f"{part}: {text}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def utc_text(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


# ---------------------------------------------------------------------------------------------
# HTTP


class Answer:
    """One request: its answer (status, body), or how it failed without one."""

    def __init__(self, method, path, started):
        self.method, self.path, self.started = method, path, started
        self.wall_started = time.time()
        self.ended = None
        self.status = None
        self.raw = b""
        self.headers = {}
        self.error = None  # 'refused' (nothing was sent), 'timeout', or the exception's text
        self.doc = None

    @property
    def duration(self):
        return (self.ended or time.monotonic()) - self.started

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300

    def code(self):
        if isinstance(self.doc, dict):
            if "error_code" in self.doc:
                return self.doc.get("error_code"), self.doc.get("error_msg")
            if isinstance(self.doc.get("error"), dict):
                return str(self.doc["error"].get("code")), self.doc["error"].get("message")
        return None, None

    def summary(self):
        if self.status is None:
            return f"no answer ({self.error}) after {self.duration:.3f}s"
        text = self.raw.decode("utf-8", "replace")
        if len(text) > 300:
            text = text[:300] + "…"
        return f"{self.status} {text}"


def request(host, port, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
    answer = Answer(method, path, time.monotonic())
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent_headers = {"Content-Type": "application/json"}
        sent_headers.update(headers or {})
        connection.request(method, path, body=data, headers=sent_headers)
        response = connection.getresponse()
        answer.raw = response.read()
        answer.status = response.status
        answer.headers = {k.lower(): v for k, v in response.getheaders()}
        try:
            answer.doc = json.loads(answer.raw) if answer.raw else None
        except ValueError:
            answer.doc = None
    except ConnectionRefusedError:
        answer.error = "refused"
    except (TimeoutError, socket.timeout):
        answer.error = "timeout"
    except (OSError, http.client.HTTPException) as error:
        answer.error = f"{type(error).__name__}: {error}"
    finally:
        answer.ended = time.monotonic()
        connection.close()
    return answer


# ---------------------------------------------------------------------------------------------
# backupd processes


class Server:
    """One `backupd serve` process; its standard output and error go to a log file of the run."""

    def __init__(self, ctx, store, seed, log_name, extra=(), preexec=None):
        self.ctx, self.store = ctx, store
        self.port = free_port()
        self.host = "127.0.0.1"
        args = [ctx.bin, "serve", "--host", self.host, "--port", str(self.port), "--store", store,
                "--control-token", ctx.control_token, *extra]
        if seed:
            args += ["--seed", SEED]
        self.log_path = os.path.join(ctx.workdir, log_name)
        self.log_file = open(self.log_path, "ab")
        # restore_signals=False: the child keeps Python's SIG_IGN of SIGXFSZ (the disk part needs it).
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, restore_signals=False,
                                        preexec_fn=preexec, cwd=ctx.workdir)
        ctx.processes.append(self.process)
        self.pump = threading.Thread(target=self._drain, daemon=True)
        self.pump.start()

    def _drain(self):
        # A pipe, not a file: RLIMIT_FSIZE (disk part) must not touch the server's log.
        for chunk in iter(lambda: self.process.stdout.read1(65536), b""):
            self.log_file.write(chunk)
            self.log_file.flush()

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process.poll() is None

    def call(self, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
        return request(self.host, self.port, method, path, body, headers, timeout)

    def wait_healthy(self, bound=60.0):
        """Seconds until /health answered 200, or None (the process exited, or the bound passed)."""
        start = time.monotonic()
        while time.monotonic() - start < bound:
            if not self.alive():
                return None
            answer = self.call("GET", "/health", timeout=5)
            if answer.status == 200:
                return time.monotonic() - start
            time.sleep(0.05)
        return None

    def kill9(self):
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.pump.join(timeout=5)
        self.log_file.close()

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.pump.join(timeout=5)
        self.log_file.close()

    def log_tail(self, lines=8):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""


def issue_token(server):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "alice", "password": "Passw0rd!alice", "domain": {"name": "acme"}}}},
        "scope": {"project": {"id": PROJECT}}}}
    answer = server.call("POST", "/v3/auth/tokens", body)
    token = answer.headers.get("x-subject-token")
    if answer.status != 201 or not token:
        raise RuntimeError(f"POST /v3/auth/tokens: {answer.summary()}")
    return token


def set_zero_timings(server, ctx):
    answer = server.call("PUT", "/_backupd/v1/timings", ZERO_TIMINGS,
                         {"Authorization": f"Bearer {ctx.control_token}"})
    if answer.status != 200 or answer.doc != ZERO_TIMINGS:
        raise RuntimeError(f"PUT /_backupd/v1/timings: {answer.summary()}")


def run_cli(ctx, args, stdin=None, timeout=180):
    return subprocess.run([ctx.bin, *args], input=stdin, capture_output=True, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Writes and their ledger


class Write:
    """A write the test sent: what it should have made or removed, and what the server answered."""

    def __init__(self, kind, instance, key=None, target=None):
        self.kind = kind  # rds_create, dcs_create, rds_delete, dcs_delete
        self.instance, self.key, self.target = instance, key, target
        self.answer = None
        self.made_id = None  # the id a 2xx create answered

    @property
    def outcome(self):
        a = self.answer
        if a.ok:
            return "ack"
        if a.status is not None:
            return "answered"
        return "unsent" if a.error == "refused" else "doubt"

    def describe(self):
        what = self.key or self.target
        return f"{self.kind} {what} on {self.instance}: {self.answer.summary()}"


class Ledger:
    def __init__(self):
        self.lock = threading.Lock()
        self.writes = []

    def add(self, write):
        with self.lock:
            self.writes.append(write)

    def snapshot(self):
        with self.lock:
            return list(self.writes)


class Workload:
    """Client threads sending distinguishable writes until stopped. Each thread deletes only the
    records its own creates made, so no two threads race for one record."""

    def __init__(self, ctx, server, token, ledger, label, threads=4, rng=None):
        self.ctx, self.server, self.token, self.ledger = ctx, server, token, ledger
        self.label = label  # unique per run and iteration: part of every name and remark
        self.threads = threads
        self.rng = rng or random.Random()
        self.stop_event = threading.Event()
        self.go = threading.Event()
        self.started_at = None
        self.workers = []

    def start(self):
        for t in range(self.threads):
            seed = self.rng.getrandbits(64)
            worker = threading.Thread(target=self._run, args=(t, random.Random(seed)), daemon=True)
            worker.start()
            self.workers.append(worker)
        self.started_at = time.monotonic()
        self.go.set()

    def stop(self):
        self.stop_event.set()
        for worker in self.workers:
            worker.join(timeout=REQUEST_TIMEOUT + 5)

    def _run(self, t, rng):
        self.go.wait()
        own_rds, own_dcs = [], []
        n = 0
        headers = {"X-Auth-Token": self.token}
        while not self.stop_event.is_set():
            n += 1
            r = rng.random()
            if r < 0.15 and own_rds:
                backup_id, instance = own_rds.pop(rng.randrange(len(own_rds)))
                write = Write("rds_delete", instance, target=backup_id)
                write.answer = self.server.call("DELETE", f"/v3/{PROJECT}/backups/{backup_id}", headers=headers)
            elif r < 0.25 and own_dcs:
                backup_id, instance = own_dcs.pop(rng.randrange(len(own_dcs)))
                write = Write("dcs_delete", instance, target=backup_id)
                write.answer = self.server.call(
                    "DELETE", f"/v2/{PROJECT}/instances/{instance}/backups/{backup_id}", headers=headers)
            elif r < 0.65:
                instance = rng.choice(RDS_INSTANCES)
                write = Write("rds_create", instance, key=f"{self.label}-t{t}-n{n}")
                write.answer = self.server.call("POST", f"/v3/{PROJECT}/backups",
                                                {"instance_id": instance, "name": write.key}, headers)
                if write.answer.ok:
                    backup = (write.answer.doc or {}).get("backup") or {}
                    write.made_id = backup.get("id")
                    own_rds.append((write.made_id, instance))
            else:
                instance = rng.choice(DCS_INSTANCES)
                write = Write("dcs_create", instance, key=f"{self.label}-t{t}-n{n}")
                write.answer = self.server.call("POST", f"/v2/{PROJECT}/instances/{instance}/backups",
                                                {"remark": write.key, "backup_format": "rdb"}, headers)
                if write.answer.ok:
                    write.made_id = (write.answer.doc or {}).get("backup_id")
                    own_dcs.append((write.made_id, instance))
            self.ledger.add(write)
            if write.answer.error == "refused":
                time.sleep(0.02)  # the server is down: do not spin


def evicted_delete(write):
    """A DCS delete refused because its record is gone: lifecycle.md §8.4 rule 2 keeps at most 24
    lifecycle records per DCS instance, so a 25th create removes the oldest. check_store verifies that
    the record is indeed absent."""
    return (write.kind == "dcs_delete" and write.answer.status == 400
            and write.answer.code() == ("DCS.4800", "Invalid backup_id in the request."))


def expected_failure(write):
    return DCS_FAILURE if write.kind.startswith("dcs") else RDS_FAILURE


def is_failure_body(write_or_kind, answer):
    kind = write_or_kind if isinstance(write_or_kind, str) else write_or_kind.kind
    status, code, message = DCS_FAILURE if kind.startswith("dcs") else RDS_FAILURE
    return answer.status == status and answer.code() == (code, message)


def check_ack_shape(part, write):
    """A 2xx answer must be the route's documented success (docs/lifecycle.md §4)."""
    a = write.answer
    if write.kind == "rds_create":
        backup = (a.doc or {}).get("backup") if isinstance(a.doc, dict) else None
        if a.status != 200 or not backup or backup.get("name") != write.key or not backup.get("id"):
            fail(part, f"unexpected success answer: {write.describe()}")
    elif write.kind == "dcs_create":
        if a.status != 200 or not isinstance(a.doc, dict) or not a.doc.get("backup_id"):
            fail(part, f"unexpected success answer: {write.describe()}")
    elif write.kind == "rds_delete":
        if a.status != 200 or a.doc != {}:
            fail(part, f"unexpected success answer: {write.describe()}")
    elif write.kind == "dcs_delete":
        if a.status != 204 or a.raw:
            fail(part, f"unexpected success answer: {write.describe()}")


# ---------------------------------------------------------------------------------------------
# Checking a store against the ledger


def export_store(ctx, part, store):
    result = run_cli(ctx, ["export", "--store", store])
    if result.returncode != 0:
        fail(part, f"backupd export --store {mask(store)} exited {result.returncode}: "
                   f"{result.stderr.decode(errors='replace').strip()[-500:]}")
        return None, None
    try:
        return result.stdout, json.loads(result.stdout)
    except ValueError as error:
        fail(part, f"backupd export wrote no JSON document: {error}")
        return None, None


def mask(store):
    return re.sub(r"//([^:@/]+):[^@]*@", r"//\1:***@", store)


def check_store(ctx, part, store, ledger, prefix, notes):
    """Export the store and check it against every write of the ledger. Returns the export document."""
    raw, doc = export_store(ctx, part, store)
    if doc is None:
        return None
    loaded = run_cli(ctx, ["seed", "-", "--store", "sqlite::memory:"], stdin=raw)
    if loaded.returncode != 0:
        fail(part, "the export does not load back (backupd seed - --store sqlite::memory:): "
                   f"{loaded.stderr.decode(errors='replace').strip()[-500:]}")
    rds_by_name, dcs_by_remark = collections.defaultdict(list), collections.defaultdict(list)
    rds_by_id, dcs_by_id = {}, {}
    for record in doc.get("backups", []):
        if "backup_id" in record:  # a DCS record
            dcs_by_id[record["backup_id"]] = record
            if str(record.get("remark", "")).startswith(prefix):
                dcs_by_remark[record["remark"]].append(record)
        else:
            rds_by_id[record.get("id")] = record
            if str(record.get("name", "")).startswith(prefix):
                rds_by_name[record["name"]].append(record)

    dcs_created = collections.defaultdict(list)  # instance -> created_at of our present records
    for records in dcs_by_remark.values():
        for record in records:
            dcs_created[record.get("instance_id")].append(parse_dcs_time(record.get("created_at")))
    writes = ledger.snapshot()
    for w in writes:
        if evicted_delete(w) and w.target in dcs_by_id:
            fail(part, f"a DCS delete was refused as an unknown backup, but the record is there: "
                       f"{w.describe()}: {dcs_by_id[w.target]}")
    deleted = {}  # id -> the delete's outcome ('ack' wins over 'doubt')
    for w in writes:
        if w.kind.endswith("_delete"):
            o = w.outcome
            if o in ("ack", "doubt", "answered") and deleted.get(w.target) != "ack":
                deleted[w.target] = "ack" if o == "ack" else "doubt"
    known = set()
    counts = collections.Counter()
    for w in writes:
        o = w.outcome
        counts[f"{w.kind}:{o}"] += 1
        if w.kind == "rds_create":
            known.add(w.key)
            found = rds_by_name.get(w.key, [])
            if len(found) > 1:
                fail(part, f"{len(found)} records named {w.key}: {found}")
            record = found[0] if found else None
            fate = deleted.get(w.made_id) if w.made_id else None
            if record is not None:
                half = complete_rds(record, w)
                if half:
                    fail(part, f"half-written or wrong RDS record {w.key}: {half}: {record}")
            if o == "ack":
                if fate is None and record is None:
                    fail(part, f"LOST acknowledged write: {w.describe()}")
                elif fate is None and record.get("id") != w.made_id:
                    fail(part, f"record {w.key} has id {record.get('id')}, the create answered {w.made_id}")
                elif fate == "ack" and record is not None:
                    fail(part, f"acknowledged delete of {w.made_id} ({w.key}) not applied: {record}")
            elif o == "unsent" and record is not None:
                fail(part, f"a create that was never sent is present: {w.describe()}: {record}")
            elif o == "answered" and record is not None:
                notes["answered_but_present"].append(w)
            elif o == "doubt" and record is not None:
                counts["rds_create:doubt_applied"] += 1
        elif w.kind == "dcs_create":
            known.add(w.key)
            found = dcs_by_remark.get(w.key, [])
            if len(found) > 1:
                fail(part, f"{len(found)} DCS records with remark {w.key}: {found}")
            record = found[0] if found else None
            fate = deleted.get(w.made_id) if w.made_id else None
            if record is not None:
                half = complete_dcs(record, w, fate)
                if half:
                    fail(part, f"half-written or wrong DCS record {w.key}: {half}: {record}")
            if o == "ack":
                newer = sum(1 for c in dcs_created[w.instance] if c >= w.answer.wall_started - 0.002)
                if record is None and newer >= DCS_KEPT:
                    counts["dcs_create:ack_evicted_by_24_cap"] += 1
                elif record is None:
                    fail(part, f"LOST acknowledged write: {w.describe()} (only {newer} records of the "
                               f"instance made since it was sent are there, fewer than the {DCS_KEPT} kept)")
                elif record.get("backup_id") != w.made_id:
                    fail(part, f"DCS record {w.key} has id {record.get('backup_id')}, the create answered {w.made_id}")
            elif o == "unsent" and record is not None:
                fail(part, f"a create that was never sent is present: {w.describe()}: {record}")
            elif o == "answered" and record is not None:
                notes["answered_but_present"].append(w)
            elif o == "doubt" and record is not None:
                counts["dcs_create:doubt_applied"] += 1
    for name in rds_by_name:
        if name not in known:
            fail(part, f"an RDS record no write of this test made: {rds_by_name[name]}")
    for remark in dcs_by_remark:
        if remark not in known:
            fail(part, f"a DCS record no write of this test made: {dcs_by_remark[remark]}")
    notes["counts"] = counts
    return doc


def parse_dcs_time(text):
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        return float("nan")


def complete_rds(record, write):
    problems = []
    if record.get("instance_id") != write.instance:
        problems.append(f"instance {record.get('instance_id')} instead of {write.instance}")
    expected = {"type": "manual", "status": "COMPLETED", "size": 1024}
    for k, v in expected.items():
        if record.get(k) != v:
            problems.append(f"{k}={record.get(k)!r} (expected {v!r})")
    if not record.get("begin_time") or record.get("end_time") != record.get("begin_time"):
        problems.append("begin_time/end_time do not match a zero building time")
    return ", ".join(problems)


def complete_dcs(record, write, fate):
    problems = []
    if record.get("instance_id") != write.instance:
        problems.append(f"instance {record.get('instance_id')} instead of {write.instance}")
    if record.get("backup_type") != "manual":
        problems.append(f"backup_type={record.get('backup_type')!r}")
    status = record.get("status")
    allowed = {"deleted"} if fate == "ack" else {"succeed", "deleted"} if fate == "doubt" else {"succeed"}
    if status not in allowed:
        problems.append(f"status={status!r} (expected {' or '.join(sorted(allowed))})")
    if record.get("progress") != "100.00" or record.get("size") != 1048576:
        problems.append(f"progress={record.get('progress')!r} size={record.get('size')!r}")
    return ", ".join(problems)


def check_rds_list(part, server, token, ledger, since, prefix):
    """The RDS list API (route A) shows every acknowledged, undeleted create made since `since`."""
    deleted = {w.target for w in ledger.snapshot() if w.kind == "rds_delete" and w.outcome != "unsent"}
    expected = collections.defaultdict(set)
    for w in ledger.snapshot():
        if w.kind == "rds_create" and w.outcome == "ack" and w.made_id not in deleted and w.key.startswith(prefix + "-"):
            expected[w.instance].add(w.made_id)
    window = f"begin_time={urllib.parse.quote(utc_text(since - 5))}&end_time={urllib.parse.quote(utc_text(time.time() + 60))}"
    for instance in RDS_INSTANCES:
        seen, offset = set(), 0
        while True:
            a = server.call("GET", f"/v3/{PROJECT}/backups?instance_id={instance}&{window}&offset={offset}&limit=100",
                            headers={"X-Auth-Token": token})
            if a.status != 200:
                fail(part, f"RDS list of {instance} after the restart: {a.summary()}")
                return
            page = a.doc.get("backups", [])
            seen.update(b["id"] for b in page if str(b.get("name", "")).startswith(prefix + "-"))
            offset += len(page)
            if not page or offset >= a.doc.get("total_count", 0):
                break
        missing = expected[instance] - seen
        if missing:
            fail(part, f"the RDS list API of {instance} does not show {len(missing)} acknowledged backups: {sorted(missing)[:5]}")


def integrity_check(part, path):
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        fail(part, f"PRAGMA integrity_check on {path} could not run: {error}")
        return None
    result = "; ".join(r[0] for r in rows)
    if result != "ok":
        fail(part, f"PRAGMA integrity_check on {path}: {result}")
    return result


# ---------------------------------------------------------------------------------------------
# Part 1 (and 2a): kill -9 of serve under writes


def kill_serve_part(ctx, part, store, sqlite_path=None, iterations=5):
    log(f"{part}: kill -9 of serve under writes, store {mask(store)}, {iterations} iterations")
    ledger = Ledger()
    prefix = f"k{ctx.run_id}"
    total_acked = 0
    moments = []
    restart_times = []
    doubt_applied = 0
    notes = collections.defaultdict(list)
    notes["counts"] = collections.Counter()
    server = Server(ctx, store, seed=True, log_name=f"{part.replace('/', '-')}-serve.log")
    try:
        if server.wait_healthy() is None:
            fail(part, f"serve did not become healthy on a new store: {server.log_tail()}")
            return
        for iteration in range(1, iterations + 1):
            if ctx.out_of_time():
                figure(part, f"stopped after {iteration - 1} iterations: the --seconds bound was reached")
                break
            token = issue_token(server)
            set_zero_timings(server, ctx)
            label = f"{prefix}-i{iteration}"
            wall_start = time.time()
            before = len(ledger.snapshot())
            workload = Workload(ctx, server, token, ledger, label, threads=ctx.threads, rng=ctx.rng)
            moment = ctx.rng.uniform(0.2, 2.0)
            workload.start()
            time.sleep(max(0.0, workload.started_at + moment - time.monotonic()))
            killed_at = time.monotonic()
            server.kill9()
            workload.stop()
            moments.append(moment)
            writes = ledger.snapshot()[before:]
            in_flight = [w for w in writes if w.answer.started <= killed_at and w.answer.status is None and w.answer.error != "refused"]
            acked = [w for w in writes if w.outcome == "ack"]
            total_acked += len(acked)
            for w in writes:
                if w.outcome == "answered" and not evicted_delete(w):
                    fail(part, f"iteration {iteration}: a write before the kill was not answered 2xx: {w.describe()}")
                elif w.outcome == "ack":
                    check_ack_shape(part, w)
            # Restart on the same store: every other time with --seed again (seeding is idempotent).
            reseed = iteration % 2 == 0
            server = Server(ctx, store, seed=reseed, log_name=f"{part.replace('/', '-')}-serve.log")
            took = server.wait_healthy()
            if took is None:
                fail(part, f"iteration {iteration}: serve did not come back on the killed store: {server.log_tail()}")
                return
            restart_times.append(took)
            health = server.call("GET", "/health")
            if health.status != 200 or health.doc != {"status": "ok"}:
                fail(part, f"iteration {iteration}: /health after the restart: {health.summary()}")
            if sqlite_path:
                integrity_check(part, sqlite_path)
            notes = collections.defaultdict(list)
            check_store(ctx, part, store, ledger, prefix, notes)
            token = issue_token(server)
            check_rds_list(part, server, token, ledger, wall_start - 1, label)
            applied = notes["counts"]["rds_create:doubt_applied"] + notes["counts"]["dcs_create:doubt_applied"]
            doubt_applied = applied
            for w in notes["answered_but_present"]:
                fail(part, f"a write answered non-2xx is present: {w.describe()}")
            log(f"{part}: iteration {iteration}: killed {moment:.2f}s after the writes started; "
                f"{len(writes)} writes sent, {len(acked)} acknowledged, {len(in_flight)} in flight at the kill; "
                f"restarted{' with --seed' if reseed else ''} in {took:.2f}s; all checks done")
        counts = notes["counts"]
        figure(part, f"{len(moments)} kills at {', '.join(f'{m:.2f}' for m in moments)} s after the writes started")
        figure(part, f"{total_acked} writes acknowledged in all ({', '.join(f'{k}={v}' for k, v in sorted(counts.items()))}); "
                     f"{doubt_applied} in-flight creates turned out applied (allowed)")
        if restart_times:
            figure(part, f"restart to /health 200: {min(restart_times):.2f}–{max(restart_times):.2f} s")
        if total_acked == 0:
            fail(part, "no write was acknowledged in any iteration: the test tested nothing")
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# Part 2b: kill -9 of the postmaster under writes


class Cluster:
    def __init__(self, ctx):
        self.ctx = ctx
        self.script = os.environ.get("BACKUPD_PG_CLUSTER") or os.path.join(ROOT, "scripts", "pg-cluster")
        self.dir = tempfile.mkdtemp(prefix="backupd-crash-pg.", dir=os.environ.get("TMPDIR", "/tmp"))
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        self.created = False

    def run(self, *args, timeout=120):
        return subprocess.run([self.script, *args], capture_output=True, timeout=timeout)

    def create(self, async_commit):
        r = self.run("create", self.dir, str(self.port), self.password)
        if r.returncode != 0:
            raise RuntimeError(f"pg-cluster create: {r.stderr.decode(errors='replace')}")
        self.created = True
        if not async_commit:
            # pg-cluster turns synchronous_commit off (a test cluster). With it off, a commit is
            # acknowledged before its WAL is written, and kill -9 of the postmaster can lose it: that
            # is PostgreSQL's documented trade-off, not backupd's. Durable commits for this test.
            self.must("stop", self.dir)
            conf = os.path.join(self.dir, "data", "postgresql.conf")
            with open(conf, "a") as f:
                f.write("synchronous_commit = on\n")
            self.must("start", self.dir)

    def must(self, *args):
        r = self.run(*args)
        if r.returncode != 0:
            raise RuntimeError(f"pg-cluster {' '.join(args[:1])}: {r.stderr.decode(errors='replace')}")

    def url(self, schema):
        return f"postgres://backupd:{self.password}@127.0.0.1:{self.port}/backupd?schema={schema}"

    def destroy(self):
        if self.created:
            self.run("destroy", self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)


class Prober:
    """Reads and /health every 100 ms while the workload writes."""

    def __init__(self, server, token):
        self.server, self.token = server, token
        self.answers = []  # (what, Answer)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        self.thread.join(timeout=REQUEST_TIMEOUT + 5)

    def _run(self):
        while not self.stop_event.is_set():
            self.answers.append(("health", self.server.call("GET", "/health")))
            self.answers.append(("read", self.server.call(
                "GET", f"/v3/{PROJECT}/backups?instance_id={RDS_INSTANCES[0]}&limit=1",
                headers={"X-Auth-Token": self.token})))
            self.stop_event.wait(0.1)


def postmaster_part(ctx, part, iterations):
    if shutil.which("pg_ctl") is None and not any(os.path.exists(f"/usr/lib/postgresql/{v}/bin/pg_ctl")
                                                  for v in os.listdir("/usr/lib/postgresql")
                                                  if os.path.isdir("/usr/lib/postgresql")):
        raise RuntimeError("no PostgreSQL server binaries for a cluster of the test's own")
    cluster = Cluster(ctx)
    ctx.cleanups.append(cluster.destroy)
    cluster.create(async_commit=ctx.pg_async_commit)
    figure(part, f"own cluster on 127.0.0.1:{cluster.port}, synchronous_commit="
                 f"{'off (pg-cluster default, --pg-async-commit)' if ctx.pg_async_commit else 'on'}")
    store = cluster.url(f"crash_{ctx.run_id}")
    server = Server(ctx, store, seed=True, log_name=f"{part.replace('/', '-')}-serve.log")
    ledger = Ledger()
    prefix = f"p{ctx.run_id}"
    latency_bound = ctx.outage_latency_bound
    try:
        if server.wait_healthy() is None:
            fail(part, f"serve did not become healthy: {server.log_tail()}")
            return
        token = issue_token(server)
        set_zero_timings(server, ctx)
        for iteration in range(1, iterations + 1):
            if ctx.out_of_time():
                figure(part, f"stopped after {iteration - 1} iterations: the --seconds bound was reached")
                break
            label = f"{prefix}-i{iteration}"
            before = len(ledger.snapshot())
            workload = Workload(ctx, server, token, ledger, label, threads=ctx.threads, rng=ctx.rng)
            prober = Prober(server, token)
            moment = ctx.rng.uniform(0.2, 2.0)
            outage = ctx.rng.uniform(1.0, 3.0)
            workload.start()
            prober.start()
            time.sleep(max(0.0, workload.started_at + moment - time.monotonic()))
            t_kill = time.monotonic()
            cluster.must("kill", cluster.dir)
            t_killed = time.monotonic()
            time.sleep(outage)
            t_start = time.monotonic()
            cluster.must("start", cluster.dir)
            t_up = time.monotonic()
            # Writes go on until one started after the cluster is back succeeds, then 0.5 s more.
            recovered_at = None
            deadline = t_up + ctx.recovery_bound + 2
            while time.monotonic() < deadline:
                for w in ledger.snapshot()[before:]:
                    if w.answer.started >= t_up and w.outcome == "ack":
                        recovered_at = w.answer.ended if recovered_at is None else min(recovered_at, w.answer.ended)
                if recovered_at is not None and time.monotonic() > recovered_at + 0.5:
                    break
                time.sleep(0.05)
            workload.stop()
            prober.stop()
            writes = ledger.snapshot()[before:]
            if not server.alive():
                fail(part, f"iteration {iteration}: serve exited: {server.log_tail()}")
                return
            # Classify every answer by when it was asked.
            during = collections.Counter()
            max_latency = 0.0
            for w in writes:
                a = w.answer
                if a.status is None:
                    fail(part, f"iteration {iteration}: a write got no answer (serve must answer every request): "
                               f"{w.describe()} [asked {a.started - t_kill:+.3f}s from the kill, PostgreSQL back "
                               f"{t_up - t_kill:.3f}s after the kill]")
                    continue
                if a.duration > latency_bound:
                    fail(part, f"iteration {iteration}: a write took {a.duration:.2f}s (bound {latency_bound}s): "
                               f"{w.describe()} [asked {a.started - t_kill:+.2f}s from the kill]")
                if a.ended < t_kill:
                    if not a.ok:
                        fail(part, f"iteration {iteration}: before the kill, not 2xx: {w.describe()}")
                elif a.started >= t_up + ctx.recovery_bound:
                    if not a.ok:
                        fail(part, f"iteration {iteration}: {a.started - t_up:.2f}s after PostgreSQL was back, "
                                   f"still not 2xx: {w.describe()}")
                else:
                    if a.started >= t_killed and a.ended <= t_start:
                        max_latency = max(max_latency, a.duration)
                        during[(w.kind.split('_')[0], a.status, *a.code())] += 1
                    if not a.ok and not is_failure_body(w, a):
                        fail(part, f"iteration {iteration}: around the outage, neither 2xx nor the server-failure "
                                   f"body {expected_failure(w)}: {w.describe()}")
                if a.ok:
                    check_ack_shape(part, w)
            healths = collections.Counter()
            reads = collections.Counter()
            for what, a in prober.answers:
                if a.status is None:
                    fail(part, f"iteration {iteration}: {what} got no answer: {a.summary()}")
                    continue
                if a.duration > latency_bound:
                    fail(part, f"iteration {iteration}: {what} took {a.duration:.2f}s (bound {latency_bound}s)")
                in_outage = a.started >= t_killed + 0.2 and a.ended <= t_start
                if what == "health":
                    if in_outage:
                        healths[(a.status, (a.doc or {}).get("status"), (a.doc or {}).get("reason"))] += 1
                        if a.status != 503 or (a.doc or {}).get("status") != "unavailable" or not (a.doc or {}).get("reason"):
                            fail(part, f"iteration {iteration}: /health during the outage: {a.summary()}")
                    elif a.ended < t_kill and a.status != 200:
                        fail(part, f"iteration {iteration}: /health before the kill: {a.summary()}")
                else:
                    if in_outage:
                        reads[(a.status, *a.code())] += 1
                    if a.status != 200 and not is_failure_body("rds", a):
                        fail(part, f"iteration {iteration}: a read around the outage: {a.summary()}")
                    if a.started >= t_up + ctx.recovery_bound and a.status != 200:
                        fail(part, f"iteration {iteration}: a read {a.started - t_up:.2f}s after PostgreSQL was back: {a.summary()}")
            first_ok = min((a.ended for _, a in prober.answers if a.started >= t_up and a.status == 200), default=None)
            if recovered_at is None:
                fail(part, f"iteration {iteration}: no write succeeded within {ctx.recovery_bound + 2:.0f}s "
                           f"after PostgreSQL was back; serve log: {server.log_tail()}")
            last_bad = max((w.answer.ended for w in writes if w.answer.started >= t_up and not w.answer.ok), default=None)
            acked = sum(1 for w in writes if w.outcome == "ack")
            # Nothing is asked now: every connection lease must have been given back.
            in_use = None
            for _ in range(20):
                metrics = server.call("GET", "/metrics", headers={"Authorization": f"Bearer {ctx.control_token}"})
                found = re.findall(r"^backupd_store_connections_in_use (\S+)", metrics.raw.decode(errors="replace"), re.M)
                in_use = float(found[0]) if found else None
                if in_use == 0:
                    break
                time.sleep(0.1)
            if in_use != 0:
                fail(part, f"iteration {iteration}: backupd_store_connections_in_use is {in_use} with no request in "
                           f"flight (expected 0): connections held by requests that never finished")
            health_after = server.call("GET", "/health")
            if health_after.status != 200:
                fail(part, f"iteration {iteration}: /health after the recovery: {health_after.summary()}")
            notes = collections.defaultdict(list)
            check_store(ctx, part, store, ledger, prefix, notes)
            doubtful = notes["answered_but_present"]
            log(f"{part}: iteration {iteration}: postmaster killed {moment:.2f}s after the writes started, "
                f"down {t_start - t_killed:.2f}s (+{t_up - t_start:.2f}s to start); {len(writes)} writes, {acked} acknowledged")
            figure(part, f"iteration {iteration}: kill at +{moment:.2f}s, outage {t_up - t_killed:.2f}s; writes during it "
                         f"{dict(during)}; slowest answer in the outage {max_latency:.3f}s; /health in it {dict(healths)}; "
                         f"reads in it {dict(reads)}; first write 2xx "
                         f"{(recovered_at - t_up) if recovered_at else float('nan'):.2f}s and first read 200 "
                         f"{(first_ok - t_up) if first_ok else float('nan'):.2f}s after pg_ctl start returned"
                         f"{'' if last_bad is None else f', last non-2xx write {last_bad - t_up:.2f}s after'}; "
                         f"{acked} writes acknowledged; {len(doubtful)} writes answered 500 turned out committed")
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# Part 3: SQLite without space


def sigxfsz_ignored(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("SigIgn:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGXFSZ - 1)))
    return False


def try_mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path], capture_output=True)
    if r.returncode != 0:
        return r.stderr.decode(errors="replace").strip() or f"mount exited {r.returncode}"
    return None


def fill(path):
    """Write a file until the filesystem is full; the bytes it took."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 16, 4096, 512, 1):
            block = b"\0" * chunk
            while True:
                try:
                    done = f.write(block)
                    written += done or 0
                    if not done:
                        break
                except OSError as error:
                    if error.errno in (errno.ENOSPC, errno.EFBIG):
                        break
                    raise
    return written


def disk_mode(ctx, mode):
    part = f"disk/{mode}"
    d = os.path.join(ctx.workdir, f"disk-{mode}")
    os.makedirs(d, exist_ok=True)
    if mode == "tmpfs":
        problem = try_mount_tmpfs(d, "6m")
        if problem:
            if ctx.disk_mode == "tmpfs":
                fail(part, f"cannot mount a tmpfs here: {problem}")
            else:
                figure(part, f"SKIPPED: cannot mount a tmpfs here ({problem}); RLIMIT_FSIZE covers the part")
            return
        ctx.cleanups.append(lambda: subprocess.run(["umount", "-l", d], capture_output=True))
    path = os.path.join(d, "c.sqlite")
    store = f"sqlite:{path}"
    ledger = Ledger()
    prefix = f"d{ctx.run_id}{mode[0]}"
    steps = []

    def step(text):
        steps.append(text)
        figure(part, text)

    server = Server(ctx, store, seed=True, log_name=f"{part.replace('/', '-')}-serve.log")
    try:
        if server.wait_healthy() is None:
            fail(part, f"serve did not become healthy: {server.log_tail()}")
            return
        if mode == "fsize" and not sigxfsz_ignored(server.pid):
            fail(part, "SIGXFSZ is not ignored by the serve process: RLIMIT_FSIZE would kill it rather than fail writes")
            return
        token = issue_token(server)
        set_zero_timings(server, ctx)
        headers = {"X-Auth-Token": token}
        n = [0]

        def write(kind, instance=None, target=None, body=None):
            n[0] += 1
            if kind == "rds_create":
                instance = instance or RDS_INSTANCES[n[0] % 3]
                w = Write(kind, instance, key=f"{prefix}-n{n[0]}")
                w.answer = server.call("POST", f"/v3/{PROJECT}/backups", body or {"instance_id": instance, "name": w.key}, headers)
                if w.answer.ok:
                    w.made_id = w.answer.doc["backup"]["id"]
            elif kind == "dcs_create":
                instance = instance or DCS_INSTANCES[n[0] % 2]
                w = Write(kind, instance, key=f"{prefix}-n{n[0]}")
                w.answer = server.call("POST", f"/v2/{PROJECT}/instances/{instance}/backups", {"remark": w.key}, headers)
                if w.answer.ok:
                    w.made_id = w.answer.doc["backup_id"]
            elif kind == "rds_delete":
                w = Write(kind, instance, target=target)
                w.answer = server.call("DELETE", f"/v3/{PROJECT}/backups/{target}", headers=headers)
            else:
                w = Write(kind, instance, target=target)
                w.answer = server.call("DELETE", f"/v2/{PROJECT}/instances/{instance}/backups/{target}", headers=headers)
            if body is None:
                ledger.add(w)
            return w

        def reads():
            out = {}
            out["health"] = server.call("GET", "/health")
            out["rds list"] = server.call("GET", f"/v3/{PROJECT}/backups?instance_id={RDS_INSTANCES[0]}&limit=5", headers=headers)
            out["dcs list"] = server.call("GET", f"/v2/{PROJECT}/instances/{DCS_INSTANCES[0]}/backups?limit=5&offset=0", headers=headers)
            out["token check"] = server.call("GET", "/v3/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": token})
            return out

        before = [write("rds_create"), write("dcs_create"), write("rds_create"), write("dcs_create")]
        for w in before:
            if not w.answer.ok:
                fail(part, f"a write with space: {w.describe()}")
        sizes = {p: os.path.getsize(p) for p in (path, path + "-wal", path + "-shm") if os.path.exists(p)}
        # Take the space away.
        if mode == "fsize":
            limit = max(sizes[path], sizes.get(path + "-wal", 0))
            _, hard = resource.prlimit(server.pid, resource.RLIMIT_FSIZE)
            resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (limit, hard))
            step(f"RLIMIT_FSIZE of serve (pid {server.pid}) set to {limit} bytes; files then: {sizes}")
        else:
            filler = os.path.join(d, "filler")
            taken = fill(filler)
            st = os.statvfs(d)
            step(f"tmpfs of 6 MiB filled with {taken} bytes; {st.f_bavail * st.f_frsize} bytes left; files then: {sizes}")
        # Write until the writes fail (bounded).
        full_writes = []
        t0 = time.monotonic()
        while len(full_writes) < ctx.disk_max_writes and time.monotonic() - t0 < 30:
            w = write("rds_create" if len(full_writes) % 2 == 0 else "dcs_create")
            full_writes.append(w)
            if w.answer.status is None:
                fail(part, f"no answer to a write without space (did serve die?): {w.describe()}; log: {server.log_tail()}")
                return
            if not w.answer.ok:
                break
        acked_full = sum(1 for w in full_writes if w.answer.ok)
        if not full_writes or full_writes[-1].answer.ok:
            fail(part, f"{len(full_writes)} writes without space all succeeded: the writes never failed")
            return
        first_bad = full_writes[-1]
        step(f"{acked_full} writes still acknowledged after the space went (WAL room); write {len(full_writes)} answered: "
             f"{first_bad.answer.summary()}")
        if not is_failure_body(first_bad, first_bad.answer):
            fail(part, f"the first write without space did not answer the server-failure body {expected_failure(first_bad)}: {first_bad.describe()}")
        # Every kind of write, and bad input, while full.
        acked_rds = [w for w in ledger.snapshot() if w.kind == "rds_create" and w.answer.ok]
        acked_dcs = [w for w in ledger.snapshot() if w.kind == "dcs_create" and w.answer.ok]
        more = [write("rds_create"), write("dcs_create"),
                write("rds_delete", acked_rds[-1].instance, acked_rds[-1].made_id),
                write("dcs_delete", acked_dcs[-1].instance, acked_dcs[-1].made_id)]
        answers = collections.Counter()
        for w in more:
            answers[(w.kind, w.answer.status, *w.answer.code())] += 1
            if w.answer.status is None:
                fail(part, f"no answer while full: {w.describe()}")
            elif not is_failure_body(w, w.answer):
                fail(part, f"while full, not the server-failure body {expected_failure(w)}: {w.describe()}")
        step(f"while full: {dict(answers)}")
        bad_name = write("rds_create", body={"instance_id": RDS_INSTANCES[0], "name": "1-bad name"})
        unknown = write("rds_create", body={"instance_id": "0" * 32 + "in01", "name": f"{prefix}-unknown"})
        bad_dcs = server.call("POST", f"/v2/{PROJECT}/instances/{DCS_INSTANCES[0]}/backups", b"[1]", headers)
        if bad_name.answer.status != 400 or bad_name.answer.code()[0] != "DBS.200001":
            fail(part, f"bad input while full answered {bad_name.answer.summary()} (expected 400 DBS.200001)")
        if unknown.answer.status != 404 or unknown.answer.code()[0] != "DBS.200002":
            fail(part, f"an unknown instance while full answered {unknown.answer.summary()} (expected 404 DBS.200002)")
        if bad_dcs.status != 400 or bad_dcs.code()[0] != "DCS.4800":
            fail(part, f"a malformed DCS body while full answered {bad_dcs.summary()} (expected 400 DCS.4800)")
        step(f"bad input while full: bad name {bad_name.answer.status} {bad_name.answer.code()[0]}, unknown instance "
             f"{unknown.answer.status} {unknown.answer.code()[0]}, malformed DCS body {bad_dcs.status} {bad_dcs.code()[0]}")
        r = reads()
        for what in ("rds list", "dcs list"):
            if r[what].status != 200:
                fail(part, f"{what} while full: {r[what].summary()}")
        # docs/api.md §1.1: reads answer, so 200, but degraded with the reason writes fail.
        health_doc = r["health"].doc or {}
        health_text = f"{r['health'].status} {json.dumps(health_doc)}"
        if r["health"].status != 200 or health_doc.get("status") != "degraded" or not health_doc.get("reason") \
                or set(health_doc) != {"status", "reason"} or "\n" in health_doc["reason"]:
            fail(part, f"/health while full answered {health_text} (expected 200 degraded with a one-line reason)")
        step(f"reads while full: rds list {r['rds list'].status}, dcs list {r['dcs list'].status}, "
             f"GET /v3/auth/tokens {r['token check'].status}; /health {health_text}")
        new_token = server.call("POST", "/v3/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {
            "user": {"name": "alice", "password": "Passw0rd!alice", "domain": {"name": "acme"}}}},
            "scope": {"project": {"id": PROJECT}}}})
        control = server.call("PUT", "/_backupd/v1/clock", {"frozen": False}, {"Authorization": f"Bearer {ctx.control_token}"})
        step(f"other writes while full: POST /v3/auth/tokens {new_token.summary()}; PUT /_backupd/v1/clock {control.summary()}")
        if new_token.status is None or (new_token.status >= 500 and new_token.code()[1] != IAM_FAILURE_MESSAGE):
            fail(part, f"POST /v3/auth/tokens while full: {new_token.summary()} (expected 201, or auth.md §2.4's 500)")
        if control.status is None:
            fail(part, f"PUT /_backupd/v1/clock while full: no answer")
        # Give the space back.
        t_free = time.monotonic()
        if mode == "fsize":
            resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        else:
            os.remove(filler)
        after, recovered = [], None
        while time.monotonic() - t_free < 10:
            w = write("rds_create" if len(after) % 2 == 0 else "dcs_create")
            after.append(w)
            if w.answer.ok:
                recovered = time.monotonic() - t_free
                break
            time.sleep(0.1)
        if recovered is None:
            fail(part, f"writes did not succeed again within 10 s of the space coming back: {after[-1].describe()}; "
                       f"log: {server.log_tail()}")
        else:
            step(f"space back: the {len(after)}{'st' if len(after) == 1 else 'th'} write succeeded, {recovered:.2f}s later "
                 f"({after[-1].answer.status})" + (f"; before it: {[w.answer.summary() for w in after[:-1]][:3]}" if len(after) > 1 else ""))
        final = [write("rds_create"), write("dcs_create"),
                 write("rds_delete", acked_rds[-1].instance, acked_rds[-1].made_id),
                 write("dcs_delete", acked_dcs[-1].instance, acked_dcs[-1].made_id)]
        for w in final:
            if not w.answer.ok:
                fail(part, f"a write after the space came back: {w.describe()}")
        r = reads()
        step(f"after: /health {r['health'].summary()}, rds list {r['rds list'].status}, dcs list {r['dcs list'].status}")
        if r["health"].status != 200 or r["health"].doc != {"status": "ok"}:
            fail(part, f"/health after the space came back and a write succeeded: {r['health'].summary()}")
        result = integrity_check(part, path)
        notes = collections.defaultdict(list)
        check_store(ctx, part, store, ledger, prefix, notes)
        for w in notes["answered_but_present"]:
            fail(part, f"a write answered {w.answer.status} without space was committed anyway: {w.describe()}")
        # Restart on the store: it opens, and shows the same.
        server.stop()
        server = Server(ctx, store, seed=False, log_name=f"{part.replace('/', '-')}-serve.log")
        if server.wait_healthy() is None:
            fail(part, f"serve did not start again on the store: {server.log_tail()}")
            return
        second = integrity_check(part, path)
        notes = collections.defaultdict(list)
        check_store(ctx, part, store, ledger, prefix, notes)
        token = issue_token(server)
        check_rds_list(part, server, token, ledger, time.time() - 3600, prefix)
        acked = sum(1 for w in ledger.snapshot() if w.answer.ok)
        step(f"integrity_check {result!r} (running) and {second!r} (after a restart); export loads back; "
             f"{acked} acknowledged writes all present, refused ones absent")
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------


class Context:
    def __init__(self, args):
        self.bin = args.bin
        self.rng = random.Random(args.random_seed)
        self.run_id = secrets.token_hex(3)
        self.control_token = "crash-" + secrets.token_hex(16)
        self.workdir = tempfile.mkdtemp(prefix="backupd-crash.")
        self.processes = []
        self.cleanups = []
        self.deadline = time.monotonic() + args.seconds
        self.threads = args.threads
        self.pg_async_commit = args.pg_async_commit
        self.outage_latency_bound = args.outage_latency_bound
        self.recovery_bound = args.recovery_bound
        self.disk_mode = args.disk_mode
        self.disk_max_writes = 2000
        self.keep = args.keep

    def out_of_time(self):
        return time.monotonic() > self.deadline

    def close(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as error:  # cleanup must go on
                log(f"cleanup: {error}")
        if self.keep:
            log(f"kept {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def drop_schema(url, schema):
    if shutil.which("psql"):
        base = url.split("?")[0]
        subprocess.run(["psql", base, "-qc", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'], capture_output=True, timeout=60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["sqlite", "postgres", "disk", "all"], default="all")
    parser.add_argument("--iterations", type=int, default=5, help="kill -9 rounds of serve, per engine (default 5)")
    parser.add_argument("--pg-kill-iterations", type=int, help="postmaster kills (default: 3, or --iterations when given)")
    parser.add_argument("--seconds", type=float, default=300, help="stop starting new rounds after this many seconds (default 300)")
    parser.add_argument("--threads", type=int, default=4, help="client threads writing (default 4)")
    parser.add_argument("--random-seed", type=int, default=None, help="the kill moments' seed (default: random, printed)")
    parser.add_argument("--disk-mode", choices=["fsize", "tmpfs", "both"], default="both")
    parser.add_argument("--pg-async-commit", action="store_true",
                        help="keep pg-cluster's synchronous_commit=off in the postmaster test")
    parser.add_argument("--outage-latency-bound", type=float, default=3.0,
                        help="seconds any answer may take while PostgreSQL is away (default 3: the 1 s query timeout and margin)")
    parser.add_argument("--recovery-bound", type=float, default=5.0,
                        help="seconds after PostgreSQL is back by which every request must succeed (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, stores)")
    parser.add_argument("--bin", default=os.environ.get("BACKUPD_BIN"))
    args = parser.parse_args()
    if not args.bin or not os.access(args.bin, os.X_OK):
        print("crash.py: set BACKUPD_BIN (or --bin) to an executable backupd", file=sys.stderr)
        return 2
    if args.random_seed is None:
        args.random_seed = random.SystemRandom().randrange(1 << 32)
    pg_iterations = args.pg_kill_iterations
    if pg_iterations is None:
        pg_iterations = args.iterations if "--iterations" in " ".join(sys.argv) else 3
    ctx = Context(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    log(f"crash test: binary {args.bin}, parts {args.part}, random seed {args.random_seed}, work dir {ctx.workdir}")
    try:
        parts = ["sqlite", "postgres", "disk"] if args.part == "all" else [args.part]
        if "sqlite" in parts:
            path = os.path.join(ctx.workdir, "c.sqlite")
            kill_serve_part(ctx, "sqlite", f"sqlite:{path}", sqlite_path=path, iterations=args.iterations)
        if "postgres" in parts:
            url = os.environ.get("BACKUPD_TEST_POSTGRES_URL")
            if not url:
                message = "no BACKUPD_TEST_POSTGRES_URL (run under scripts/with-postgres)"
                if os.environ.get("BACKUPD_REQUIRE_POSTGRES") == "1":
                    fail("postgres", f"{message}, and BACKUPD_REQUIRE_POSTGRES=1")
                else:
                    figure("postgres", f"SKIPPED: {message}")
            else:
                schema = f"crash_{ctx.run_id}"
                store = url + ("&" if "?" in url else "?") + f"schema={schema}"
                ctx.cleanups.append(lambda: drop_schema(url, schema))
                kill_serve_part(ctx, "postgres/serve-kill", store, iterations=args.iterations)
                if pg_iterations == 0:
                    figure("postgres/postmaster-kill", "SKIPPED: --pg-kill-iterations 0")
                else:
                    try:
                        postmaster_part(ctx, "postgres/postmaster-kill", pg_iterations)
                    except RuntimeError as error:
                        fail("postgres/postmaster-kill", f"setup: {error}")
        if "disk" in parts:
            for mode in (["fsize", "tmpfs"] if args.disk_mode == "both" else [args.disk_mode]):
                if ctx.out_of_time():
                    figure(f"disk/{mode}", "SKIPPED: the --seconds bound was reached")
                    continue
                disk_mode(ctx, mode)
    except KeyboardInterrupt:
        fail("run", "interrupted")
    except SystemExit as exit_:
        fail("run", f"stopped (exit {exit_.code}), e.g. by the wrapper's timeout")
    except Exception as error:
        import traceback
        traceback.print_exc()
        fail("run", f"{type(error).__name__}: {error}")
    finally:
        ctx.close()
    print("\n==== crash test summary ====")
    print(f"random seed {args.random_seed}; {time.monotonic() - started:.1f}s")
    for part, lines in FIGURES.items():
        for line in lines:
            print(f"  {part}: {line}")
    if FAILURES:
        print(f"{len(FAILURES)} FAILURE(S):")
        for f in FAILURES:
            print(f"  - {f}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
