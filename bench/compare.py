"""Before and after in one sitting: two backupd binaries on one generated catalog, alternated.

    python3 bench/compare.py BASE NEW [--catalog DIR] [--target rds_page100] [--rounds 8]
                             [--duration 8] [--auth signed|token]

Each round runs both binaries, in alternating order (A B, then B A), on the same SQLite catalog:
the server pinned to CPU 0, wrk (1 thread, 32 connections) to CPU 1, a 2 s warm-up, then a bounded
run. It prints requests/s and the server's CPU time per request for every run, the medians, and
NEW/BASE. Pinning and alternation are what make a small difference visible on a shared 2-core
machine; the medians of 8 rounds still move by a few percent, so read a ratio within ±3% as equal.

The catalog is one that bench/run generated (`bench/.work/catalogs/1m-*` by default); requests are
signed as bench/run signs them (`--auth token` sends an IAM token instead).
"""

import argparse
import glob
import os
import pathlib
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from backupd_bench import api_targets, processes  # noqa: E402


def server_cpu_seconds(pid):
    """User plus system time of `pid` so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(binary, args):
    """Requests/s and the server's CPU µs per request of one binary under one bounded wrk run."""
    port = processes.free_port()
    server = processes.start(
        ["taskset", "-c", "0", binary, "serve", "--host", "127.0.0.1", "--port", str(port),
         "--store", f"sqlite:{args.catalog}/store.sqlite"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, LOG_LEVEL="error"))
    try:
        if not processes.wait_health(port, server):
            raise SystemExit(f"compare: {binary} did not start")
        targets, _ = api_targets.build_targets(f"{args.catalog}/credentials.json", port)
        target = next(t for t in targets if t.name == args.target)
        headers = target.headers if args.auth == "signed" else api_targets.token_headers(args.catalog, port)
        wrk = ["taskset", "-c", "1", "wrk", "-t1", "-c32", "--timeout", "10s"]
        for name, value in headers.items():
            if name.lower() != "host":
                wrk += ["-H", f"{name}: {value}"]
        url = f"http://127.0.0.1:{port}{target.target}"
        subprocess.run(wrk + ["-d2s", url], capture_output=True, timeout=60)
        before = server_cpu_seconds(server.pid)
        out = subprocess.run(wrk + [f"-d{args.duration}s", url], capture_output=True, text=True,
                             timeout=args.duration + 60).stdout
        used = server_cpu_seconds(server.pid) - before
        if "Non-2xx" in out or "Socket errors" in out:
            raise SystemExit(f"compare: errors under load:\n{out}")
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        return float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)), used / requests * 1e6
    finally:
        processes.stop(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--catalog", help="a generated catalog directory (default: bench/.work/catalogs/1m-*)")
    parser.add_argument("--target", default="rds_page100", help="an API target of bench/run (default rds_page100)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--duration", type=int, default=8, help="seconds per run (default 8)")
    parser.add_argument("--auth", choices=["signed", "token"], default="signed")
    args = parser.parse_args()
    if args.catalog is None:
        found = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".work/catalogs/1m-*")))
        if not found:
            raise SystemExit("compare: no 1m catalog yet (bench/run --catalogs 1m makes one), or give --catalog")
        args.catalog = found[-1]
    # The children bench/run would list, so that none outlives an interrupted comparison.
    processes.track_children(pathlib.Path(args.catalog).parent.parent / "compare.pids")
    results = {args.base: [], args.new: []}
    try:
        for round_ in range(args.rounds):
            for binary in (args.base, args.new) if round_ % 2 == 0 else (args.new, args.base):
                rps, cpu = one_run(binary, args)
                results[binary].append((rps, cpu))
                print(f"{binary:40} {rps:10,.0f} req/s {cpu:7.1f} µs CPU/request", flush=True)
    finally:
        processes.stop_all()
    medians = {b: statistics.median(r[0] for r in rows) for b, rows in results.items()}
    for binary, rows in results.items():
        print(f"{binary:40} median {medians[binary]:10,.0f} req/s "
              f"{statistics.median(r[1] for r in rows):7.1f} µs CPU/request")
    print(f"NEW/BASE, requests/s medians: {medians[args.new] / medians[args.base]:.3f}")


if __name__ == "__main__":
    main()
