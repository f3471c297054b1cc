"""Policies and the clock (issue 12): a seed of RDS MySQL instances that all have a daily backup policy,
loaded into a fresh SQLite store with the clock frozen; the catch-up of 30 days (`backupd clock advance
P30D` on the command line, then the first API request, which writes the skipped backups down), timed
and checked against docs/lifecycle.md §8.1–§8.2, three times; then, on the last of those stores with the
clock running and advanced between rounds, the cached RDS list of an instance with a policy (its list
merges the computed incrementals) against the same list of an instance without one, the server pinned
to one core and wrk to the other, as bench/compare.py measures."""

import datetime
import hashlib
import json
import os
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import threading
import time
from pathlib import Path

import sdksign

from . import processes
from .api_targets import issue_token
from .catalogs import store_size
from .loadgen import measured, wrk
from .parameters import MB
from .processes import free_port, http_request, log_summary, say, wait_health

# The catalog's clock when the seed is loaded: a Monday, the instant of docs/lifecycle.md §11.
T0 = "2030-01-07T08:00:00.000Z"
# Every instance's policy (docs/lifecycle.md §3.5): daily, kept 7 days, in the window 02:00–03:00 UTC.
POLICY = {"keep_days": 7, "start_time": "02:00-03:00", "period": "1,2,3,4,5,6,7"}
CATCH_UP = "P30D"
# The two instances the throughput phase compares hold the same seeded (manual) backups: as many as the
# incrementals a 7-day policy keeps, so that the deep page of either is 100 records deep in its list
# (with a policy, past the whole computed chain).
SEEDED_BACKUPS = 2_400
# Where in the list the deep page starts: 80% of the instance's total, as rds_deep on small catalogs.
DEEP_SHARE = 0.8
# The clock moves on by this before each wrk run (the first request of the run settles the catalog:
# 24 incrementals, and every instance's daily backup and retention when it crosses 02:00) and by
# ROUND_NUDGE halfway through it (a settle under load: the next incremental, the caches dropped).
ROUND_ADVANCE = "PT2H"
ROUND_NUDGE = "PT5M"
RDS_BUILDING_MS = 60_000  # the default rds_building timing (docs/lifecycle.md §5.2)
STEP_MS = 300_000
DAY_MS = 86_400_000


SEED_DOMAIN = "bench-lifecycle"
SEED_PASSWORD = "Bench-lifecycle-1"


def hex_id(*parts):
    return hashlib.sha256(":".join(("bench-lifecycle",) + tuple(map(str, parts))).encode()).hexdigest()[:32]


def parse_ms(text):
    """Milliseconds since the epoch of an RFC 3339 / API time (`2030-01-07T08:00:00.000Z`, `…+0800`)."""
    t = text.replace("Z", "+0000")
    if len(t) > 5 and t[-3] == ":" and t[-6] in "+-":
        t = t[:-3] + t[-2:]
    fmt = "%Y-%m-%dT%H:%M:%S.%f%z" if "." in t else "%Y-%m-%dT%H:%M:%S%z"
    return int(datetime.datetime.strptime(t, fmt).timestamp() * 1000)


def api_time(ms, offset_hours=0):
    tz = datetime.timezone(datetime.timedelta(hours=offset_hours))
    return datetime.datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%dT%H:%M:%S%z")


def duration_ms(text):
    """The milliseconds of the durations this part uses (PnD, PTnH, PTnM)."""
    days = hours = minutes = 0
    body = text[1:]
    if "T" in body:
        body, clock = body.split("T")
        if "H" in clock:
            hours, clock = clock.split("H")
        if "M" in clock:
            minutes = clock.rstrip("M")
    if body:
        days = body.rstrip("D")
    return ((int(days or 0) * 24 + int(hours or 0)) * 60 + int(minutes or 0)) * 60_000


def write_seed(path, instances):
    """A seed of `instances` RDS MySQL instances with the daily policy, over two projects of one domain,
    plus one instance without a policy; the first policy instance and the one without hold the same
    SEEDED_BACKUPS manual backups. Returns what the phase needs to reach them."""
    domain = hex_id("domain")
    projects = [hex_id("project", 0), hex_id("project", 1)]
    ak = "BENCHLC" + hex_id("ak")[:13].upper()
    sk = hex_id("sk") + hex_id("sk2")[:8]
    doc = {"domains": [{"name": SEED_DOMAIN, "id": domain,
                        "users": [{"name": "admin", "password": SEED_PASSWORD,
                                   "access_keys": [{"access": ak, "secret": sk}]}],
                        "projects": [{"id": projects[0], "name": "cn-north-4"},
                                     {"id": projects[1], "name": "ap-southeast-1"}]}],
           "instances": [], "backups": []}
    policy_ids = []
    for n in range(instances):
        iid = hex_id("instance", n) + "in01"
        policy_ids.append((iid, projects[n % 2]))
        doc["instances"].append({"id": iid, "project_id": projects[n % 2], "service": "rds",
                                 "name": f"rds-mysql-{n:05d}", "datastore": {"type": "MySQL", "version": "8.0"},
                                 "backup_policy": dict(POLICY)})
    plain = (hex_id("instance", "plain") + "in01", projects[0])
    doc["instances"].append({"id": plain[0], "project_id": plain[1], "service": "rds", "name": "rds-mysql-plain",
                             "datastore": {"type": "MySQL", "version": "8.0"}})
    t0 = parse_ms(T0)
    for owner in (policy_ids[0][0], plain[0]):
        for i in range(SEEDED_BACKUPS):
            begin = t0 - (i + 1) * 6 * 3_600_000
            doc["backups"].append({"instance_id": owner, "id": hex_id("backup", owner, i) + "br01",
                                   "name": f"manual-{i:04d}", "type": "manual", "status": "COMPLETED",
                                   "size": 1024 * (i + 1), "begin_time": api_time(begin, 8),
                                   "end_time": api_time(begin + 600_000, 8), "associated_with_ddm": False})
    path.write_text(json.dumps(doc))
    return {"ak": ak, "sk": sk, "policy_instances": policy_ids, "plain": plain, "with_backups": policy_ids[0]}


def expected_rds(t0_ms, t_ms, seeded=0):
    """What docs/lifecycle.md §8.1–§8.2 give at `t_ms` for an RDS MySQL instance whose daily policy
    (POLICY) was set at `t0_ms`: the begin times of its automated full backups (newest first: the
    retained ones, then the base), the newest's status, and its incremental chain."""
    keep = POLICY["keep_days"] * DAY_MS
    hour = int(POLICY["start_time"][:2]) * 3_600_000 + int(POLICY["start_time"][3:5]) * 60_000
    first = (t0_ms // DAY_MS) * DAY_MS + hour
    if first < t0_ms:
        first += DAY_MS
    autos = list(range(first, t_ms + 1, DAY_MS))
    past = [b for b in autos if b + keep <= t_ms]
    base = past[-1] if past else None
    kept = [b for b in autos if b + keep > t_ms] + ([base] if base is not None else [])
    kept.sort(reverse=True)
    incrementals = []
    if autos:
        lowest = base if base is not None else t_ms - keep + 1
        s = (autos[0] // STEP_MS + 1) * STEP_MS
        while s <= t_ms:
            if s - STEP_MS >= lowest:
                incrementals.append(s - STEP_MS)
            s += STEP_MS
    newest_done = bool(kept) and t_ms >= kept[0] + RDS_BUILDING_MS
    return {"autos": kept, "newest_completed": newest_done, "incrementals": len(incrementals),
            "newest_incremental": incrementals[-1] if incrementals else None,
            "total": seeded + len(kept) + len(incrementals)}


class Client:
    """Signed RDS lists and the control API of one server."""

    def __init__(self, port, ak, sk, token):
        self.port, self.ak, self.sk, self.token = port, ak, sk, token
        self.host = f"127.0.0.1:{port}"

    def signed(self, project, query):
        return sdksign.sdk_get(self.ak, self.sk, self.host, f"/v3/{project}/backups", query, project)

    def rds_list(self, project, query):
        target, headers = self.signed(project, query)
        t = time.monotonic()
        status, body = http_request(self.port, "GET", target, headers, timeout=300)
        return status, body, time.monotonic() - t

    def iam_token(self, project):
        """An IAM token of the seed's user, scoped to `project`: the header of the uncached pages,
        whose query changes with every request (a signature covers the query)."""
        return issue_token(self.port, "admin", SEED_PASSWORD, SEED_DOMAIN, project, host=self.host, timeout=60)

    def clock(self, change=None):
        headers = {"Host": self.host, "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        body = json.dumps(change).encode() if change is not None else b""
        status, answer = http_request(self.port, "PUT" if change is not None else "GET", "/_backupd/v1/clock",
                                      headers, body, timeout=60)
        if status != 200:
            raise SystemExit(f"bench: the control API answered {status}: {answer[:300]!r}")
        return json.loads(answer)


def cli(bin_path, store, *args):
    """One `backupd` store command, timed; refuses to go on when it fails."""
    argv = [bin_path, *args, "--store", f"sqlite:{store}"]
    t = time.monotonic()
    proc = processes.start(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        processes.stop(proc, signal.SIGKILL)
        raise SystemExit(f"bench: `backupd {' '.join(args)}` did not finish in 900 s")
    finally:
        processes.stop(proc)
    seconds = time.monotonic() - t
    if proc.returncode != 0:
        raise SystemExit(f"bench: `backupd {' '.join(args)}` failed ({proc.returncode}): {out.decode(errors='replace')[-1500:]}")
    return seconds, out.decode(errors="replace")


def start_server(bin_path, store, log_path, token, pin=None):
    port = free_port()
    argv = ([] if pin is None else ["taskset", "-c", str(pin)]) + [
        bin_path, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", f"sqlite:{store}"]
    # The control token through the environment: it stays out of process listings.
    env = {**os.environ, "BACKUPD_CONTROL_TOKEN": token}
    with open(log_path, "ab") as log:
        proc = processes.start(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    if not wait_health(port, proc):
        processes.stop(proc)
        raise SystemExit(f"bench: backupd did not answer /health on the lifecycle store (exit {proc.poll()}); see {log_path}")
    return proc, port


def check_instance(client, project, iid, t0_ms, t_ms, seeded, label):
    """The instance's lists against expected_rds(); the differences, as text."""
    want = expected_rds(t0_ms, t_ms, seeded)
    problems = []
    status, body, _ = client.rds_list(project, [("instance_id", iid), ("backup_type", "auto"), ("offset", 0), ("limit", 100)])
    doc = json.loads(body) if status == 200 else {}
    autos = doc.get("backups", [])
    begins = [parse_ms(b["begin_time"]) for b in autos]
    if status != 200 or doc.get("total_count") != len(want["autos"]) or begins != want["autos"]:
        problems.append(f"{label}: auto backups {doc.get('total_count')} {[api_time(b) for b in begins]}, "
                        f"expected {len(want['autos'])} {[api_time(b) for b in want['autos']]} (status {status})")
    elif want["newest_completed"] and any(b["status"] != "COMPLETED" for b in autos):
        problems.append(f"{label}: auto backups not all COMPLETED: {[b['status'] for b in autos]}")
    status, body, _ = client.rds_list(project, [("instance_id", iid), ("backup_type", "incremental"), ("offset", 0), ("limit", 1)])
    doc = json.loads(body) if status == 200 else {}
    first = (doc.get("backups") or [{}])[0]
    got_begin = parse_ms(first["begin_time"]) if first.get("begin_time") else None
    got_end = parse_ms(first["end_time"]) if first.get("end_time") else None
    if (doc.get("total_count") != want["incrementals"] or got_begin != want["newest_incremental"]
            or (got_end is not None and got_end != got_begin + STEP_MS) or first.get("status", "COMPLETED") != "COMPLETED"):
        problems.append(f"{label}: incrementals {doc.get('total_count')} (newest begins "
                        f"{api_time(got_begin) if got_begin else None}), expected {want['incrementals']} "
                        f"(newest {api_time(want['newest_incremental']) if want['newest_incremental'] else None})")
    status, body, _ = client.rds_list(project, [("instance_id", iid), ("offset", 0), ("limit", 1)])
    total = json.loads(body).get("total_count") if status == 200 else None
    if total != want["total"]:
        problems.append(f"{label}: total_count {total}, expected {want['total']}")
    return problems, want


def walk_list(client, project, iid, want, label):
    """Every page of 100 of the instance's list, in turn: together they must hold `want["total"]`
    distinct records in api.md §1.9's order (newest begin first, ties by id), the automated full
    backups and incrementals the rules give among them. The differences, as text."""
    seen, keys, kinds, problems = set(), [], {}, []
    offset = 0
    while offset < want["total"] + 100:
        status, body, _ = client.rds_list(project, [("instance_id", iid), ("offset", offset), ("limit", 100)])
        if status != 200:
            return [f"{label}: offset {offset} answered {status}"]
        doc = json.loads(body)
        if doc["total_count"] != want["total"]:
            problems.append(f"{label}: offset {offset} says total_count {doc['total_count']}, expected {want['total']}")
        for b in doc["backups"]:
            seen.add(b["id"])
            keys.append((-parse_ms(b["begin_time"]), b["id"].encode()))
            kinds[b["type"]] = kinds.get(b["type"], 0) + 1
        if not doc["backups"]:
            break
        offset += 100
    if len(keys) != want["total"] or len(seen) != len(keys):
        problems.append(f"{label}: the pages hold {len(keys)} records ({len(seen)} distinct), expected {want['total']}")
    if keys != sorted(keys):
        problems.append(f"{label}: the pages are not in api.md §1.9 order")
    if kinds.get("auto", 0) != len(want["autos"]) or kinds.get("incremental", 0) != want["incrementals"]:
        problems.append(f"{label}: the pages hold {kinds.get('auto', 0)} auto and {kinds.get('incremental', 0)} incremental "
                        f"records, expected {len(want['autos'])} and {want['incrementals']}")
    return problems


def store_counts(store):
    """What the store holds after a catch-up, read directly (read-only) once the server has stopped."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return {"auto_rows": one("SELECT count(*) FROM rds_backups WHERE type = 'auto'"),
                "manual_rows": one("SELECT count(*) FROM rds_backups WHERE type = 'manual'"),
                "incremental_rows": one("SELECT count(*) FROM rds_backups WHERE type = 'incremental'"),
                "tracks": one("SELECT count(*) FROM lifecycle_tracks"),
                "policies": one("SELECT count(*) FROM backup_policies")}
    finally:
        db.close()


def catch_up_once(i, bin_path, seed, meta, instances, work, token):
    """One catch-up from a fresh store: the seed loaded at T0 (clock frozen), the server started and
    asked once, `clock advance P30D` on the command line, then the first request (the catch-up) and
    a second one, timed; the lists checked; the store's size and rows."""
    folder = work / "lifecycle" / f"catchup-{i}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    store = folder / "store.sqlite"
    run = {"store": str(store)}
    run["clock_set_s"] = round(cli(bin_path, store, "clock", "set", T0)[0] + cli(bin_path, store, "clock", "freeze")[0], 3)
    run["seed_s"] = round(cli(bin_path, store, "seed", str(seed))[0], 2)
    run["store_bytes_before"] = store_size(store)
    log_path = work / "logs" / f"backupd-lifecycle-catchup-{i}.log"
    log_path.unlink(missing_ok=True)
    proc, port = start_server(bin_path, store, log_path, token)
    client = Client(port, meta["ak"], meta["sk"], token)
    probe_iid, probe_project = meta["policy_instances"][len(meta["policy_instances"]) // 2]
    try:
        status, body, seconds = client.rds_list(probe_project, [("instance_id", probe_iid), ("offset", 0), ("limit", 100)])
        if status != 200 or json.loads(body).get("total_count") != 0:
            raise SystemExit(f"bench: before the catch-up, the probe instance answered {status}: {body[:300]!r}")
        run["before_request_s"] = round(seconds, 4)
        run["advance_cli_s"], out = cli(bin_path, store, "clock", "advance", CATCH_UP)
        run["advance_cli_s"] = round(run["advance_cli_s"], 3)
        now = json.loads(out)["now"]
        # The catch-up: the first request after the jump writes the skipped 30 days down.
        cpu_before = server_cpu_s(proc.pid)
        answer = {}

        def first():
            answer["reply"] = client.rds_list(probe_project, [("instance_id", probe_iid), ("offset", 0), ("limit", 100)])
            return {}
        shares = measured(first, proc.pid, None)
        status, body, seconds = answer["reply"]
        cpu_after = server_cpu_s(proc.pid)
        if cpu_before is not None and cpu_after is not None:
            run["first_request_server_cpu_s"] = round(cpu_after - cpu_before, 2)
        run["first_request_other_cpu_pct"] = shares.get("other_cpu_pct")
        run["first_status"], run["first_request_s"] = status, round(seconds, 3)
        run["first_total"] = json.loads(body).get("total_count") if status == 200 else None
        status2, _, seconds = client.rds_list(probe_project, [("instance_id", probe_iid), ("offset", 0), ("limit", 100)])
        run["second_request_s"] = round(seconds, 4)
        if status != 200 or status2 != 200:
            run["failed"] = f"the request after the catch-up answered {status} / {status2}: {body[:300]!r}"
        t0_ms, t_ms = parse_ms(T0), parse_ms(now)
        run["clock_after"] = now
        problems = []
        picks = [(0, SEEDED_BACKUPS), (len(meta["policy_instances"]) // 2, 0), (len(meta["policy_instances"]) - 1, 0)]
        for n, seeded in picks:
            iid, project = meta["policy_instances"][n]
            found, want = check_instance(client, project, iid, t0_ms, t_ms, seeded, f"instance {n}")
            problems += found
        run["expected"] = {"autos": len(want["autos"]), "incrementals": want["incrementals"]}
        plain_iid, plain_project = meta["plain"]
        status, body, _ = client.rds_list(plain_project, [("instance_id", plain_iid), ("offset", 0), ("limit", 1)])
        if status != 200 or json.loads(body).get("total_count") != SEEDED_BACKUPS:
            problems.append(f"the instance without a policy: {status} {body[:200]!r}, expected {SEEDED_BACKUPS} backups")
    finally:
        processes.stop(proc, signal.SIGTERM)
    run["log"] = log_summary(log_path)
    run["store_bytes_after"] = store_size(store)
    counts = store_counts(store)
    run["rows"] = counts
    if counts["auto_rows"] != instances * run["expected"]["autos"]:
        problems.append(f"the store holds {counts['auto_rows']:,} automated full backups, expected "
                        f"{instances * run['expected']['autos']:,} ({instances:,} × {run['expected']['autos']})")
    if counts["incremental_rows"]:
        problems.append(f"the store holds {counts['incremental_rows']:,} incremental rows (they are computed, not stored)")
    run["check_problems"] = problems
    say(f"  catch-up {i}: seed {run['seed_s']:.1f} s, clock advance {run['advance_cli_s']:.2f} s, first request "
        f"{run['first_request_s']:.2f} s (server CPU {run.get('first_request_server_cpu_s')} s, other work "
        f"{run.get('first_request_other_cpu_pct')}%; then {run['second_request_s'] * 1000:.1f} ms), store "
        f"{run['store_bytes_after']['total'] / MB:,.1f} MB, {counts['auto_rows']:,} automated full backups"
        + (f"; PROBLEMS: {'; '.join(problems)}" if problems else "; lists as lifecycle.md §8.1–§8.2 give"))
    return run


def server_cpu_s(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def crosses_window(before_ms, after_ms):
    """Whether a window start of POLICY lies in (before_ms, after_ms]: a settle that makes every
    instance's daily full backup and moves its retention."""
    hour = int(POLICY["start_time"][:2]) * 3_600_000 + int(POLICY["start_time"][3:5]) * 60_000
    first = (before_ms - hour) // DAY_MS * DAY_MS + hour + DAY_MS
    return first <= after_ms


def throughput(bin_path, store, meta, work, token, opts, rounds):
    """The RDS list of the instance with a policy against the same list of the one without,
    alternated, the server on CPU 0 and wrk (1 thread, 32 connections) on CPU 1, with the clock
    running and advanced before every run and halfway through it. Three requests per instance:
    the first page of 100 and a deep page (SDK-signed, the same request every time: answered
    from the response cache but after each settle), and every page in turn (an X-Auth-Token, a
    different offset each request: never from the cache), which is the merged list's own cost."""
    log_path = work / "logs" / "backupd-lifecycle-throughput.log"
    log_path.unlink(missing_ok=True)
    # Two cores: the server on one, wrk on the other (bench/compare.py's arrangement).
    pinned = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
    proc, port = start_server(bin_path, store, log_path, token, pin=0 if pinned else None)
    client = Client(port, meta["ak"], meta["sk"], token)
    result = {"pinned": pinned, "rounds": rounds, "duration": opts.duration, "warmup": opts.warmup,
              "advance": ROUND_ADVANCE, "nudge": ROUND_NUDGE, "targets": {}, "settles": []}
    try:
        start = client.clock({"frozen": False})
        result["clock_start"] = start["now"]
        instances = {"plain": meta["plain"], "policy": meta["with_backups"]}
        tokens = {}
        totals = {}
        for kind, (iid, project) in instances.items():
            status, body, _ = client.rds_list(project, [("instance_id", iid), ("offset", 0), ("limit", 1)])
            totals[kind] = json.loads(body)["total_count"]
            tokens[project] = tokens.get(project) or client.iam_token(project)
        targets = []
        for kind in ("plain", "policy"):
            iid, project = instances[kind]
            who = "instance without a policy" if kind == "plain" else "instance with a policy"
            for page in ("page100", "deep", "pages"):
                offset = int(totals[kind] * DEEP_SHARE) if page == "deep" else 0
                label = {"page100": f"RDS list, {who}, first page of 100 (cached)",
                         "deep": f"RDS list, {who}, deep page (offset {offset:,}, cached)",
                         "pages": f"RDS list, {who}, every page of 100 in turn (offsets 0–{totals[kind] - 100:,}, "
                                  "never cached)"}[page]
                targets.append({"name": f"{kind}_{page}", "kind": kind, "page": page, "iid": iid, "project": project,
                                "query": [("instance_id", iid), ("offset", offset), ("limit", 100)],
                                "offset_max": totals[kind] - 100 if page == "pages" else None})
                result["targets"][f"{kind}_{page}"] = {"label": label, "instance": kind, "page": page, "offset": offset,
                                                       "offset_max": totals[kind] - 100 if page == "pages" else None,
                                                       "runs": []}
        t_end = time.monotonic() + 60 * 30
        for r in range(rounds):
            order = targets if r % 2 == 0 else list(reversed(targets))
            for t in order:
                if time.monotonic() > t_end:
                    raise SystemExit("bench: the throughput phase went over 30 minutes")
                entry = result["targets"][t["name"]]
                # The clock moves on; the pre-flight request settles what that made due.
                moved = client.clock({"advance": ROUND_ADVANCE})["now"]
                status, body, settle_s = client.rds_list(t["project"], t["query"])
                after = parse_ms(moved)
                crossing = crosses_window(after - duration_ms(ROUND_ADVANCE), after)
                result["settles"].append({"round": r, "target": t["name"], "clock": moved, "seconds": round(settle_s, 4),
                                          "crosses_window": crossing})
                run = {"round": r, "preflight_s": round(settle_s, 4), "clock": moved, "crosses_window": crossing,
                       "status": status}
                entry["runs"].append(run)
                if status != 200:
                    run["failed"] = f"pre-flight answered {status}: {body[:200]!r}"
                    continue
                doc = json.loads(body)
                run["items"], run["total"], run["body_bytes"] = len(doc["backups"]), doc["total_count"], len(body)
                if t["page"] == "pages":
                    target = f"/v3/{t['project']}/backups?" + "&".join(f"{k}={v}" for k, v in t["query"])
                    headers = {"Host": client.host, "X-Auth-Token": tokens[t["project"]],
                               "Content-Type": "application/json"}
                    env = {"BENCH_OFFSET_MAX": str(t["offset_max"])}
                else:
                    target, headers = client.signed(t["project"], t["query"])
                    env = None
                url = f"http://127.0.0.1:{port}{target}"
                cpu = 1 if pinned else None
                if opts.warmup > 0:
                    wrk(url, headers, 32, opts.warmup, env=env, pin=cpu, threads=1)

                # Halfway through the run the clock moves on again: a settle, and the caches dropped, under load.
                def nudge_clock(run=run):
                    try:
                        run["nudged_to"] = client.clock({"advance": ROUND_NUDGE})["now"]
                    except BaseException as error:  # noqa: BLE001 - reported with the run
                        run["nudge_failed"] = str(error)

                nudge = threading.Timer(opts.duration / 2, nudge_clock)
                before = server_cpu_s(proc.pid)
                nudge.start()
                try:
                    figures = wrk(url, headers, 32, opts.duration, env=env, pgid=proc.pid, pin=cpu, threads=1)
                finally:
                    nudge.join()
                used = server_cpu_s(proc.pid)
                run.update(figures)
                if run.get("nudge_failed") and not run.get("failed"):
                    run["failed"] = f"the clock advance halfway through failed: {run['nudge_failed']}"
                if not figures.get("failed") and before is not None and used is not None and figures["requests"]:
                    run["cpu_us_per_request"] = round((used - before) / figures["requests"] * 1e6, 1)
                say(f"  round {r} {t['name']:<15} "
                    + (f"FAILED: {run['failed']}" if run.get("failed") else
                       f"{run['rps']:>8,.0f} req/s  p50 {run['p50_us'] / 1000:6.3f} ms  "
                       f"{run.get('cpu_us_per_request', 0):6.1f} µs CPU/request  settle {settle_s * 1000:8.1f} ms"
                       f"{' (02:00 crossed)' if crossing else ''}  total {run['total']:,}  "
                       f"other work {run.get('other_cpu_pct', 0):.0f}%"))
        # The lists after the phase, as the rules give them at the clock's reading then.
        frozen = client.clock({"frozen": True})
        result["clock_end"] = frozen["now"]
        iid, project = meta["with_backups"]
        problems, want = check_instance(client, project, iid, parse_ms(T0), parse_ms(frozen["now"]), SEEDED_BACKUPS,
                                        "instance with a policy after the phase")
        walked = walk_list(client, project, iid, want, "every page of the instance with a policy after the phase")
        result["walked_pages"] = not walked
        result["check_problems"] = problems + walked
        result["expected_after"] = {"autos": len(want["autos"]), "incrementals": want["incrementals"], "total": want["total"]}
    finally:
        processes.stop(proc, signal.SIGTERM)
    result["log"] = log_summary(log_path)
    for entry in result["targets"].values():
        good = [x for x in entry["runs"] if not x.get("failed")]
        if good:
            entry["median_rps"] = round(statistics.median(x["rps"] for x in good), 1)
            entry["median_p50_us"] = statistics.median(x["p50_us"] for x in good)
            entry["median_p99_us"] = statistics.median(x["p99_us"] for x in good)
            cpu = [x["cpu_us_per_request"] for x in good if "cpu_us_per_request" in x]
            entry["median_cpu_us"] = round(statistics.median(cpu), 1) if cpu else None
            entry["max_other_cpu_pct"] = max((x.get("other_cpu_pct") or 0) for x in good)
            entry["totals"] = sorted({x["total"] for x in good})
            entry["items"], entry["body_bytes"] = good[-1]["items"], good[-1]["body_bytes"]
    # Each round's two runs of a page, with and without a policy, were taken minutes apart at most:
    # their ratio is less exposed to other work that comes and goes than the ratio of the medians.
    result["paired"] = {}
    for page in ("page100", "deep", "pages"):
        with_ = {x["round"]: x for x in result["targets"][f"policy_{page}"]["runs"] if not x.get("failed")}
        without = {x["round"]: x for x in result["targets"][f"plain_{page}"]["runs"] if not x.get("failed")}
        ratios = [with_[k]["rps"] / without[k]["rps"] for k in sorted(with_) if k in without]
        cpu = [with_[k]["cpu_us_per_request"] / without[k]["cpu_us_per_request"] for k in sorted(with_)
               if k in without and with_[k].get("cpu_us_per_request") and without[k].get("cpu_us_per_request")]
        result["paired"][page] = {"rps_ratios": [round(x, 3) for x in ratios],
                                  "median_rps_ratio": round(statistics.median(ratios), 3) if ratios else None,
                                  "median_cpu_ratio": round(statistics.median(cpu), 3) if cpu else None}
    crossings = [x["seconds"] for x in result["settles"] if x["crosses_window"]]
    others = [x["seconds"] for x in result["settles"] if not x["crosses_window"]]
    result["settle_summary"] = {"crossings": crossings, "others_median_s": statistics.median(others) if others else None,
                                "others_max_s": max(others) if others else None, "others": len(others)}
    return result


def lifecycle_part(bin_path, opts, work, results, phases):
    """Issue 12's part: the catch-up (three times) and the throughput with and without a policy."""
    instances = opts.lifecycle_instances
    folder = work / "lifecycle"
    folder.mkdir(parents=True, exist_ok=True)
    seed = folder / f"seed-{instances}.json"
    meta = write_seed(seed, instances)
    token = secrets.token_hex(16)
    part = {"params": {"instances": instances, "policy": POLICY, "t0": T0, "catch_up": CATCH_UP,
                       "seeded_backups": SEEDED_BACKUPS, "repeats": opts.lifecycle_repeats,
                       "seed_bytes": seed.stat().st_size},
            "catchup": {"runs": []}}
    results["lifecycle"] = part

    def catch_ups():
        for i in range(1, opts.lifecycle_repeats + 1):
            part["catchup"]["runs"].append(catch_up_once(i, bin_path, seed, meta, instances, work, token))
        times = [r["first_request_s"] for r in part["catchup"]["runs"] if not r.get("failed")]
        if times:
            part["catchup"].update(median_s=statistics.median(times), min_s=min(times), max_s=max(times))

    phases.run("lifecycle", f"catch-up of {CATCH_UP} for {instances:,} instances (x{opts.lifecycle_repeats})", catch_ups)
    last = Path(part["catchup"]["runs"][-1]["store"])
    part["throughput"] = phases.run("lifecycle", "policies on, clock advancing: RDS list throughput", throughput,
                                    bin_path, last, meta, work, token, opts, opts.lifecycle_rounds)
    part["store_bytes_end"] = store_size(last)
    return part
