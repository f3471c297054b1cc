"""Self-checks of RESULTS.md's sections and of the report, from canned figures: no build, no wrk, no server.

    python3 -m pytest bench        or        python3 bench/test_results.py

A partial run must rewrite its own part's section only and keep every other section byte for byte,
including the committed bench/RESULTS.md's."""

import copy
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backupd_bench import report, results_file  # noqa: E402
from backupd_bench.checks import checks, failed_runs, notes  # noqa: E402
from backupd_bench.parameters import TARGET_NAMES  # noqa: E402
from backupd_bench.loadgen import merge_runs  # noqa: E402

RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"


def wrk_run(rps, p50_us, other=0.0, **extra):
    return {"requests": int(rps * 5), "duration_us": 5_000_000, "bytes": 1, "rps": rps, "p50_us": p50_us,
            "p90_us": p50_us * 2, "p99_us": p50_us * 3, "p999_us": p50_us * 4, "max_us": p50_us * 9,
            "mean_us": p50_us, "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
            "error_total": 0, "server_cpu_pct": 40.0, "other_cpu_pct": other, **extra}


def sqlite_catalog(name, instances, backups, targets):
    return {"catalog": name, "params": {"instances": instances, "backups": backups, "random_seed": 5},
            "generation": {"seconds": 1.5, "rate": 40_000, "cached": True},
            "store_bytes": {"db": 4_500_000, "wal": 0, "total": 4_500_000}, "largest_rds_instance_backups": 173,
            "startup_cold_s": 0.05, "startup_cold_read_bytes": 16_000_000, "startup_s": 0.03, "peak_rss_kb": 46_000,
            "log": {"statuses": {"200": 1000}},
            "targets": {t: {"label": f"label of {t}", "items": 100, "total": 173, "body_bytes": 35_000,
                            "runs": {"c1": wrk_run(4000, 250), "c32": wrk_run(15000, 2000)}} for t in targets}}


def canned_lifecycle(instances=10_000, problems=()):
    """The policies-and-clock part's results as lifecycle_part keeps them, with made-up figures."""
    sizes = {"db": 60_000_000, "wal": 4_000_000, "total": 64_000_000}
    catchup = [{"store": f"/tmp/catchup-{i}/store.sqlite", "clock_set_s": 0.1, "seed_s": 9.5, "before_request_s": 0.002,
                "advance_cli_s": 0.05, "first_status": 200, "first_request_s": s, "second_request_s": 0.0012,
                "first_request_server_cpu_s": s - 0.3, "first_request_other_cpu_pct": 2.0,
                "first_total": 2096, "clock_after": "2030-02-06T08:00:00.050Z",
                "expected": {"autos": 8, "incrementals": 2088}, "store_bytes_before": sizes, "store_bytes_after": sizes,
                "rows": {"auto_rows": instances * 8, "manual_rows": 4800, "incremental_rows": 0,
                         "tracks": instances * 8, "policies": instances},
                "log": {"statuses": {"200": 20}}, "check_problems": list(problems) if i == 3 else []}
               for i, s in ((1, 7.5), (2, 6.9), (3, 7.2))]
    targets, settles = {}, []
    for kind in ("plain", "policy"):
        for page, offset in (("page100", 0), ("deep", 1920 if kind == "plain" else 3600), ("pages", 0)):
            runs = [{"round": r, "preflight_s": 0.004 + 9.2 * (r == 1 and page == "deep"),
                     "clock": f"2030-02-0{7 + r}T0{r}:00:00.000Z", "crosses_window": r == 1 and page == "deep",
                     "status": 200, "items": 100, "total": 2400 if kind == "plain" else 4500 + r, "body_bytes": 34_000,
                     **wrk_run(9000 if kind == "plain" else 8400, 3500), "cpu_us_per_request": 100.0 + 5 * (kind == "policy")}
                    for r in range(3)]
            settles += [{"round": x["round"], "target": f"{kind}_{page}", "clock": x["clock"], "seconds": x["preflight_s"],
                         "crosses_window": x["crosses_window"]} for x in runs]
            targets[f"{kind}_{page}"] = {
                "label": f"label of {kind}_{page}", "instance": kind, "page": page, "offset": offset,
                "offset_max": (2300 if kind == "plain" else 4400) if page == "pages" else None, "runs": runs,
                "median_rps": 9000.0 if kind == "plain" else 8400.0, "median_p50_us": 3500, "median_p99_us": 10_500,
                "median_cpu_us": 100.0 + 5 * (kind == "policy"), "max_other_cpu_pct": 0.0,
                "totals": sorted({x["total"] for x in runs}), "items": 100, "body_bytes": 34_000}
    paired = {page: {"rps_ratios": [0.93, 0.94, 0.92], "median_rps_ratio": 0.93, "median_cpu_ratio": 1.05}
              for page in ("page100", "deep", "pages")}
    crossings = [x["seconds"] for x in settles if x["crosses_window"]]
    return {"params": {"instances": instances, "policy": {"keep_days": 7, "start_time": "02:00-03:00",
                                                          "period": "1,2,3,4,5,6,7"},
                       "t0": "2030-01-07T08:00:00.000Z", "catch_up": "P30D", "seeded_backups": 2400, "repeats": 3,
                       "seed_bytes": 3_500_000},
            "catchup": {"runs": catchup, "median_s": 7.2, "min_s": 6.9, "max_s": 7.5},
            "throughput": {"pinned": True, "rounds": 3, "duration": 5, "warmup": 1, "advance": "PT6H", "nudge": "PT5M",
                           "targets": targets, "clock_start": "2030-02-06T08:00:01.000Z",
                           "clock_end": "2030-02-08T02:00:00.000Z", "check_problems": [],
                           "expected_after": {"autos": 8, "incrementals": 2100, "total": 4508},
                           "settles": settles, "paired": paired,
                           "settle_summary": {"crossings": crossings, "others_median_s": 0.004, "others_max_s": 0.004,
                                              "others": len(settles) - len(crossings)},
                           "log": {"statuses": {"200": 250_000}}},
            "store_bytes_end": sizes}


def canned_auth(signed_rps=14_000, token_rps=15_000):
    """The signed-against-token runs of sqlite_part, with made-up figures: 3 rounds, the order swapped."""
    runs = []
    for r in (1, 2, 3):
        for kind in ("signed", "token") if r % 2 else ("token", "signed"):
            runs.append({**wrk_run(signed_rps if kind == "signed" else token_rps, 2000), "round": r, "kind": kind})

    def medians(rps):
        return {"runs": 3, "median_rps": rps, "min_rps": rps, "max_rps": rps, "median_p50_us": 2000,
                "median_p99_us": 6000, "median_server_cpu_pct": 40.0, "max_other_cpu_pct": 0.0}
    ratio = round(signed_rps / token_rps, 3)
    return {"request": "/v3/p/backups?instance_id=i&limit=100&offset=0", "rounds": 3, "connections": 32,
            "headers": {}, "preflight": {"signed": 200, "token": 200}, "same_bytes": True, "runs": runs,
            "signed": medians(signed_rps), "token": medians(token_rps),
            "paired": {"rps_ratios": [ratio] * 3, "median_rps_ratio": ratio}}


def canned_loads(rates=(210_000, 205_000, 120_000), postgres=True, backups=1_000_000, failed=None):
    """The bulk-loads part's results as loads_part keeps them, with made-up figures: the SQLite generate,
    export, seed, generate on top, and the PostgreSQL generate, at these rates."""
    def step(rate, **extra):
        seconds = round(backups / rate, 3)
        return {"command": "backupd generate …", "seconds": seconds, "cpu_s": seconds * 1.1, "other_cpu_pct": 1.0,
                "output": f"generated … in {seconds - 0.1:.2f} s: {round(backups / (seconds - 0.1))} backups/s",
                "backups": backups, "rate": rate, "reported_seconds": seconds - 0.1,
                "reported_rate": round(backups / (seconds - 0.1)), **extra}
    steps = {"sqlite_generate": step(rates[0], store_bytes=450_000_000),
             "sqlite_export": {"command": "backupd export …", "seconds": 6.5, "cpu_s": 6.0, "other_cpu_pct": 0.5,
                               "output": "", "file_bytes": 420_000_000},
             "sqlite_seed": step(rates[1], store_bytes=440_000_000, file_bytes=420_000_000),
             "sqlite_generate_on_top": step(90_000, store_bytes=900_000_000, store_backups_before=backups)}
    if postgres:
        steps["postgres_generate"] = step(rates[2], store_bytes=600_000_000)
        steps["postgres_generate"].pop("other_cpu_pct")
    if failed:
        steps[failed] = {"command": f"backupd {failed}", "seconds": 0.2, "cpu_s": 0.1, "output": "boom",
                         "failed": "exit 1: boom"}
    part = {"params": {"catalog": "1m" if backups == 1_000_000 else "10k", "instances": 20_000, "backups": backups,
                       "random_seed": 5, "on_top_random_seed": 6}, "steps": steps,
            "postgres_settings": {"server_version": "15.18", "fsync": "off", "synchronous_commit": "off"}}
    if not postgres:
        part["postgres_skipped"] = "--no-postgres"
    return part


def canned_writes(stale=0, write_errors=0, postgres=True):
    """The reads-while-writing part's results as writes_part keeps them, with made-up figures."""
    def engine(key, ro_rps, wr_rps):
        runs = []
        for r in range(3):
            for kind in (("read-only", "writing") if r % 2 == 0 else ("writing", "read-only")):
                run = {"round": r, "kind": kind, **wrk_run(ro_rps if kind == "read-only" else wr_rps, 2500),
                       "cpu_us_per_request": 60.0 if kind == "read-only" else 63.0, "node_b_cpu_s": 0.1}
                if kind == "writing":
                    run["writer"] = {"writes": {"A": 150, "B": 150}, "errors": write_errors if r == 1 else 0,
                                     "error_examples": ["node B: 409 b'...'"] if write_errors and r == 1 else [],
                                     "checked": 150, "stale": stale if r == 1 else 0, "late_resets": 0, "seconds": 6.0,
                                     "rate": 50.0, "during_run": 250, "checked_during_run": 125,
                                     "rate_during_run": 49.9, "write_p50_ms": 1.2, "write_p99_ms": 4.0,
                                     "check_p50_ms": 0.9, "check_p99_ms": 2.5}
                runs.append(run)
        e = {"engine": "SQLite" if key == "sqlite" else "PostgreSQL", "pinned": True, "rounds": 3, "duration": 5,
             "warmup": 1, "write_rate": 50, "runs": runs, "startup_s": {"A": 0.03, "B": 0.03},
             "read": {"items": 100, "total": 2400, "body_bytes": 35_000}, "writes_total": 900, "stale_examples":
             ["0123abcd…: status 200, new id NOT in the first page"] if stale else [],
             "sweep": {"reads": 600, "stale": 0, "examples": []}, "read_total_after": 2400,
             "nodes": {}, "log": {"statuses": {"200": 200_000}}, "seed_s": 1.1, "store_bytes": 9_000_000,
             "read_only": {"runs": 3, "median_rps": ro_rps, "min_rps": ro_rps, "max_rps": ro_rps, "median_p50_us": 2500,
                           "median_p99_us": 7500, "max_other_cpu_pct": 0.0, "median_cpu_us": 60.0},
             "writing": {"runs": 3, "median_rps": wr_rps, "min_rps": wr_rps, "max_rps": wr_rps, "median_p50_us": 2500,
                         "median_p99_us": 7500, "max_other_cpu_pct": 0.0, "median_cpu_us": 63.0},
             "paired": {"rps_ratios": [round(wr_rps / ro_rps, 3)] * 3, "median_rps_ratio": round(wr_rps / ro_rps, 3),
                        "median_cpu_ratio": 1.05},
             "writer": {"writes": 900, "through_a": 450, "through_b": 450, "errors": write_errors, "checked": 450,
                        "stale": stale, "median_rate": 50.0, "min_rate": 50.0, "median_rate_during_run": 49.9}}
        return e

    part = {"params": {"seeded_read": 2400, "write_instances": 300, "seeded_per_written": 5, "write_rate": 50,
                       "rounds": 3, "seed_bytes": 800_000},
            "engines": {"sqlite": engine("sqlite", 20_000, 18_000)}}
    if postgres:
        part["engines"]["postgres"] = engine("postgres", 9_000, 8_100)
    else:
        part["postgres_skipped"] = "--no-postgres"
    return part


def canned_run(run_id, postgres_only=False, postgres=True, references=True, lifecycle=False, lifecycle_only=False,
               writes=False, writes_only=False, loads=False, loads_only=False):
    """The results of a run as bench.py keeps them, with made-up figures; `run_id` tells runs apart."""
    targets = ["rds_page100"] if postgres_only else ["rds_page100", "rds_page10", "rds_deep"]
    only = lifecycle_only or writes_only or loads_only
    names = [] if only else ["10k", "1m"] if postgres_only else ["10k", "1m", "10m"]
    postgres = postgres and not only
    references = references and not only
    cats = {n: sqlite_catalog(n, 1000, 10_000, targets) for n in names}
    if "1m" in cats and not postgres_only:
        cats["1m"]["auth"] = canned_auth()
    phases = [{"phase": "build (bench/run)", "seconds": 22.0}, {"phase": "catalogs", "seconds": 0.0, "loadavg_1m": 0.4,
                                                                "part": "sqlite"}]
    if lifecycle or lifecycle_only:
        phases += [{"phase": "catch-up of P30D for 10,000 instances (x3)", "seconds": 60.2, "loadavg_1m": 1.1,
                    "part": "lifecycle"},
                   {"phase": "policies on, clock advancing: RDS list throughput", "seconds": 140.0, "loadavg_1m": 1.9,
                    "part": "lifecycle"}]
    if writes or writes_only:
        phases += [{"phase": "reads while writing: SQLite, two nodes on one file", "seconds": 75.0, "loadavg_1m": 1.5,
                    "part": "writes"}]
    phases += [{"phase": f"backupd on the {n} catalog", "seconds": 11.4, "loadavg_1m": 0.7, "part": "sqlite"}
               for n in names]
    results = {"run_id": run_id, "started": "2026-11-24T10:00:00Z", "finished": "2026-11-24T10:07:00Z",
               "elapsed_s": 421.0, "loadavg_start": 0.36,
               "machine": {"nproc": 2, "cpu": "AMD EPYC", "memory_gib": 23.5, "kernel": "6.18", "os": "Debian 12"},
               "versions": {"backupd_commit": run_id[-12:], "built_from": "the work tree", "backupd_sources_dirty": [],
                            "swift": "Swift 6.3.1", "wrk": "wrk 4.1.0", "nginx": "nginx/1.22.1", "moto": "5.2.5",
                            "python": "3.11.7", "binary_sha256": "0123456789abcdef"},
               "options": {"quick": False, "catalogs": names, "postgres": postgres, "postgres_only": postgres_only,
                           "lifecycle": lifecycle or lifecycle_only, "lifecycle_only": lifecycle_only,
                           "writes": writes or writes_only, "writes_only": writes_only,
                           "loads": loads or loads_only, "loads_only": loads_only, "auth_rounds": 3,
                           "duration": 5, "warmup": 1, "connections": [1, 32], "log_level": "backupd default"},
               "catalogs": cats, "references": {}, "postgres": {"catalogs": {}}, "notes": [], "phases": phases}
    if references and not postgres_only:
        body_bytes = {"rds_page100": 35_524, "rds_page10": 3_585, "rds_deep": 35_531}
        nginx_runs = {f"{f}/c{c}": wrk_run(24_000, 1000) for f in targets for c in (1, 32)
                      if c == 32 or f in ("rds_page100", "rds_page10")}
        results["references"] = {
            "nginx": {"version": "nginx version: nginx/1.22.1", "catalog": "1m",
                      "body_bytes": {t: body_bytes[t] for t in targets},
                      "targets": {t: {"label": f"label of {t}", "content_type": "application/json;charset=UTF-8",
                                      "items": 100, "body_bytes": body_bytes[t]} for t in targets},
                      "runs": nginx_runs},
            "moto": {"version": "5.2.5", "page_items": 100, "page_bytes": 86_125,
                     "runs": {"page100/c1": wrk_run(14, 65000), "page100/c32": wrk_run(14, 2_000_000, other=30.0)},
                     "unfiltered": {"items": 10_000, "bytes": 8_600_000, "seconds": [2.9, 2.8]}}}
        phases += [{"phase": "nginx reference", "seconds": 22.5, "loadavg_1m": 2.6, "part": "references"},
                   {"phase": "moto reference", "seconds": 27.9, "loadavg_1m": 2.1, "part": "references"}]
    if postgres:
        pg = {}
        for n in ("10k", "1m"):
            pg[n] = {"catalog": n, "params": cats[n]["params"], "generation": {"seconds": 0.5, "rate": 21_000},
                     "store_bytes": 6_900_000, "largest_rds_instance_backups": 173,
                     "cluster_restart_s": 1.2,
                     "nodes": [{"startup_s": 0.037, "peak_rss_kb": 89_000,
                                "first_request": {"status": 200, "bytes": 35_524, "seconds": 0.045, "cold_database": True}},
                               {"startup_s": 0.038, "peak_rss_kb": 67_000,
                                "first_request": {"status": 200, "bytes": 35_524, "seconds": 0.004,
                                                  "cold_database": False}}],
                     "log": {"statuses": {"200": 5000}},
                     "setups": {"1 node": {"label": "RDS list, first page of 100", "nodes": 1, "same_bytes_as_sqlite": True,
                                           "runs": {"c1": wrk_run(2600, 500, db_cpu_pct=7.0),
                                                    "c32": wrk_run(13000, 2200, db_cpu_pct=3.0)}},
                                "2 nodes": {"label": "RDS list, first page of 100", "nodes": 2, "same_bytes_as_sqlite": True,
                                            "runs": {"c2": wrk_run(3700, 490, per_node_connections=1),
                                                     "c32": wrk_run(9000, 2400, per_node_connections=16)}}}}
        results["postgres"] = {"catalogs": pg, "cluster": {"settings": {"server_version": "15.18", "fsync": "off"},
                                                           "pool_size": "16", "query_timeout_ms": "1000"}}
        phases += [{"phase": "PostgreSQL: cluster and catalogs", "seconds": 28.3, "loadavg_1m": 1.9, "part": "postgres"},
                   {"phase": "PostgreSQL on the 10k catalog", "seconds": 22.8, "loadavg_1m": 3.1, "part": "postgres"}]
    if lifecycle or lifecycle_only:
        results["lifecycle"] = canned_lifecycle()
    if writes or writes_only:
        results["writes"] = canned_writes()
    if loads or loads_only:
        results["loads"] = canned_loads(postgres=postgres or loads_only)
        phases += [{"phase": "bulk loads: SQLite", "seconds": 24.0, "loadavg_1m": 1.2, "part": "loads"},
                   {"phase": "bulk loads: PostgreSQL", "seconds": 12.0, "loadavg_1m": 1.4, "part": "loads"}]
    return results


def render(results, command):
    """The sections a run writes, as bench.py makes them."""
    rows = checks(results)
    o = results["options"]
    only = ("postgres" if o["postgres_only"] else "lifecycle" if o.get("lifecycle_only") else "writes"
            if o.get("writes_only") else "loads" if o.get("loads_only") else None)
    if only:
        rows = [c for c in rows if c["part"] == only]
    results["notes"] += notes(results)
    return report.render_sections(results, rows, command)


class SectionsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name) / "RESULTS.md"

    def tearDown(self):
        self.dir.cleanup()

    def write(self, results, command):
        return results_file.update(self.path, render(results, command))

    def test_full_run_writes_every_part(self):
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa", lifecycle=True, writes=True, loads=True), "bench/run")
        text = self.path.read_text()
        self.assertEqual(list(results_file.sections(text)),
                         ["sqlite", "references", "postgres", "lifecycle", "writes", "loads"])
        self.assertTrue(text.startswith(results_file.HEADER))
        for title in report.TITLES.values():
            self.assertIn(f"\n## {title}\n", text)

    def test_postgres_only_rewrites_its_section_only(self):
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa"), "bench/run")
        before = results_file.sections(self.path.read_text())
        kept, replaced_whole = self.write(canned_run("20261125T100000Z-pgon-bbbbbbbbbbbb", postgres_only=True),
                                          "bench/run --postgres-only")
        after = results_file.sections(self.path.read_text())
        self.assertEqual((sorted(kept), replaced_whole), (["references", "sqlite"], False))
        self.assertEqual(after["sqlite"], before["sqlite"])
        self.assertEqual(after["references"], before["references"])
        self.assertNotEqual(after["postgres"], before["postgres"])
        self.assertIn("`bench/run --postgres-only`", after["postgres"])
        self.assertIn("bbbbbbbbbbbb", after["postgres"])
        # The SQLite baseline of a --postgres-only run is in its PostgreSQL section, with its phases.
        self.assertIn("### SQLite, as this run measured it", after["postgres"])
        self.assertIn("| backupd on the 1m catalog |", after["postgres"])
        self.assertEqual(list(after), ["sqlite", "references", "postgres"])

    def test_no_postgres_keeps_the_postgres_section(self):
        self.write(canned_run("20261124T100000Z-pgon-bbbbbbbbbbbb", postgres_only=True), "bench/run --postgres-only")
        before = results_file.sections(self.path.read_text())
        self.write(canned_run("20261125T100000Z-nopg-cccccccccccc", postgres=False), "bench/run --no-postgres")
        after = results_file.sections(self.path.read_text())
        self.assertEqual(after["postgres"], before["postgres"])
        self.assertIn("`bench/run --no-postgres`", after["sqlite"])
        self.assertIn("`bench/run --no-postgres`", after["references"])

    def test_no_references_keeps_the_references_section(self):
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa"), "bench/run")
        before = results_file.sections(self.path.read_text())
        self.write(canned_run("20261125T100000Z-noref-dddddddddddd", references=False), "bench/run --no-references")
        after = results_file.sections(self.path.read_text())
        self.assertEqual(after["references"], before["references"])
        self.assertNotEqual(after["sqlite"], before["sqlite"])
        self.assertNotEqual(after["postgres"], before["postgres"])

    def test_same_run_twice_is_stable(self):
        run = canned_run("20261124T100000Z-full-aaaaaaaaaaaa")
        self.write(copy.deepcopy(run), "bench/run")
        first = self.path.read_text()
        self.write(copy.deepcopy(run), "bench/run")
        self.assertEqual(self.path.read_text(), first)

    def test_unknown_sections_are_kept(self):
        self.path.write_text(results_file.merge("", {}) + "\n" + results_file.wrap("future-part", "## Later\n\nx\n"))
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa"), "bench/run")
        self.assertEqual(list(results_file.sections(self.path.read_text()))[-1], "future-part")

    def test_old_layout_is_replaced_as_a_whole(self):
        self.path.write_text("# backupd benchmark results\n\nProduced by `bench/run` ...\n")
        kept, replaced_whole = self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa"), "bench/run")
        self.assertEqual((kept, replaced_whole), ([], True))

    def test_lifecycle_only_rewrites_its_section_only(self):
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa", lifecycle=True), "bench/run")
        before = results_file.sections(self.path.read_text())
        self.assertEqual(list(before), ["sqlite", "references", "postgres", "lifecycle"])
        kept, replaced_whole = self.write(canned_run("20261125T100000Z-life-eeeeeeeeeeee", lifecycle_only=True),
                                          "bench/run --lifecycle-only")
        after = results_file.sections(self.path.read_text())
        self.assertEqual((sorted(kept), replaced_whole), (["postgres", "references", "sqlite"], False))
        for part in ("sqlite", "references", "postgres"):
            self.assertEqual(after[part], before[part])
        self.assertNotEqual(after["lifecycle"], before["lifecycle"])
        self.assertIn("`bench/run --lifecycle-only`", after["lifecycle"])
        self.assertIn("| catch-up of P30D for 10,000 instances (x3) |", after["lifecycle"])
        self.assertNotIn("| backupd on the 1m catalog |", after["lifecycle"])
        self.assertEqual(list(after), ["sqlite", "references", "postgres", "lifecycle"])

    def test_runs_without_the_lifecycle_part_keep_its_section(self):
        self.write(canned_run("20261124T100000Z-life-eeeeeeeeeeee", lifecycle_only=True), "bench/run --lifecycle-only")
        before = results_file.sections(self.path.read_text())
        self.write(canned_run("20261125T100000Z-pgon-bbbbbbbbbbbb", postgres_only=True), "bench/run --postgres-only")
        self.write(canned_run("20261125T110000Z-nolc-ffffffffffff"), "bench/run --no-lifecycle")
        after = results_file.sections(self.path.read_text())
        self.assertEqual(after["lifecycle"], before["lifecycle"])
        self.assertEqual(list(after), ["sqlite", "references", "postgres", "lifecycle"])

    def test_writes_only_rewrites_its_section_only(self):
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa", lifecycle=True, writes=True), "bench/run")
        before = results_file.sections(self.path.read_text())
        kept, replaced_whole = self.write(canned_run("20261125T100000Z-wrt-999999999999", writes_only=True),
                                          "bench/run --writes-only")
        after = results_file.sections(self.path.read_text())
        self.assertEqual((sorted(kept), replaced_whole), (["lifecycle", "postgres", "references", "sqlite"], False))
        for part in ("sqlite", "references", "postgres", "lifecycle"):
            self.assertEqual(after[part], before[part])
        self.assertNotEqual(after["writes"], before["writes"])
        self.assertIn("`bench/run --writes-only`", after["writes"])
        self.assertIn("| reads while writing: SQLite, two nodes on one file |", after["writes"])
        self.assertNotIn("| backupd on the 1m catalog |", after["writes"])
        self.assertEqual(list(after), ["sqlite", "references", "postgres", "lifecycle", "writes"])
        # A run without the part keeps its section.
        self.write(canned_run("20261125T110000Z-nolc-ffffffffffff"), "bench/run --no-lifecycle --no-writes")
        self.assertEqual(results_file.sections(self.path.read_text())["writes"], after["writes"])

    def test_loads_only_rewrites_its_section_only(self):
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa", lifecycle=True, writes=True, loads=True), "bench/run")
        before = results_file.sections(self.path.read_text())
        kept, _ = self.write(canned_run("20261125T100000Z-load-777777777777", loads_only=True), "bench/run --loads-only")
        after = results_file.sections(self.path.read_text())
        self.assertEqual(sorted(kept), ["lifecycle", "postgres", "references", "sqlite", "writes"])
        for part in ("sqlite", "references", "postgres", "lifecycle", "writes"):
            self.assertEqual(after[part], before[part])
        self.assertIn("`bench/run --loads-only`", after["loads"])
        self.assertIn("| bulk loads: SQLite |", after["loads"])
        self.assertNotIn("| backupd on the 1m catalog |", after["loads"])
        self.assertEqual(list(after), list(report.PARTS))
        # A run before the part existed wrote no section: the committed file gets one after the others.
        self.path.write_text(RESULTS_MD.read_text())
        self.write(canned_run("20261125T100000Z-load-777777777777", loads_only=True), "bench/run --loads-only")
        self.assertEqual(list(results_file.sections(self.path.read_text()))[-1], "loads")

    def test_committed_results_keep_their_other_sections(self):
        """The committed RESULTS.md: a --postgres-only run leaves its SQLite, references, lifecycle and
        reads-while-writing sections be."""
        committed = RESULTS_MD.read_text()
        old = results_file.sections(committed)
        # In the order of report.PARTS; a part added since the last full run (bulk loads) has no section yet.
        self.assertEqual(list(old), [p for p in report.PARTS if p in old])
        self.assertLessEqual(set(report.PARTS) - set(old), {"loads"})
        # Already in the layout merge() writes: rewriting it with nothing new changes no byte.
        self.assertEqual(results_file.merge(committed, {}), committed)
        self.path.write_text(committed)
        self.write(canned_run("20261125T100000Z-pgon-bbbbbbbbbbbb", postgres_only=True), "bench/run --postgres-only")
        new = results_file.sections(self.path.read_text())
        self.assertEqual(new["sqlite"], old["sqlite"])
        self.assertEqual(new["references"], old["references"])
        self.assertEqual(new["lifecycle"], old["lifecycle"])
        self.assertEqual(new["writes"], old["writes"])
        self.assertNotEqual(new["postgres"], old["postgres"])


class FiguresTest(unittest.TestCase):
    def test_lifecycle_targets(self):
        run = canned_run("20261124T100000Z-life-eeeeeeeeeeee", lifecycle_only=True)
        rows = {c["target"]: c for c in checks(run) if c["issue"] == 12}
        self.assertEqual(len(rows), 5)
        self.assertEqual([c["result"] for c in rows.values()], ["PASS"] * 5)
        catch_up = next(c for name, c in rows.items() if name.startswith("Catch-up of 30 days"))
        self.assertEqual((catch_up["value"], catch_up["result"]), (7.2, "PASS"))
        page = next(c for name, c in rows.items() if "first page of 100, cached: ≥ 80%" in name)
        self.assertEqual((page["value"], page["result"]), (0.933, "PASS"))
        self.assertEqual(failed_runs(run), [])
        # A list that disagrees with the rules fails the check target; a failed wrk run is a failed run.
        run = canned_run("20261124T100000Z-life-eeeeeeeeeeee", lifecycle_only=True)
        run["lifecycle"] = canned_lifecycle(problems=["instance 0: total_count 2095, expected 2096"])
        run["lifecycle"]["throughput"]["targets"]["policy_deep"]["runs"][1].update(failed="errors: timeout 2")
        rows = {c["target"]: c for c in checks(run) if c["issue"] == 12}
        listed = next(c for name, c in rows.items() if name.startswith("Catch-up and the phase"))
        self.assertEqual((listed["result"], listed["value"]), ("FAIL", 1))
        self.assertIn("total_count 2095", listed["detail"])
        self.assertEqual(failed_runs(run), ["lifecycle/policy_deep/round 1: errors: timeout 2"])
        section = render(run, "bench/run --lifecycle-only")["lifecycle"]
        self.assertIn("- lifecycle/policy_deep/round 1: errors: timeout 2", section)


    def test_writes_targets(self):
        run = canned_run("20261125T100000Z-wrt-999999999999", writes_only=True)
        rows = [c for c in checks(run) if c["part"] == "writes"]
        self.assertEqual(len(rows), 4)
        self.assertEqual([c["result"] for c in rows], ["PASS"] * 4)
        self.assertEqual([c["value"] for c in rows], [0.9, 0, 0.9, 0])
        self.assertIn("SQLite", rows[0]["target"])
        self.assertIn("PostgreSQL", rows[2]["target"])
        self.assertEqual(failed_runs(run), [])
        # A stale answer fails its target; a write answered other than 200 is a failed run, shown in the section.
        run["writes"] = canned_writes(stale=2, write_errors=1)
        rows = [c for c in checks(run) if c["part"] == "writes"]
        self.assertEqual((rows[1]["result"], rows[1]["value"]), ("FAIL", 2))
        self.assertIn("NOT in the first page", rows[1]["detail"])
        bad = failed_runs(run)
        self.assertEqual(len(bad), 2)
        self.assertTrue(bad[0].startswith("writes/sqlite/round 1 writing: 1 writes answered other than 200"))
        section = render(run, "bench/run --writes-only")["writes"]
        self.assertIn("- " + bad[0], section)
        # Without PostgreSQL: its rows are n/a, and say why.
        run["writes"] = canned_writes(postgres=False)
        rows = [c for c in checks(run) if c["part"] == "writes"]
        self.assertEqual([c["result"] for c in rows], ["PASS", "PASS", "n/a", "n/a"])
        self.assertIn("--no-postgres", rows[2]["detail"])
        self.assertIn("The PostgreSQL half was not run (--no-postgres).",
                      render(run, "bench/run --writes-only --no-postgres")["writes"])

    def test_cached_reads_and_signed_against_token(self):
        """Issue 13 in the SQLite section: every target against nginx serving its bytes (pages of 100 and
        of 10: requests/s and p99; the others: requests/s), and signed requests against tokens."""
        run = canned_run("20261124T100000Z-full-aaaaaaaaaaaa")
        rows = {c["target"]: c for c in checks(run) if c["part"] == "sqlite"}
        self.assertFalse([t for t in rows if "25%" in t or "4× nginx" in t])  # the older targets are gone
        mine = [c for c in rows.values() if c["issue"] == 13]
        # Two pages × (requests/s, p99), the 8 other targets, and signed against token.
        self.assertEqual(len(mine), 2 * 2 + len(TARGET_NAMES) - 2 + 1)
        page = rows["Cached reads, RDS page of 100 at 32 connections: ≥ 50% of nginx's requests/s for the same bytes"]
        self.assertEqual((page["result"], page["value"], page["limit"]), ("PASS", 0.625, 0.5))
        p99 = rows["Cached reads, RDS page of 10 at 32 connections: p99 ≤ 2× nginx's"]
        self.assertEqual((p99["result"], p99["value"]), ("PASS", 2.0))
        deep = rows["Cached reads, rds_deep at 32 connections: ≥ 40% of nginx's requests/s for the same bytes"]
        self.assertEqual((deep["result"], deep["value"], deep["limit"]), ("PASS", 0.625, 0.4))
        self.assertIn("35,531 bytes", deep["detail"])
        ddm = rows["Cached reads, ddm_detail at 32 connections: ≥ 40% of nginx's requests/s for the same bytes"]
        self.assertEqual(ddm["result"], "n/a")
        self.assertIn("not measured", ddm["detail"])
        auth = next(c for t, c in rows.items() if t.startswith("Signed as fast as tokens"))
        self.assertEqual((auth["result"], auth["value"], auth["limit"]), ("PASS", 0.933, 0.9))
        self.assertIn("round by round 0.933", auth["detail"])
        section = render(run, "bench/run")["sqlite"]
        self.assertIn("### Targets (issues 5 and 13)", section)
        self.assertIn("### Signed and token requests, page of 100 (1,000,000 backups, 32 connections)", section)
        self.assertIn("| signed/token requests/s, page of 100 (medians) | 0.933 |", section)
        self.assertIn("`rds_deep`", render(run, "bench/run")["references"])
        # Slower than nginx allows, and signed slower than tokens: FAIL, with how far off.
        run = canned_run("20261124T100000Z-full-aaaaaaaaaaaa")
        run["references"]["nginx"]["runs"]["rds_deep/c32"] = wrk_run(60_000, 1000)
        run["catalogs"]["1m"]["auth"] = canned_auth(signed_rps=12_000, token_rps=15_000)
        rows = {c["target"]: c for c in checks(run) if c["part"] == "sqlite"}
        deep = rows["Cached reads, rds_deep at 32 connections: ≥ 40% of nginx's requests/s for the same bytes"]
        self.assertEqual((deep["result"], deep["value"]), ("FAIL", 0.25))
        self.assertIn("short by 38% (needs 1.60× the requests/s)", deep["detail"])
        auth = next(c for t, c in rows.items() if t.startswith("Signed as fast as tokens"))
        self.assertEqual((auth["result"], auth["value"]), ("FAIL", 0.8))
        # A failed token run is a failed run of the SQLite part.
        run["catalogs"]["1m"]["auth"]["runs"][1].update(failed="errors: status 12")
        self.assertEqual(failed_runs(run), ["1m/token/round 1: errors: status 12"])

    def test_postgres_targets(self):
        run = canned_run("20261125T100000Z-pgon-bbbbbbbbbbbb", postgres_only=True)
        rows = [c for c in checks(run) if c["part"] == "postgres"]
        self.assertEqual([(c["issue"], c["result"]) for c in rows], [(13, "PASS"), (13, "PASS"), (6, "PASS")])
        c1, first = rows[0], rows[1]
        self.assertIn("at 1 connection", c1["target"])
        self.assertEqual((c1["value"], c1["limit"]), (0.65, 0.6))
        self.assertIn("at 32 connections 13,000 vs 15,000 = 0.87", c1["detail"])
        self.assertEqual(first["value"], 0)
        self.assertIn("node 1 (cluster restarted just before): 200 in 45 ms", first["detail"])
        # A first answer other than 200 fails its target, whatever came after it.
        run["postgres"]["catalogs"]["1m"]["nodes"][0]["first_request"] = {
            "status": 503, "seconds": 1.02, "cold_database": True, "answer": '{"error_code":"DBS.0001"}'}
        rows = [c for c in checks(run) if c["part"] == "postgres"]
        self.assertEqual((rows[1]["result"], rows[1]["value"]), ("FAIL", 1))
        self.assertIn("503", rows[1]["detail"])
        section = render(run, "bench/run --postgres-only")["postgres"]
        self.assertIn("### Targets (issues 6 and 13)", section)
        self.assertIn("**503** in 1,020 ms (cold)", section)

    def test_loads_targets(self):
        run = canned_run("20261125T100000Z-load-777777777777", loads_only=True)
        rows = [c for c in checks(run) if c["part"] == "loads"]
        self.assertEqual([(c["issue"], c["result"], c["value"], c["limit"]) for c in rows],
                         [(13, "PASS", 210_000, 200_000), (13, "PASS", 205_000, 200_000), (13, "PASS", 120_000, 100_000)])
        self.assertIn("`backupd seed` of a 1,000,000-backup seed file into an empty SQLite store", rows[1]["target"])
        self.assertIn("`backupd export` of the generated store, 420 MB", rows[1]["detail"])
        section = render(run, "bench/run --loads-only")["loads"]
        self.assertIn("| 210,000 | 200,000 |", section)
        self.assertIn("another random seed, on top of the first store | 1,000,000 |", section)
        self.assertIn("| 90,000 |", section)
        # Too slow: FAIL, in backups/s; a failed command is a failed run; --quick's 10k: no verdict.
        run["loads"] = canned_loads(rates=(110_000, 205_000, 120_000), failed="postgres_generate")
        rows = [c for c in checks(run) if c["part"] == "loads"]
        self.assertEqual([c["result"] for c in rows], ["FAIL", "PASS", "n/a"])
        self.assertIn("(needs 1.82× the rate)", rows[0]["detail"])
        self.assertEqual(failed_runs(run), ["loads/postgres_generate: backupd postgres_generate: exit 1: boom"])
        run["loads"] = canned_loads(backups=10_000, postgres=False)
        rows = [c for c in checks(run) if c["part"] == "loads"]
        self.assertEqual([c["result"] for c in rows], ["n/a", "n/a", "n/a"])
        self.assertIn("no verdict", rows[0]["detail"])
        self.assertIn("--no-postgres", rows[2]["detail"])

    def test_every_part_shows_its_own_failures_and_busy_runs(self):
        run = canned_run("20261124T100000Z-full-aaaaaaaaaaaa")
        run["catalogs"]["1m"]["targets"]["rds_deep"]["runs"]["c32"] = {"failed": "errors: timeout 3", "error_total": 3}
        sections = render(run, "bench/run")
        self.assertEqual(failed_runs(run), ["1m/rds_deep/c32: errors: timeout 3"])
        self.assertIn("- 1m/rds_deep/c32: errors: timeout 3", sections["sqlite"])
        self.assertNotIn("rds_deep/c32: errors", sections["postgres"])
        # moto's c32 run was taken while other work used 30% of the machine: a note of the references only.
        self.assertIn("moto/page100/c32 (30%)", sections["references"])
        self.assertNotIn("moto/page100/c32", sections["sqlite"])
        self.assertEqual(run["notes"], ["Other work used more than 10% of the machine during 1 runs: moto/page100/c32 (30%)."])

    def test_merged_percentiles(self):
        runs = [{"histogram": [(100, 3), (200, 1)], "errors": {"connect": 0, "timeout": 0}, "requests": 4,
                 "duration_us": 1, "bytes": 1, "rps": 4.0, "max_us": 200, "connections": 1, "threads": 1,
                 "p50_us": 100, "p99_us": 200},
                {"histogram": [(150, 4)], "errors": {"connect": 0, "timeout": 1}, "requests": 4,
                 "duration_us": 2, "bytes": 1, "rps": 4.0, "max_us": 150, "connections": 1, "threads": 1,
                 "p50_us": 150, "p99_us": 150}]
        merged = merge_runs(runs)
        self.assertEqual((merged["p50_us"], merged["p99_us"], merged["rps"], merged["error_total"]), (150, 200, 8.0, 1))


if __name__ == "__main__":
    unittest.main()
