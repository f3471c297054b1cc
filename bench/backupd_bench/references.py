"""The references of issues 5 and 13, measured with the same wrk settings in the same run: nginx serving the
exact bytes backupd answered for each API target, with the same Content-Type, as static files (what a
server that only sends bytes can do), and moto's server answering DescribeDBSnapshots over 10,000
snapshots (what an emulator of the same kind of API does)."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import processes
from .loadgen import fmt_run, wrk
from .parameters import BENCH, NGINX_PAGES
from .processes import free_port, http_exchange, http_request, run_text, say

# What a Content-Type nginx is given may look like (it goes into nginx.conf between quotes).
CONTENT_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*")


def nginx_reference(bodies, opts, work):
    """nginx from Debian serving, as static files, the exact bytes backupd answered for each API target
    ({target: {"bytes", "content_type", "label", "items"}}), each with backupd's Content-Type. The pages
    of 100 and of 10 are measured at every connection count; the other targets at the largest only
    (32), the figure their targets compare."""
    result = {"version": run_text(["nginx", "-v"]), "runs": {}, "targets": {}}
    for n, b in bodies.items():
        if not CONTENT_TYPE.fullmatch(b["content_type"] or ""):
            raise SystemExit(f"bench: backupd answered {n} with the Content-Type {b['content_type']!r}, "
                             "which the nginx reference cannot be given")
    prefix = Path(tempfile.mkdtemp(prefix="backupd-bench-nginx-"))
    try:
        www = prefix / "www"
        www.mkdir()
        for n, b in bodies.items():
            (www / f"{n}.json").write_bytes(b["bytes"])
        (prefix / "tmp").mkdir()
        port = free_port()
        conf = prefix / "nginx.conf"
        temp_paths = "".join(f"    {k}_temp_path {prefix}/tmp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # Each file with the Content-Type backupd sent for it: no types map, a default_type per location.
        locations = "".join(f'        location = /{n}.json {{ default_type "{b["content_type"]}"; }}\n'
                            for n, b in bodies.items())
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
{locations}    }}
}}
""")
        argv = ["nginx", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
        if os.geteuid() == 0:
            # Unprivileged: the whole nginx runs as nobody, not just its workers.
            shutil.chown(prefix, "nobody", "nogroup")
            for p in prefix.rglob("*"):
                shutil.chown(p, "nobody", "nogroup")
            argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] + argv
        proc = processes.start(argv, stdout=subprocess.DEVNULL, stderr=open(work / "logs" / "nginx.log", "wb"))
        try:
            host = {"Host": f"127.0.0.1:{port}"}
            probe = f"/{next(iter(bodies))}.json"
            deadline = time.monotonic() + 15
            while True:
                try:
                    status, data = http_request(port, "GET", probe, host, timeout=2)
                    if status == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: nginx did not start: {(prefix / 'error.log').read_text(errors='replace')[-500:]}")
                time.sleep(0.05)
            for n, b in bodies.items():
                status, headers, served = http_exchange(port, "GET", f"/{n}.json", host)
                if status != 200 or served != b["bytes"]:
                    raise SystemExit(f"bench: nginx does not serve the bytes of {n}")
                if headers.get("content-type") != b["content_type"]:
                    raise SystemExit(f"bench: nginx serves {n} as {headers.get('content-type')!r}, "
                                     f"backupd as {b['content_type']!r}")
            top = max(opts.connections)
            for n, b in bodies.items():
                url = f"http://127.0.0.1:{port}/{n}.json"
                if opts.warmup > 0:
                    wrk(url, host, 32, opts.warmup, pgid=proc.pid)
                for c in (opts.connections if n in NGINX_PAGES else [top]):
                    run = wrk(url, host, c, opts.duration, pgid=proc.pid)
                    result["runs"][f"{n}/c{c}"] = run
                    say("  " + fmt_run(f"nginx {n}", c, run, {"items": b.get("items", "")}))
                result["targets"][n] = {"label": b.get("label", n), "content_type": b["content_type"],
                                        "items": b.get("items"), "body_bytes": len(b["bytes"])}
            result["body_bytes"] = {n: len(b["bytes"]) for n, b in bodies.items()}
        finally:
            processes.stop(proc, signal.SIGTERM)
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
    proc = processes.start([sys.executable, str(BENCH / "moto_server.py"), "--port", str(port),
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
        processes.stop(proc, signal.SIGTERM)
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
