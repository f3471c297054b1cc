"""The PostgreSQL part (issues 6 and 13): a throw-away cluster on 127.0.0.1, the catalogs generated into a
schema each, then, per catalog on a cluster restarted just before (a cold database), the first request
of a freshly started node, the page of 100 from one node and from two nodes sharing the database, the
load split between them by two wrk processes, with PostgreSQL's own CPU beside backupd's. The cluster
runs only during this part and is stopped however the part ends."""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path

from . import processes
from .api_targets import build_targets, first_page_target, list_items
from .catalogs import generator_fingerprint, prepare_catalog
from .loadgen import fmt_run, wrk, wrk_split
from .machine import RSSSampler, now_iso
from .parameters import PG_LISTENING, PG_TARGET, ROOT
from .processes import free_port, http_request, log_summary, run_text, say, wait_health

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

    def restart(self):
        """A fast shutdown and a start: the database's shared buffers are empty afterwards."""
        t = time.monotonic()
        self.stop()
        code, out = self.script("start")
        if code != 0:
            raise SystemExit(f"bench: scripts/pg-cluster start failed: {out[-1000:]}")
        return time.monotonic() - t

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
        return self.schema_url(self.schema(folder))

    def schema_url(self, schema):
        return f"postgres://backupd@127.0.0.1:{self.port}/backupd?schema={schema}"

    def empty_schema(self, schema):
        """The store URL of `schema`, dropped first if it exists (a part's store of its own)."""
        self.sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        return self.schema_url(schema)

    def holds(self, folder):
        return self.sql(f"SELECT count(*) FROM pg_namespace WHERE nspname = '{self.schema(folder)}'") == "1"

    def discard(self, folder):
        self.empty_schema(self.schema(folder))
        shutil.rmtree(folder, ignore_errors=True)

    def schema_bytes(self, folder):
        return self.named_schema_bytes(self.schema(folder))

    def named_schema_bytes(self, schema):
        """The schema's tables with their indexes and TOAST."""
        return int(self.sql("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace "
                            f"WHERE n.nspname = '{schema}' AND c.relkind IN ('r', 'p', 'm')"))


def serve_default(bin_path, flag):
    """The default of one of `backupd serve`'s options, from its --help."""
    m = re.search(rf"^\s+--{flag} <[^>]+>.*?\(default: ([^)]+)\)", run_text([bin_path, "serve", "--help"]),
                  re.S | re.M)
    return m.group(1) if m else None


def bench_postgres(name, folder, meta, cluster, bin_path, opts, work, sqlite_body):
    """The page of 100 from one node on the catalog's schema, then from two nodes sharing it, the load
    split between them; `sqlite_body` (this run's answer on SQLite, if any) checks the bytes. The cluster
    is restarted first, so that the first node's first request finds a cold database; every node's first
    API request (the page of 100, right after its /health answered 200) is recorded, whatever it answers."""
    result = {"catalog": name, "params": meta["params"], "generation": meta, "schema": cluster.schema(folder),
              "store_bytes": cluster.schema_bytes(folder), "setups": {}}
    result["cluster_restart_s"] = round(cluster.restart(), 2)
    say(f"postgres: cluster restarted in {result['cluster_restart_s']:.1f} s (a cold database for {name})")
    env = cluster.env
    if opts.log_level:
        env["LOG_LEVEL"] = opts.log_level
    db_pid = cluster.postmaster_pid()
    nodes = []
    first_target = first_page_target(folder / "credentials.json")

    def start_node(*flags):
        port = free_port()
        log_path = work / "logs" / f"backupd-pg-{name}-node{len(nodes) + 1}.log"
        argv = [bin_path, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", cluster.url(folder), *flags]
        with open(log_path, "wb") as log:
            t0 = time.monotonic()
            proc = processes.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        node = {"n": len(nodes) + 1, "proc": proc, "port": port, "log": log_path, "sampler": RSSSampler(proc.pid)}
        nodes.append(node)
        node["sampler"].start()
        if not wait_health(port, proc):
            raise SystemExit(f"bench: backupd on PostgreSQL ({name}) did not answer /health "
                             f"(exit {proc.poll()}); see {log_path}")
        node["startup_s"] = round(time.monotonic() - t0, 4)
        node["first_request"] = first_request(node, first_target, cold=len(nodes) == 1)
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
        # One node again, learning revisions from NOTIFY instead of reading them per request.
        for node in nodes:
            node["sampler"].stop()
            processes.stop(node["proc"], signal.SIGTERM)
        listening = start_node("--pg-revision-notifications")
        result["setups"][PG_LISTENING] = measure([listening], target)
    finally:
        for node in nodes:
            node["sampler"].stop()
            processes.stop(node["proc"], signal.SIGTERM)
    result["nodes"] = []
    statuses = {}
    for node in nodes:
        log = log_summary(node["log"])
        for status, n in log["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
        result["nodes"].append({"startup_s": node.get("startup_s"), "log": log, "first_request": node.get("first_request"),
                                "peak_rss_kb": max(node["sampler"].hwm_kb, node["sampler"].peak_rss_kb)})
    result["log"] = {"statuses": statuses}
    return result


def first_request(node, target, cold):
    """The node's first API request, the page of 100 (SDK-signed): its status and time, however it is
    answered (a 5xx, a deadline or no answer is recorded, not raised; what follows then fails the run)."""
    target.sign(f"127.0.0.1:{node['port']}")
    t = time.monotonic()
    try:
        status, body = http_request(node["port"], "GET", target.target, target.headers, timeout=60)
        out = {"status": status, "bytes": len(body)}
        if status != 200:
            out["answer"] = body[:200].decode(errors="replace")
    except OSError as error:
        out = {"status": None, "answer": f"no answer: {error}"}
    out.update(seconds=round(time.monotonic() - t, 4), cold_database=cold)
    say(f"  first request of node {node['n']}{' (cold database)' if cold else ''}: "
        f"{out['status'] or out['answer']} in {out['seconds'] * 1000:.0f} ms")
    return out


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

        prepared = phases.run("postgres", "PostgreSQL: cluster and catalogs", catalogs)
        for n in names:
            folder, meta = prepared[n]
            body = work / "bodies" / f"{n}-{PG_TARGET}.json"
            measured_here = PG_TARGET in results["catalogs"].get(n, {}).get("targets", {})
            part["catalogs"][n] = phases.run("postgres", f"PostgreSQL on the {n} catalog", bench_postgres, n, folder,
                                             meta, cluster, bin_path, opts, work,
                                             body.read_bytes() if measured_here and body.exists() else None)
    finally:
        cluster.stop()
