"""Load generation with wrk: one bounded wrk run at a time (killed if it overstays), or several started
together against several nodes with their latency histograms merged, each with the shares of the machine
the servers, the database and other work used meanwhile. The figures come from report.lua's done()."""

import json
import os
import signal
import subprocess
import threading

from . import processes
from .machine import cpu_snapshot, machine_pct, other_cpu_pct
from .parameters import LUA


def wrk(url, headers, connections, duration, timeout_s=10, env=None, pgid=None, db_pid=None, pin=None, threads=None):
    """One bounded wrk run; returns the figures of report.lua's done() plus the error total, and
    (given the server's process group) how much of the machine other work used meanwhile. `pin`: the
    CPU wrk runs on (taskset), as bench/compare.py pins it; `threads`: wrk's threads (default 1 at one
    connection, else 2)."""
    return measured(lambda: _wrk(url, headers, connections, duration, timeout_s, env, threads, pin), pgid, db_pid)


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


def _wrk(url, headers, connections, duration, timeout_s=10, env=None, threads=None, pin=None):
    threads = threads or (1 if connections < 2 else 2)
    duration = max(1, int(round(duration)))  # wrk takes whole seconds
    argv = ([] if pin is None else ["taskset", "-c", str(pin)]) + ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
            "--timeout", f"{timeout_s}s", "-s", str(LUA)]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    argv.append(url)
    proc = processes.start(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env={**os.environ, **(env or {})})
    try:
        out, _ = proc.communicate(timeout=duration + timeout_s + 20)
    except subprocess.TimeoutExpired:
        processes.stop(proc, signal.SIGKILL)
        return {"failed": "wrk did not finish in time", "error_total": -1}
    finally:
        processes.stop(proc)
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


def fmt_run(name, c, run, entry):
    """The console line of one wrk run."""
    if run.get("failed"):
        return f"{name:<12} c{c:<3} FAILED: {run['failed']}"
    tot = entry.get("total")
    items = f"{entry.get('items', '')}/{tot}" if tot is not None else f"{entry.get('items', '')}"
    other, db = run.get("other_cpu_pct"), run.get("db_cpu_pct")
    return (f"{name:<12} c{c:<3} {run['rps']:>10,.0f} req/s  p50 {run['p50_us'] / 1000:7.3f}  p99 "
            f"{run['p99_us'] / 1000:7.3f}  p999 {run['p999_us'] / 1000:7.3f} ms  items {items}"
            + (f"  PostgreSQL {db:.0f}%" if db is not None else "")
            + (f"  other work {other:.0f}%" if other is not None else ""))
