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


def canned_run(run_id, postgres_only=False, postgres=True, references=True):
    """The results of a run as bench.py keeps them, with made-up figures; `run_id` tells runs apart."""
    targets = ["rds_page100"] if postgres_only else ["rds_page100", "rds_page10", "rds_deep"]
    names = ["10k", "1m"] if postgres_only else ["10k", "1m", "10m"]
    cats = {n: sqlite_catalog(n, 1000, 10_000, targets) for n in names}
    phases = [{"phase": "build (bench/run)", "seconds": 22.0}, {"phase": "catalogs", "seconds": 0.0, "loadavg_1m": 0.4,
                                                                "part": "sqlite"}]
    phases += [{"phase": f"backupd on the {n} catalog", "seconds": 11.4, "loadavg_1m": 0.7, "part": "sqlite"}
               for n in names]
    results = {"run_id": run_id, "started": "2026-11-24T10:00:00Z", "finished": "2026-11-24T10:07:00Z",
               "elapsed_s": 421.0, "loadavg_start": 0.36,
               "machine": {"nproc": 2, "cpu": "AMD EPYC", "memory_gib": 23.5, "kernel": "6.18", "os": "Debian 12"},
               "versions": {"backupd_commit": run_id[-12:], "built_from": "the work tree", "backupd_sources_dirty": [],
                            "swift": "Swift 6.3.1", "wrk": "wrk 4.1.0", "nginx": "nginx/1.22.1", "moto": "5.2.5",
                            "python": "3.11.7", "binary_sha256": "0123456789abcdef"},
               "options": {"quick": False, "catalogs": names, "postgres": postgres, "postgres_only": postgres_only,
                           "duration": 5, "warmup": 1, "connections": [1, 32], "log_level": "backupd default"},
               "catalogs": cats, "references": {}, "postgres": {"catalogs": {}}, "notes": [], "phases": phases}
    if references and not postgres_only:
        results["references"] = {
            "nginx": {"version": "nginx version: nginx/1.22.1", "catalog": "1m",
                      "body_bytes": {"rds_page100": 35_524, "rds_page10": 3_585},
                      "runs": {f"{f}/c{c}": wrk_run(60000, 200) for f in ("rds_page100", "rds_page10") for c in (1, 32)}},
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
                     "nodes": [{"startup_s": 0.037, "peak_rss_kb": 89_000}, {"startup_s": 0.038, "peak_rss_kb": 67_000}],
                     "log": {"statuses": {"200": 5000}},
                     "setups": {"1 node": {"label": "RDS list, first page of 100", "nodes": 1, "same_bytes_as_sqlite": True,
                                           "runs": {"c1": wrk_run(1900, 500, db_cpu_pct=7.0),
                                                    "c32": wrk_run(13000, 2200, db_cpu_pct=3.0)}},
                                "2 nodes": {"label": "RDS list, first page of 100", "nodes": 2, "same_bytes_as_sqlite": True,
                                            "runs": {"c2": wrk_run(3700, 490, per_node_connections=1),
                                                     "c32": wrk_run(9000, 2400, per_node_connections=16)}}}}
        results["postgres"] = {"catalogs": pg, "cluster": {"settings": {"server_version": "15.18", "fsync": "off"},
                                                           "pool_size": "16", "query_timeout_ms": "1000"}}
        phases += [{"phase": "PostgreSQL: cluster and catalogs", "seconds": 28.3, "loadavg_1m": 1.9, "part": "postgres"},
                   {"phase": "PostgreSQL on the 10k catalog", "seconds": 22.8, "loadavg_1m": 3.1, "part": "postgres"}]
    return results


def render(results, command):
    """The sections a run writes, as bench.py makes them."""
    rows = checks(results)
    if results["options"]["postgres_only"]:
        rows = [c for c in rows if c["issue"] == 6]
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
        self.write(canned_run("20261124T100000Z-full-aaaaaaaaaaaa"), "bench/run")
        text = self.path.read_text()
        self.assertEqual(list(results_file.sections(text)), ["sqlite", "references", "postgres"])
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

    def test_committed_results_keep_their_other_sections(self):
        """The committed RESULTS.md: a --postgres-only run leaves its SQLite and references sections be."""
        committed = RESULTS_MD.read_text()
        old = results_file.sections(committed)
        self.assertEqual(list(old), ["sqlite", "references", "postgres"])
        # Already in the layout merge() writes: rewriting it with nothing new changes no byte.
        self.assertEqual(results_file.merge(committed, {}), committed)
        self.path.write_text(committed)
        self.write(canned_run("20261125T100000Z-pgon-bbbbbbbbbbbb", postgres_only=True), "bench/run --postgres-only")
        new = results_file.sections(self.path.read_text())
        self.assertEqual(new["sqlite"], old["sqlite"])
        self.assertEqual(new["references"], old["references"])
        self.assertNotEqual(new["postgres"], old["postgres"])


class FiguresTest(unittest.TestCase):
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
