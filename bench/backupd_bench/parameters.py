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

# The catalogs the PostgreSQL part makes (the 10M one would take the run's whole budget to load).
PG_CATALOGS = ("10k", "1m")
# The API target the PostgreSQL part measures, and compares with SQLite's.
PG_TARGET = "rds_page100"

# The policies-and-clock part (issue 12): its limits.
CATCH_UP_LIMIT_S = 30.0          # the catch-up of 30 days for 10,000 instances with policies, SQLite
THROUGHPUT_RATIO_LIMIT = 0.8     # requests/s of a list with a policy on against one without ("within 20%")

# Reads while writing (issue 13, target 2): the writer's rate, and the share of the read-only
# requests/s that the reads of an unwritten instance must keep meanwhile.
WRITE_RATE = 50                  # RDS creates (W1) a second, half through each of two nodes
WRITES_RATIO_LIMIT = 0.8
