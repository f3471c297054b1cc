"""backupd on one SQLite catalog (issue 5): two starts timed (the first with the store out of the page
cache, as after a reboot), then every API target under wrk at 1 and at 32 connections against the
second server, its peak RSS, the store's size and the statuses in its log."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from . import processes
from .api_targets import build_targets, list_items
from .catalogs import store_size
from .loadgen import fmt_run, wrk
from .machine import RSSSampler, evict_page_cache, io_read_bytes, status_kb
from .parameters import MB
from .processes import free_port, log_summary, say, wait_health


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
        cold = processes.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        if not wait_health(port, cold):
            raise SystemExit(f"bench: backupd did not answer /health on the {name} catalog "
                             f"(exit {cold.poll()}); see {log_path}")
        result["startup_cold_s"] = round(time.monotonic() - t0, 4)
        result["startup_cold_read_bytes"] = io_read_bytes(cold.pid)
        result["page_cache_evicted"] = evicted
    finally:
        processes.stop(cold, signal.SIGTERM)
    with open(log_path, "ab") as log:
        t0 = time.monotonic()
        proc = processes.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
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
        processes.stop(proc, signal.SIGTERM)
    result["log"] = log_summary(log_path)
    return result
