"""backupd on one SQLite catalog (issue 5): two starts timed (the first with the store out of the page
cache, as after a reboot), then every API target under wrk at 1 and at 32 connections against the
second server, its peak RSS, the store's size and the statuses in its log. On one catalog (the ratio
catalog), the page of 100 SDK-signed against the same page with an IAM token too (issue 13), in
alternated runs against the same server."""

import json
import os
import signal
import statistics
import subprocess
import time
from pathlib import Path

from . import processes
from .api_targets import build_targets, list_items, token_headers, with_token
from .catalogs import store_size
from .loadgen import fmt_run, wrk
from .machine import RSSSampler, evict_page_cache, io_read_bytes, status_kb
from .parameters import MB
from .processes import free_port, http_request, log_summary, say, wait_health

# The request and the connections of the signed-against-token runs (issue 13: "the RDS page of 100 … at
# 32 connections").
AUTH_TARGET = "rds_page100"
AUTH_CONNECTIONS = 32


def bench_catalog(name, folder, meta, bin_path, opts, work, auth_rounds=0):
    """`auth_rounds`: rounds of the signed-against-token comparison on this catalog (0: none)."""
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
            status, headers, body = t.fetch_with_headers(port)
            entry = {"label": t.label, "request": t.target, "status": status, "body_bytes": len(body),
                     "content_type": headers.get("content-type"), "runs": {}}
            result["targets"][t.name] = entry
            if status != 200:
                entry["failed"] = f"pre-flight answered {status}: {body[:200]!r}"
                say(f"  {t.name}: FAILED {entry['failed']}")
                continue
            items, count = list_items(json.loads(body))
            entry["items"], entry["total"] = len(items), count
            # The exact bytes (and the Content-Type above) nginx serves for this target's reference.
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
        page = next((t for t in targets if t.name == AUTH_TARGET), None)
        if auth_rounds and page and AUTH_TARGET in result["targets"] and not result["targets"][AUTH_TARGET].get("failed"):
            result["auth"] = signed_and_token(page, folder, port, proc, opts, auth_rounds)
            result["auth"]["hwm_kb_after"] = sampler.sample()
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


def signed_and_token(target, folder, port, proc, opts, rounds):
    """Issue 13, "signed as fast as tokens": the page of 100 SDK-signed (the request every other figure
    replays) against the same page with an IAM token of the catalog's RDS sample user in place of the
    signature (`POST /v3/auth/tokens`; the other headers the same), on the same server, in alternated
    runs of AUTH_CONNECTIONS connections: `rounds` rounds, each a signed and a token run, the order
    swapped every round (signed, token, then token, signed, ...). Figures are medians over the rounds."""
    host = f"127.0.0.1:{port}"
    if time.monotonic() - target.signed_at > 10 * 60:
        target.sign(host)
    token = with_token(target.headers, token_headers(folder, port))
    kinds = {"signed": target.headers, "token": token}
    out = {"request": target.target, "rounds": rounds, "connections": AUTH_CONNECTIONS,
           "headers": {k: sorted(h) for k, h in kinds.items()}, "runs": []}
    answers = {k: http_request(port, "GET", target.target, h) for k, h in kinds.items()}
    out["preflight"] = {k: status for k, (status, _) in answers.items()}
    out["same_bytes"] = answers["signed"][1] == answers["token"][1]
    bad = {k: (status, body) for k, (status, body) in answers.items() if status != 200}
    if bad:
        out["failed"] = "; ".join(f"{k} pre-flight answered {status}: {body[:200]!r}" for k, (status, body) in bad.items())
        say(f"  signed and token: FAILED {out['failed']}")
        return out
    url = f"http://{host}{target.target}"
    if opts.warmup > 0:
        for headers in kinds.values():
            wrk(url, headers, AUTH_CONNECTIONS, opts.warmup, pgid=proc.pid)
    for r in range(1, rounds + 1):
        for kind in ("signed", "token") if r % 2 else ("token", "signed"):
            run = wrk(url, kinds[kind], AUTH_CONNECTIONS, opts.duration, pgid=proc.pid)
            run.update(round=r, kind=kind)
            out["runs"].append(run)
            say("  " + fmt_run(f"{kind} r{r}", AUTH_CONNECTIONS, run, {"items": 100}))
    for kind in kinds:
        good = [x for x in out["runs"] if x["kind"] == kind and not x.get("failed")]
        if good:
            out[kind] = {"runs": len(good), "median_rps": statistics.median(x["rps"] for x in good),
                         "min_rps": min(x["rps"] for x in good), "max_rps": max(x["rps"] for x in good),
                         "median_p50_us": statistics.median(x["p50_us"] for x in good),
                         "median_p99_us": statistics.median(x["p99_us"] for x in good),
                         "median_server_cpu_pct": statistics.median(x.get("server_cpu_pct") or 0 for x in good),
                         "max_other_cpu_pct": max(x.get("other_cpu_pct") or 0 for x in good)}
    by_round = {}
    for x in out["runs"]:
        if not x.get("failed"):
            by_round.setdefault(x["round"], {})[x["kind"]] = x["rps"]
    ratios = [round(k["signed"] / k["token"], 3) for _, k in sorted(by_round.items()) if len(k) == 2]
    out["paired"] = {"rps_ratios": ratios, "median_rps_ratio": statistics.median(ratios) if ratios else None}
    return out
