"""backupd's benchmark (issue 5). Run it through bench/run, which builds the release binary and the
Python environment first; `bench/run --help` lists the options.

Phases: catalogs (generated once per parameter set and reused), one backupd per catalog driven by wrk
with SDK-signed requests, the nginx and moto references, the policies-and-clock part (issue 12: the
catch-up of 30 days, the RDS list with and without a policy), reads while writing (issue 13: the cached
reads of one instance while 50 writes a second go to others through two nodes), bulk loads (issue 13:
`backupd generate` and `backupd seed` into empty stores), then the figures, the ratios, the targets,
bench/RESULTS.md and the raw JSON in the work directory. Everything listens on
127.0.0.1, every load loop runs for a fixed time, and every process started here is killed when the run
ends, however it ends.
"""

# This file is the run in order; each part lives in a module of backupd_bench (its __init__ lists them).

import datetime
import json
import os
import signal
import sys
import time
from pathlib import Path

from backupd_bench import options, processes, report, results_file
from backupd_bench.catalogs import SQLiteCatalogs, generator_fingerprint, has_generate, prepare_catalog
from backupd_bench.lifecycle_part import lifecycle_part
from backupd_bench.loads_part import loads_part
from backupd_bench.checks import checks, failed_runs, notes
from backupd_bench.machine import machine, now_iso, versions
from backupd_bench.parameters import BENCH, CATALOGS, PG_CATALOGS, RATIO_CATALOG
from backupd_bench.postgres_part import postgres_part
from backupd_bench.processes import Phases, say
from backupd_bench.references import moto_reference, nginx_reference
from backupd_bench.sqlite_part import bench_catalog
from backupd_bench.writes_part import writes_part


def main():
    opts, names = options.parse(sys.argv[1:], __doc__)
    work = Path(opts.work).resolve()
    (work / "logs").mkdir(parents=True, exist_ok=True)
    (work / "results").mkdir(exist_ok=True)
    processes.track_children(work / "children.pids")
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, processes.on_signal)

    run_id = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ("-quick" if opts.quick else "")
    results = {"run_id": run_id, "started": now_iso(), "loadavg_start": round(os.getloadavg()[0], 2), "machine": machine(), "versions": versions(opts.bin),
               "options": {"quick": opts.quick, "catalogs": names, "postgres": not opts.no_postgres,
                           "postgres_only": opts.postgres_only, "lifecycle": not opts.no_lifecycle,
                           "lifecycle_only": opts.lifecycle_only, "writes": not opts.no_writes,
                           "writes_only": opts.writes_only, "loads": not opts.no_loads, "loads_only": opts.loads_only,
                           "auth_rounds": opts.auth_rounds, "duration": opts.duration, "warmup": opts.warmup,
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
        prepared = phases.run("sqlite", "catalogs",
                              lambda: {n: prepare_catalog(n, opts.bin, sqlite, fingerprint, opts.reuse_catalogs)
                                       for n in names})
        # The catalog of the ratio targets (issue 5, and issue 13's against nginx and signed against token).
        ref_cat = (RATIO_CATALOG if RATIO_CATALOG in names else max(names, key=lambda k: CATALOGS[k][1])) if names else None
        for n in names:
            folder, meta = prepared[n]
            auth = opts.auth_rounds if n == ref_cat and not opts.postgres_only else 0
            results["catalogs"][n] = phases.run("sqlite", f"backupd on the {n} catalog", bench_catalog, n, folder, meta,
                                                opts.bin, opts, work, auth)
        pg_names = [n for n in names if n in PG_CATALOGS]
        if pg_names and not opts.no_postgres:
            postgres_part(pg_names, opts.bin, opts, work, results, phases)
        if not opts.no_references:
            # nginx serves the bytes (and the Content-Type) backupd answered for each target in this run.
            bodies = {}
            for t, e in results["catalogs"].get(ref_cat, {}).get("targets", {}).items():
                path = work / "bodies" / f"{ref_cat}-{t}.json"
                if e.get("status") == 200 and path.exists():
                    bodies[t] = {"bytes": path.read_bytes(), "content_type": e.get("content_type"), "label": e["label"],
                                 "items": e.get("items")}
            if bodies:
                results["references"]["nginx"] = phases.run("references", "nginx reference", nginx_reference, bodies,
                                                            opts, work)
                results["references"]["nginx"]["catalog"] = ref_cat
            results["references"]["moto"] = phases.run("references", "moto reference", moto_reference, opts, work)
        if not opts.no_lifecycle:
            lifecycle_part(opts.bin, opts, work, results, phases)
        if not opts.no_writes:
            writes_part(opts.bin, opts, work, results, phases)
        if not opts.no_loads:
            loads_part(opts.bin, opts, work, results, phases)
    finally:
        processes.stop_all()
    results["phases"] = phases.rows
    results["finished"] = now_iso()
    results["elapsed_s"] = round(time.monotonic() - phases.start + float(os.environ.get("BENCH_BUILD_SECONDS", 0)), 1)
    rows = checks(results)
    only = ("postgres" if opts.postgres_only else "lifecycle" if opts.lifecycle_only else "writes" if opts.writes_only
            else "loads" if opts.loads_only else None)
    if only:
        rows = [c for c in rows if c["part"] == only]
    results["checks"] = rows
    results["failed_runs"] = failed_runs(results)
    results["notes"] += notes(results)

    raw = work / "results" / f"{run_id}.json"
    raw.write_text(json.dumps(results, indent=1))
    (work / "results" / "latest.json").write_text(json.dumps(results, indent=1))
    md_path = Path(opts.results) if opts.results else (work / "RESULTS-quick.md" if opts.quick else BENCH / "RESULTS.md")
    kept, replaced_whole = results_file.update(md_path, report.render_sections(results, rows, options.command_line(opts)))

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
    if kept:
        say(f"  (sections of earlier runs kept: {', '.join(kept)})")
    if replaced_whole:
        say("  (the file had no part sections, the layout of an older bench.py: replaced as a whole)")
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
        processes.stop_all()
