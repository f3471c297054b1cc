"""backupd's benchmark (issue 5). Run it through bench/run, which builds the release binary and the
Python environment first; `bench/run --help` lists the options.

Phases: catalogs (generated once per parameter set and reused), one backupd per catalog driven by wrk
with SDK-signed requests, the nginx and moto references, then the figures, the ratios, the targets,
bench/RESULTS.md and the raw JSON in the work directory. Everything listens on 127.0.0.1, every load
loop runs for a fixed time, and every process started here is killed when the run ends, however it ends.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import platform
import re
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

import sdksign

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "report.lua"

# name: (instances, backups, random seed). The 10M catalog holds the 250,000-backup instances of issue 5.
CATALOGS = {
    "10k": (1_000, 10_000, 5),
    "1m": (20_000, 1_000_000, 5),
    "10m": (100_000, 10_000_000, 5),
}
CATALOG_LABEL = {"10k": "10,000", "1m": "1,000,000", "10m": "10,000,000"}
# The catalog of the ratio targets (issue 5: "from a 1,000,000-backup catalog").
RATIO_CATALOG = "1m"
DEEP_OFFSET = 200_000
MB = 1_000_000
TARGET_NAMES = ["rds_page100", "rds_page10", "rds_deep", "rds_filter", "rds_window", "rds_offsite", "taurus_incr",
                "dcs_v1", "dcs_v2", "ddm_detail"]


# ---------------------------------------------------------------------------------------------
# Processes: every child is the leader of its own process group and is listed here (and in a
# pid file the bash driver reads), so that whatever ends the run also ends them.

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


CHILDREN = None


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


# ---------------------------------------------------------------------------------------------
# Small helpers

def say(text=""):
    print(text, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_text(argv, **kw):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, **kw)
        return (out.stdout + out.stderr).strip()
    except Exception as error:  # noqa: BLE001 - a missing tool is reported, not fatal
        return f"unavailable ({error})"


def http_request(port, method, target, headers, body=b"", timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if body:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def status_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


HZ = os.sysconf("SC_CLK_TCK")


def process_ticks(pgids, db_pid=None):
    """CPU time (user + system, clock ticks) of the live processes of these process groups, and of a
    PostgreSQL postmaster and its children: each backend leads a session of its own, so it is found
    by its parent, not by its group."""
    server = db = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command: state ppid pgrp session ... utime (14th field overall) stime (15th).
        ticks = int(fields[11]) + int(fields[12])
        if int(fields[2]) in pgids:
            server += ticks
        elif db_pid and db_pid in (int(entry.name), int(fields[1])):
            db += ticks
    return server, db


def cpu_snapshot(pgids, db_pid=None):
    """What the other work on the machine used is the machine's user+system time less the servers'
    groups, the database's processes, this process and its reaped children (wrk). irq/softirq time
    (loopback traffic) is left out."""
    try:
        cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        busy = int(cpu[0]) + int(cpu[1]) + int(cpu[2])
    except (OSError, IndexError, ValueError):
        return None
    import resource
    ours = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (ours.ru_utime + ours.ru_stime + kids.ru_utime + kids.ru_stime) * HZ
    server, db = process_ticks(pgids, db_pid) if pgids or db_pid else (0, 0)
    return {"t": time.monotonic(), "busy": busy, "server": server, "db": db, "own": own}


def machine_pct(before, after, ticks):
    """`ticks` of CPU between two snapshots as a share of the whole machine (all cores), in %."""
    capacity = (after["t"] - before["t"]) * HZ * (os.cpu_count() or 1)
    return round(max(ticks, 0) / capacity * 100, 1) if capacity > 0 else None


def other_cpu_pct(before, after):
    """The share of the machine (all cores) that other work used between two snapshots, in %."""
    if not before or not after:
        return None
    ours = sum(after[k] - before[k] for k in ("server", "db", "own"))
    return machine_pct(before, after, after["busy"] - before["busy"] - ours)


class RSSSampler(threading.Thread):
    """Samples VmRSS and VmHWM of a process every `interval` seconds."""

    def __init__(self, pid, interval=0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kb = 0
        self.hwm_kb = 0
        self.samples = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(self.interval)

    def sample(self):
        rss, hwm = status_kb(self.pid, "VmRSS"), status_kb(self.pid, "VmHWM")
        if rss is not None:
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.samples += 1
        if hwm is not None:
            self.hwm_kb = max(self.hwm_kb, hwm)
        return hwm

    def stop(self):
        self.halt.set()
        self.join(2)
        self.sample()


class Phases:
    def __init__(self):
        self.start = time.monotonic()
        self.rows = []

    def run(self, name, fn, *args, **kw):
        t = time.monotonic()
        say(f"\n== {name}")
        try:
            return fn(*args, **kw)
        finally:
            seconds = time.monotonic() - t
            self.rows.append({"phase": name, "seconds": round(seconds, 1), "loadavg_1m": round(os.getloadavg()[0], 2)})
            say(f"== {name}: {seconds:.1f} s (run so far {time.monotonic() - self.start:.0f} s)")


# ---------------------------------------------------------------------------------------------
# wrk

def wrk(url, headers, connections, duration, timeout_s=10, env=None, pgid=None, db_pid=None):
    """One bounded wrk run; returns the figures of report.lua's done() plus the error total, and
    (given the server's process group) how much of the machine other work used meanwhile."""
    return measured(lambda: _wrk(url, headers, connections, duration, timeout_s, env), pgid, db_pid)


def wrk_split(jobs, duration, pgids, db_pid=None):
    """wrk runs started together, one per (url, headers, connections): the load split between
    several nodes. Requests/s are summed and the latency histograms merged, so the percentiles
    are those of all requests together."""
    def run():
        runs = [None] * len(jobs)

        def one(i, url, headers, connections):
            runs[i] = _wrk(url, headers, connections, duration, threads=1, env={"BENCH_HISTOGRAM": "1"})

        threads = [threading.Thread(target=one, args=(i, *job)) for i, job in enumerate(jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return merge_runs(runs)
    return measured(run, pgids, db_pid)


def measured(load, pgid, db_pid):
    """Runs `load` and adds the shares of the machine that the servers (a process group, or a
    tuple of them), the database and other work used meanwhile."""
    pgids = (pgid,) if isinstance(pgid, int) else tuple(pgid or ())
    before = cpu_snapshot(pgids, db_pid)
    result = load()
    after = cpu_snapshot(pgids, db_pid)
    if pgids and before and after:
        result["other_cpu_pct"] = other_cpu_pct(before, after)
        result["server_cpu_pct"] = machine_pct(before, after, after["server"] - before["server"])
        if db_pid:
            result["db_cpu_pct"] = machine_pct(before, after, after["db"] - before["db"])
    return result


def merge_runs(runs):
    """One figure out of wrk runs taken at the same time; percentiles as wrk computes them
    (the first latency whose cumulated count reaches the rank) over the merged histogram."""
    failed = [r["failed"] for r in runs if r.get("failed")]
    if failed:
        return {"failed": "; ".join(failed), "error_total": -1}
    histogram = {}
    for r in runs:
        for value, count in r.pop("histogram"):
            histogram[value] = histogram.get(value, 0) + count
    values = sorted(histogram)
    count = sum(histogram.values())

    def percentile(p):
        rank, seen = round(p / 100 * count + 0.5), 0
        for v in values:
            seen += histogram[v]
            if seen >= rank:
                return v
        return values[-1]

    errors = {k: sum(r["errors"][k] for r in runs) for k in runs[0]["errors"]}
    return {"requests": sum(r["requests"] for r in runs), "duration_us": max(r["duration_us"] for r in runs),
            "bytes": sum(r["bytes"] for r in runs), "rps": sum(r["rps"] for r in runs),
            "p50_us": percentile(50), "p90_us": percentile(90), "p99_us": percentile(99),
            "p999_us": percentile(99.9), "max_us": max(r["max_us"] for r in runs),
            "mean_us": round(sum(v * n for v, n in histogram.items()) / max(count, 1), 1),
            "errors": errors, "error_total": sum(errors.values()),
            "connections": sum(r["connections"] for r in runs), "threads": sum(r["threads"] for r in runs),
            "per_node": [{k: r[k] for k in ("connections", "rps", "p50_us", "p99_us")} for r in runs]}


def _wrk(url, headers, connections, duration, timeout_s=10, env=None, threads=None):
    threads = threads or (1 if connections < 2 else 2)
    duration = max(1, int(round(duration)))  # wrk takes whole seconds
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
            "--timeout", f"{timeout_s}s", "-s", str(LUA)]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    argv.append(url)
    proc = CHILDREN.start(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env={**os.environ, **(env or {})})
    try:
        out, _ = proc.communicate(timeout=duration + timeout_s + 20)
    except subprocess.TimeoutExpired:
        CHILDREN.stop(proc, signal.SIGKILL)
        return {"failed": "wrk did not finish in time", "error_total": -1}
    finally:
        CHILDREN.stop(proc)
    line = next((l for l in out.splitlines() if l.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        return {"failed": f"wrk exited {proc.returncode}: {out.strip()[-400:]}", "error_total": -1}
    result = json.loads(line[len("BENCH_JSON "):])
    result["connections"], result["threads"] = connections, threads
    hist = next((l for l in out.splitlines() if l.startswith("BENCH_HIST ")), None)
    if hist is not None:
        result["histogram"] = [tuple(map(int, pair.split(":"))) for pair in hist.split()[1:]]
    result["error_total"] = sum(result["errors"].values())
    # errors.status counts answers >= 400; wrk counts no 3xx as errors, so the pre-flight request of
    # every target checks for a 200 too.
    if result["error_total"]:
        result["failed"] = "errors: " + ", ".join(f"{k} {v}" for k, v in result["errors"].items() if v)
    if result["requests"] == 0:
        result["failed"] = "no request completed"
    return result


# ---------------------------------------------------------------------------------------------
# Catalogs

def generator_fingerprint(engine="Sources/BackupdSQLite"):
    """What a stored catalog depends on besides its parameters: the sources of the store's engine,
    the model and the generator (committed tree and uncommitted changes)."""
    paths = [engine, "Sources/BackupdCatalog", "Sources/BackupdAPI/Seed"]
    paths += [str(p.relative_to(ROOT)) for p in (ROOT / "Sources").rglob("*enerat*")]
    h = hashlib.sha256()
    for p in sorted(set(paths)):
        h.update(p.encode())
        h.update(run_text(["git", "-C", str(ROOT), "rev-parse", f"HEAD:{p}"]).encode())
        if os.environ.get("BENCH_SOURCE") != "head":
            h.update(subprocess.run(["git", "-C", str(ROOT), "diff", "HEAD", "--", p],
                                    capture_output=True).stdout)
    return h.hexdigest()[:16]


def has_generate(bin_path):
    out = subprocess.run([bin_path, "generate", "--help"], capture_output=True, text=True, timeout=30)
    return out.returncode == 0


class SQLiteCatalogs:
    """Catalogs as SQLite stores, a folder each under <work>/catalogs."""
    engine = "SQLite"
    env = None

    def __init__(self, work):
        self.base = work / "catalogs"

    def url(self, folder):
        return f"sqlite:{folder / 'store.sqlite'}"

    def holds(self, folder):
        return True

    def discard(self, folder):
        shutil.rmtree(folder, ignore_errors=True)


def prepare_catalog(name, bin_path, stores, fingerprint, reuse_any):
    instances, backups, seed = CATALOGS[name]
    params = {"instances": instances, "backups": backups, "random_seed": seed}
    key = hashlib.sha256(json.dumps({**params, "sources": fingerprint}, sort_keys=True).encode()).hexdigest()[:12]
    base = stores.base
    base.mkdir(parents=True, exist_ok=True)
    folder = base / f"{name}-{key}"
    label = name if stores.engine == "SQLite" else f"{name} ({stores.engine})"

    def usable(f):
        return (f / "meta.json").exists() and stores.holds(f)

    if not usable(folder) and reuse_any:
        # --reuse-catalogs: any complete catalog of these parameters, whatever sources made it.
        for other in sorted(base.glob(f"{name}-*/meta.json"), key=lambda p: p.stat().st_mtime, reverse=True):
            if json.loads(other.read_text()).get("params") == params and usable(other.parent):
                folder = other.parent
                break
    meta_file = folder / "meta.json"
    if usable(folder):
        meta = json.loads(meta_file.read_text())
        say(f"{label}: reusing {folder.name} (generated {meta['generated_at']} in {meta['seconds']:.1f} s, "
            f"{meta['rate']:,.0f} backups/s)")
        return folder, {**meta, "cached": True}
    # Catalogs of other parameters or sources are stale: remove them (the 10M one is large).
    for stale in base.glob(f"{name}-*"):
        stores.discard(stale)
    folder.mkdir()
    creds, log = folder / "credentials.json", folder / "generate.log"
    t = time.monotonic()
    argv = [bin_path, "generate", "--instances", str(instances), "--backups", str(backups),
            "--random-seed", str(seed), "--store", stores.url(folder), "--credentials-out", str(creds)]
    say(f"{label}: generating {backups:,} backups over {instances:,} instances: {' '.join(argv[1:])}")
    with open(log, "wb") as out:
        proc = CHILDREN.start(argv, stdout=out, stderr=subprocess.STDOUT, env=stores.env)
        try:
            code = proc.wait(timeout=1200)
        except subprocess.TimeoutExpired:
            code = "timeout (1200 s)"
        CHILDREN.stop(proc)
    seconds = time.monotonic() - t
    if code != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log: was the folder removed?)"
        stores.discard(folder)
        raise SystemExit(f"bench: generating the {label} catalog failed ({code}):\n{tail}")
    meta = {"params": params, "sources": fingerprint, "key": key, "seconds": round(seconds, 2),
            "rate": round(backups / seconds), "generated_at": now_iso()}
    meta_file.write_text(json.dumps(meta, indent=1))
    say(f"{label}: generated in {seconds:.1f} s, {backups / seconds:,.0f} backups/s")
    return folder, {**meta, "cached": False}


def store_size(store):
    db = store.stat().st_size if store.exists() else 0
    wal_path = Path(str(store) + "-wal")
    wal = wal_path.stat().st_size if wal_path.exists() else 0
    return {"db": db, "wal": wal, "total": db + wal}


# ---------------------------------------------------------------------------------------------
# Credentials of a generated catalog

def load_credentials(path):
    data = json.loads(Path(path).read_text())
    users = {}
    for domain in data.get("domains", []):
        for user in domain.get("users", []):
            keys = user.get("access_keys") or []
            if keys:
                entry = (keys[0]["access"], keys[0]["secret"])
                users[user["name"]] = entry
                users[(domain.get("name"), user["name"])] = entry
                for k in keys:
                    users[k["access"]] = (k["access"], k["secret"])
    return data, users


def sample_key(sample, users):
    """The AK/SK a sample names: its own access/secret, an access key, or a user (with its domain)."""
    if isinstance(sample.get("access"), str) and isinstance(sample.get("secret"), str):
        return sample["access"], sample["secret"]
    for field in ("access_key", "ak", "access"):
        if isinstance(sample.get(field), str) and sample[field] in users:
            return users[sample[field]]
    if isinstance(sample.get("access_key"), dict):
        return sample["access_key"]["access"], sample["access_key"]["secret"]
    user = sample.get("user")
    if isinstance(user, dict):
        if user.get("access_keys"):
            return user["access_keys"][0]["access"], user["access_keys"][0]["secret"]
        user = user.get("name")
    domain = sample.get("domain")
    if isinstance(domain, dict):
        domain = domain.get("name")
    if (domain, user) in users:
        return users[(domain, user)]
    if user in users:
        return users[user]
    raise SystemExit(f"bench: no access key for the sample {json.dumps(sample)}")


def pick_sample(samples, *names):
    for n in names:
        if n in samples:
            return samples[n]
    raise SystemExit(f"bench: the credentials file has no sample named {' or '.join(names)} "
                     f"(it has {', '.join(samples)})")


# ---------------------------------------------------------------------------------------------
# backupd under load

class Target:
    def __init__(self, name, label, ak, sk, project_id, path, query):
        self.name, self.label = name, label
        self.ak, self.sk, self.project_id = ak, sk, project_id
        self.path, self.query = path, list(query)
        self.target = self.headers = None
        self.signed_at = None

    def sign(self, host):
        self.target, self.headers = sdksign.sdk_get(self.ak, self.sk, host, self.path, self.query, self.project_id)
        self.signed_at = time.monotonic()

    def fetch(self, port):
        return http_request(port, "GET", self.target, self.headers)


def list_items(doc):
    for key in ("backups", "backup_record_response"):
        if key in doc:
            return doc[key], doc.get("total_count", doc.get("total_num"))
    return ([doc] if "id" in doc else []), None


def build_targets(creds_path, port):
    data, users = load_credentials(creds_path)
    samples = data.get("samples") or {}
    host = f"127.0.0.1:{port}"
    rds = pick_sample(samples, "rds", "rds_largest")
    off = pick_sample(samples, "rds_offsite", "offsite", "rds_cross_region")
    tau = pick_sample(samples, "taurusdb", "taurus", "gaussdb")
    dcs = pick_sample(samples, "dcs")
    ddm = pick_sample(samples, "ddm")

    ak, sk = sample_key(rds, users)
    p, inst = rds["project_id"], rds["instance_id"]
    rds_path = f"/v3/{p}/backups"
    first = Target("rds_page100", "RDS list, first page of 100", ak, sk, p, rds_path,
                   [("instance_id", inst), ("offset", 0), ("limit", 100)])
    first.sign(host)
    status, body = first.fetch(port)
    if status != 200:
        raise SystemExit(f"bench: {first.label} answered {status}: {body[:300]!r}")
    items, total = list_items(json.loads(body))
    # The deep page: offset 200,000 when the instance has 250,000 backups; on smaller catalogs the
    # same position relative to the instance (80%), so that every catalog measures a deep page.
    deep = DEEP_OFFSET if total >= DEEP_OFFSET + 100 else max(0, total * 4 // 5)
    last = Target("probe", "oldest record", ak, sk, p, rds_path,
                  [("instance_id", inst), ("offset", max(total - 1, 0)), ("limit", 1)])
    last.sign(host)
    status, body = last.fetch(port)
    oldest = list_items(json.loads(body))[0]
    newest_t = parse_time(items[0]["begin_time"])
    oldest_t = parse_time(oldest[0]["begin_time"]) if oldest else newest_t - datetime.timedelta(days=365)
    span = newest_t - oldest_t
    window = (fmt_time(oldest_t + span / 10), fmt_time(newest_t + datetime.timedelta(seconds=1)))

    targets = [
        first,
        Target("rds_page10", "RDS list, first page of 10", ak, sk, p, rds_path,
               [("instance_id", inst), ("offset", 0), ("limit", 10)]),
        Target("rds_deep", f"RDS list, deep page (offset {deep:,})", ak, sk, p, rds_path,
               [("instance_id", inst), ("offset", deep), ("limit", 100)]),
        Target("rds_filter", "RDS list, backup_type=auto&status=COMPLETED", ak, sk, p, rds_path,
               [("instance_id", inst), ("backup_type", "auto"), ("status", "COMPLETED"), ("offset", 0), ("limit", 100)]),
        Target("rds_window", "RDS list, window over the newest 90%", ak, sk, p, rds_path,
               [("instance_id", inst), ("begin_time", window[0]), ("end_time", window[1]), ("offset", 0), ("limit", 100)]),
    ]
    ak2, sk2 = sample_key(off, users)
    off_project = off.get("offsite_project_id") or off.get("holding_project_id") or off["project_id"]
    off_type = off.get("backup_type")
    if off_type is None and isinstance(off.get("auto_backups"), int) and isinstance(off.get("incremental_backups"), int):
        # The longer of the instance's two lists of copies.
        off_type = "incremental" if off["incremental_backups"] > off["auto_backups"] else "auto"
    off_target = Target("rds_offsite", "RDS cross-region list", ak2, sk2, off_project, f"/v3/{off_project}/offsite-backups",
                        [("instance_id", off["instance_id"]), ("backup_type", off_type or "auto"),
                         ("offset", 0), ("limit", 100)])
    if off_type is None:
        # Whichever kind of copy the instance has: auto first, else incremental.
        off_target.sign(host)
        status, body = off_target.fetch(port)
        if status == 200 and not list_items(json.loads(body))[0]:
            off_target.query[1] = ("backup_type", "incremental")
    targets.append(off_target)
    ak3, sk3 = sample_key(tau, users)
    targets.append(Target("taurus_incr", "TaurusDB incrementals, page of 100", ak3, sk3, tau["project_id"],
                          f"/v3/{tau['project_id']}/instances/{tau['instance_id']}/incremental-backups",
                          [("offset", 0), ("limit", 100)]))
    ak4, sk4 = sample_key(dcs, users)
    dcs_p, dcs_i = dcs["project_id"], dcs["instance_id"]
    targets.append(Target("dcs_v1", "DCS v1.0 list (start, limit=100)", ak4, sk4, dcs_p,
                          f"/v1.0/{dcs_p}/instances/{dcs_i}/backups", [("start", 1), ("limit", 100)]))
    targets.append(Target("dcs_v2", "DCS v2 list (offset, limit=100)", ak4, sk4, dcs_p,
                          f"/v2/{dcs_p}/instances/{dcs_i}/backups", [("offset", 0), ("limit", 100)]))
    ak5, sk5 = sample_key(ddm, users)
    targets.append(Target("ddm_detail", "DDM backup detail", ak5, sk5, ddm["project_id"],
                          f"/v3/{ddm['project_id']}/instances/{ddm['instance_id']}/backups/{ddm['backup_id']}", []))
    for t in targets:
        t.label = t.label if t.name != "rds_offsite" else f"RDS cross-region list ({dict(t.query)['backup_type']})"
        t.sign(host)  # once per target at the start of the catalog's phase
    return targets, total


def parse_time(text):
    return datetime.datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z")


def fmt_time(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


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


def evict_page_cache(paths):
    """Drops the pages of these files (only these) from the page cache; True when it could."""
    done = False
    for p in paths:
        try:
            fd = os.open(p, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            done = True
        except OSError:
            pass
        finally:
            os.close(fd)
    return done


def io_read_bytes(pid):
    try:
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def log_summary(path, keep=200):
    """Counts the request lines of the server log by status, then trims it to its head and tail."""
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


def bench_catalog(name, folder, meta, bin_path, opts, work):
    store, creds = folder / "store.sqlite", folder / "credentials.json"
    result = {"catalog": name, "params": meta["params"], "generation": meta,
              "store_bytes": store_size(store), "targets": {}}
    port = free_port()
    log_path = work / "logs" / f"backupd-{name}.log"
    log_path.parent.mkdir(exist_ok=True)
    env = {**os.environ}
    if opts.log_level:
        env["LOG_LEVEL"] = opts.log_level
    argv = [bin_path, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", f"sqlite:{store}"]
    # A first start with the store out of the page cache (what a start after a reboot or a long pause
    # finds; the kernel here also reclaims idle cache on its own), then the server that takes the load.
    evicted = evict_page_cache([store, Path(str(store) + "-wal"), Path(str(store) + "-shm")])
    with open(log_path, "wb") as log:
        t0 = time.monotonic()
        cold = CHILDREN.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        if not wait_health(port, cold):
            raise SystemExit(f"bench: backupd did not answer /health on the {name} catalog "
                             f"(exit {cold.poll()}); see {log_path}")
        result["startup_cold_s"] = round(time.monotonic() - t0, 4)
        result["startup_cold_read_bytes"] = io_read_bytes(cold.pid)
        result["page_cache_evicted"] = evicted
    finally:
        CHILDREN.stop(cold, signal.SIGTERM)
    with open(log_path, "ab") as log:
        t0 = time.monotonic()
        proc = CHILDREN.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    sampler = RSSSampler(proc.pid)
    sampler.start()
    try:
        if not wait_health(port, proc):
            raise SystemExit(f"bench: backupd did not answer /health on the {name} catalog "
                             f"(exit {proc.poll()}); see {log_path}")
        result["startup_s"] = round(time.monotonic() - t0, 4)
        result["rss_after_start_kb"] = status_kb(proc.pid, "VmRSS")
        cold_read = result["startup_cold_read_bytes"]
        say(f"{name}: /health 200 after {result['startup_cold_s'] * 1000:.0f} ms from a cold page cache"
            + (f" (read {cold_read / MB:,.1f} MB from disk)" if cold_read is not None else "")
            + f", {result['startup_s'] * 1000:.0f} ms warm; store "
            f"{result['store_bytes']['db'] / MB:,.0f} MB + wal {result['store_bytes']['wal'] / MB:,.0f} MB")
        targets, total = build_targets(creds, port)
        result["largest_rds_instance_backups"] = total
        url = f"http://127.0.0.1:{port}"
        for t in targets:
            if opts.targets and t.name not in opts.targets:
                continue
            if time.monotonic() - t.signed_at > 12 * 60:
                t.sign(f"127.0.0.1:{port}")  # keep X-Sdk-Date well inside the 15-minute window
            status, body = t.fetch(port)
            entry = {"label": t.label, "request": t.target, "status": status, "body_bytes": len(body), "runs": {}}
            result["targets"][t.name] = entry
            if status != 200:
                entry["failed"] = f"pre-flight answered {status}: {body[:200]!r}"
                say(f"  {t.name}: FAILED {entry['failed']}")
                continue
            items, count = list_items(json.loads(body))
            entry["items"], entry["total"] = len(items), count
            if t.name in ("rds_page100", "rds_page10"):
                (work / "bodies").mkdir(exist_ok=True)
                (work / "bodies" / f"{name}-{t.name}.json").write_bytes(body)
            if opts.warmup > 0:
                warm = wrk(url + t.target, t.headers, 32, opts.warmup, pgid=proc.pid)
                if warm.get("failed"):
                    say(f"  {t.name} warm-up: {warm['failed']}")
            for c in opts.connections:
                run = wrk(url + t.target, t.headers, c, opts.duration, pgid=proc.pid)
                run["hwm_kb_after"] = sampler.sample()
                entry["runs"][f"c{c}"] = run
                say("  " + fmt_run(t.name, c, run, entry))
        sampler.stop()
        result["peak_rss_kb"] = max(sampler.hwm_kb, sampler.peak_rss_kb)
        result["rss_samples"] = sampler.samples
        result["rss_at_end_kb"] = status_kb(proc.pid, "VmRSS")
        result["store_bytes_after"] = store_size(store)
        say(f"{name}: peak RSS {result['peak_rss_kb'] * 1024 / MB:.1f} MB (VmHWM, {sampler.samples} samples)")
    finally:
        sampler.stop()
        CHILDREN.stop(proc, signal.SIGTERM)
    result["log"] = log_summary(log_path)
    return result


def fmt_run(name, c, run, entry):
    if run.get("failed"):
        return f"{name:<12} c{c:<3} FAILED: {run['failed']}"
    tot = entry.get("total")
    items = f"{entry.get('items', '')}/{tot}" if tot is not None else f"{entry.get('items', '')}"
    other, db = run.get("other_cpu_pct"), run.get("db_cpu_pct")
    return (f"{name:<12} c{c:<3} {run['rps']:>10,.0f} req/s  p50 {run['p50_us'] / 1000:7.3f}  p99 "
            f"{run['p99_us'] / 1000:7.3f}  p999 {run['p999_us'] / 1000:7.3f} ms  items {items}"
            + (f"  PostgreSQL {db:.0f}%" if db is not None else "")
            + (f"  other work {other:.0f}%" if other is not None else ""))


# ---------------------------------------------------------------------------------------------
# PostgreSQL (issue 6): the page of 100 from one node, then two, on one PostgreSQL database

# The catalogs the PostgreSQL part makes (the 10M one would take the run's whole budget to load).
PG_CATALOGS = ("10k", "1m")
PG_TARGET = "rds_page100"
PG_NODES = 2
# The cluster's configuration that RESULTS.md reports.
PG_SETTINGS = ("server_version", "shared_buffers", "fsync", "synchronous_commit", "full_page_writes",
               "max_connections", "work_mem", "effective_cache_size")


class PostgresCluster:
    """The benchmark's throw-away cluster (scripts/pg-cluster, on 127.0.0.1) in <work>/pg, made once and
    kept between runs with its catalogs, a schema each (their credentials and metadata in
    <work>/pg-catalogs), like the SQLite stores. It runs only during the PostgreSQL part; stop() ends
    it however the part ends, and bench/run stops it if this process could not."""

    engine = "PostgreSQL"

    def __init__(self, work):
        self.dir = work / "pg"
        self.base = work / "pg-catalogs"
        self.state_file = self.base / "cluster.json"
        self.port = self.password = None
        bindir = os.environ.get("BACKUPD_PG_BINDIR")
        self.psql = str(Path(bindir) / "psql") if bindir else (shutil.which("psql") or "psql")

    @property
    def env(self):
        # backupd reads the password from its environment: it stays out of process listings.
        return {**os.environ, "BACKUPD_PG_PASSWORD": self.password}

    def script(self, command, *args):
        out = subprocess.run([str(ROOT / "scripts" / "pg-cluster"), command, str(self.dir), *args],
                             capture_output=True, text=True, timeout=180)
        return out.returncode, (out.stdout + out.stderr).strip()

    def start(self):
        """Starts the kept cluster, or makes a new, empty one when there is none or it does not start."""
        state = json.loads(self.state_file.read_text()) if self.state_file.exists() else None
        if state and (self.dir / "data" / "PG_VERSION").exists():
            code, out = self.script("start")
            if code == 0:
                self.port, self.password = state["port"], state["password"]
                say(f"postgres: the kept cluster in {self.dir} started, port {self.port}")
                return
            say(f"postgres: the kept cluster did not start ({out[-300:]}); making a new one")
        self.script("destroy")
        # The catalogs recorded for the old cluster went with it.
        shutil.rmtree(self.base, ignore_errors=True)
        self.base.mkdir(parents=True)
        port, password = free_port(), secrets.token_hex(16)
        t = time.monotonic()
        code, out = self.script("create", str(port), password)
        if code != 0:
            raise SystemExit(f"bench: scripts/pg-cluster create failed: {out[-1000:]}")
        self.port, self.password = port, password
        self.state_file.write_text(json.dumps({"port": port, "password": password, "created_at": now_iso()}))
        self.state_file.chmod(0o600)
        say(f"postgres: new cluster in {self.dir}, port {port} ({time.monotonic() - t:.1f} s)")

    def postmaster_pid(self):
        """The cluster's live postmaster, or None: a pid file a crash left may name another process by now."""
        try:
            pid = int((self.dir / "data" / "postmaster.pid").read_text().split("\n", 1)[0])
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return None
        return pid if str(self.dir / "data").encode() in argv else None

    def stop(self):
        if self.postmaster_pid() is None:
            return
        code, out = self.script("stop")
        if code != 0 and self.postmaster_pid() is not None:
            say(f"postgres: fast shutdown failed ({out[-200:]}); killing the postmaster")
            self.script("kill")
        say("postgres: cluster stopped")

    def sql(self, query):
        out = subprocess.run([self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                              "-p", str(self.port), "-U", "backupd", "-d", "backupd", "-c", query],
                             capture_output=True, text=True, timeout=120, env={**os.environ, "PGPASSWORD": self.password})
        if out.returncode != 0:
            raise SystemExit(f"bench: psql failed on {query!r}: {out.stderr.strip()[-500:]}")
        return out.stdout.strip()

    def settings(self):
        names = ", ".join(f"'{n}'" for n in PG_SETTINGS)
        rows = self.sql(f"SELECT name || '=' || current_setting(name) FROM unnest(ARRAY[{names}]) AS name")
        return dict(line.split("=", 1) for line in rows.splitlines())

    # The store protocol of prepare_catalog: a catalog is the schema named after its folder.

    @staticmethod
    def schema(folder):
        return "bench_" + folder.name.replace("-", "_")

    def url(self, folder):
        return f"postgres://backupd@127.0.0.1:{self.port}/backupd?schema={self.schema(folder)}"

    def holds(self, folder):
        return self.sql(f"SELECT count(*) FROM pg_namespace WHERE nspname = '{self.schema(folder)}'") == "1"

    def discard(self, folder):
        self.sql(f'DROP SCHEMA IF EXISTS "{self.schema(folder)}" CASCADE')
        shutil.rmtree(folder, ignore_errors=True)

    def schema_bytes(self, folder):
        """The schema's tables with their indexes and TOAST."""
        return int(self.sql("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace "
                            f"WHERE n.nspname = '{self.schema(folder)}' AND c.relkind IN ('r', 'p', 'm')"))


def serve_default(bin_path, flag):
    """The default of one of `backupd serve`'s options, from its --help."""
    m = re.search(rf"^\s+--{flag} <[^>]+>.*?\(default: ([^)]+)\)", run_text([bin_path, "serve", "--help"]),
                  re.S | re.M)
    return m.group(1) if m else None


def bench_postgres(name, folder, meta, cluster, bin_path, opts, work, sqlite_body):
    """The page of 100 from one node on the catalog's schema, then from two nodes sharing it, the load
    split between them; `sqlite_body` (this run's answer on SQLite, if any) checks the bytes."""
    result = {"catalog": name, "params": meta["params"], "generation": meta, "schema": cluster.schema(folder),
              "store_bytes": cluster.schema_bytes(folder), "setups": {}}
    env = cluster.env
    if opts.log_level:
        env["LOG_LEVEL"] = opts.log_level
    db_pid = cluster.postmaster_pid()
    nodes = []

    def start_node():
        port = free_port()
        log_path = work / "logs" / f"backupd-pg-{name}-node{len(nodes) + 1}.log"
        argv = [bin_path, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", cluster.url(folder)]
        with open(log_path, "wb") as log:
            t0 = time.monotonic()
            proc = CHILDREN.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        node = {"proc": proc, "port": port, "log": log_path, "sampler": RSSSampler(proc.pid)}
        nodes.append(node)
        node["sampler"].start()
        if not wait_health(port, proc):
            raise SystemExit(f"bench: backupd on PostgreSQL ({name}) did not answer /health "
                             f"(exit {proc.poll()}); see {log_path}")
        node["startup_s"] = round(time.monotonic() - t0, 4)
        return node

    def measure(setup, target):
        entry = {"label": target.label, "nodes": len(setup), "runs": {}}
        jobs, bodies = [], []
        for node in setup:
            host = f"127.0.0.1:{node['port']}"
            target.sign(host)  # the signature covers Host: each node gets its own headers
            status, body = http_request(node["port"], "GET", target.target, target.headers)
            if status != 200:
                entry["failed"] = f"pre-flight answered {status}: {body[:200]!r}"
                say(f"  {PG_TARGET} on {len(setup)} node(s): FAILED {entry['failed']}")
                return entry
            jobs.append((f"http://{host}{target.target}", dict(target.headers)))
            bodies.append(body)
        items, total = list_items(json.loads(bodies[0]))
        entry.update(request=target.target, status=200, body_bytes=len(bodies[0]), items=len(items), total=total,
                     same_bytes_as_sqlite=None if sqlite_body is None else all(b == sqlite_body for b in bodies))
        pgids = tuple(node["proc"].pid for node in setup)

        def load(per_node, seconds):
            if len(jobs) == 1:
                return wrk(jobs[0][0], jobs[0][1], per_node, seconds, pgid=pgids, db_pid=db_pid)
            return wrk_split([(url, headers, per_node) for url, headers in jobs], seconds, pgids, db_pid)

        if opts.warmup > 0:
            warm = load(32 // len(jobs), opts.warmup)
            if warm.get("failed"):
                say(f"  warm-up: {warm['failed']}")
        for c in opts.connections:
            # The connections are split between the nodes; one connection becomes one per node.
            per_node = max(1, c // len(jobs))
            run = load(per_node, opts.duration)
            run["per_node_connections"] = per_node
            entry["runs"][f"c{per_node * len(jobs)}"] = run
            say("  " + fmt_run(f"pg {len(jobs)} node{'s' if len(jobs) > 1 else ''}", per_node * len(jobs), run, entry))
        return entry

    try:
        first = start_node()
        targets, total = build_targets(folder / "credentials.json", first["port"])
        result["largest_rds_instance_backups"] = total
        target = next(t for t in targets if t.name == PG_TARGET)
        result["setups"]["1 node"] = measure([first], target)
        start_node()
        result["setups"][f"{PG_NODES} nodes"] = measure(nodes, target)
    finally:
        for node in nodes:
            node["sampler"].stop()
            CHILDREN.stop(node["proc"], signal.SIGTERM)
    result["nodes"] = []
    statuses = {}
    for node in nodes:
        log = log_summary(node["log"])
        for status, n in log["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
        result["nodes"].append({"startup_s": node.get("startup_s"), "log": log,
                                "peak_rss_kb": max(node["sampler"].hwm_kb, node["sampler"].peak_rss_kb)})
    result["log"] = {"statuses": statuses}
    return result


def postgres_part(names, bin_path, opts, work, results, phases):
    """The cluster started (made the first time), its catalogs generated or reused, the nodes measured,
    and the cluster stopped, however this ends."""
    cluster = PostgresCluster(work)
    part = results["postgres"]
    try:
        def catalogs():
            cluster.start()
            part["cluster"] = {"settings": cluster.settings(), "pool_size": serve_default(bin_path, "pg-pool-size"),
                               "query_timeout_ms": serve_default(bin_path, "pg-query-timeout")}
            fingerprint = generator_fingerprint("Sources/BackupdPostgres")
            return {n: prepare_catalog(n, bin_path, cluster, fingerprint, opts.reuse_catalogs) for n in names}

        prepared = phases.run("PostgreSQL: cluster and catalogs", catalogs)
        for n in names:
            folder, meta = prepared[n]
            body = work / "bodies" / f"{n}-{PG_TARGET}.json"
            measured_here = PG_TARGET in results["catalogs"].get(n, {}).get("targets", {})
            part["catalogs"][n] = phases.run(f"PostgreSQL on the {n} catalog", bench_postgres, n, folder, meta,
                                             cluster, bin_path, opts, work,
                                             body.read_bytes() if measured_here and body.exists() else None)
    finally:
        cluster.stop()


# ---------------------------------------------------------------------------------------------
# References

def nginx_reference(bodies, opts, work):
    """nginx from Debian serving the exact bytes backupd answered, as static files."""
    result = {"version": run_text(["nginx", "-v"]), "runs": {}}
    prefix = Path(tempfile.mkdtemp(prefix="backupd-bench-nginx-"))
    try:
        www = prefix / "www"
        www.mkdir()
        for n, data in bodies.items():
            (www / f"{n}.json").write_bytes(data)
        (prefix / "tmp").mkdir()
        port = free_port()
        conf = prefix / "nginx.conf"
        temp_paths = "".join(f"    {k}_temp_path {prefix}/tmp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf.write_text(f"""# written by bench/bench.py: a foreground, unprivileged nginx on loopback
worker_processes auto;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000000;
    types {{ }}
    default_type "application/json;charset=UTF-8";
{temp_paths}    server {{
        listen 127.0.0.1:{port};
        root {www};
    }}
}}
""")
        argv = ["nginx", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
        if os.geteuid() == 0:
            # Unprivileged: the whole nginx runs as nobody, not just its workers.
            shutil.chown(prefix, "nobody", "nogroup")
            for p in prefix.rglob("*"):
                shutil.chown(p, "nobody", "nogroup")
            argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] + argv
        proc = CHILDREN.start(argv, stdout=subprocess.DEVNULL, stderr=open(work / "logs" / "nginx.log", "wb"))
        try:
            host = {"Host": f"127.0.0.1:{port}"}
            deadline = time.monotonic() + 15
            while True:
                try:
                    status, data = http_request(port, "GET", "/rds_page100.json", host, timeout=2)
                    if status == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: nginx did not start: {(prefix / 'error.log').read_text(errors='replace')[-500:]}")
                time.sleep(0.05)
            for n, data in bodies.items():
                status, served = http_request(port, "GET", f"/{n}.json", host)
                if status != 200 or served != data:
                    raise SystemExit(f"bench: nginx does not serve the bytes of {n}")
            for n, data in bodies.items():
                url = f"http://127.0.0.1:{port}/{n}.json"
                if opts.warmup > 0:
                    wrk(url, host, 32, opts.warmup, pgid=proc.pid)
                for c in opts.connections:
                    run = wrk(url, host, c, opts.duration, pgid=proc.pid)
                    result["runs"][f"{n}/c{c}"] = run
                    say("  " + fmt_run(f"nginx {n[4:]}", c, run, {"items": len(json.loads(data).get("backups", []))}))
            result["body_bytes"] = {n: len(d) for n, d in bodies.items()}
        finally:
            CHILDREN.stop(proc, signal.SIGTERM)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    return result


def moto_reference(opts, work):
    """moto's server answering DescribeDBSnapshots over 10,000 snapshots."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from importlib.metadata import version

    result = {"version": version("moto"), "runs": {}}
    port = free_port()
    log = open(work / "logs" / "moto.log", "wb")
    proc = CHILDREN.start([sys.executable, str(HERE / "moto_server.py"), "--port", str(port),
                           "--instances", "100", "--per-instance", "100"],
                          stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        ready = read_line(proc, "READY ", 120)
        if ready is None:
            raise SystemExit(f"bench: moto did not start; see {work / 'logs' / 'moto.log'}")
        result["server"] = json.loads(ready)
        say(f"moto {result['version']}: {result['server']['snapshots']:,} snapshots over "
            f"{result['server']['instances']} instances, filled in {result['server']['fill_seconds']:.1f} s")

        def signed(params):
            body = "&".join(f"{k}={v}" for k, v in params)
            request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
            SigV4Auth(Credentials("AKIDBENCHMOTO0000001", "benchMotoSecret"), "rds", "us-east-1").add_auth(request)
            headers = {k: v for k, v in request.headers.items()}
            headers["Host"] = f"127.0.0.1:{port}"
            return body, headers

        base = [("Action", "DescribeDBSnapshots"), ("Version", "2014-10-31")]
        # A page of 100: MaxRecords=100 for one instance's snapshots, out of the 10,000.
        body, headers = signed(base + [("DBInstanceIdentifier", "bench-db-0042"), ("MaxRecords", "100")])
        status, answer = http_request(port, "POST", "/", headers, body.encode())
        if status != 200:
            raise SystemExit(f"bench: moto answered {status}: {answer[:300]!r}")
        result["page_items"] = answer.count(b"<DBSnapshot>")
        result["page_bytes"] = len(answer)
        env = {"BENCH_METHOD": "POST", "BENCH_BODY": body}

        def load(c):
            # At 32 connections every request waits for the 31 before it: allow for it.
            run = wrk(f"http://127.0.0.1:{port}/", headers, c, opts.moto_duration, timeout_s=30, env=env, pgid=proc.pid)
            result["runs"][f"page100/c{c}"] = run
            say("  " + fmt_run("moto page100", c, run, {"items": result["page_items"]}))

        # One connection first: moto goes on answering the requests a 32-connection run left in
        # flight after wrk has gone, and anything measured after it would wait for them.
        for c in sorted(opts.connections):
            if c == 1:
                load(c)
        # The literal request, MaxRecords=100 over all snapshots: moto ignores MaxRecords for
        # DescribeDBSnapshots and answers every snapshot, so it is timed with single calls.
        unfiltered_body, unfiltered_headers = signed(base + [("MaxRecords", "100")])
        times = []
        for _ in range(opts.moto_unfiltered_calls):
            t = time.monotonic()
            status, answer = http_request(port, "POST", "/", unfiltered_headers, unfiltered_body.encode(), timeout=120)
            times.append(time.monotonic() - t)
        if times:
            result["unfiltered"] = {"status": status, "items": answer.count(b"<DBSnapshot>"), "bytes": len(answer),
                                    "seconds": [round(x, 3) for x in times]}
            say(f"  moto MaxRecords=100 without a filter: {result['unfiltered']['items']:,} snapshots returned, "
                f"{', '.join(f'{x:.2f}' for x in times)} s per call")
        for c in sorted(opts.connections):
            if c != 1:
                load(c)
    finally:
        CHILDREN.stop(proc, signal.SIGTERM)
        log.close()
    return result


def read_line(proc, prefix, limit):
    found = []

    def reader():
        for line in proc.stdout:
            if line.startswith(prefix):
                found.append(line[len(prefix):])
                return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(limit)
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# Figures, ratios, targets

def run_of(results, catalog, target, c):
    run = results["catalogs"].get(catalog, {}).get("targets", {}).get(target, {}).get("runs", {}).get(f"c{c}")
    return None if run is None or run.get("failed") else run


def target_row(name, value, limit, passed, detail, issue):
    if passed is False and value:
        if "≥" in name:
            detail += f"; short by {(1 - value / limit) * 100:.0f}% (needs {limit / value:.2f}× the requests/s)"
        else:
            detail += f"; {value / limit:.2f}× the limit"
    return {"target": name, "value": value, "limit": limit, "issue": issue,
            "result": "n/a" if passed is None else ("PASS" if passed else "FAIL"), "detail": detail}


def pg_run(results, catalog, setup, c):
    run = results.get("postgres", {}).get("catalogs", {}).get(catalog, {}).get("setups", {}).get(setup, {}) \
        .get("runs", {}).get(f"c{c}")
    return None if run is None or run.get("failed") else run


def postgres_checks(results):
    """Issue 6: one node on PostgreSQL against one on SQLite (same run, same catalog, page of 100), and
    its p50 from the 10k to the largest PostgreSQL catalog, by the criterion of the SQLite size rows."""
    pg = results.get("postgres", {}).get("catalogs", {})
    if not pg:
        return []
    out = []
    both = [n for n in pg if run_of(results, n, PG_TARGET, 32)]
    cat = max(both, key=lambda n: CATALOGS[n][1]) if both else None
    name = "PostgreSQL: page of 100 at 32 connections, one node: ≥ 50% of SQLite's requests/s (same catalog)"
    one, lite = pg_run(results, cat, "1 node", 32), run_of(results, cat, PG_TARGET, 32)
    if one and lite:
        r = one["rps"] / lite["rps"]
        detail = f"{CATALOG_LABEL[cat]} backups: PostgreSQL {one['rps']:,.0f} vs SQLite {lite['rps']:,.0f} req/s"
        one1, lite1 = pg_run(results, cat, "1 node", 1), run_of(results, cat, PG_TARGET, 1)
        if one1 and lite1:
            detail += f"; at 1 connection {one1['rps']:,.0f} vs {lite1['rps']:,.0f} = {one1['rps'] / lite1['rps']:.2f}"
        out.append(target_row(name, round(r, 3), 0.5, r >= 0.5, detail, issue=6))
    else:
        out.append(target_row(name, None, 0.5, None, "needs the page of 100 on SQLite and PostgreSQL, one catalog", 6))
    small, large = "10k", max(pg, key=lambda n: CATALOGS[n][1])
    name = (f"PostgreSQL: p50 at {CATALOG_LABEL[PG_CATALOGS[-1] if large == small else large]} backups "
            "≤ 1.5× p50 at 10,000, page of 100, one node")
    parts, passed, values = [], True, []
    for c in (1, 32):
        a, z = pg_run(results, small, "1 node", c), pg_run(results, large, "1 node", c)
        if large == small or not (a and z):
            passed = None
            break
        r = z["p50_us"] / max(a["p50_us"], 1)
        values.append(round(r, 2))
        parts.append(f"c{c}: {z['p50_us'] / 1000:.3f} / {a['p50_us'] / 1000:.3f} ms = {r:.2f}×")
        passed = passed and r <= 1.5
    out.append(target_row(name, max(values) if passed is not None else None, 1.5, passed,
                          "; ".join(parts) if passed is not None else "needs the 10k and a larger PostgreSQL catalog", 6))
    return out


def checks(results):
    out = []
    cats = results["catalogs"]
    ratio_cat = RATIO_CATALOG if RATIO_CATALOG in cats else (max(cats, key=lambda k: CATALOGS[k][1]) if cats else None)
    results["ratio_catalog"] = ratio_cat
    ref_note = "" if ratio_cat == RATIO_CATALOG else f" [on the {ratio_cat} catalog, not 1M]"
    nginx = results.get("references", {}).get("nginx", {}).get("runs", {})
    moto = results.get("references", {}).get("moto", {}).get("runs", {})

    def add(name, value, limit, passed, detail):
        out.append(target_row(name, value, limit, passed, detail, issue=5))

    def ok(run):
        return run is not None and not run.get("failed")

    ratios = {}
    for page, file in (("rds_page100", "rds_page100"), ("rds_page10", "rds_page10")):
        b, n = run_of(results, ratio_cat, page, 32), nginx.get(f"{file}/c32")
        size = "100" if page.endswith("100") else "10"
        if ok(b) and ok(n):
            r = b["rps"] / n["rps"]
            ratios[f"page{size}_rps_vs_nginx"] = r
            add(f"Page of {size} at 32 connections: ≥ 25% of nginx's requests/s", round(r, 3), 0.25, r >= 0.25,
                f"backupd {b['rps']:,.0f} vs nginx {n['rps']:,.0f} req/s{ref_note}")
            p = b["p99_us"] / max(n["p99_us"], 1)
            ratios[f"page{size}_p99_vs_nginx"] = p
            if size == "100":
                add("Page of 100 at 32 connections: p99 ≤ 4× nginx's", round(p, 2), 4, p <= 4,
                    f"backupd {b['p99_us'] / 1000:.3f} ms vs nginx {n['p99_us'] / 1000:.3f} ms{ref_note}")
        else:
            add(f"Page of {size} at 32 connections: ≥ 25% of nginx's requests/s", None, 0.25, None, "not measured")
    b, m = run_of(results, ratio_cat, "rds_page100", 32), moto.get("page100/c32")
    if ok(b) and ok(m):
        r = b["rps"] / m["rps"]
        ratios["page100_rps_vs_moto"] = r
        add("Page of 100 at 32 connections: ≥ 500× moto's requests/s", round(r, 1), 500, r >= 500,
            f"backupd {b['rps']:,.0f} vs moto {m['rps']:,.1f} req/s{ref_note}")
    else:
        add("Page of 100 at 32 connections: ≥ 500× moto's requests/s", None, 500, None, "not measured")
    b1, m1 = run_of(results, ratio_cat, "rds_page100", 1), moto.get("page100/c1")
    if ok(b1) and ok(m1):
        ratios["page100_rps_vs_moto_c1"] = b1["rps"] / m1["rps"]
    results["ratios"] = {k: round(v, 4) for k, v in ratios.items()}

    small, large = "10k", "10m"
    names = list(cats.get(small, {}).get("targets", {})) or list(cats.get(large, {}).get("targets", {})) or TARGET_NAMES
    for t in names:
        parts, passed, values = [], True, []
        for c in (1, 32):
            a, z = run_of(results, small, t, c), run_of(results, large, t, c)
            if not (a and z):
                passed = None
                break
            r = z["p50_us"] / max(a["p50_us"], 1)
            values.append(round(r, 2))
            parts.append(f"c{c}: {z['p50_us'] / 1000:.3f} / {a['p50_us'] / 1000:.3f} ms = {r:.2f}×")
            passed = passed and r <= 1.5
        add(f"Size: p50 at 10M ≤ 1.5× p50 at 10k, {t}", max(values) if values and passed is not None else None, 1.5,
            passed, "; ".join(parts) if passed is not None else "needs the 10k and 10M catalogs")

    deep_cat = large if large in cats else None
    for t, what in (("rds_deep", "deep page (offset 200,000)"), ("rds_window", "window over most of the instance")):
        parts, passed, values = [], True, []
        for c in (1, 32):
            d, f = run_of(results, deep_cat, t, c), run_of(results, deep_cat, "rds_page100", c)
            if not (d and f):
                passed = None
                break
            r = d["p50_us"] / max(f["p50_us"], 1)
            values.append(round(r, 2))
            parts.append(f"c{c}: {d['p50_us'] / 1000:.3f} / {f['p50_us'] / 1000:.3f} ms = {r:.2f}×")
            passed = passed and r <= 3
        add(f"Deep pages and totals: {what} p50 ≤ 3× the first page's (10M)",
            max(values) if values and passed is not None else None, 3, passed,
            "; ".join(parts) if passed is not None else "needs the 10M catalog")

    big = cats.get(large)
    if big and "peak_rss_kb" in big:
        mb = big["peak_rss_kb"] * 1024 / MB
        add("Peak RSS ≤ 200 MB serving the 10M catalog under load", round(mb, 1), 200, mb <= 200,
            f"VmHWM {big['peak_rss_kb']:,} kB")
    else:
        add("Peak RSS ≤ 200 MB serving the 10M catalog under load", None, 200, None, "needs the 10M catalog")
    if big and "startup_cold_s" in big:
        cold = big["startup_cold_s"]
        read = big.get("startup_cold_read_bytes")
        add("/health within 1 s of start on the 10M catalog (store not in the page cache)", cold, 1, cold <= 1,
            f"{cold * 1000:.0f} ms from process start to the first 200"
            + (f", {read / MB:,.1f} MB read from disk" if read is not None else "")
            + f"; {big['startup_s'] * 1000:.0f} ms with the store in the page cache")
    else:
        add("/health within 1 s of start on the 10M catalog (store not in the page cache)", None, 1, None,
            "needs the 10M catalog")
    return out + postgres_checks(results)


def failed_runs(results):
    bad = []
    for cat, r in results["catalogs"].items():
        for t, e in r.get("targets", {}).items():
            if e.get("failed"):
                bad.append(f"{cat}/{t}: {e['failed']}")
            for c, run in e.get("runs", {}).items():
                if run.get("failed"):
                    bad.append(f"{cat}/{t}/{c}: {run['failed']}")
        non2xx = {s: n for s, n in r.get("log", {}).get("statuses", {}).items() if not s.startswith("2")}
        if non2xx:
            bad.append(f"{cat}: the server logged non-2xx answers {non2xx}")
    for ref, r in results.get("references", {}).items():
        for k, run in r.get("runs", {}).items():
            if run.get("failed"):
                bad.append(f"{ref}/{k}: {run['failed']}")
    for cat, r in results.get("postgres", {}).get("catalogs", {}).items():
        for setup, e in r.get("setups", {}).items():
            if e.get("failed"):
                bad.append(f"postgres/{cat}/{setup}: {e['failed']}")
            for c, run in e.get("runs", {}).items():
                if run.get("failed"):
                    bad.append(f"postgres/{cat}/{setup}/{c}: {run['failed']}")
        non2xx = {s: n for s, n in r.get("log", {}).get("statuses", {}).items() if not s.startswith("2")}
        if non2xx:
            bad.append(f"postgres/{cat}: the servers logged non-2xx answers {non2xx}")
    return bad


# ---------------------------------------------------------------------------------------------
# Machine and versions

def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = status_line("/proc/meminfo", "MemTotal")
    return {"nproc": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "cpu": cpu,
            "memory_gib": round(int(mem.split()[0]) / 1024 / 1024, 1) if mem else None,
            "kernel": platform.release(), "os": os_name()}


def status_line(path, key):
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def os_name():
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def versions(bin_path):
    commit = run_text(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"])
    source = os.environ.get("BENCH_SOURCE", "tree")
    dirty = ""
    if source == "tree":
        dirty = run_text(["git", "-C", str(ROOT), "status", "--porcelain", "--", "Sources", "Package.swift"])
    from importlib.metadata import version
    wrk_v = run_text(["wrk", "-v"]).splitlines()[0]
    return {"backupd_commit": commit, "built_from": {"tree": "the work tree", "head": "an export of the committed HEAD",
                                                     "prebuilt": "a prebuilt binary (--bin)"}.get(source, source),
            "backupd_sources_dirty": [l[3:] for l in dirty.splitlines() if l.strip()],
            "swift": run_text(["swift", "--version"]).splitlines()[0] if shutil.which("swift") else "unavailable",
            "wrk": wrk_v.split(" Copyright")[0], "nginx": run_text(["nginx", "-v"]).replace("nginx version: ", ""),
            "moto": version("moto"), "python": platform.python_version(),
            "binary_sha256": hashlib.sha256(Path(bin_path).read_bytes()).hexdigest()[:16]}


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# RESULTS.md

def ms(us):
    return f"{us / 1000:.3f}"


def render_markdown(results, checks_rows, command):
    m, v = results["machine"], results["versions"]
    lines = ["# backupd benchmark results", "",
             f"Produced by `{command}` (see `bench/README.md`) on {results['finished'][:10]}, "
             f"in {results['elapsed_s'] / 60:.1f} minutes. The raw figures of this run are in "
             f"`bench/.work/results/{results['run_id']}.json` on the machine that ran it.", "",
             "## Machine and versions", "",
             "| | |", "|---|---|",
             f"| CPU | {m['cpu']}, {m['nproc']} cores (nproc) |",
             f"| Memory | {m['memory_gib']} GiB |",
             f"| Kernel / OS | {m['kernel']} / {m['os']} |",
             f"| backupd | commit `{v['backupd_commit']}`"
             + (f" with uncommitted changes in {', '.join(v['backupd_sources_dirty'])}" if v["backupd_sources_dirty"] else "")
             + f", release build of {v['built_from']} (binary sha256 `{v['binary_sha256']}…`) |",
             f"| Swift | {v['swift']} |",
             f"| wrk | {v['wrk']} |", f"| nginx | {v['nginx']} |", f"| moto | {v['moto']} (Python {v['python']}) |",
             "",
             f"Every request to backupd is signed with SDK-HMAC-SHA256 as the official SDK signs it "
             f"(headers computed once per target at the start of each catalog's phase). wrk runs "
             f"{results['options']['duration']} s per figure with 2 threads at 32 connections and 1 thread at 1 "
             f"connection, after a {results['options']['warmup']} s warm-up at 32 connections. "
             f"Latencies are milliseconds. A run with any error or non-2xx answer is reported as FAILED, not as a figure. "
             f"*Server CPU* is the share of the whole machine ({m['nproc']} cores = 100%) the measured server used during "
             f"the run; *Other work* the share used by processes outside the benchmark (other users of a shared machine): "
             f"above a few percent, the figures of that run are lower than the machine can do.",
             ""]
    if any(c["issue"] == 5 for c in checks_rows):
        lines += ["## Targets (issue 5)", ""] + target_table(c for c in checks_rows if c["issue"] == 5)
    else:
        lines += ["This run measured only the PostgreSQL part (`--postgres-only`) and the SQLite figures it compares "
                  "against; the targets of issue 5 need the whole run."]
    bad = results.get("failed_runs") or []
    if bad:
        lines += ["", "**Failed runs** (errors under load; these are not figures):", ""] + [f"- {b}" for b in bad]
    r = results.get("ratios", {})
    if r:
        lines += ["", f"## Ratios (catalog {results['ratio_catalog']}, 32 connections)", "",
                  "| Ratio | Value |", "|---|---|"]
        names = {"page100_rps_vs_nginx": "backupd/nginx requests/s, page of 100",
                 "page100_p99_vs_nginx": "backupd/nginx p99, page of 100",
                 "page10_rps_vs_nginx": "backupd/nginx requests/s, page of 10",
                 "page10_p99_vs_nginx": "backupd/nginx p99, page of 10",
                 "page100_rps_vs_moto": "backupd/moto requests/s, page of 100",
                 "page100_rps_vs_moto_c1": "backupd/moto requests/s, page of 100, 1 connection"}
        for k, val in r.items():
            lines.append(f"| {names.get(k, k)} | {val:,.3f} |")
    lines += ["", "## Catalogs", "",
              "| Catalog | Instances | Generation | Store on disk (file + wal) | Largest RDS instance | /health after start: cold cache (read from disk) / warm | Peak RSS (VmHWM) | Server log |",
              "|---|---|---|---|---|---|---|---|"]
    for name, c in results["catalogs"].items():
        gen = generation_cell(c["generation"])
        sb = c["store_bytes"]
        statuses = c.get("log", {}).get("statuses", {})
        lines.append(f"| {CATALOG_LABEL[name]} | {c['params']['instances']:,} | {gen} | "
                     f"{sb['total'] / MB:,.1f} MB ({sb['db'] / MB:,.1f} + {sb['wal'] / MB:,.1f}) | "
                     f"{c.get('largest_rds_instance_backups', 0):,} backups | "
                     f"{c.get('startup_cold_s', 0) * 1000:,.0f} ms"
                     + (f" ({c['startup_cold_read_bytes'] / MB:,.1f} MB)" if c.get("startup_cold_read_bytes") is not None else "")
                     + f" / {c.get('startup_s', 0) * 1000:,.0f} ms | {c.get('peak_rss_kb', 0) * 1024 / MB:,.1f} MB | "
                     f"{', '.join(f'{k}: {n:,}' for k, n in sorted(statuses.items()))} |")
    lines += ["", "## backupd, per API", "",
              "| Catalog | API | Items / total | Bytes | Conn. | Requests/s | p50 | p99 | p99.9 | Errors | Server CPU | Other work |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in results["catalogs"].items():
        for t, e in c["targets"].items():
            total = e.get("total")
            it = f"{e.get('items', '')}" + (f" / {total:,}" if total is not None else "")
            if e.get("failed"):
                lines.append(f"| {CATALOG_LABEL[name]} | {e['label']} | | | | FAILED: {e['failed']} | | | | |")
            for k, run in e["runs"].items():
                lines.append(row(CATALOG_LABEL[name], e["label"], it, e["body_bytes"], k, run))
    refs = results.get("references", {})
    if refs:
        lines += ["", "## References", "", "| Server | Response | Items | Bytes | Conn. | Requests/s | p50 | p99 | p99.9 | Errors | Server CPU | Other work |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    ng = refs.get("nginx")
    if ng:
        for k, run in ng["runs"].items():
            f, c = k.split("/")
            lines.append(row(f"nginx {ng['version'].replace('nginx version: nginx/', '')}",
                             f"static file, the bytes of backupd's {'page of 100' if f.endswith('100') else 'page of 10'}",
                             "100" if f.endswith("100") else "10", ng["body_bytes"][f], c, run))
    mo = refs.get("moto")
    if mo:
        for k, run in mo["runs"].items():
            lines.append(row(f"moto {mo['version']}", "DescribeDBSnapshots, MaxRecords=100, one instance's 100 of 10,000 snapshots",
                             mo["page_items"], mo["page_bytes"], k.split("/")[1], run))
        u = mo.get("unfiltered")
        if u:
            lines += ["", f"moto ignores `MaxRecords` for DescribeDBSnapshots: the same call without `DBInstanceIdentifier` "
                          f"returned all {u['items']:,} snapshots ({u['bytes'] / MB:.1f} MB) in "
                          f"{', '.join(f'{s:.2f}' for s in u['seconds'])} s per call. The moto figures above therefore "
                          f"ask for one instance's snapshots (100 of the 10,000), which is the page of 100 moto can answer."]
    lines += render_postgres(results, [c for c in checks_rows if c["issue"] == 6])
    lines += ["", "## Phases", "",
              f"Load average (1 min) when the run started: {results['loadavg_start']}; it is above 2 on two cores when "
              "other work shares the machine, and then every figure is lower than the machine can do.", "",
              "| Phase | Seconds | Load average (1 min) at its end |", "|---|---|---|"]
    for p in results["phases"]:
        lines.append(f"| {p['phase']} | {p['seconds']} | {p.get('loadavg_1m', '')} |")
    lines.append(f"| total | {results['elapsed_s']:.0f} | |")
    notes = results.get("notes")
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def target_table(rows):
    lines = ["| Result | Target | Value | Limit | Detail |", "|---|---|---|---|---|"]
    for c in rows:
        lines.append(f"| **{c['result']}** | {c['target']} | {'' if c['value'] is None else c['value']} | {c['limit']} | {c['detail']} |")
    return lines


def generation_cell(g):
    return f"{g['seconds']:.1f} s, {g['rate']:,.0f} backups/s" + (" (cached)" if g.get("cached") else "")


def render_postgres(results, checks_rows):
    part = results.get("postgres") or {}
    cats = part.get("catalogs") or {}
    if not cats:
        return []
    cluster = part.get("cluster", {})
    st = cluster.get("settings", {})
    lines = ["", "## PostgreSQL (issue 6)", "",
             f"backupd on PostgreSQL {st.get('server_version', '')}, in a cluster the benchmark runs on this machine "
             "(`scripts/pg-cluster` in `bench/.work/pg`, listening on 127.0.0.1), one schema per catalog in one database, "
             "generated by `backupd generate --store postgres://…` from the same parameters and seed as the SQLite stores. "
             f"Settings: shared_buffers {st.get('shared_buffers')}, work_mem {st.get('work_mem')}, effective_cache_size "
             f"{st.get('effective_cache_size')}, max_connections {st.get('max_connections')}, and **fsync "
             f"{st.get('fsync')}, synchronous_commit {st.get('synchronous_commit')}, full_page_writes "
             f"{st.get('full_page_writes')}: a bench/test cluster, not a durable configuration** (it flatters the "
             "generation rate, not the reads). Each node is `backupd serve --store postgres://…` with its defaults: a pool "
             f"of {cluster.get('pool_size')} connections and a {cluster.get('query_timeout_ms')} ms query timeout. The "
             f"database shares the machine's {results['machine']['nproc']} cores with backupd and wrk; *PostgreSQL CPU* is "
             "the share of the machine its processes used.", "",
             "Two nodes share the same schema, and the load is split between them by two wrk processes started together, one "
             "per node with half the connections and a thread each (one connection becomes one per node): requests/s are "
             "added, and the percentiles are those of the two latency histograms merged. An nginx balancing the two nodes "
             "would have put its own hop into the latencies and its own CPU on the same two cores.", "",
             "### Targets", ""] + target_table(checks_rows)
    lines += ["", "### Catalogs", "",
              "| Catalog | Generation into SQLite | Generation into PostgreSQL | PostgreSQL schema (tables, indexes, TOAST) | Largest RDS instance | Same bytes as SQLite | /health after start, per node | Peak RSS (VmHWM), per node | Server logs |",
              "|---|---|---|---|---|---|---|---|---|"]
    same = {True: "yes", False: "**no**", None: "not compared"}
    for name, c in cats.items():
        lite = results["catalogs"].get(name, {}).get("generation")
        compared = [e.get("same_bytes_as_sqlite") for e in c["setups"].values() if "failed" not in e]
        nodes = c.get("nodes", [])
        lines.append(f"| {CATALOG_LABEL[name]} | {generation_cell(lite) if lite else 'not in this run'} | "
                     f"{generation_cell(c['generation'])} | {c['store_bytes'] / MB:,.1f} MB | "
                     f"{c.get('largest_rds_instance_backups', 0):,} backups | "
                     f"{same[None if None in compared or not compared else all(compared)]} | "
                     + " / ".join(f"{n['startup_s'] * 1000:,.0f} ms" for n in nodes if n.get("startup_s") is not None)
                     + " | " + " / ".join(f"{n['peak_rss_kb'] * 1024 / MB:,.1f} MB" for n in nodes) + " | "
                     + ", ".join(f"{k}: {n:,}" for k, n in sorted(c.get("log", {}).get("statuses", {}).items())) + " |")
    lines += ["", "### RDS list, first page of 100", "",
              "| Catalog | Store | Nodes | Conn. | Requests/s | p50 | p99 | p99.9 | Errors | backupd CPU | PostgreSQL CPU | Other work |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in cats.items():
        lite = results["catalogs"].get(name, {}).get("targets", {}).get(PG_TARGET, {})
        for k, run in lite.get("runs", {}).items():
            lines.append(pg_row(name, "SQLite", 1, k, run))
        for setup, e in c["setups"].items():
            if e.get("failed"):
                lines.append(f"| {CATALOG_LABEL[name]} | PostgreSQL | {e['nodes']} | | FAILED: {e['failed']} | | | | | | | |")
            for k, run in e["runs"].items():
                conn = k if e["nodes"] == 1 else f"{k} ({run['per_node_connections']} per node)"
                lines.append(pg_row(name, "PostgreSQL", e["nodes"], conn, run))
    return lines


def pg_row(catalog, store, nodes, conn, run):
    head = f"| {CATALOG_LABEL[catalog]} | {store} | {nodes} | {conn} |"
    if run.get("failed"):
        return f"{head} FAILED: {run['failed']} | | | | | | | |"
    return (f"{head} {run['rps']:,.0f} | {ms(run['p50_us'])} | {ms(run['p99_us'])} | {ms(run['p999_us'])} | 0 | "
            f"{pct(run.get('server_cpu_pct'))} | {pct(run.get('db_cpu_pct'))} | {pct(run.get('other_cpu_pct'))} |")


def pct(v):
    return "" if v is None else f"{v:.0f}%"


def row(a, b, items, size, conn, run):
    if run.get("failed"):
        return f"| {a} | {b} | {items} | {size:,} | {conn} | FAILED: {run['failed']} | | | | | | |"
    return (f"| {a} | {b} | {items} | {size:,} | {conn} | {run['rps']:,.0f} | {ms(run['p50_us'])} | "
            f"{ms(run['p99_us'])} | {ms(run['p999_us'])} | 0 | {pct(run.get('server_cpu_pct'))} | "
            f"{pct(run.get('other_cpu_pct'))} |")


def busy_runs(results, limit=10):
    """Runs during which other work on the machine used more than `limit`% of it."""
    out = []
    for cat, r in results["catalogs"].items():
        for t, e in r.get("targets", {}).items():
            for c, run in e.get("runs", {}).items():
                if (run.get("other_cpu_pct") or 0) > limit:
                    out.append(f"{cat}/{t}/{c} ({run['other_cpu_pct']:.0f}%)")
    for ref, r in results.get("references", {}).items():
        for k, run in r.get("runs", {}).items():
            if (run.get("other_cpu_pct") or 0) > limit:
                out.append(f"{ref}/{k} ({run['other_cpu_pct']:.0f}%)")
    for cat, r in results.get("postgres", {}).get("catalogs", {}).items():
        for setup, e in r.get("setups", {}).items():
            for c, run in e.get("runs", {}).items():
                if (run.get("other_cpu_pct") or 0) > limit:
                    out.append(f"postgres/{cat}/{setup}/{c} ({run['other_cpu_pct']:.0f}%)")
    return out


# ---------------------------------------------------------------------------------------------

def main():
    global CHILDREN
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="options of bench/run itself:\n"
               "  --source tree|head    build the work tree (default) or an export of the committed HEAD\n"
               "                        (in $BENCH_SRC, default bench/.work/src): uncommitted changes stay out\n"
               "  --bin PATH            measure this binary; no build\n"
               "environment: BENCH_WORK, BENCH_SRC, BENCH_VENV, BENCH_TIME_LIMIT (s, default 1800), PYTHON")
    parser.add_argument("--bin", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--work", default=str(HERE / ".work"), help="work directory (default bench/.work)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: the 10k catalog only, 2 s per figure, one unfiltered moto call; "
                             "writes bench/.work/RESULTS-quick.md instead of bench/RESULTS.md")
    parser.add_argument("--catalogs", help="comma-separated subset of 10k,1m,10m (default: all; --quick: 10k)")
    parser.add_argument("--duration", type=int, help="whole seconds per wrk figure (default 5; --quick 2)")
    parser.add_argument("--warmup", type=int, help="whole seconds of warm-up per target at 32 connections (default 1; 0: none)")
    parser.add_argument("--targets", help="comma-separated subset of the API targets (development): " + ",".join(TARGET_NAMES))
    parser.add_argument("--no-references", action="store_true", help="skip nginx and moto")
    pg = parser.add_mutually_exclusive_group()
    pg.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL part")
    pg.add_argument("--postgres-only", action="store_true",
                    help="the PostgreSQL part and the SQLite page of 100 it compares against: no other API target, "
                         "no references; catalogs 10k,1m unless --catalogs says otherwise (--quick: 10k)")
    parser.add_argument("--reuse-catalogs", action="store_true",
                        help="reuse a stored catalog of the same parameters even if the store or generator sources changed")
    parser.add_argument("--log-level", help="LOG_LEVEL for backupd serve (default: backupd's own, info)")
    parser.add_argument("--results", help="where to write the Markdown results")
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target fails")
    opts = parser.parse_args(sys.argv[1:])
    opts.connections = [1, 32]
    if opts.duration is None:
        opts.duration = 2 if opts.quick else 5
    if opts.warmup is None:
        opts.warmup = 1
    opts.moto_duration = max(opts.duration, 3 if opts.quick else 10)
    opts.moto_unfiltered_calls = 1 if opts.quick else 2
    if opts.postgres_only:
        opts.no_references = True
        opts.targets = opts.targets or PG_TARGET
    names = (opts.catalogs or ("10k" if opts.quick else "10k,1m" if opts.postgres_only else "10k,1m,10m")).split(",")
    for n in names:
        if n not in CATALOGS:
            parser.error(f"unknown catalog {n} (10k, 1m, 10m)")
    if opts.targets:
        opts.targets = opts.targets.split(",")
        for t in opts.targets:
            if t not in TARGET_NAMES:
                parser.error(f"unknown target {t}")
    work = Path(opts.work).resolve()
    (work / "logs").mkdir(parents=True, exist_ok=True)
    (work / "results").mkdir(exist_ok=True)
    CHILDREN = Children(work / "children.pids")
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    run_id = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ("-quick" if opts.quick else "")
    results = {"run_id": run_id, "started": now_iso(), "loadavg_start": round(os.getloadavg()[0], 2), "machine": machine(), "versions": versions(opts.bin),
               "options": {"quick": opts.quick, "catalogs": names, "postgres": not opts.no_postgres,
                           "postgres_only": opts.postgres_only, "duration": opts.duration, "warmup": opts.warmup,
                           "connections": opts.connections, "log_level": opts.log_level or "backupd default"},
               "catalogs": {}, "references": {}, "postgres": {"catalogs": {}}, "notes": []}
    phases = Phases()
    if os.environ.get("BENCH_BUILD_SECONDS"):
        phases.rows.append({"phase": "build (bench/run)", "seconds": float(os.environ["BENCH_BUILD_SECONDS"])})
    m = results["machine"]
    say(f"machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gib']} GiB, kernel {m['kernel']}, "
        f"load average {results['loadavg_start']}")
    say(f"backupd {results['versions']['backupd_commit']}, {results['versions']['wrk']}, "
        f"nginx {results['versions']['nginx']}, moto {results['versions']['moto']}")
    if results["versions"]["backupd_sources_dirty"]:
        say(f"note: uncommitted changes in {', '.join(results['versions']['backupd_sources_dirty'])} are in this build")
    if not has_generate(opts.bin):
        raise SystemExit("bench: this backupd has no `generate` command")
    try:
        fingerprint = generator_fingerprint()
        sqlite = SQLiteCatalogs(work)
        prepared = phases.run("catalogs", lambda: {n: prepare_catalog(n, opts.bin, sqlite, fingerprint, opts.reuse_catalogs)
                                                   for n in names})
        for n in names:
            folder, meta = prepared[n]
            results["catalogs"][n] = phases.run(f"backupd on the {n} catalog", bench_catalog, n, folder, meta,
                                                opts.bin, opts, work)
        pg_names = [n for n in names if n in PG_CATALOGS]
        if pg_names and not opts.no_postgres:
            postgres_part(pg_names, opts.bin, opts, work, results, phases)
        if not opts.no_references:
            ref_cat = RATIO_CATALOG if RATIO_CATALOG in names else max(names, key=lambda k: CATALOGS[k][1])
            bodies = {t: (work / "bodies" / f"{ref_cat}-{t}.json").read_bytes() for t in ("rds_page100", "rds_page10")
                      if (work / "bodies" / f"{ref_cat}-{t}.json").exists()}
            if len(bodies) == 2:
                results["references"]["nginx"] = phases.run("nginx reference", nginx_reference, bodies, opts, work)
                results["references"]["nginx"]["catalog"] = ref_cat
            results["references"]["moto"] = phases.run("moto reference", moto_reference, opts, work)
    finally:
        CHILDREN.stop_all()
    results["phases"] = phases.rows
    results["finished"] = now_iso()
    results["elapsed_s"] = round(time.monotonic() - phases.start + float(os.environ.get("BENCH_BUILD_SECONDS", 0)), 1)
    rows = checks(results)
    if opts.postgres_only:
        rows = [c for c in rows if c["issue"] == 6]
    results["checks"] = rows
    results["failed_runs"] = failed_runs(results)
    busy = busy_runs(results)
    if busy:
        results["notes"].append(f"Other work used more than 10% of the machine during {len(busy)} runs: "
                                + ", ".join(busy) + ".")
    if results["elapsed_s"] > 15 * 60:
        results["notes"].append(f"The run took {results['elapsed_s'] / 60:.1f} minutes, over the 15-minute budget.")

    raw = work / "results" / f"{run_id}.json"
    raw.write_text(json.dumps(results, indent=1))
    (work / "results" / "latest.json").write_text(json.dumps(results, indent=1))
    command = "bench/run" + (" --quick" if opts.quick else "") + (f" --catalogs {opts.catalogs}" if opts.catalogs else "") \
        + (" --postgres-only" if opts.postgres_only else " --no-postgres" if opts.no_postgres else "") \
        + (" --reuse-catalogs" if opts.reuse_catalogs else "")
    md_path = Path(opts.results) if opts.results else (work / "RESULTS-quick.md" if opts.quick else HERE / "RESULTS.md")
    md_path.write_text(render_markdown(results, rows, command))

    say("\n== targets")
    for c in rows:
        say(f"{c['result']:<4}  {c['target']}: {'' if c['value'] is None else c['value']} (limit {c['limit']}) {c['detail']}")
    if results["ratios"]:
        say("\n== ratios (catalog " + str(results["ratio_catalog"]) + ", 32 connections)")
        for k, val in results["ratios"].items():
            say(f"{k}: {val:,.3f}")
    say("\n== phases")
    for p in phases.rows:
        say(f"{p['phase']:<32} {p['seconds']:>7.1f} s")
    say(f"{'total':<32} {results['elapsed_s']:>7.1f} s")
    say(f"\nraw figures: {raw}\nresults: {md_path}")
    if results["failed_runs"]:
        say("\nFAILED: runs with errors (no figure is reported for them):")
        for b in results["failed_runs"]:
            say("  " + b)
        return 2
    if opts.strict and any(c["result"] == "FAIL" for c in rows):
        return 3
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        if CHILDREN is not None:
            CHILDREN.stop_all()
