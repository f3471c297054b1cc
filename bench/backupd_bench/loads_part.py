"""Bulk loads (issue 13): how fast `backupd generate` and `backupd seed` fill a store, from the command's
start to its exit (wall clock: the process, opening the store, the load and whatever the loader does at
the end, such as rebuilding indexes). Every run loads afresh, into stores of its own under
<work>/loads/, removed when the part ends (the catalogs of the other parts are cached and would time
nothing):

    SQLite      generate LOADS_CATALOG into an empty store (A)                            target
                export A as a seed file (timed: a figure)
                seed that file into another empty store (B)                               target
                generate the same counts with another random seed on top of A (a store
                already holding the first catalog; new accounts, gen-<seed>-<n>)          a figure
    PostgreSQL  generate LOADS_CATALOG into an empty schema of the benchmark's cluster    target

The export has no passwords or secret keys (seed-format.md): the seed loads its users and keys without
them, which is what a seed file written by hand may do too, and spares the load the password hashing."""

import re
import resource
import shutil
import subprocess
import time

from . import processes
from .catalogs import store_size
from .machine import cpu_snapshot, other_cpu_pct
from .parameters import CATALOGS, LOADS_CATALOG, MB
from .postgres_part import PostgresCluster
from .processes import say

PG_SCHEMA = "bench_loads"
# A load that takes longer than this has gone wrong (1,000,000 backups at 10,000/s take 100 s).
LOAD_TIMEOUT_S = 900
# What backupd prints at the end: `generate` its own time and rate, `seed` what it loaded.
GENERATED = re.compile(r"in ([\d.]+) s: (\d+) backups/s")
SEEDED = re.compile(r"loaded (\d+) records: .*?(\d+) backups")


def timed(argv, env, log_path, other_work=True):
    """One backupd command from its start to its exit: the wall-clock seconds, the CPU it used (a reaped
    child's, from getrusage), the share of the machine other work used meanwhile (SQLite only: the
    CPU of a PostgreSQL backend leaves with it when the loader disconnects) and the tail of its output."""
    before = cpu_snapshot((), None)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    with open(log_path, "wb") as log:
        proc = processes.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            code = proc.wait(timeout=LOAD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            code = f"timeout ({LOAD_TIMEOUT_S} s)"
        finally:
            processes.stop(proc)
    seconds = time.monotonic() - t
    after = cpu_snapshot((), None)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = log_path.read_text(errors="replace")
    out = {"command": "backupd " + " ".join(str(a) for a in argv[1:]), "seconds": round(seconds, 3),
           "cpu_s": round(done.ru_utime + done.ru_stime - kids.ru_utime - kids.ru_stime, 2),
           "output": output.strip().splitlines()[-1][-300:] if output.strip() else ""}
    if other_work:
        out["other_cpu_pct"] = other_cpu_pct(before, after)
    if code != 0:
        out["failed"] = f"exit {code}: {output[-500:]}"
    return out


def rate_of(step, backups):
    """The step's backups and rate (wall clock), and the rate backupd printed, if it did."""
    step["backups"] = backups
    step["rate"] = round(backups / step["seconds"]) if step["seconds"] > 0 else None
    m = GENERATED.search(step["output"])
    if m:
        step["reported_seconds"], step["reported_rate"] = float(m.group(1)), int(m.group(2))
    return step


def loads_part(bin_path, opts, work, results, phases):
    """The SQLite loads, then the PostgreSQL one unless --no-postgres; the stores are removed at the end."""
    name = "10k" if opts.quick else LOADS_CATALOG
    instances, backups, seed = CATALOGS[name]
    folder = work / "loads"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    logs = work / "logs"
    part = {"params": {"catalog": name, "instances": instances, "backups": backups, "random_seed": seed,
                       "on_top_random_seed": seed + 1}, "steps": {}}
    results["loads"] = part
    steps = part["steps"]

    def generate(store_url, random_seed, log, env=None):
        argv = [bin_path, "generate", "--instances", str(instances), "--backups", str(backups),
                "--random-seed", str(random_seed), "--store", store_url]
        return rate_of(timed(argv, env, logs / log, other_work=env is None), backups)

    def show(key, what):
        s = steps[key]
        say(f"  {what}: " + (f"FAILED {s['failed'][:300]}" if s.get("failed") else
                             f"{s['seconds']:.2f} s" + (f", {s['rate']:,} backups/s" if s.get("rate") else "")
                             + (f" (backupd says {s['reported_rate']:,}/s)" if s.get("reported_rate") else "")))

    def sqlite():
        a, b = folder / "generated" / "store.sqlite", folder / "seeded" / "store.sqlite"
        a.parent.mkdir()
        b.parent.mkdir()
        steps["sqlite_generate"] = generate(f"sqlite:{a}", seed, "loads-generate-sqlite.log")
        steps["sqlite_generate"]["store_bytes"] = store_size(a)["total"]
        show("sqlite_generate", f"generate {backups:,} backups into an empty SQLite store")
        if steps["sqlite_generate"].get("failed"):
            return
        seed_file = folder / "seed.json"
        steps["sqlite_export"] = timed([bin_path, "export", "--store", f"sqlite:{a}", "--output", str(seed_file)],
                                       None, logs / "loads-export-sqlite.log")
        steps["sqlite_export"]["file_bytes"] = seed_file.stat().st_size if seed_file.exists() else 0
        show("sqlite_export", "export it as a seed file")
        if not steps["sqlite_export"].get("failed"):
            s = timed([bin_path, "seed", str(seed_file), "--store", f"sqlite:{b}"], None, logs / "loads-seed-sqlite.log")
            m = SEEDED.search(s["output"])
            steps["sqlite_seed"] = rate_of(s, int(m.group(2)) if m else backups)
            steps["sqlite_seed"]["store_bytes"] = store_size(b)["total"]
            steps["sqlite_seed"]["file_bytes"] = steps["sqlite_export"]["file_bytes"]
            show("sqlite_seed", f"seed that file ({steps['sqlite_export']['file_bytes'] / MB:,.0f} MB) into an empty "
                                "SQLite store")
            seed_file.unlink(missing_ok=True)
            shutil.rmtree(b.parent, ignore_errors=True)
        steps["sqlite_generate_on_top"] = generate(f"sqlite:{a}", seed + 1, "loads-generate-on-top-sqlite.log")
        steps["sqlite_generate_on_top"]["store_bytes"] = store_size(a)["total"]
        steps["sqlite_generate_on_top"]["store_backups_before"] = backups
        show("sqlite_generate_on_top", f"generate {backups:,} more (random seed {seed + 1}) on top of that store")

    try:
        phases.run("loads", "bulk loads: SQLite", sqlite)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if opts.no_postgres:
        part["postgres_skipped"] = "--no-postgres"
        return part
    cluster = PostgresCluster(work)

    def postgres():
        cluster.start()
        part["postgres_settings"] = cluster.settings()
        url = cluster.empty_schema(PG_SCHEMA)
        steps["postgres_generate"] = generate(url, seed, "loads-generate-postgres.log", cluster.env)
        if not steps["postgres_generate"].get("failed"):
            steps["postgres_generate"]["store_bytes"] = cluster.named_schema_bytes(PG_SCHEMA)
        show("postgres_generate", f"generate {backups:,} backups into an empty PostgreSQL schema")
        cluster.empty_schema(PG_SCHEMA)  # the 1M rows are not kept

    try:
        phases.run("loads", "bulk loads: PostgreSQL", postgres)
    finally:
        cluster.stop()
    return part
