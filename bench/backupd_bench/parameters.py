"""The benchmark's fixed parameters, in one place because every part of a run reads them: which
catalogs exist, which API targets are measured, and where the benchmark's files are."""

from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
LUA = BENCH / "report.lua"

# name: (instances, backups, random seed). The 10M catalog holds the 250,000-backup instances of issue 5.
CATALOGS = {
    "10k": (1_000, 10_000, 5),
    "1m": (20_000, 1_000_000, 5),
    "10m": (100_000, 10_000_000, 5),
}
CATALOG_LABEL = {"10k": "10,000", "1m": "1,000,000", "10m": "10,000,000"}
# The catalog of the ratio targets (issue 5: "from a 1,000,000-backup catalog").
RATIO_CATALOG = "1m"
DEEP_OFFSET = 200_000
MB = 1_000_000
TARGET_NAMES = ["rds_page100", "rds_page10", "rds_deep", "rds_filter", "rds_window", "rds_offsite", "taurus_incr",
                "dcs_v1", "dcs_v2", "ddm_detail"]

# Issue 13's cached reads against nginx serving the same bytes (32 connections, the ratio catalog): the
# pages of 100 and of 10 (requests/s and p99), then every other API target (requests/s). nginx measures
# these two at 1 connection too; the others at 32 only, the figure their targets compare.
NGINX_PAGES = ("rds_page100", "rds_page10")
NGINX_PAGE_RPS_LIMIT = 0.5       # backupd's requests/s over nginx's, pages of 100 and of 10
NGINX_PAGE_P99_LIMIT = 2.0       # backupd's p99 over nginx's, pages of 100 and of 10
NGINX_OTHER_RPS_LIMIT = 0.4      # backupd's requests/s over nginx's, every other target
# Issue 13: SDK-signed requests against the same request with an IAM token (page of 100, ratio catalog).
SIGNED_TOKEN_LIMIT = 0.9

# The catalogs the PostgreSQL part makes (the 10M one would take the run's whole budget to load).
PG_CATALOGS = ("10k", "1m")
# The API target the PostgreSQL part measures, and compares with SQLite's.
PG_TARGET = "rds_page100"
# The PostgreSQL setup of one node started with --pg-revision-notifications (issue 13).
PG_LISTENING = "1 node, notifications"
# Issue 13: one PostgreSQL node at 1 connection against one SQLite node, requests/s, same catalog.
PG_C1_RATIO_LIMIT = 0.6

# Bulk loads (issue 13): the catalog loaded (the --quick run loads the 10k one, and its rows are then n/a),
# and the rates `backupd generate` and `backupd seed` must reach into an empty store, wall clock.
LOADS_CATALOG = "1m"
LOAD_SQLITE_LIMIT = 200_000      # backups/s, generate and seed into an empty SQLite store
LOAD_PG_LIMIT = 100_000          # backups/s, generate into an empty PostgreSQL schema

# The policies-and-clock part (issue 12): its limits.
CATCH_UP_LIMIT_S = 30.0          # the catch-up of 30 days for 10,000 instances with policies, SQLite
THROUGHPUT_RATIO_LIMIT = 0.8     # requests/s of a list with a policy on against one without ("within 20%")

# Reads while writing (issue 13, target 2): the writer's rate, and the share of the read-only
# requests/s that the reads of an unwritten instance must keep meanwhile.
WRITE_RATE = 50                  # RDS creates (W1) a second, half through each of two nodes
WRITES_RATIO_LIMIT = 0.8
