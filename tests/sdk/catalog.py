"""The suite's catalog: examples/seed.json plus generated records for paging, and a reference
model of api.md §1.9 (selection, order, totals) that the answers are checked against.

The generated part is deterministic (fixed random seed), lives in the projects the example seed
already has (so IAM project lists do not change), and adds a few users for authentication tests.
"""

import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SEED = REPO / "examples" / "seed.json"

# Tenancy of examples/seed.json.
ACME_ID = "9a3c0d1e2f4b4c5d8e7f6a5b4c3d2e1f"
GLOBEX_ID = "1f2e3d4c5b6a47988796a5b4c3d2e1f0"
P_CN_NORTH_4 = "0483b6b16e954cb88930a360d2c4e663"
P_AP_SOUTHEAST_1 = "5f1e2d3c4b5a69788796a5b4c3d2e1f0"
P_CN_EAST_3 = "97b026aa9cc4417888c14c84a1ad9860"
P_AP_SOUTHEAST_3 = "619d3e78f61b4be68bc5aa0b59edcf7b"
P_BILLING = "3d9a8f7e6c5b4a39281706f5e4d3c2b1"  # cn-north-4_billing
P_GLOBEX = "2b3c4d5e6f708192a3b4c5d6e7f80912"  # globex's cn-north-4

# Instances of examples/seed.json.
RDS_A48E = "a48e43ff268f4c0e879652d65e63d0fbin01"
RDS_PROD = "43e4feaab48f11e89039fa163ebaa7e4in01"
RDS_PG = "b7c6d5e4f3a2419087f6e5d4c3b2a190in03"
RDS_SQLSERVER = "ad4ee2b80adb430082d8336d7da2e14din04"
RDS_DDM_NODE = "fc33739e5d2741529e21d87a7b5923fain01"
RDS_GLOBEX = "c0ffee00c0ffee00c0ffee00c0ffee00in01"
TAURUS = "61a4ea66210545909d74a05c27a7179ein07"
DCS_REDIS = "5560df16-cebf-4473-95c4-d1b573c16e79"
DCS_MEMCACHED = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
DDM = "34970585d4964f2a8d6d9ea8d303398bin09"

# Generated instances (this module), each with enough records to page through.
RDS_PAGING = "9e1d0c2b3a4f45e6a7b8c9d0e1f2a3b4in01"
TAURUS_PAGING = "7a0e5c3b1d9f4e2a8b6c4d2e0f1a3b5cin07"
DCS_PAGING = "0f3e5d7c-9b1a-4c2e-8d4f-6a8b0c2e4f60"
RDS_PAGING_COUNT = 250
TAURUS_PAGING_COUNT = 130
DCS_PAGING_COUNT = 230

# Instances only the write-side catalog has (build_write_seed), each written by one test only.
RDS_FLOW = "5d1c2b3a49f84e7d9c6b5a4f3e2d1c0bin01"  # lifecycle.md §11.2, step by step
TAURUS_QUIET = "3e4f5a6b7c8d49e0a1b2c3d4e5f6a7b8in07"  # never written: no policy, no backups
DDM_AUTO = "8b7a6c5d4e3f42a1b0c9d8e7f6a5b4c3in09"  # "auto_backup": true, daily metadata backups
# Cross-region policies (test_offsite_policy.py), one test each: copies and their retention, the
# incremental chain, SQL Server's `all`.
RDS_OFFSITE_KEEP = "6a5b4c3d2e1f40a9b8c7d6e5f4a3b2c1in01"
RDS_OFFSITE_PG = "7b6c5d4e3f2a41b0c9d8e7f6a5b4c3d2in03"
RDS_OFFSITE_SQLSERVER = "8c7d6e5f4a3b42c1d0e9f8a7b6c5d4e3in04"


class User:
    def __init__(self, name, domain, ak, sk):
        self.name, self.domain, self.ak, self.sk = name, domain, ak, sk
        self.password = "Passw0rd!" + name


ALICE = User("alice", "acme", "HPUAEXAMPLEAK0000001", "exampleSecretKey0000000000000000000000001")
BOB = User("bob", "acme", "HPUAEXAMPLEAK0000002", "exampleSecretKey0000000000000000000000002")
CAROL = User("carol", "globex", "HPUAEXAMPLEAK0000003", "exampleSecretKey0000000000000000000000003")
# Added by this suite: a user whose key takes the wrong-SK tests, one whose key gets locked out
# (auth.md §4.5), and one whose empty `projects` list allows no project at all. Each failing
# test has its own key because 5 consecutive bad signatures lock a key for 5 minutes.
SIGTEST = User("sigtest", "acme", "HPUASDKTESTAK0000091", "sdkTestSecretKey00000000000000000000000091")
LOCKTEST = User("locktest", "acme", "HPUASDKTESTAK0000092", "sdkTestSecretKey00000000000000000000000092")
NOBODY = User("nobody", "acme", "HPUASDKTESTAK0000093", "sdkTestSecretKey00000000000000000000000093")
# Takes the clock-skew and malformed-Authorization tests, so that a server counting those as
# signature failures locks only this key.
SKEWTEST = User("skewtest", "acme", "HPUASDKTESTAK0000094", "sdkTestSecretKey00000000000000000000000094")


def _user_entry(user, projects=None):
    entry = {"name": user.name, "password": user.password,
             "access_keys": [{"access": user.ak, "secret": user.sk}]}
    if projects is not None:
        entry["projects"] = projects
    return entry


def _fmt_offset_time(instant, offset_minutes):
    """yyyy-mm-ddThh:mm:ss±hhmm in the given offset."""
    tz = timezone(timedelta(minutes=offset_minutes))
    local = instant.astimezone(tz)
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + "%s%02d%02d" % (sign, hours, minutes)


def _fmt_dcs_time(instant):
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (instant.microsecond // 1000)


def _generated(rng):
    instances = [
        {"id": RDS_PAGING, "project_id": P_CN_NORTH_4, "service": "rds", "name": "rds-paging",
         "datastore": {"type": "MySQL", "version": "8.0"}},
        {"id": TAURUS_PAGING, "project_id": P_CN_EAST_3, "service": "taurusdb", "name": "taurus-paging",
         "datastore": {"type": "gaussdb-mysql", "version": "8.0"}},
        {"id": DCS_PAGING, "project_id": P_CN_NORTH_4, "service": "dcs", "name": "dcs-paging",
         "engine": "Redis", "engine_version": "6.0"},
    ]
    backups = []

    # RDS: begin times in three offsets; every seventh record ties with the one before it (same
    # instant, often written in another offset), so the id decides their order.
    t = datetime(2021, 1, 1, tzinfo=timezone.utc)
    for i in range(RDS_PAGING_COUNT):
        if i % 7 != 3:
            t += timedelta(minutes=rng.randint(1, 600))
        offset = rng.choice([480, 0, -330])
        record = {
            "instance_id": RDS_PAGING, "id": "%032xbr01" % rng.getrandbits(128),
            "name": "rds-paging-%03d" % i,
            "type": rng.choice(["auto", "manual", "fragment", "incremental"]),
            "status": rng.choice(["COMPLETED"] * 5 + ["FAILED", "BUILDING", "DELETING"]),
            "size": rng.randint(0, 100000),
            "begin_time": _fmt_offset_time(t, offset),
            "end_time": _fmt_offset_time(t + timedelta(seconds=rng.randint(60, 3600)), offset),
            "associated_with_ddm": rng.random() < 0.1,
        }
        if i % 50 == 0:
            record["datastore"] = {"type": "MySQL", "version": "5.7"}
        backups.append(record)

    # TaurusDB: incrementals with fractional sizes, plus full backups the API must leave out.
    t = datetime(2023, 3, 1, tzinfo=timezone.utc)
    for i in range(TAURUS_PAGING_COUNT + 5):
        if i % 9 != 4:
            t += timedelta(minutes=rng.randint(5, 300))
        size = rng.randint(0, 1 << 22) / 64
        backups.append({
            "instance_id": TAURUS_PAGING, "id": "%032xbr07" % rng.getrandbits(128),
            "name": "taurus-paging-%03d" % i,
            "type": "incremental" if i < TAURUS_PAGING_COUNT else rng.choice(["auto", "manual"]),
            "begin_time": _fmt_offset_time(t, 480),
            "end_time": _fmt_offset_time(t + timedelta(minutes=30), 480),
            "size": int(size) if size == int(size) else size,
        })

    # DCS: millisecond times, with many records in the same second (and some at the same
    # millisecond), so whole-second ties are ordered by backup_id.
    t = datetime(2022, 3, 1, tzinfo=timezone.utc)
    for i in range(DCS_PAGING_COUNT):
        t += timedelta(milliseconds=rng.choice([0, 137, 420, 999, 1001, 3000, 61000, 3600000]))
        status = rng.choice(["succeed"] * 4 + ["failed", "expired", "deleted", "waiting", "backuping"])
        backup_type = rng.choice(["auto", "manual"])
        backups.append({
            "instance_id": DCS_PAGING, "backup_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "backup_name": "backup_paging_%03d" % i, "backup_type": backup_type, "status": status,
            "size": rng.randint(0, 10**9), "progress": "100.00" if status == "succeed" else "0.00",
            "remark": rng.choice(["", "nightly", "before upgrade"]),
            "period": "18:00-19:00" if backup_type == "auto" else None,
            "error_code": "dcs.08.0003" if status == "failed" else None,
            "is_support_restore": "TRUE" if status == "succeed" else "FALSE",
            "created_at": _fmt_dcs_time(t),
            "updated_at": _fmt_dcs_time(t + timedelta(seconds=74)),
            "execution_at": _fmt_dcs_time(t + timedelta(seconds=5)),
        })
    return instances, backups


def build_seed():
    """examples/seed.json with the generated instances, backups and test users added."""
    seed = json.loads(EXAMPLE_SEED.read_text(encoding="utf-8"))
    acme = next(d for d in seed["domains"] if d["name"] == "acme")
    acme["users"] += [_user_entry(SIGTEST), _user_entry(LOCKTEST), _user_entry(NOBODY, projects=[]),
                      _user_entry(SKEWTEST)]
    instances, backups = _generated(random.Random(20240301))
    seed["instances"] += instances
    seed["backups"] += backups
    return seed


def build_write_seed():
    """The catalog of test_write_side.py's own servers: examples/seed.json (the catalog of
    lifecycle.md §11) plus a few instances that no read test knows."""
    seed = json.loads(EXAMPLE_SEED.read_text(encoding="utf-8"))
    seed["instances"] += [
        {"id": RDS_FLOW, "project_id": P_CN_NORTH_4, "service": "rds", "name": "rds-mysql-flow",
         "datastore": {"type": "MySQL", "version": "8.0"}},
        {"id": TAURUS_QUIET, "project_id": P_CN_EAST_3, "service": "taurusdb", "name": "taurus-quiet",
         "datastore": {"type": "gaussdb-mysql", "version": "8.0"}},
        {"id": DDM_AUTO, "project_id": P_AP_SOUTHEAST_3, "service": "ddm", "name": "ddm-write-auto",
         "related_data_nodes": [], "auto_backup": True},
        {"id": RDS_OFFSITE_KEEP, "project_id": P_CN_NORTH_4, "service": "rds", "name": "rds-mysql-offsite",
         "datastore": {"type": "MySQL", "version": "8.0"}},
        {"id": RDS_OFFSITE_PG, "project_id": P_CN_NORTH_4, "service": "rds", "name": "rds-pg-offsite",
         "datastore": {"type": "PostgreSQL", "version": "12"}},
        {"id": RDS_OFFSITE_SQLSERVER, "project_id": P_AP_SOUTHEAST_1, "service": "rds",
         "name": "sqlserver-offsite", "datastore": {"type": "sqlserver", "version": "2019_SE"}},
    ]
    return seed


# ---------------------------------------------------------------------------------------------
# Reference model (api.md §1.9 and the per-API sections).

def parse_time(value):
    """An RDS/TaurusDB time (yyyy-mm-ddThh:mm:ss±hhmm or Z) as an aware datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def dcs_key(created_at):
    """A DCS record's order key: created_at cut down to whole seconds."""
    instant = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return instant.replace(microsecond=0)


def parse_dcs_query_time(value):
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


class Model:
    def __init__(self, seed):
        self.seed = seed
        self.instances = {i["id"]: i for i in seed["instances"]}

    def _backups(self, instance_id):
        return [b for b in self.seed["backups"] if b["instance_id"] == instance_id]

    @staticmethod
    def _newest_first(records, key, id_field):
        # Newest key first, ties by id ascending (ASCII bytes).
        records = sorted(records, key=lambda r: r[id_field].encode())
        return sorted(records, key=key, reverse=True)

    def _rds_shape(self, record, offsite=False):
        instance = self.instances[record["instance_id"]]
        out = {
            "id": record["id"], "name": record["name"],
            "type": "auto" if offsite and record["type"] == "manual" else record["type"],
            "size": record["size"], "status": record["status"],
        }
        if "databases" in record:
            out["databases"] = record["databases"]
        out["begin_time"] = record["begin_time"]
        out["end_time"] = record["end_time"]
        out["datastore"] = record.get("datastore", instance["datastore"])
        out["instance_id"] = record["instance_id"]
        if instance["datastore"]["type"] == "MySQL":
            out["associated_with_ddm"] = record.get("associated_with_ddm", False)
        return out

    @staticmethod
    def _in_window(instant, begin, end):
        return begin is None or parse_time(begin) <= instant <= parse_time(end)

    def rds_list(self, instance_id, backup_id=None, backup_type=None, status=None,
                 begin_time=None, end_time=None):
        """Every record GET /v3/{p}/backups selects, in answer order (no paging)."""
        records = [b for b in self._backups(instance_id) if "offsite_project_id" not in b
                   and (backup_id is None or b["id"] == backup_id)
                   and (backup_type is None or b["type"] == backup_type)
                   and (status is None or b["status"] == status)
                   and self._in_window(parse_time(b["begin_time"]), begin_time, end_time)]
        records = self._newest_first(records, lambda r: parse_time(r["begin_time"]), "id")
        return [self._rds_shape(r) for r in records]

    def offsite_list(self, project_id, instance_id, backup_type, backup_id=None,
                     begin_time=None, end_time=None):
        types = {"auto": {"auto", "manual"}, "incremental": {"incremental"}}[backup_type]
        records = [b for b in self._backups(instance_id) if b.get("offsite_project_id") == project_id
                   and b["type"] in types and (backup_id is None or b["id"] == backup_id)
                   and self._in_window(parse_time(b["begin_time"]), begin_time, end_time)]
        records = self._newest_first(records, lambda r: parse_time(r["begin_time"]), "id")
        return [self._rds_shape(r, offsite=True) for r in records]

    def taurus_list(self, instance_id, begin_time=None, end_time=None):
        records = [b for b in self._backups(instance_id) if b["type"] == "incremental"
                   and self._in_window(parse_time(b["begin_time"]), begin_time, end_time)]
        records = self._newest_first(records, lambda r: parse_time(r["begin_time"]), "id")
        return [{"id": r["id"], "name": r["name"], "begin_time": r["begin_time"],
                 "end_time": r["end_time"], "size": r["size"], "instance_id": r["instance_id"]}
                for r in records]

    DCS_FIELDS = ["status", "remark", "period", "progress", "size", "instance_id", "backup_id",
                  "created_at", "updated_at", "execution_at", "backup_type", "backup_name",
                  "error_code", "is_support_restore"]

    def dcs_list(self, instance_id, begin=None, end=None):
        """begin/end: yyyyMMddHHmmss (UTC), each optional."""
        records = [b for b in self._backups(instance_id)
                   if (begin is None or parse_dcs_query_time(begin) <= dcs_key(b["created_at"]))
                   and (end is None or dcs_key(b["created_at"]) <= parse_dcs_query_time(end))]
        records = self._newest_first(records, lambda r: dcs_key(r["created_at"]), "backup_id")
        return [{f: r[f] for f in self.DCS_FIELDS} for r in records]
