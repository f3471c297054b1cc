#!/usr/bin/env python3
"""A bounded soak of two backupd nodes sharing one PostgreSQL schema (issue 15).

scripts/soak runs it (under scripts/with-postgres); it needs only Python 3.11's standard library:

    soak.py --bin .build/debug/backupd --store-url postgres://… [--seconds 600] [--clients 16]

What it does:

1. Seeds examples/seed.json into a fresh schema (`?schema=soak_<random>`), starts two
   `backupd serve` nodes on it with a random control token (logs in a temporary directory), freezes
   the catalog clock, shortens the phases (PUT /_backupd/v1/timings) and turns on an RDS policy and
   a DCS plan so that the scheduler and retention have work.
2. For --seconds, --clients threads send a mix of token logins (good and bad passwords), reads of
   every backup API and IAM route with those tokens, and writes (RDS manual backup create/delete,
   DCS v2 create/delete) to both nodes, round robin per request; a clock thread moves the catalog
   clock (PT1M every 2 s, P1D every minute) and scrapes /metrics. Every request is timed and its
   status kept per window (a minute; a quarter of the run when the run is shorter than 4 minutes);
   each node's RSS (VmRSS) and heap (RssAnon) are read from /proc/<pid>/status every 5 s.
3. Stops the load, moves the clock past every phase and checks:
   - no 5xx, no transport error, no status a request of its kind can never get;
   - RSS flat: each node's mean RSS in the last window <= 1.3 x its mean in the second window
     (the first one is warm-up) + 30 MB, and its heap the same (VmRSS also counts the executable's
     pages as more of its code runs, a debug build's text is 160 MB; a leak grows RssAnon);
   - p99 flat: in the last window, overall and per request kind (kinds with >= 30 samples in both),
     p99 <= 3 x the first window's, or < 100 ms;
   - the catalog: every acknowledged write there (a deleted RDS backup absent, a deleted DCS
     record `deleted`; DCS keeps 24 lifecycle records per instance, docs/lifecycle.md §8.4), no
     record nobody acknowledged, totals equal to the rows counted by paging, every seeded record
     still there; and both nodes giving the same answer to every final read.
4. Prints a report (every window; the first and last in detail) and exits 1 on any failure.
"""

import argparse
import collections
import contextlib
import ctypes
import http.client
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed.json"

# The seed's ids (examples/seed.json).
P_NORTH = "0483b6b16e954cb88930a360d2c4e663"        # acme cn-north-4
P_EAST = "97b026aa9cc4417888c14c84a1ad9860"         # acme cn-east-3
P_SE3 = "619d3e78f61b4be68bc5aa0b59edcf7b"          # acme ap-southeast-3
P_GLOBEX = "2b3c4d5e6f708192a3b4c5d6e7f80912"       # globex cn-north-4
RDS_A48E = "a48e43ff268f4c0e879652d65e63d0fbin01"
RDS_PROD = "43e4feaab48f11e89039fa163ebaa7e4in01"   # gets an RDS policy: automated backups, incrementals
RDS_PG = "b7c6d5e4f3a2419087f6e5d4c3b2a190in03"
RDS_SQLSERVER = "ad4ee2b80adb430082d8336d7da2e14din04"
RDS_SE3 = "fc33739e5d2741529e21d87a7b5923fain01"
RDS_GLOBEX = "c0ffee00c0ffee00c0ffee00c0ffee00in01"
TAURUS = "61a4ea66210545909d74a05c27a7179ein07"
DCS_REDIS = "5560df16-cebf-4473-95c4-d1b573c16e79"  # manual creates and deletes
DCS_MEMCACHED = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"  # gets an automated plan
DDM = "34970585d4964f2a8d6d9ea8d303398bin09"
DDM_BACKUP = "09902ee7866649b8908ec209bfee2747br09"

# (user, domain, project name) -> the project id its token acts in.
SCOPES = {
    ("alice", "acme", "cn-north-4"): P_NORTH,
    ("alice", "acme", "cn-east-3"): P_EAST,
    ("alice", "acme", "ap-southeast-3"): P_SE3,
    ("bob", "acme", "cn-north-4"): P_NORTH,
    ("carol", "globex", "cn-north-4"): P_GLOBEX,
}
# RDS instances that get manual backups, with their project.
RDS_WRITE_TARGETS = {RDS_A48E: P_NORTH, RDS_PROD: P_NORTH, RDS_PG: P_NORTH, RDS_SE3: P_SE3,
                     RDS_GLOBEX: P_GLOBEX}
DCS_CAP = 24                 # lifecycle records kept per DCS instance (docs/lifecycle.md §8.4 rule 2)
DCS_DELETE_AMONG = 12        # DCS deletes pick among the newest acknowledged creates only
START_CLOCK = "2030-01-07T23:50:00.000Z"   # a Monday, ten minutes before the policies' windows
TIMINGS = {"rds_building": 30, "rds_deleting": 10, "taurusdb_building": 30, "dcs_waiting": 5,
           "dcs_backuping": 30}
CLOCK_TICK_SECONDS = 2.0
DAY_EVERY_TICKS = 30
FINAL_ADVANCE = "PT10M"      # past every phase of TIMINGS
REQUEST_TIMEOUT = 60
START_TIMEOUT = 90

RSS_FACTOR, RSS_SLACK_MB = 1.3, 30
P99_FACTOR, P99_FLOOR_MS, P99_MIN_SAMPLES = 3.0, 100.0, 30


def log(message):
    print("soak: " + message, file=sys.stderr, flush=True)


def _die_with_parent():
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_schema_store(url):
    schema = "soak_" + secrets.token_hex(6)
    return urlunsplit(urlsplit(url)._replace(query="schema=" + schema)), schema


def percentile(values, fraction):
    """Nearest rank: the smallest value with at least fraction of the values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return "(no log: %s)" % error


# ---------------------------------------------------------------------------------------------
# Processes


class Node:
    def __init__(self, name, binary, store, token, workdir):
        self.name, self.port = name, free_port()
        self.log = workdir / (name + ".log")
        command = [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--store", store,
                   "--control-token", token]
        with open(self.log, "ab") as log_file:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                            stderr=subprocess.STDOUT, cwd=workdir,
                                            preexec_fn=_die_with_parent)
        self.pid = self.process.pid

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("%s exited with status %s before it was ready; log tail:\n%s"
                                   % (self.name, self.process.returncode, tail(self.log)))
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
                connection.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("%s did not answer GET /health with 200 within %ds; log tail:\n%s"
                           % (self.name, START_TIMEOUT, tail(self.log)))

    def rss_kb(self, field="VmRSS"):
        """A field of /proc/PID/status in kB: VmRSS, or RssAnon (the heap and stacks alone)."""
        try:
            with open("/proc/%d/status" % self.pid) as status:
                for line in status:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


# ---------------------------------------------------------------------------------------------
# Measurement


class Stats:
    """Per window: requests, statuses, latencies per kind, and everything that failed."""

    def __init__(self, window):
        self.window = window
        self.start = None
        self.lock = threading.Lock()
        self.windows = collections.defaultdict(lambda: {
            "requests": 0, "statuses": collections.Counter(), "latency": collections.defaultdict(list),
            "errors": 0})
        self.failures = []           # (what, details) of every failed request
        self.rss = collections.defaultdict(list)   # node -> [(elapsed, kB)]
        self.heap = collections.defaultdict(list)  # node -> [(elapsed, kB)], RssAnon
        self.totals = collections.Counter()

    def index(self, at):
        return max(0, int((at - self.start) // self.window))

    def record(self, kind, started, elapsed, status):
        with self.lock:
            bucket = self.windows[self.index(started)]
            bucket["requests"] += 1
            bucket["statuses"][status] += 1
            bucket["latency"][kind].append(elapsed)
            self.totals[status] += 1

    def fail(self, what, details, started=None):
        with self.lock:
            if started is not None:
                self.windows[self.index(started)]["errors"] += 1
            self.failures.append((what, details))


class Client:
    """One thread's connections, one per node, used round robin."""

    def __init__(self, nodes, stats, control_token):
        self.nodes, self.stats, self.control = nodes, stats, control_token
        self.connections = [None] * len(nodes)
        self.turn = random.randrange(len(nodes))

    def close(self):
        for connection in self.connections:
            if connection is not None:
                connection.close()

    def call(self, kind, method, path, body=None, token=None, control=False, node=None, expect=(200,),
             record=True, extra_headers=None):
        """Sends one request; returns (status, headers dict, body bytes), or None on a transport
        error. A 5xx, a transport error and a status outside expect are failures."""
        if node is None:
            node = self.turn
            self.turn = (self.turn + 1) % len(self.nodes)
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["X-Auth-Token"] = token
        if control:
            headers["Authorization"] = "Bearer " + self.control
        if extra_headers:
            headers.update(extra_headers)
        payload = None if body is None else json.dumps(body).encode()
        described = "%s %s on %s%s" % (method, path, self.nodes[node].name,
                                       "" if payload is None else " body " + payload.decode())
        started = time.monotonic()
        try:
            connection = self.connections[node]
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.nodes[node].port,
                                                        timeout=REQUEST_TIMEOUT)
                self.connections[node] = connection
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            if response.will_close:
                connection.close()
                self.connections[node] = None
        except (OSError, http.client.HTTPException) as error:
            if self.connections[node] is not None:
                self.connections[node].close()
                self.connections[node] = None
            self.stats.fail("transport error", "%s: %s: %r after %.1f s" % (
                kind, described, error, time.monotonic() - started), started)
            return None
        elapsed = time.monotonic() - started
        if record:
            self.stats.record(kind, started, elapsed, status)
        if status >= 500:
            self.stats.fail("5xx", "%s: %s -> %d %s" % (kind, described, status,
                                                        data[:600].decode(errors="replace")), started)
        elif expect is not None and status not in expect:
            self.stats.fail("unexpected status", "%s: %s -> %d (expected %s) %s" % (
                kind, described, status, "/".join(map(str, expect)), data[:600].decode(errors="replace")),
                started)
        return status, answer_headers, data


def error_code(data):
    try:
        return json.loads(data).get("error_code")
    except (ValueError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------
# The load


def login_body(user, domain, project, password=None):
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": password if password is not None else "Passw0rd!" + user,
        "domain": {"name": domain}}}}, "scope": {"project": {"name": project}}}}


class Ledger:
    """What the servers acknowledged: every write answered 2xx, and those whose outcome is unknown."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sequence = 0
        self.rds_created = {instance: {} for instance in RDS_WRITE_TARGETS}   # id -> name
        self.rds_live = {instance: [] for instance in RDS_WRITE_TARGETS}      # deletable candidates
        self.rds_deleted = {instance: set() for instance in RDS_WRITE_TARGETS}
        self.rds_unknown = {instance: set() for instance in RDS_WRITE_TARGETS}
        self.rds_unknown_names = set()
        self.dcs_created = {}         # id -> acknowledgement sequence number
        self.dcs_deleted = set()
        self.dcs_claimed = set()
        self.dcs_unknown = set()
        self.counts = collections.Counter()

    def next(self):
        with self.lock:
            self.sequence += 1
            return self.sequence


class Load:
    def __init__(self, nodes, stats, control_token, seconds, clients, think_ms, run_id):
        self.nodes, self.stats, self.control = nodes, stats, control_token
        self.seconds, self.clients, self.think = seconds, clients, think_ms / 1000.0
        self.run_id = run_id
        self.stop = threading.Event()
        self.ledger = Ledger()
        self.tokens = {}
        self.tokens_lock = threading.Lock()
        self.names = 0
        self.ops = [
            (4, self.op_login), (1, self.op_login_bad), (2, self.op_token_check), (2, self.op_projects),
            (1, self.op_health), (1, self.op_foreign), (14, self.op_rds_list), (4, self.op_rds_globex),
            (5, self.op_offsite), (5, self.op_taurus), (5, self.op_dcs_v1), (5, self.op_dcs_v2),
            (5, self.op_ddm), (2, self.op_policies), (8, self.op_rds_create), (2, self.op_rds_delete),
            (4, self.op_dcs_create), (2, self.op_dcs_delete),
        ]
        self.weights = [weight for weight, _ in self.ops]

    def token(self, scope):
        with self.tokens_lock:
            return self.tokens[scope]

    def login(self, client, scope, kind="login"):
        user, domain, project = scope
        query = "?nocatalog=true" if random.random() < 0.5 else ""
        answer = client.call(kind, "POST", "/v3/auth/tokens" + query, login_body(user, domain, project),
                             expect=(201,), record=kind != "setup")
        if answer and answer[0] == 201 and answer[1].get("x-subject-token"):
            with self.tokens_lock:
                self.tokens[scope] = answer[1]["x-subject-token"]
            return True
        return False

    # --- IAM

    def op_login(self, client):
        self.login(client, random.choice(list(SCOPES)))

    def op_login_bad(self, client):
        user, domain, project = random.choice(list(SCOPES))
        client.call("login_refused", "POST", "/v3/auth/tokens",
                    login_body(user, domain, project, "wrong-" + secrets.token_hex(4)), expect=(401,))

    def op_token_check(self, client):
        scope = random.choice(list(SCOPES))
        token = self.token(scope)
        client.call("token_validate", "GET", "/v3/auth/tokens", token=token,
                    extra_headers={"X-Subject-Token": token})

    def op_projects(self, client):
        client.call("iam_projects", "GET", random.choice(["/v3/auth/projects", "/v3/projects"]),
                    token=self.token(random.choice(list(SCOPES))))

    def op_health(self, client):
        client.call("health", "GET", "/health")

    def op_foreign(self, client):
        # carol (globex) in acme's project: 403 APIGW.0302, never anything else.
        client.call("foreign_project", "GET", "/v3/%s/backups?instance_id=%s" % (P_NORTH, RDS_A48E),
                    token=self.token(("carol", "globex", "cn-north-4")), expect=(403,))

    # --- reads

    def north(self):
        return self.token(random.choice([("alice", "acme", "cn-north-4"), ("bob", "acme", "cn-north-4")]))

    def op_rds_list(self, client):
        variants = [
            "instance_id=%s&backup_type=auto&offset=0&limit=10&begin_time=2018-08-06T10:41:14%%2B0800"
            "&end_time=2018-08-16T10:41:14%%2B0800" % RDS_A48E,
            "instance_id=%s&offset=%d&limit=%d" % (RDS_A48E, random.randrange(40), random.randint(1, 100)),
            "instance_id=%s&backup_type=manual&limit=100" % random.choice([RDS_A48E, RDS_PROD, RDS_PG]),
            "instance_id=%s&begin_time=2030-01-01T00:00:00%%2B0000&end_time=2030-12-31T00:00:00%%2B0000"
            "&limit=50" % random.choice([RDS_A48E, RDS_PROD]),
            "instance_id=%s&backup_type=incremental&limit=20&offset=%d" % (RDS_PROD, random.randrange(100)),
        ]
        client.call("rds_list", "GET", "/v3/%s/backups?%s" % (P_NORTH, random.choice(variants)),
                    token=self.north())

    def op_rds_globex(self, client):
        client.call("rds_list", "GET", "/v3/%s/backups?instance_id=%s&limit=100" % (P_GLOBEX, RDS_GLOBEX),
                    token=self.token(("carol", "globex", "cn-north-4")))

    def op_offsite(self, client):
        client.call("offsite_list", "GET",
                    "/v3/%s/offsite-backups?instance_id=%s&backup_type=auto&offset=0&limit=10"
                    "&begin_time=2022-12-02T00:00:00%%2B0000&end_time=2022-12-02T23:59:59%%2B0000"
                    % (P_NORTH, RDS_SQLSERVER), token=self.token(("alice", "acme", "cn-north-4")))

    def op_taurus(self, client):
        query = random.choice([
            "offset=0&limit=10&begin_time=2022-07-06T10:41:14%2B0800&end_time=2022-07-16T10:41:14%2B0800",
            "offset=%d&limit=%d" % (random.randrange(15), random.randint(1, 100))])
        client.call("taurus_incremental", "GET", "/v3/%s/instances/%s/incremental-backups?%s"
                    % (P_EAST, TAURUS, query), token=self.token(("alice", "acme", "cn-east-3")))

    def op_dcs_v1(self, client):
        query = random.choice(["start=1&limit=10&beginTime=20190510000000&endTime=20190510235959",
                               "start=%d&limit=%d" % (random.randint(1, 30), random.randint(1, 50))])
        client.call("dcs_v1_list", "GET", "/v1.0/%s/instances/%s/backups?%s"
                    % (P_NORTH, random.choice([DCS_REDIS, DCS_MEMCACHED]), query), token=self.north())

    def op_dcs_v2(self, client):
        query = random.choice(["begin_time=20190510000000&end_time=20190510235959&limit=10&offset=0",
                               "offset=%d&limit=%d" % (random.randrange(30), random.randint(1, 50))])
        client.call("dcs_v2_list", "GET", "/v2/%s/instances/%s/backups?%s"
                    % (P_NORTH, random.choice([DCS_REDIS, DCS_MEMCACHED]), query), token=self.north())

    def op_ddm(self, client):
        client.call("ddm_show", "GET", "/v3/%s/instances/%s/backups/%s" % (P_SE3, DDM, DDM_BACKUP),
                    token=self.token(("alice", "acme", "ap-southeast-3")))

    def op_policies(self, client):
        if random.random() < 0.5:
            client.call("policy_show", "GET", "/v3/%s/instances/%s/backups/policy" % (P_NORTH, RDS_PROD),
                        token=self.north())
        else:
            client.call("policy_show", "GET", "/v2/%s/instances/%s" % (P_NORTH, DCS_MEMCACHED),
                        token=self.north())

    # --- writes

    def rds_token(self, project):
        if project == P_NORTH:
            return self.north()
        if project == P_SE3:
            return self.token(("alice", "acme", "ap-southeast-3"))
        return self.token(("carol", "globex", "cn-north-4"))

    def op_rds_create(self, client):
        instance = random.choice(list(RDS_WRITE_TARGETS))
        project = RDS_WRITE_TARGETS[instance]
        with self.ledger.lock:
            self.names += 1
            name = "soak%s-%d" % (self.run_id, self.names)
        answer = client.call("rds_create", "POST", "/v3/%s/backups" % project,
                             {"instance_id": instance, "name": name}, token=self.rds_token(project),
                             expect=None)
        ledger = self.ledger
        if answer is None:
            with ledger.lock:
                ledger.rds_unknown_names.add(name)
            return
        status, _, data = answer
        if status == 200:
            backup = json.loads(data)["backup"]
            problems = [key for key, want in (("instance_id", instance), ("name", name),
                                              ("status", "BUILDING"), ("type", "manual"))
                        if backup.get(key) != want]
            if problems:
                self.stats.fail("wrong answer", "rds_create %s: %s differ in %s" % (name, problems, data[:400]))
            with ledger.lock:
                ledger.rds_created[instance][backup["id"]] = name
                ledger.rds_live[instance].append(backup["id"])
                ledger.counts["rds_create 200"] += 1
        elif status == 409 and error_code(data) == "DBS.201205":
            with ledger.lock:
                ledger.counts["rds_create 409 in progress"] += 1
        elif status < 500:
            self.stats.fail("unexpected status", "rds_create %s on %s: %d %s" % (
                name, instance, status, data[:400].decode(errors="replace")))

    def op_rds_delete(self, client):
        ledger = self.ledger
        with ledger.lock:
            candidates = [instance for instance, live in ledger.rds_live.items() if live]
            if not candidates:
                instance = None
            else:
                instance = random.choice(candidates)
                live = ledger.rds_live[instance]
                backup = live.pop(random.randrange(len(live)))
        if instance is None:
            return self.op_rds_create(client)
        project = RDS_WRITE_TARGETS[instance]
        answer = client.call("rds_delete", "DELETE", "/v3/%s/backups/%s" % (project, backup),
                             token=self.rds_token(project), expect=None)
        if answer is None:
            with ledger.lock:
                ledger.rds_unknown[instance].add(backup)
            return
        status, _, data = answer
        with ledger.lock:
            if status == 200:
                ledger.rds_deleted[instance].add(backup)
                ledger.counts["rds_delete 200"] += 1
            elif status == 409 and error_code(data) == "DBS.201205":
                ledger.rds_live[instance].append(backup)      # still building: try again later
                ledger.counts["rds_delete 409 building"] += 1
            else:
                # Only this thread holds the id: anything else means the server lost or changed it.
                ledger.rds_unknown[instance].add(backup)
                if status < 500:
                    self.stats.fail("unexpected status", "rds_delete of acknowledged %s on %s: %d %s" % (
                        backup, instance, status, data[:400].decode(errors="replace")))

    def op_dcs_create(self, client):
        body = random.choice([{}, {"remark": "soak " + self.run_id}, {"backup_format": "rdb"},
                              {"remark": "soak", "backup_format": "aof"}])
        answer = client.call("dcs_create", "POST", "/v2/%s/instances/%s/backups" % (P_NORTH, DCS_REDIS),
                             body, token=self.north(), expect=None)
        ledger = self.ledger
        if answer is None:
            with ledger.lock:
                ledger.counts["dcs_create unknown"] += 1
                ledger.dcs_unknown.add(None)
            return
        status, _, data = answer
        if status == 200:
            backup_id = json.loads(data)["backup_id"]
            sequence = ledger.next()
            with ledger.lock:
                ledger.dcs_created[backup_id] = sequence
                ledger.counts["dcs_create 200"] += 1
        elif status == 400 and error_code(data) == "DCS.4096":
            with ledger.lock:
                ledger.counts["dcs_create 400 backuping"] += 1
        elif status < 500:
            self.stats.fail("unexpected status", "dcs_create: %d %s" % (status, data[:400].decode(errors="replace")))

    def op_dcs_delete(self, client):
        ledger = self.ledger
        with ledger.lock:
            newest = sorted(ledger.dcs_created, key=ledger.dcs_created.get)[-DCS_DELETE_AMONG:]
            candidates = [b for b in newest if b not in ledger.dcs_deleted and b not in ledger.dcs_claimed]
            backup = random.choice(candidates) if candidates else None
            if backup:
                ledger.dcs_claimed.add(backup)
        if backup is None:
            return self.op_dcs_create(client)
        answer = client.call("dcs_delete", "DELETE", "/v2/%s/instances/%s/backups/%s"
                             % (P_NORTH, DCS_REDIS, backup), token=self.north(), expect=None)
        with ledger.lock:
            ledger.dcs_claimed.discard(backup)
            if answer is None:
                ledger.dcs_unknown.add(backup)
                return
            status, _, data = answer
            if status == 204:
                ledger.dcs_deleted.add(backup)
                ledger.counts["dcs_delete 204"] += 1
            elif status == 400 and error_code(data) == "DCS.4096":
                ledger.counts["dcs_delete 400 backuping"] += 1
            else:
                ledger.dcs_unknown.add(backup)
                if status < 500:
                    self.stats.fail("unexpected status", "dcs_delete of acknowledged %s: %d %s" % (
                        backup, status, data[:400].decode(errors="replace")))

    # --- threads

    def worker(self):
        client = Client(self.nodes, self.stats, self.control)
        try:
            while not self.stop.is_set():
                operation = random.choices(self.ops, self.weights)[0][1]
                try:
                    operation(client)
                except Exception as error:   # a bug here, or an answer that is not what the API says
                    self.stats.fail("client exception", "%s: %r" % (operation.__name__, error))
                if self.think:
                    time.sleep(random.uniform(0, 2 * self.think))
        finally:
            client.close()

    def ticker(self):
        client = Client(self.nodes, self.stats, self.control)
        tick = 0
        try:
            while not self.stop.wait(CLOCK_TICK_SECONDS):
                tick += 1
                advance = "P1D" if tick % DAY_EVERY_TICKS == 0 else "PT1M"
                client.call("clock_advance", "PUT", "/_backupd/v1/clock", {"advance": advance}, control=True)
                self.ledger.counts["clock advance " + advance] += 1
                if tick % 5 == 0:
                    client.call("control_read", "GET", random.choice(["/_backupd/v1/clock",
                                                                       "/_backupd/v1/timings"]), control=True)
                if tick % 15 == 0:
                    for node in range(len(self.nodes)):
                        client.call("metrics", "GET", "/metrics", control=True, node=node)
        finally:
            client.close()

    def sampler(self):
        while True:
            for node in self.nodes:
                rss, heap = node.rss_kb(), node.rss_kb("RssAnon")
                if rss is not None and heap is not None:
                    with self.stats.lock:
                        at = time.monotonic() - self.stats.start
                        self.stats.rss[node.name].append((at, rss))
                        self.stats.heap[node.name].append((at, heap))
                if node.process.poll() is not None:
                    self.stats.fail("node died", "%s exited with status %s; log tail:\n%s"
                                    % (node.name, node.process.returncode, tail(node.log)))
                    self.stop.set()
            if self.stop.wait(5):
                return

    def run(self):
        client = Client(self.nodes, self.stats, self.control)
        for scope in SCOPES:
            if not self.login(client, scope, kind="setup"):
                raise RuntimeError("could not log in as %s" % (scope,))
        client.close()
        self.stats.start = time.monotonic()
        threads = [threading.Thread(target=self.worker, name="client-%d" % n, daemon=True)
                   for n in range(self.clients)]
        threads += [threading.Thread(target=self.ticker, name="clock", daemon=True),
                    threading.Thread(target=self.sampler, name="rss", daemon=True)]
        for thread in threads:
            thread.start()
        deadline = self.stats.start + self.seconds
        next_note = self.stats.start + self.stats.window
        while not self.stop.is_set() and time.monotonic() < deadline:
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            if time.monotonic() >= next_note:
                index = self.stats.index(next_note) - 1
                with self.stats.lock:
                    bucket = self.stats.windows[index]
                    every = [v for values in bucket["latency"].values() for v in values]
                    fivexx = sum(c for s, c in bucket["statuses"].items() if s >= 500)
                log("window %d: %d requests, p50 %.1f ms, p99 %.1f ms, 5xx %d, failures so far %d" % (
                    index + 1, bucket["requests"], 1000 * percentile(every, 0.5), 1000 * percentile(every, 0.99),
                    fivexx, len(self.stats.failures)))
                next_note += self.stats.window
        self.stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 10)
            if thread.is_alive():
                self.stats.fail("stuck", "thread %s did not finish within %ds of the end"
                                % (thread.name, REQUEST_TIMEOUT + 10))
        self.elapsed = time.monotonic() - self.stats.start


# ---------------------------------------------------------------------------------------------
# The final checks


class Checker:
    def __init__(self, load, seed):
        self.load, self.nodes, self.stats = load, load.nodes, load.stats
        self.client = Client(load.nodes, load.stats, load.control)
        self.problems = []
        self.seeded = collections.defaultdict(set)     # instance -> seeded record ids
        for backup in seed["backups"]:
            if not backup.get("offsite_project_id"):       # a copy is listed by route B only
                self.seeded[backup["instance_id"]].add(backup.get("id") or backup.get("backup_id"))
        self.seeded_offsite = {b["id"] for b in seed["backups"] if b.get("offsite_project_id") == P_NORTH}
        self.seeded_copies_of_sqlserver = {b["id"] for b in seed["backups"] if b["instance_id"] == RDS_SQLSERVER}
        self.answers = collections.defaultdict(dict)   # read -> node -> parsed answer

    def problem(self, text):
        self.problems.append(text)

    def get(self, what, path, token, node, expect=(200,)):
        answer = self.client.call("final_read", "GET", path, token=token, node=node, expect=expect, record=False)
        if answer is None or answer[0] not in expect:
            self.problem("final read %s on %s: %s" % (what, self.nodes[node].name,
                                                       "no answer" if answer is None else answer[0]))
            return None
        document = json.loads(answer[2]) if answer[2] else None
        self.answers[what][node] = document
        return document

    def page_all(self, what, make_path, rows_key, total_key, token, node, limit, first_offset=0):
        """Pages through a list; returns its rows, after checking that every page's total is the
        same and equals the rows counted, and that no row appears twice."""
        rows, totals, offset = [], set(), first_offset
        while True:
            document = self.get("%s offset %d" % (what, offset), make_path(offset, limit), token, node)
            if document is None:
                return None
            page = document[rows_key]
            totals.add(document[total_key])
            rows.extend(page)
            if not page:
                break
            offset += len(page)
            if len(page) < limit:
                break
            if len(rows) > 100000:
                self.problem("%s on %s: more than 100000 rows, stopped" % (what, self.nodes[node].name))
                break
        name = self.nodes[node].name
        if len(totals) != 1:
            self.problem("%s on %s: the pages gave different totals %s" % (what, name, sorted(totals)))
        elif totals.pop() != len(rows):
            self.problem("%s on %s: %s says %d, paging counted %d rows"
                         % (what, name, total_key, document[total_key], len(rows)))
        ids = [row.get("id") or row.get("backup_id") for row in rows]
        if len(set(ids)) != len(ids):
            self.problem("%s on %s: a row appears twice across pages (%d rows, %d ids)"
                         % (what, name, len(ids), len(set(ids))))
        self.answers[what + " (all rows)"][node] = rows
        return rows

    def check_rds(self, node):
        ledger = self.load.ledger
        name = self.nodes[node].name
        for instance, project in RDS_WRITE_TARGETS.items():
            token = self.load.rds_token(project)
            rows = self.page_all("rds list %s" % instance, lambda offset, limit: (
                "/v3/%s/backups?instance_id=%s&offset=%d&limit=%d" % (project, instance, offset, limit)),
                "backups", "total_count", token, node, 100)
            manual = self.page_all("rds manual list %s" % instance, lambda offset, limit: (
                "/v3/%s/backups?instance_id=%s&backup_type=manual&offset=%d&limit=%d"
                % (project, instance, offset, limit)), "backups", "total_count", token, node, 37)
            if rows is None or manual is None:
                continue
            by_id = {row["id"]: row for row in rows}
            manual_ids = {row["id"] for row in manual}
            if manual_ids != {row["id"] for row in rows if row["type"] == "manual"}:
                self.problem("rds %s on %s: the backup_type=manual list differs from the manual rows "
                             "of the whole list" % (instance, name))
            missing_seed = self.seeded[instance] - set(by_id)
            if missing_seed:
                self.problem("rds %s on %s: seeded records gone: %s" % (instance, name, sorted(missing_seed)))
            for backup, backup_name in ledger.rds_created[instance].items():
                if backup in ledger.rds_unknown[instance]:
                    continue
                row = by_id.get(backup)
                if backup in ledger.rds_deleted[instance]:
                    if row is not None:
                        self.problem("rds %s on %s: %s was deleted (200) but is listed: %s"
                                     % (instance, name, backup, row))
                elif row is None:
                    self.problem("rds %s on %s: acknowledged create %s (%s) is not listed"
                                 % (instance, name, backup, backup_name))
                elif row["name"] != backup_name or row["status"] != "COMPLETED" or row["type"] != "manual":
                    self.problem("rds %s on %s: %s should be a COMPLETED manual backup named %s: %s"
                                 % (instance, name, backup, backup_name, row))
            known = self.seeded[instance] | set(ledger.rds_created[instance])
            for row in rows:
                if row["type"] == "manual" and row["id"] not in known \
                        and row["name"] not in ledger.rds_unknown_names:
                    self.problem("rds %s on %s: a manual backup nobody acknowledged: %s" % (instance, name, row))

    def check_dcs(self, node):
        ledger = self.load.ledger
        name = self.nodes[node].name
        token = self.load.north()
        for instance in (DCS_REDIS, DCS_MEMCACHED):
            v2 = self.page_all("dcs v2 list %s" % instance, lambda offset, limit: (
                "/v2/%s/instances/%s/backups?offset=%d&limit=%d" % (P_NORTH, instance, offset, limit)),
                "backup_record_response", "total_num", token, node, 10)
            v1 = self.page_all("dcs v1.0 list %s" % instance, lambda offset, limit: (
                "/v1.0/%s/instances/%s/backups?start=%d&limit=%d" % (P_NORTH, instance, offset + 1, limit)),
                "backup_record_response", "total_num", token, node, 7)
            if v2 is None or v1 is None:
                continue
            if [r["backup_id"] for r in v1] != [r["backup_id"] for r in v2]:
                self.problem("dcs %s on %s: v1.0 and v2 list different records" % (instance, name))
            by_id = {row["backup_id"]: row for row in v2}
            missing_seed = self.seeded[instance] - set(by_id)
            if missing_seed:
                self.problem("dcs %s on %s: seeded records gone: %s" % (instance, name, sorted(missing_seed)))
            lifecycle = [row for row in v2 if row["backup_id"] not in self.seeded[instance]]
            if len(lifecycle) > DCS_CAP:
                self.problem("dcs %s on %s: %d lifecycle records, more than %d"
                             % (instance, name, len(lifecycle), DCS_CAP))
            if instance != DCS_REDIS:
                continue
            acknowledged = sorted(ledger.dcs_created, key=ledger.dcs_created.get)
            unknown = len(ledger.dcs_unknown)
            for row in lifecycle:
                if row["backup_id"] not in ledger.dcs_created and unknown == 0:
                    self.problem("dcs %s on %s: a record nobody acknowledged: %s" % (instance, name, row))
            expected_count = min(DCS_CAP, len(acknowledged))
            if unknown == 0 and len(lifecycle) != expected_count:
                self.problem("dcs %s on %s: %d lifecycle records listed, %d expected (%d acknowledged creates, "
                             "%d kept)" % (instance, name, len(lifecycle), expected_count, len(acknowledged), DCS_CAP))
            # The newest are kept; allow two places of slack for the order in which this client saw
            # the acknowledgements of creates that the clock thread's advances separate.
            for backup in acknowledged[-max(0, DCS_CAP - 2 - unknown):]:
                row = by_id.get(backup)
                want = "deleted" if backup in ledger.dcs_deleted else "succeed"
                if row is None:
                    self.problem("dcs %s on %s: acknowledged create %s (among the newest %d) is not listed"
                                 % (instance, name, backup, DCS_CAP))
                elif row["status"] != want and backup not in ledger.dcs_unknown:
                    self.problem("dcs %s on %s: %s should be %s: %s" % (instance, name, backup, want, row))

    def check_other_reads(self, node):
        north = self.load.north()
        copies = self.page_all("offsite list", lambda offset, limit: (
            "/v3/%s/offsite-backups?instance_id=%s&backup_type=auto&offset=%d&limit=%d"
            % (P_NORTH, RDS_SQLSERVER, offset, limit)), "backups", "total_count",
            self.load.token(("alice", "acme", "cn-north-4")), node, 1)
        if copies is not None:
            missing = {b for b in self.seeded_offsite if b in self.seeded_copies_of_sqlserver} - {
                row["id"] for row in copies}
            if missing:
                self.problem("offsite list on %s: seeded copies gone: %s" % (self.nodes[node].name, sorted(missing)))
        self.page_all("taurus incremental list", lambda offset, limit: (
            "/v3/%s/instances/%s/incremental-backups?offset=%d&limit=%d" % (P_EAST, TAURUS, offset, limit)),
            "backups", "total_count", self.load.token(("alice", "acme", "cn-east-3")), node, 4)
        self.get("ddm show", "/v3/%s/instances/%s/backups/%s" % (P_SE3, DDM, DDM_BACKUP),
                 self.load.token(("alice", "acme", "ap-southeast-3")), node)
        self.get("rds policy", "/v3/%s/instances/%s/backups/policy" % (P_NORTH, RDS_PROD), north, node)
        self.get("dcs instance", "/v2/%s/instances/%s" % (P_NORTH, DCS_MEMCACHED), north, node)
        self.get("rds incrementals window", "/v3/%s/backups?instance_id=%s&backup_type=incremental&limit=5"
                 % (P_NORTH, RDS_PROD), north, node)
        clock = self.client.call("final_read", "GET", "/_backupd/v1/clock", control=True, node=node, record=False)
        if clock:
            document = json.loads(clock[2])
            self.answers["clock (now, frozen)"][node] = (document.get("now"), document.get("frozen"))

    def compare_nodes(self):
        for what, by_node in sorted(self.answers.items()):
            if len(by_node) != len(self.nodes):
                continue
            first = by_node[0]
            for node, document in by_node.items():
                if document != first:
                    self.problem("final read %s: %s and %s answer differently:\n  %s\n  %s" % (
                        what, self.nodes[0].name, self.nodes[node].name,
                        json.dumps(first)[:500], json.dumps(document)[:500]))

    def run(self):
        self.client.call("final_advance", "PUT", "/_backupd/v1/clock", {"advance": FINAL_ADVANCE},
                         control=True, node=0, record=False)
        for node in range(len(self.nodes)):
            self.check_rds(node)
            self.check_dcs(node)
            self.check_other_reads(node)
        self.compare_nodes()
        self.client.close()
        return self.problems


def metrics_summary(nodes, control):
    """A few counters from each node's /metrics."""
    wanted = ("backupd_store_errors_total", "backupd_operation_failures_total", "backupd_scheduler_runs_total",
              "backupd_scheduler_backups_total", "backupd_store_connections_max")
    lines = []
    for node in nodes:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=REQUEST_TIMEOUT)
            connection.request("GET", "/metrics", headers={"Authorization": "Bearer " + control})
            text = connection.getresponse().read().decode()
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            lines.append("%s: /metrics failed: %r" % (node.name, error))
            continue
        sums = collections.Counter()
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            metric = line.split("{")[0].split(" ")[0]
            if metric in wanted:
                sums[metric] += float(line.rsplit(" ", 1)[1])
        lines.append("%s: %s" % (node.name, ", ".join("%s %g" % (m.replace("backupd_", ""), sums[m]) for m in wanted)))
    return lines


# ---------------------------------------------------------------------------------------------
# The report


def report(load, problems, rss_ok_notes, args):
    stats = load.stats
    out = []
    count = max(stats.windows) + 1 if stats.windows else 0
    last = max(0, math.ceil(load.seconds / stats.window) - 1)
    out.append("")
    out.append("backupd soak: 2 nodes on PostgreSQL, %d clients, %.0f s, windows of %.0f s"
               % (load.clients, load.elapsed, stats.window))
    out.append("%-8s %9s %8s %8s %8s %6s %s" % ("window", "requests", "req/s", "p50 ms", "p99 ms", "5xx",
                                              "  ".join("RSS %s MB  heap %s MB" % (n.name, n.name) for n in load.nodes)))
    for index in range(min(count, last + 1)):
        bucket = stats.windows[index]
        every = [v for values in bucket["latency"].values() for v in values]
        fivexx = sum(c for s, c in bucket["statuses"].items() if s >= 500)
        rss = []
        for node in load.nodes:
            for series, width in ((stats.rss, len("RSS %s MB" % node.name)), (stats.heap, len("heap %s MB" % node.name))):
                samples = [kb for at, kb in series[node.name] if stats.window * index <= at < stats.window * (index + 1)]
                rss.append("%*.1f" % (width, sum(samples) / len(samples) / 1024) if samples else "%*s" % (width, "-"))
        out.append("%-8s %9d %8.1f %8.1f %8.1f %6d %s" % (
            "%d" % (index + 1), bucket["requests"], bucket["requests"] / stats.window,
            1000 * percentile(every, 0.5), 1000 * percentile(every, 0.99), fivexx, "  ".join(rss)))
    for label, index in (("first", 0), ("last", last)):
        bucket = stats.windows[index]
        out.append("")
        out.append("%s window (%d-%d s), per request kind:" % (label, index * stats.window, (index + 1) * stats.window))
        out.append("  %-20s %7s %8s %8s" % ("kind", "count", "p50 ms", "p99 ms"))
        for kind in sorted(bucket["latency"]):
            values = bucket["latency"][kind]
            out.append("  %-20s %7d %8.1f %8.1f" % (kind, len(values), 1000 * percentile(values, 0.5),
                                                    1000 * percentile(values, 0.99)))
    out.append("")
    out.append("totals: %d requests; statuses %s" % (sum(stats.totals.values()),
                                                     ", ".join("%d: %d" % kv for kv in sorted(stats.totals.items()))))
    ledger = load.ledger
    out.append("writes: %s" % ", ".join("%s %d" % kv for kv in sorted(ledger.counts.items())))
    out.append("acknowledged: RDS %d created (%d deleted), DCS %d created (%d deleted)" % (
        sum(len(v) for v in ledger.rds_created.values()), sum(len(v) for v in ledger.rds_deleted.values()),
        len(ledger.dcs_created), len(ledger.dcs_deleted)))
    out.extend(rss_ok_notes)
    return out


def flatness(load):
    """(problems, notes) of the RSS and p99 checks."""
    stats = load.stats
    problems, notes = [], []
    last = max(0, math.ceil(load.seconds / stats.window) - 1)
    baseline = 1 if last >= 1 else 0
    for node, label, samples in [(n, label, series[n.name]) for n in load.nodes
                                 for label, series in (("RSS", stats.rss), ("heap", stats.heap))]:
        def mean(index):
            values = [kb for at, kb in samples if stats.window * index <= at < stats.window * (index + 1)]
            return sum(values) / len(values) / 1024 if values else None
        base, end = mean(baseline), mean(last)
        if base is None or end is None:
            problems.append("%s %s: no samples in window %d or %d" % (label, node.name, baseline + 1, last + 1))
            continue
        limit = RSS_FACTOR * base + RSS_SLACK_MB
        after = [(at / 60, kb / 1024) for at, kb in samples if at >= stats.window * baseline]
        slope = 0.0
        if len(after) >= 2:
            mx = sum(a for a, _ in after) / len(after)
            my = sum(b for _, b in after) / len(after)
            var = sum((a - mx) ** 2 for a, _ in after)
            slope = sum((a - mx) * (b - my) for a, b in after) / var if var else 0.0
        notes.append("%s %s: window %d mean %.1f MB, last window %.1f MB (limit %.1f MB), peak %.1f MB, "
                     "slope after warm-up %+.2f MB/min" % (label, node.name, baseline + 1, base, end, limit,
                                                          max(kb for _, kb in samples) / 1024, slope))
        if end > limit:
            problems.append("%s %s grew: last window mean %.1f MB > %.1f x %.1f MB + %d MB"
                            % (label, node.name, end, RSS_FACTOR, base, RSS_SLACK_MB))
    first, final = stats.windows[0], stats.windows[last]
    kinds = [("all requests", [v for vs in first["latency"].values() for v in vs],
              [v for vs in final["latency"].values() for v in vs])]
    kinds += [(kind, first["latency"][kind], final["latency"].get(kind, []))
              for kind in sorted(first["latency"])]
    for kind, before, after in kinds:
        if len(before) < P99_MIN_SAMPLES or len(after) < P99_MIN_SAMPLES:
            continue
        p_before, p_after = 1000 * percentile(before, 0.99), 1000 * percentile(after, 0.99)
        if p_after > P99_FACTOR * p_before and p_after >= P99_FLOOR_MS:
            problems.append("p99 of %s grew: %.1f ms in the last window, %.1f ms in the first (limit %.1f x, "
                            "or under %.0f ms)" % (kind, p_after, p_before, P99_FACTOR, P99_FLOOR_MS))
    return problems, notes


# ---------------------------------------------------------------------------------------------


def setup(args, workdir, store, control):
    log("seeding %s into a fresh schema" % SEED)
    seeded = subprocess.run([args.bin, "seed", str(SEED), "--store", store], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=300)
    if seeded.returncode != 0:
        raise RuntimeError("backupd seed failed (%d):\n%s%s" % (seeded.returncode, seeded.stdout, seeded.stderr))
    nodes = [Node("node%d" % n, args.bin, store, control, workdir) for n in (1, 2)]
    for node in nodes:
        node.wait_ready()
    log("nodes on ports %s (pids %s), logs in %s" % ([n.port for n in nodes], [n.pid for n in nodes], workdir))
    return nodes


def configure(load):
    """Freezes the clock, shortens the phases, turns on the policies the scheduler works for."""
    stats = Stats(1)
    stats.start = time.monotonic()
    client = Client(load.nodes, stats, load.control)
    steps = [
        ("PUT", "/_backupd/v1/clock", {"now": START_CLOCK, "frozen": True}, None, (200,)),
        ("PUT", "/_backupd/v1/timings", TIMINGS, None, (200,)),
    ]
    for method, path, body, _, expect in steps:
        client.call("setup", method, path, body, control=True, expect=expect)
    login_client = Client(load.nodes, stats, load.control)
    answer = login_client.call("setup", "POST", "/v3/auth/tokens", login_body("alice", "acme", "cn-north-4"),
                               expect=(201,))
    token = answer[1]["x-subject-token"]
    client.call("setup", "PUT", "/v3/%s/instances/%s/backups/policy" % (P_NORTH, RDS_PROD),
                {"backup_policy": {"keep_days": 1, "start_time": "00:00-01:00", "period": "1,2,3,4,5,6,7"}},
                token=token)
    client.call("setup", "PUT", "/v2/%s/instances/%s" % (P_NORTH, DCS_MEMCACHED),
                {"instance_backup_policy": {"backup_type": "auto", "save_days": 1, "periodical_backup_plan": {
                    "backup_at": [1, 2, 3, 4, 5, 6, 7], "period_type": "weekly", "begin_at": "00:00-01:00"}}},
                token=token, expect=(204,))
    client.close()
    login_client.close()
    if stats.failures:
        raise RuntimeError("setting up failed:\n" + "\n".join("%s: %s" % f for f in stats.failures))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.environ.get("BACKUPD_BIN"), help="the backupd binary")
    parser.add_argument("--store-url", default=os.environ.get("BACKUPD_TEST_POSTGRES_URL"),
                        help="postgres://… (a fresh ?schema= is put in its query)")
    parser.add_argument("--seconds", type=float, default=600, help="how long the load runs (600)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (16)")
    parser.add_argument("--window", type=float, default=60,
                        help="measurement window in seconds (60; a quarter of the run when shorter than 4)")
    parser.add_argument("--think-ms", type=float, default=5, help="mean pause between a client's requests (5)")
    parser.add_argument("--keep", action="store_true", help="keep the logs' directory")
    args = parser.parse_args()
    if not args.bin or not os.access(args.bin, os.X_OK):
        parser.error("no executable backupd: give --bin or BACKUPD_BIN")
    if not args.store_url or not args.store_url.startswith("postgres"):
        parser.error("no PostgreSQL URL: give --store-url or BACKUPD_TEST_POSTGRES_URL (scripts/with-postgres)")
    window = min(args.window, args.seconds / 4) if args.seconds < 4 * args.window else args.window
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = Path(tempfile.mkdtemp(prefix="backupd-soak."))
    store, schema = fresh_schema_store(args.store_url)
    control = "soak-" + secrets.token_hex(16)
    nodes = []
    failed = True
    try:
        nodes = setup(args, workdir, store, control)
        stats = Stats(window)
        load = Load(nodes, stats, control, args.seconds, args.clients, args.think_ms, secrets.token_hex(3))
        configure(load)
        log("load: %d clients for %.0f s" % (args.clients, args.seconds))
        load.run()
        log("load done; checking the catalog")
        seed = json.loads(SEED.read_text())
        catalog_problems = Checker(load, seed).run()
        flat_problems, notes = flatness(load)
        lines = report(load, catalog_problems, notes, args)
        lines += ["metrics " + line for line in metrics_summary(nodes, control)]
        for node in nodes:
            if node.process.poll() is not None:
                stats.fail("node died", "%s exited with status %s" % (node.name, node.process.returncode))
        failures = collections.defaultdict(list)
        for what, details in stats.failures:
            failures[what].append(details)
        lines.append("")
        for what, all_details in sorted(failures.items()):
            lines.append("FAILURE %s: %d" % (what, len(all_details)))
            lines.extend("  " + d for d in all_details[:20])
            if len(all_details) > 20:
                lines.append("  … and %d more" % (len(all_details) - 20))
        for text in catalog_problems:
            lines.append("FAILURE catalog: " + text)
        for text in flat_problems:
            lines.append("FAILURE flatness: " + text)
        failed = bool(failures or catalog_problems or flat_problems)
        lines.append("")
        lines.append("soak: %s" % ("FAIL" if failed else "PASS"))
        print("\n".join(lines), flush=True)
        (workdir / "report.txt").write_text("\n".join(lines) + "\n")
    finally:
        for node in nodes:
            node.stop()
        psql = shutil.which("psql")
        if psql:
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                subprocess.run([psql, "--no-psqlrc", "--quiet", "--dbname", args.store_url, "--command",
                                "DROP SCHEMA IF EXISTS %s CASCADE" % schema],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        if failed or args.keep:
            log("logs kept in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
