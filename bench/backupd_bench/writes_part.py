"""Reads while writing (issue 13, target 2): every write logs the scopes it touched (its instance, the
instance's project, ...) and every node's caches drop only the entries that depend on them
(docs/architecture.md, "Caches, and why nothing is stale"). So a steady stream of writes to other
instances must not slow down the cached reads of an instance nobody writes to, and every answer about
a written instance must show the write in the very next read, whichever node took it.

For each engine (SQLite: two `backupd serve` processes on one file; PostgreSQL: two nodes on one
schema of the benchmark's cluster), a fresh store is loaded from this part's own seed (one read
instance X with SEEDED_READ backups, WRITE_INSTANCES instances to write to), node A is pinned to CPU 0
and node B with wrk to CPU 1, as bench/compare.py and the lifecycle part arrange them. Rounds alternate
a read-only wrk run of X's first page on node A with the same run while a writer sends WRITE_RATE RDS
creates (W1) a second to the other instances, half through node A and half through node B; after each write
through B, the written instance's first page is read on A at once and must hold the new backup (and
the total the writes so far give). The ratio of the medians (writing / read-only) is the target."""

import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import threading
import time

import sdksign

from . import processes
from .catalogs import store_size
from .lifecycle_part import server_cpu_s
from .loadgen import wrk
from .parameters import WRITE_RATE
from .postgres_part import PostgresCluster
from .processes import free_port, http_request, log_summary, say, wait_health

# The read instance: as many seeded backups as the lifecycle part's instances hold, so that its page
# of 100 is one page of a list of realistic length (answered from the response cache while valid).
SEEDED_READ = 2_400
# The instances written to, round-robin: at WRITE_RATE each is written every few seconds, and over a
# whole run each gets a few dozen backups at most, so that its first page of 100 holds them all.
WRITE_INSTANCES = 300
SEEDED_PER_WRITTEN = 5
# The writer's threads per node, each on a grid of its own, the grids evenly interleaved: a thread
# waits for each answer, and under load a write waits behind the reads queued on its node (on
# PostgreSQL, 200–300 ms at the median on this 2-core machine), so that fewer threads would fall
# below the rate. In flight are rate × latency writes whatever the threads: these only leave room.
WRITER_THREADS_PER_NODE = 16
# A thread that fell further behind its grid than this moves the grid on instead of sending a burst:
# the rate the writer reaches is then below WRITE_RATE, and says so.
LATE_LIMIT_S = 0.2
PG_SCHEMA = "bench_writes"

SEED_DOMAIN = "bench-writes"
SEED_PASSWORD = "Bench-writes-1"


def hex_id(*parts):
    return hashlib.sha256(":".join(("bench-writes",) + tuple(map(str, parts))).encode()).hexdigest()[:32]


def write_seed(path):
    """The part's seed: one domain, user and access key, one project; the read instance X with
    SEEDED_READ manual backups and WRITE_INSTANCES RDS MySQL instances with SEEDED_PER_WRITTEN each,
    all COMPLETED and in the past of the clock (relative times, seed-format.md "Times"), so that a
    backup created now is the newest of its instance. No policy: nothing but the writer writes."""
    domain, project = hex_id("domain"), hex_id("project")
    ak = "BENCHWR" + hex_id("ak")[:13].upper()
    sk = hex_id("sk") + hex_id("sk2")[:8]
    doc = {"domains": [{"name": SEED_DOMAIN, "id": domain,
                        "users": [{"name": "admin", "password": SEED_PASSWORD,
                                   "access_keys": [{"access": ak, "secret": sk}]}],
                        "projects": [{"id": project, "name": "cn-north-4"}]}],
           "instances": [], "backups": []}
    mysql = {"type": "MySQL", "version": "8.0"}
    read = hex_id("instance", "read") + "in01"
    doc["instances"].append({"id": read, "project_id": project, "service": "rds", "name": "rds-mysql-read",
                             "datastore": dict(mysql)})
    written = [hex_id("instance", n) + "in01" for n in range(WRITE_INSTANCES)]
    for n, iid in enumerate(written):
        doc["instances"].append({"id": iid, "project_id": project, "service": "rds", "name": f"rds-mysql-w{n:04d}",
                                 "datastore": dict(mysql)})

    def backups(owner, count, hours_apart):
        for i in range(count):
            hours = (i + 1) * hours_apart
            doc["backups"].append({"instance_id": owner, "id": hex_id("backup", owner, i) + "br01",
                                   "name": f"manual-{i:04d}", "type": "manual", "status": "COMPLETED",
                                   "size": 1024 * (i + 1), "begin_time": f"now-{hours}h@+0800",
                                   "end_time": f"now-{hours * 60 - 10}m@+0800", "associated_with_ddm": False})

    backups(read, SEEDED_READ, 6)
    for iid in written:
        backups(iid, SEEDED_PER_WRITTEN, 24)
    path.write_text(json.dumps(doc))
    return {"ak": ak, "sk": sk, "project": project, "read": read, "written": written}


def store_command(bin_path, store_url, env, *args):
    """One `backupd` store command (seed), timed; refuses to go on when it fails."""
    argv = [bin_path, *args, "--store", store_url]
    t = time.monotonic()
    proc = processes.start(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        out, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        processes.stop(proc, signal.SIGKILL)
        raise SystemExit(f"bench: `backupd {' '.join(args)}` did not finish in 300 s")
    finally:
        processes.stop(proc)
    if proc.returncode != 0:
        raise SystemExit(f"bench: `backupd {' '.join(args)}` failed ({proc.returncode}): "
                         f"{out.decode(errors='replace')[-1500:]}")
    return time.monotonic() - t


class Node:
    """One `backupd serve` on the part's store, with the control API (its token through the
    environment: it stays out of process listings), pinned to one CPU when the machine has two."""

    def __init__(self, name, bin_path, store_url, env, token, log_path, pin):
        self.name, self.token, self.log = name, token, log_path
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        argv = ([] if pin is None else ["taskset", "-c", str(pin)]) + [
            bin_path, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--store", store_url]
        log_path.unlink(missing_ok=True)
        t = time.monotonic()
        with open(log_path, "ab") as log:
            self.proc = processes.start(argv, stdout=log, stderr=subprocess.STDOUT,
                                        env={**env, "BACKUPD_CONTROL_TOKEN": token})
        if not wait_health(self.port, self.proc):
            raise SystemExit(f"bench: node {name} did not answer /health (exit {self.proc.poll()}); see {log_path}")
        self.startup_s = round(time.monotonic() - t, 4)

    def control(self, method, path, change=None):
        headers = {"Host": self.host, "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        body = json.dumps(change).encode() if change is not None else b""
        status, answer = http_request(self.port, method, path, headers, body, timeout=60)
        if status != 200:
            raise SystemExit(f"bench: the control API of node {self.name} answered {status}: {answer[:300]!r}")
        return json.loads(answer)

    def stop(self):
        processes.stop(self.proc, signal.SIGTERM)


class Connection:
    """A kept-alive connection to one node, as an SDK client keeps one; SDK-signed requests on it."""

    def __init__(self, node, ak, sk, project):
        self.node, self.ak, self.sk, self.project = node, ak, sk, project
        self.conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)

    def send(self, method, target, headers, body=b""):
        self.conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            self.conn.putheader(k, v)
        self.conn.putheader("Content-Length", str(len(body)))
        self.conn.endheaders(body or None)
        answer = self.conn.getresponse()
        return answer.status, answer.read()

    def create(self, iid, name):
        """W1 (docs/lifecycle.md §3.2), signed as RdsClient.create_manual_backup signs it."""
        body = json.dumps({"instance_id": iid, "name": name}).encode()
        headers = {"User-Agent": sdksign.SDK_USER_AGENT, "Content-Type": "application/json",
                   "X-Project-Id": self.project}
        target, wire, _ = sdksign.sign(self.ak, self.sk, "POST", self.node.host, f"/v3/{self.project}/backups", (),
                                       headers, body)
        return self.send("POST", target, wire, body)

    def first_page(self, iid):
        target, headers = sdksign.sdk_get(self.ak, self.sk, self.node.host, f"/v3/{self.project}/backups",
                                          [("instance_id", iid), ("offset", 0), ("limit", 100)], self.project)
        return self.send("GET", target, headers)

    def close(self):
        self.conn.close()


class Writer:
    """The writing load of one engine: WRITE_RATE creates a second, round-robin over the written
    instances, half through node A and half through node B, from WRITER_THREADS_PER_NODE threads per
    node, each on a fixed grid, the grids evenly interleaved (a steady rate, not bursts). After each
    write through B its thread reads the instance's first page on A, which must hold the new id and
    count every write to the instance made before the read. The counts run across the rounds; each
    round's are kept with that round."""

    def __init__(self, meta, a, b, pin):
        self.meta, self.a, self.b, self.pin = meta, a, b, pin
        self.lock = threading.Lock()
        self.done = {iid: SEEDED_PER_WRITTEN for iid in meta["written"]}  # the backups each instance holds
        self.seq = 0
        self.stale_examples = []

    def next_instance(self):
        """The write's number and its instance. The grids of node A's and node B's threads take turns,
        so consecutive numbers go through alternate nodes; each pass over the (even number of)
        instances is shifted by one, so that an instance written through one node on a pass is
        written through the other on the next."""
        with self.lock:
            n = self.seq
            self.seq += 1
        written = self.meta["written"]
        return n, written[(n + n // len(written)) % len(written)]

    def run(self, stop, deadline):
        """Every thread until `stop` is set or `deadline` (monotonic) passes: the threads and their
        counts ({(node, k): counts}), read while they run by write_counts()."""
        per = {(via, k): {} for k in range(WRITER_THREADS_PER_NODE) for via in ("A", "B")}
        threads = [threading.Thread(target=self.one_thread, args=(via, k, stop, deadline, per[via, k]), daemon=True)
                   for via, k in per]
        for t in threads:
            t.start()
        return threads, per

    @staticmethod
    def merge(per):
        if not all(per.values()):
            return {"crashed": "a writer thread never started"}
        out = {"writes": {"A": 0, "B": 0}, "errors": 0, "error_examples": [], "checked": 0, "stale": 0,
               "late_resets": 0, "seconds": 0, "write_ms": [], "check_ms": []}
        for (via, _), h in per.items():
            out["writes"][via] += h["writes"]
            for k in ("errors", "checked", "stale", "late_resets"):
                out[k] += h[k]
            out["error_examples"] = (out["error_examples"] + h["error_examples"])[:3]
            out["write_ms"] += h["write_ms"]
            out["check_ms"] += h["check_ms"]
            out["seconds"] = max(out["seconds"], h.get("seconds", 0))
        crashed = [h["crashed"] for h in per.values() if h.get("crashed")]
        if crashed:
            out["crashed"] = "; ".join(crashed)
        return out

    def one_thread(self, via, k, stop, deadline, s):
        """The k-th thread of node `via`: its grid, its writes, and after each write through B the
        check on A; its counts in `s`."""
        if self.pin is not None:
            try:
                os.sched_setaffinity(0, {self.pin})  # this thread only: wrk's and node B's core
            except OSError:
                pass
        ak, sk, project = self.meta["ak"], self.meta["sk"], self.meta["project"]
        node = self.a if via == "A" else self.b
        s.update(writes=0, errors=0, error_examples=[], checked=0, stale=0, late_resets=0, write_ms=[], check_ms=[])
        conn, check = Connection(node, ak, sk, project), None
        if via == "B":
            check = Connection(self.a, ak, sk, project)
        threads = 2 * WRITER_THREADS_PER_NODE
        interval = threads / WRITE_RATE
        start = time.monotonic()
        next_t = start + (2 * k + (via == "B")) / WRITE_RATE
        try:
            while not stop.is_set():
                now = time.monotonic()
                if now >= deadline:
                    s["deadline_hit"] = True
                    break
                if next_t > now:
                    stop.wait(next_t - now)
                    continue
                if now - next_t > LATE_LIMIT_S:
                    next_t = now
                    s["late_resets"] += 1
                next_t += interval
                n, iid = self.next_instance()
                t = time.monotonic()
                try:
                    status, body = conn.create(iid, f"bench-write-{n:07d}")
                except (OSError, http.client.HTTPException) as error:
                    status, body = None, str(error).encode()
                    conn.close()
                    conn = Connection(node, ak, sk, project)
                s["write_ms"].append((time.monotonic() - t) * 1000)
                s["writes"] += 1
                if status != 200:
                    s["errors"] += 1
                    if len(s["error_examples"]) < 3:
                        s["error_examples"].append(f"node {via}: {status} {body[:200]!r}")
                    continue
                with self.lock:
                    self.done[iid] += 1
                    at_least = self.done[iid]  # a thread of node A may add one more before the read
                if check is None:
                    continue
                new_id = json.loads(body)["backup"]["id"]
                t = time.monotonic()
                try:
                    status, page = check.first_page(iid)
                except (OSError, http.client.HTTPException) as error:
                    status, page = None, str(error).encode()
                    check.close()
                    check = Connection(self.a, ak, sk, project)
                s["check_ms"].append((time.monotonic() - t) * 1000)
                s["checked"] += 1
                doc = json.loads(page) if status == 200 else {}
                ids = [x["id"] for x in doc.get("backups", [])]
                total = doc.get("total_count")
                if status != 200 or new_id not in ids or total is None or total < at_least:
                    s["stale"] += 1
                    if len(self.stale_examples) < 5:
                        self.stale_examples.append(
                            f"{iid[:8]}…: status {status}, new id {'in' if new_id in ids else 'NOT in'} the first page, "
                            f"total_count {total} (at least {at_least})")
        except Exception as error:  # noqa: BLE001 - reported with the round, which then fails
            s["crashed"] = f"{type(error).__name__}: {error}"
        finally:
            s["seconds"] = round(time.monotonic() - start, 3)
            for c in (conn, check):
                if c is not None:
                    c.close()

    def sweep(self, nodes):
        """After the rounds: every written instance's first page on every node, against the writes
        made to it. The differences, as text."""
        ak, sk, project = self.meta["ak"], self.meta["sk"], self.meta["project"]
        problems, reads = [], 0
        for node in nodes:
            conn = Connection(node, ak, sk, project)
            try:
                for iid in self.meta["written"]:
                    status, page = conn.first_page(iid)
                    reads += 1
                    total = json.loads(page).get("total_count") if status == 200 else None
                    if total != self.done[iid]:
                        problems.append(f"node {node.name}, {iid[:8]}…: total_count {total} (status {status}), "
                                        f"expected {self.done[iid]}")
            finally:
                conn.close()
        return reads, problems


def write_counts(per):
    """The writes and checks the writer's threads have made so far (read while they run)."""
    return sum(h.get("writes", 0) for h in per.values()), sum(h.get("checked", 0) for h in per.values())


def summary(values):
    if not values:
        return None, None
    v = sorted(values)
    return round(v[len(v) // 2], 2), round(v[min(len(v) - 1, int(len(v) * 0.99))], 2)


def engine_half(engine, store_url, env, bin_path, meta, opts, work, token, db_pid=None):
    """One engine: nodes A and B on the fresh store, the building time set to 0, the pre-flight
    read, then the alternated rounds (read-only, writing), the final sweep, the servers' logs."""
    pinned = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
    result = {"engine": engine, "pinned": pinned, "rounds": opts.writes_rounds, "duration": opts.duration,
              "warmup": opts.warmup, "write_rate": WRITE_RATE,
              "writer_threads_per_node": WRITER_THREADS_PER_NODE, "runs": []}
    nodes = []
    try:
        a = Node("A", bin_path, store_url, env, token, work / "logs" / f"backupd-writes-{engine.lower()}-A.log",
                 0 if pinned else None)
        nodes.append(a)
        b = Node("B", bin_path, store_url, env, token, work / "logs" / f"backupd-writes-{engine.lower()}-B.log",
                 1 if pinned else None)
        nodes.append(b)
        result["startup_s"] = {"A": a.startup_s, "B": b.startup_s}
        # A W1 refuses (409) while a full backup of its instance is BUILDING: with no building time,
        # a create is COMPLETED at once, and the next create on the instance is never refused.
        result["timings"] = a.control("PUT", "/_backupd/v1/timings", {"rds_building": 0})
        query = [("instance_id", meta["read"]), ("offset", 0), ("limit", 100)]
        target, headers = sdksign.sdk_get(meta["ak"], meta["sk"], a.host, f"/v3/{meta['project']}/backups", query,
                                          meta["project"])
        status, body = http_request(a.port, "GET", target, headers)
        if status != 200:
            raise SystemExit(f"bench: the read instance answered {status} on node A: {body[:300]!r}")
        doc = json.loads(body)
        result["read"] = {"request": target, "items": len(doc["backups"]), "total": doc["total_count"],
                          "body_bytes": len(body)}
        if doc["total_count"] != SEEDED_READ:
            raise SystemExit(f"bench: the read instance lists {doc['total_count']} backups, expected {SEEDED_READ}")
        writer = Writer(meta, a, b, 1 if pinned else None)
        url = f"http://127.0.0.1:{a.port}{target}"
        cpu = 1 if pinned else None
        pgids = (a.proc.pid, b.proc.pid)
        t_end = time.monotonic() + 60 * 10
        for r in range(opts.writes_rounds):
            for kind in (("read-only", "writing") if r % 2 == 0 else ("writing", "read-only")):
                if time.monotonic() > t_end:
                    raise SystemExit("bench: the reads-while-writing rounds went over 10 minutes")
                run = {"round": r, "kind": kind}
                result["runs"].append(run)
                stop, threads, per = threading.Event(), [], {}
                if kind == "writing":
                    # The writer runs through the warm-up too: the measured run starts in its steady state.
                    threads, per = writer.run(stop, time.monotonic() + opts.warmup + opts.duration + 60)
                try:
                    if opts.warmup > 0:
                        wrk(url, headers, 32, opts.warmup, pin=cpu, threads=1)
                    before = {n.name: server_cpu_s(n.proc.pid) for n in nodes}
                    w_before = write_counts(per)
                    figures = wrk(url, headers, 32, opts.duration, pgid=pgids, db_pid=db_pid, pin=cpu, threads=1)
                    used = {n.name: server_cpu_s(n.proc.pid) for n in nodes}
                    w_after = write_counts(per)
                finally:
                    stop.set()
                    for t in threads:
                        t.join(30)
                stats = Writer.merge(per) if threads else {}
                thread = threads[0] if threads else None
                alive = any(t.is_alive() for t in threads)
                run.update(figures)
                if not figures.get("failed") and figures.get("requests"):
                    if before["A"] is not None and used["A"] is not None:
                        run["cpu_us_per_request"] = round((used["A"] - before["A"]) / figures["requests"] * 1e6, 1)
                    if before["B"] is not None and used["B"] is not None:
                        run["node_b_cpu_s"] = round(used["B"] - before["B"], 3)
                if thread is not None and (alive or stats.get("crashed") or "writes" not in stats):
                    run["failed"] = ("the writer did not stop" if alive else
                                     f"the writer stopped on an error: {stats.get('crashed', 'it never started')}")
                elif thread is not None:
                    w = {k: stats[k] for k in ("writes", "errors", "error_examples", "checked", "stale", "late_resets",
                                               "seconds")}
                    total = sum(stats["writes"].values())
                    w["rate"] = round(total / stats["seconds"], 1) if stats["seconds"] else 0.0
                    seconds = figures.get("duration_us", 0) / 1e6
                    w["during_run"] = w_after[0] - w_before[0]
                    w["checked_during_run"] = w_after[1] - w_before[1]
                    w["rate_during_run"] = round(w["during_run"] / seconds, 1) if seconds else None
                    w["write_p50_ms"], w["write_p99_ms"] = summary(stats["write_ms"])
                    w["check_p50_ms"], w["check_p99_ms"] = summary(stats["check_ms"])
                    run["writer"] = w
                say(f"  {engine} round {r} {kind:<9} "
                    + (f"FAILED: {run['failed']}" if run.get("failed") else
                       f"{run['rps']:>8,.0f} req/s  p50 {run['p50_us'] / 1000:6.3f}  p99 {run['p99_us'] / 1000:6.3f} ms  "
                       f"{run.get('cpu_us_per_request', 0):6.1f} µs CPU/request  other work {run.get('other_cpu_pct', 0):.0f}%")
                    + (f"  | {run['writer']['rate']:.1f} writes/s (A {run['writer']['writes']['A']}, "
                       f"B {run['writer']['writes']['B']}, {run['writer']['errors']} non-2xx, p50 "
                       f"{run['writer']['write_p50_ms']} ms), {run['writer']['stale']} stale of "
                       f"{run['writer']['checked']}" if "writer" in run else ""))
        result["writes_total"] = writer.seq
        result["stale_examples"] = writer.stale_examples
        reads, problems = writer.sweep(nodes)
        result["sweep"] = {"reads": reads, "stale": len(problems), "examples": problems[:5]}
        status, body = http_request(a.port, "GET", target, headers)
        result["read_total_after"] = json.loads(body).get("total_count") if status == 200 else None
    finally:
        for node in nodes:
            node.stop()
    result["nodes"] = {}
    statuses = {}
    for node in nodes:
        log = log_summary(node.log)
        result["nodes"][node.name] = {"log": log}
        for code, n in log["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    result["log"] = {"statuses": statuses}
    summarize(result)
    return result


def summarize(result):
    """Medians per kind of run, each round's ratio, the writer's and the checks' totals."""
    for kind in ("read-only", "writing"):
        good = [x for x in result["runs"] if x["kind"] == kind and not x.get("failed")]
        entry = {"runs": len(good)}
        if good:
            entry.update(median_rps=round(statistics.median(x["rps"] for x in good), 1),
                         min_rps=min(x["rps"] for x in good), max_rps=max(x["rps"] for x in good),
                         median_p50_us=statistics.median(x["p50_us"] for x in good),
                         median_p99_us=statistics.median(x["p99_us"] for x in good),
                         max_other_cpu_pct=max((x.get("other_cpu_pct") or 0) for x in good))
            cpu = [x["cpu_us_per_request"] for x in good if "cpu_us_per_request" in x]
            entry["median_cpu_us"] = round(statistics.median(cpu), 1) if cpu else None
        result[kind.replace("-", "_")] = entry
    ro = {x["round"]: x for x in result["runs"] if x["kind"] == "read-only" and not x.get("failed")}
    wr = {x["round"]: x for x in result["runs"] if x["kind"] == "writing" and not x.get("failed")}
    ratios = [wr[k]["rps"] / ro[k]["rps"] for k in sorted(wr) if k in ro]
    cpu = [wr[k]["cpu_us_per_request"] / ro[k]["cpu_us_per_request"] for k in sorted(wr)
           if k in ro and wr[k].get("cpu_us_per_request") and ro[k].get("cpu_us_per_request")]
    result["paired"] = {"rps_ratios": [round(x, 3) for x in ratios],
                        "median_rps_ratio": round(statistics.median(ratios), 3) if ratios else None,
                        "median_cpu_ratio": round(statistics.median(cpu), 3) if cpu else None}
    writers = [x["writer"] for x in result["runs"] if "writer" in x]
    result["writer"] = {
        "writes": sum(sum(w["writes"].values()) for w in writers),
        "through_a": sum(w["writes"]["A"] for w in writers), "through_b": sum(w["writes"]["B"] for w in writers),
        "errors": sum(w["errors"] for w in writers),
        "checked": sum(w["checked"] for w in writers), "stale": sum(w["stale"] for w in writers),
        "median_rate": statistics.median(w["rate"] for w in writers) if writers else None,
        "min_rate": min((w["rate"] for w in writers), default=None),
        "median_rate_during_run": statistics.median(w["rate_during_run"] for w in writers
                                                    if w.get("rate_during_run") is not None) if writers else None}


def writes_part(bin_path, opts, work, results, phases):
    """Issue 13's reads-while-writing part: SQLite, then PostgreSQL unless --no-postgres."""
    folder = work / "writes"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    seed = folder / "seed.json"
    meta = write_seed(seed)
    token = secrets.token_hex(16)
    part = {"params": {"seeded_read": SEEDED_READ, "write_instances": WRITE_INSTANCES,
                       "seeded_per_written": SEEDED_PER_WRITTEN, "write_rate": WRITE_RATE,
                       "rounds": opts.writes_rounds, "seed_bytes": seed.stat().st_size},
            "engines": {}}
    results["writes"] = part
    env = {**os.environ}
    if opts.log_level:
        env["LOG_LEVEL"] = opts.log_level

    def sqlite():
        store = folder / "sqlite" / "store.sqlite"
        store.parent.mkdir()
        seed_s = store_command(bin_path, f"sqlite:{store}", env, "seed", str(seed))
        say(f"  SQLite: seed loaded in {seed_s:.1f} s into {store}")
        half = engine_half("SQLite", f"sqlite:{store}", env, bin_path, meta, opts, work, token)
        half["seed_s"], half["store_bytes"] = round(seed_s, 2), store_size(store)["total"]
        return half

    part["engines"]["sqlite"] = phases.run("writes", "reads while writing: SQLite, two nodes on one file", sqlite)
    if opts.no_postgres:
        part["postgres_skipped"] = "--no-postgres"
        return part
    cluster = PostgresCluster(work)

    def postgres():
        cluster.start()
        settings = cluster.settings()
        url = cluster.empty_schema(PG_SCHEMA)
        pg_env = {**cluster.env, **({"LOG_LEVEL": opts.log_level} if opts.log_level else {})}
        seed_s = store_command(bin_path, url, pg_env, "seed", str(seed))
        say(f"  PostgreSQL: seed loaded in {seed_s:.1f} s into schema {PG_SCHEMA}")
        half = engine_half("PostgreSQL", url, pg_env, bin_path, meta, opts, work, token, cluster.postmaster_pid())
        half["seed_s"], half["settings"] = round(seed_s, 2), settings
        half["store_bytes"] = cluster.named_schema_bytes(PG_SCHEMA)
        return half

    try:
        part["engines"]["postgres"] = phases.run("writes", "reads while writing: PostgreSQL, two nodes on one schema",
                                                 postgres)
    finally:
        cluster.stop()
    return part
