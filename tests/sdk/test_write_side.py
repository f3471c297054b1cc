"""The write side (lifecycle.md) through the official SDK, as users call it: RDS W1–W5, TaurusDB
W8–W12, DCS W13–W16 and DDM W19–W20, with the control API (§5) moving the catalog clock.

These tests change the catalog, so they run on servers of their own (the suite's topology again,
on build_write_seed(): examples/seed.json, the catalog of §11, plus a few instances), and the read
tests' catalog stays exactly the seed.

The clock never moves backwards. The module freezes it once; every test that needs a clean
timeline takes `t0`, which moves the frozen clock to a Monday 08:00:00.000Z at least a week later
than it reads (§11's T0 is such a Monday), so tests do not depend on their order. Each seeded
record that a test deletes and each instance whose policy a test sets belongs to that one test;
the others look only at records they created or filter by id. Random ids are read from responses.
"""

import json
import re
import secrets
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from huaweicloudsdkdcs.v2 import BackupInstanceBody, BackupPlan
from huaweicloudsdkdcs.v2 import BackupPolicy as DcsBackupPolicy
from huaweicloudsdkdcs.v2 import (CopyInstanceRequest, DcsClient, DeleteBackupFileRequest,
                                  ListBackupRecordsRequest, ModifyInstanceBody, ShowInstanceRequest,
                                  UpdateInstanceRequest)
from huaweicloudsdkddm.v1 import DdmClient, DeleteBackupRequest
from huaweicloudsdkddm.v1 import ListBackupsRequest as DdmListBackupsRequest
from huaweicloudsdkddm.v1 import ShowBackupRequest
from huaweicloudsdkgaussdb.v3 import (CreateGaussMySqlBackupRequest, DeleteGaussMySqlBackupRequest,
                                      GaussDBClient, MysqlBackupPolicy, MysqlCreateBackupRequest,
                                      MysqlUpdateBackupPolicyRequest, ShowGaussMySqlBackupListRequest,
                                      ShowGaussMySqlBackupPolicyRequest,
                                      ShowGaussMySqlIncrementalBackupListRequest,
                                      UpdateGaussMySqlBackupPolicyRequest)
from huaweicloudsdkrds.v3 import (BackupDatabase, BackupPolicy, BatchDeleteBackupRequestBody,
                                  BatchDeleteManualBackupRequest, CreateManualBackupRequest,
                                  CreateManualBackupRequestBody, DeleteManualBackupRequest,
                                  ListBackupsRequest, RdsClient, SetBackupPolicyRequest,
                                  SetBackupPolicyRequestBody, ShowBackupPolicyRequest)

from catalog import (ALICE, BOB, DCS_MEMCACHED, DCS_REDIS, DDM, DDM_AUTO, P_AP_SOUTHEAST_1,
                     P_AP_SOUTHEAST_3, P_CN_EAST_3, P_CN_NORTH_4, RDS_A48E, RDS_FLOW, RDS_GLOBEX,
                     RDS_PROD, RDS_SQLSERVER, TAURUS, TAURUS_QUIET, build_write_seed)
from support import (JSON_UTF8, NO_API, NOT_AUTHORIZED, REQUEST_ID, Captured, Control,
                     check_gateway_error, control_request, expect_sdk_error, ordered, plain,
                     sdk_client, signed, stamp, wire)

UTC = timezone.utc
START = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # §11's T0, a Monday: the module's first reading
SEED = build_write_seed()

RDS_ID = re.compile(r"^[0-9a-f]{32}br01$")
TAURUS_ID = re.compile(r"^[0-9a-f]{32}br07$")
DDM_ID = re.compile(r"^[0-9a-f]{32}br09$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

P = "Parameter error. "
NO_INSTANCE = "The DB instance does not exist."
NO_BACKUP = "The backup information does not exist."
IN_PROGRESS = "Backup is in progress, please wait."
MANUAL_ONLY = P + "Only manual backups can be deleted."
DCS_NO_INSTANCE = "This DCS instance does not exist."
DCS_BACKUPING = "the instance is backuping."
UNKNOWN_RDS = "00000000000000000000000000000000in01"
UNKNOWN_TAURUS = "00000000000000000000000000000000in07"
UNKNOWN_DCS = "00000000-0000-4000-8000-000000000000"


def code_ids(value):
    """Test ids of the parametrized error tests: messages (strings with spaces) show as "msg"."""
    if isinstance(value, str) and " " in value:
        return "msg"
    return None


# --- times and names (lifecycle.md §4.13, §8.6) ---------------------------------------------------

def rds_time(instant):
    """RDS, TaurusDB and DDM times the server writes: whole seconds, +0000."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def dcs_query(instant):
    return instant.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def dcs_name(created):
    return "backup_" + (created + timedelta(hours=8)).strftime("%Y%m%d%H%M%S")


def auto_name(instance_name, instant):
    return "%s-%s000" % (instance_name, instant.strftime("%Y%m%d%H%M%S"))


def unique(prefix):
    return "%s-%s" % (prefix, secrets.token_hex(4))


def seeded(backup_id):
    return next(b for b in SEED["backups"] if b.get("id", b.get("backup_id")) == backup_id)


def instance(instance_id):
    return next(i for i in SEED["instances"] if i["id"] == instance_id)


def assert_wire(response, expected):
    """The body as sent: exactly these members, in this order, nulls included."""
    assert ordered(wire(response)) == ordered(expected)


# --- servers, clock and clients ------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster(start_topology, tmp_path_factory):
    seed_path = tmp_path_factory.mktemp("write-seed") / "seed.json"
    seed_path.write_text(json.dumps(SEED, indent=1), encoding="utf-8")
    with start_topology(tmp_path_factory.mktemp("backupd-write"), seed_path) as (front, processes):
        yield SimpleNamespace(front=front, base=front.base,
                              nodes=[p for p in processes if p.name != "nginx"])


@pytest.fixture(scope="module")
def control(cluster, control_token):
    """The control API through the front (nginx, when there is one), the clock frozen at START."""
    clock = Control(cluster.base, control_token)
    assert clock.set_clock(now=stamp(START), frozen=True)["now"] == stamp(START)
    return clock


@pytest.fixture
def t0(control):
    """The first Monday 08:00:00.000Z at least 7 days after the clock's reading; the clock is
    frozen there."""
    earliest = control.now() + timedelta(days=7)
    day = earliest.replace(hour=8, minute=0, second=0, microsecond=0)
    while day.weekday() != 0 or day < earliest:
        day += timedelta(days=1)
    moved = control.set_clock(now=stamp(day), frozen=True)
    assert (moved["now"], moved["frozen"]) == (stamp(day), True)
    return day


@pytest.fixture(scope="module")
def rds(cluster):
    return sdk_client(RdsClient, cluster.base, "cn-north-4", ALICE, P_CN_NORTH_4)


@pytest.fixture(scope="module")
def gauss(cluster):
    return sdk_client(GaussDBClient, cluster.base, "cn-east-3", ALICE, P_CN_EAST_3)


@pytest.fixture(scope="module")
def dcs(cluster):
    return sdk_client(DcsClient, cluster.base, "cn-north-4", ALICE, P_CN_NORTH_4)


@pytest.fixture(scope="module")
def ddm(cluster):
    return sdk_client(DdmClient, cluster.base, "ap-southeast-3", ALICE, P_AP_SOUTHEAST_3)


# --- RDS (W1–W5) ---------------------------------------------------------------------------------

def rds_create(client, **body):
    return client.create_manual_backup(
        CreateManualBackupRequest(body=CreateManualBackupRequestBody(**body)))


def rds_delete(client, backup_id):
    return client.delete_manual_backup(DeleteManualBackupRequest(backup_id=backup_id))


def rds_batch_delete(client, backup_ids):
    return client.batch_delete_manual_backup(
        BatchDeleteManualBackupRequest(body=BatchDeleteBackupRequestBody(backup_ids=backup_ids)))


def rds_set_policy(client, instance_id, reserve_backups=None, **policy):
    return client.set_backup_policy(SetBackupPolicyRequest(
        instance_id=instance_id, body=SetBackupPolicyRequestBody(
            backup_policy=BackupPolicy(**policy) if policy else None, reserve_backups=reserve_backups)))


def rds_show_policy(client, instance_id):
    return client.show_backup_policy(ShowBackupPolicyRequest(instance_id=instance_id))


def rds_list(client, **kwargs):
    return client.list_backups(ListBackupsRequest(**kwargs))


def rds_record(instance_id, backup_id, name, backup_type, status, begin, end, size):
    """A record as route A lists it (api.md §2) for a MySQL instance of the write seed."""
    return {"id": backup_id, "name": name, "type": backup_type, "size": size, "status": status,
            "begin_time": begin, "end_time": end, "datastore": instance(instance_id)["datastore"],
            "instance_id": instance_id, "associated_with_ddm": False}


def seeded_rds_record(backup_id, status):
    """A seeded RDS record of a48e as route A lists it, with another status."""
    record = seeded(backup_id)
    listed = rds_record(record["instance_id"], backup_id, record["name"], record["type"], status,
                        record["begin_time"], record["end_time"], record["size"])
    if "datastore" in record:
        listed["datastore"] = record["datastore"]
    listed["associated_with_ddm"] = record.get("associated_with_ddm", False)
    return listed


def rds_listed(client, instance_id, **kwargs):
    answer = rds_list(client, instance_id=instance_id, **kwargs)
    return answer.total_count, [plain(b) for b in answer.backups]


def test_rds_create_builds_completes_and_deletes(rds, control, t0):
    """W1 and W2 (§11.1): BUILDING for 60 s, COMPLETED with 1024 KB, DELETING for 10 s, gone."""
    name = unique("manual")
    body = {"instance_id": RDS_A48E, "name": name, "description": "before upgrade"}
    answer = rds_create(rds, **body)
    assert answer.status_code == 200
    backup_id = answer.backup.id
    assert RDS_ID.match(backup_id), backup_id
    created = {"id": backup_id, "instance_id": RDS_A48E, "name": name, "description": "before upgrade",
               "begin_time": rds_time(t0), "status": "BUILDING", "type": "manual"}
    assert plain(answer.backup) == created
    assert_wire(answer, {"backup": created})

    expect_sdk_error(lambda: rds_create(rds, **body), 409, "DBS.201205", IN_PROGRESS)
    building = rds_record(RDS_A48E, backup_id, name, "manual", "BUILDING", rds_time(t0), rds_time(t0), 0)
    assert rds_listed(rds, RDS_A48E, backup_id=backup_id) == (1, [building])
    expect_sdk_error(lambda: rds_delete(rds, backup_id), 409, "DBS.201205", IN_PROGRESS)

    control.advance("PT61S")
    completed = dict(building, status="COMPLETED", size=1024, end_time=rds_time(t0 + timedelta(seconds=60)))
    assert rds_listed(rds, RDS_A48E, backup_id=backup_id) == (1, [completed])
    assert rds_listed(rds, RDS_A48E, backup_id=backup_id, status="COMPLETED", backup_type="manual") \
        == (1, [completed])
    expect_sdk_error(lambda: rds_create(rds, **body), 409, "DBS.201201", "The object already exists.")

    deleted = rds_delete(rds, backup_id)
    assert deleted.status_code == 200
    assert_wire(deleted, {})
    assert rds_listed(rds, RDS_A48E, backup_id=backup_id) == (1, [dict(completed, status="DELETING")])
    expect_sdk_error(lambda: rds_delete(rds, backup_id), 400, "RDS.3016",
                     "The backup file is being deleted. Try again later.")
    control.advance("PT10S")
    assert rds_listed(rds, RDS_A48E, backup_id=backup_id) == (0, [])
    expect_sdk_error(lambda: rds_delete(rds, backup_id), 404, "DBS.201010", NO_BACKUP)


def test_rds_create_without_description_omits_it(rds, t0):
    name = unique("nodesc")
    answer = rds_create(rds, instance_id=RDS_PROD, name=name)
    assert_wire(answer, {"backup": {"id": answer.backup.id, "instance_id": RDS_PROD, "name": name,
                                    "begin_time": rds_time(t0), "status": "BUILDING", "type": "manual"}})
    assert answer.backup.description is None


NAME_RULE = P + ("name must be 4 to 64 characters, start with a letter and contain only letters, "
                 "digits, hyphens and underscores.")


@pytest.mark.parametrize("body,status,code,message", [
    ({"name": "manual-x1"}, 400, "DBS.200001", P + "instance_id is mandatory."),
    ({"instance_id": RDS_A48E}, 400, "DBS.200001", P + "name is mandatory."),
    ({"instance_id": RDS_A48E, "name": "abc"}, 400, "DBS.200001", NAME_RULE),
    ({"instance_id": RDS_A48E, "name": "1abc"}, 400, "DBS.200001", NAME_RULE),
    ({"instance_id": RDS_A48E, "name": "a" * 65}, 400, "DBS.200001", NAME_RULE),
    ({"instance_id": RDS_A48E, "name": "manual.x1"}, 400, "DBS.200001", NAME_RULE),
    ({"instance_id": RDS_A48E, "name": "manual-x1", "description": "a<b"}, 400, "DBS.280127",
     "Invalid backup description."),
    ({"instance_id": RDS_A48E, "name": "manual-x1", "description": "d" * 257}, 400, "DBS.280127",
     "Invalid backup description."),
    ({"instance_id": UNKNOWN_RDS, "name": "manual-x1"}, 404, "DBS.200002", NO_INSTANCE),
    ({"instance_id": TAURUS, "name": "manual-x1"}, 404, "DBS.200002", NO_INSTANCE),  # another project
    ({"instance_id": DCS_REDIS, "name": "manual-x1"}, 404, "DBS.200002", NO_INSTANCE),  # another service
    ({"instance_id": RDS_GLOBEX, "name": "manual-x1"}, 404, "DBS.200002", NO_INSTANCE),  # another account
], ids=code_ids)
def test_rds_create_errors(rds, body, status, code, message):
    expect_sdk_error(lambda: rds_create(rds, **body), status, code, message)


def test_rds_create_keeps_databases_for_sql_server_only(cluster, rds, t0):
    """§3.2: databases is kept, returned by W1 and listed by route A, for SQL Server only."""
    rds_ap = sdk_client(RdsClient, cluster.base, "ap-southeast-1", ALICE, P_AP_SOUTHEAST_1)
    name = unique("sqlserver")
    answer = rds_create(rds_ap, instance_id=RDS_SQLSERVER, name=name,
                        databases=[BackupDatabase(name="db1"), BackupDatabase(name="db2")],
                        backup_database_individually=True)
    created = {"id": answer.backup.id, "instance_id": RDS_SQLSERVER, "name": name,
               "databases": [{"name": "db1"}, {"name": "db2"}], "begin_time": rds_time(t0),
               "status": "BUILDING", "type": "manual"}
    assert re.match(r"^[0-9a-f]{32}br04$", answer.backup.id), answer.backup.id  # …in04 → br04
    assert_wire(answer, {"backup": created})
    listed = rds_list(rds_ap, instance_id=RDS_SQLSERVER, backup_id=answer.backup.id)
    assert_wire(listed, {"backups": [{
        "id": answer.backup.id, "name": name, "type": "manual", "size": 0, "status": "BUILDING",
        "databases": [{"name": "db1"}, {"name": "db2"}], "begin_time": rds_time(t0),
        "end_time": rds_time(t0), "datastore": {"type": "sqlserver", "version": "2019_SE"},
        "instance_id": RDS_SQLSERVER}], "total_count": 1})

    mysql = rds_create(rds, instance_id=RDS_PROD, name=unique("mysql"), databases=[BackupDatabase(name="db1")])
    assert "databases" not in wire(mysql)["backup"]
    assert mysql.backup.databases is None


def test_rds_create_refuses_databases_without_names(rds):
    expect_sdk_error(lambda: rds_create(rds, instance_id=RDS_A48E, name="manual-x1",
                                        databases=[BackupDatabase(name="")]),
                     400, "DBS.200001", P + "databases must be an array of objects with a name.")


def test_rds_create_with_the_name_of_a_seeded_backup(rds, t0):
    """§7: a name used by any home record of the instance, seeded ones included, is taken."""
    expect_sdk_error(lambda: rds_create(rds, instance_id=RDS_A48E, name="rds-mysql-a48e-20180702020000001"),
                     409, "DBS.201201", "The object already exists.")
    # The same name on another instance is free.
    answer = rds_create(rds, instance_id=RDS_PROD, name="rds-mysql-a48e-20180702020000001")
    assert answer.status_code == 200 and answer.backup.status == "BUILDING"


def test_rds_create_outside_the_callers_scope_is_403(cluster):
    # bob may use cn-north-4 only (lifecycle.md §10).
    rds_ap = sdk_client(RdsClient, cluster.base, "ap-southeast-1", BOB, P_AP_SOUTHEAST_1)
    expect_sdk_error(lambda: rds_create(rds_ap, instance_id=RDS_SQLSERVER, name="manual-bob"), 403,
                     "APIGW.0302", NOT_AUTHORIZED)


def test_rds_delete_seeded_manual_backups(rds, control, t0):
    """W2 of §11.1 on the seeded manual COMPLETED backup, and on a seeded manual FAILED one."""
    for backup_id in ("dbf3f7c6c2083efd3cf148808ea6908fbr01", "075520be519d7aeed2bb48a99bf46ec7br01"):
        answer = rds_delete(rds, backup_id)
        assert answer.status_code == 200
        assert_wire(answer, {})
        assert rds_listed(rds, RDS_A48E, backup_id=backup_id) == \
            (1, [seeded_rds_record(backup_id, "DELETING")])
    control.advance("PT10S")
    for backup_id in ("dbf3f7c6c2083efd3cf148808ea6908fbr01", "075520be519d7aeed2bb48a99bf46ec7br01"):
        assert rds_listed(rds, RDS_A48E, backup_id=backup_id) == (0, [])
        expect_sdk_error(lambda: rds_delete(rds, backup_id), 404, "DBS.201010", NO_BACKUP)


@pytest.mark.parametrize("backup_id,status,code,message", [
    ("43e4feaab48f11e89039fa163ebaa7e4br01", 400, "DBS.200001", MANUAL_ONLY),  # the page's auto backup
    ("c1c734497e4503ffdc670cf7305c0d06br01", 400, "DBS.200001", MANUAL_ONLY),  # incremental, BUILDING
    ("a3e501c9d1aeac08f3cddaf474b55d23br01", 400, "DBS.200001", MANUAL_ONLY),  # fragment
    ("00000000000000000000000000000000br01", 404, "DBS.201010", NO_BACKUP),
    ("741860b060bb140e8089c0e13773e8d7br01", 404, "DBS.201010", NO_BACKUP),  # a cross-region copy
    ("4631832a-14c6-45b0-a0b3-3abd8f591ad1", 404, "DBS.201010", NO_BACKUP),  # DCS: foreign
    ("3a5cf62fb8b6a66d39af039b33524a79br07", 404, "DBS.201010", NO_BACKUP),  # TaurusDB, other project
], ids=code_ids)
def test_rds_delete_errors(rds, backup_id, status, code, message):
    expect_sdk_error(lambda: rds_delete(rds, backup_id), status, code, message)


def test_rds_batch_delete_example(rds, t0):
    """W3 of §11.1: one result per id, in order, always 200."""
    ids = ["205071e29cf4a3cf45b88fadd54f1a4bbr01", "43e4feaab48f11e89039fa163ebaa7e4br01",
           "4631832a-14c6-45b0-a0b3-3abd8f591ad1"]
    answer = rds_batch_delete(rds, ids)
    assert answer.status_code == 200
    results = [
        {"backup_id": ids[0], "error_code": "0", "error_msg": ""},
        {"backup_id": ids[1], "error_code": "DBS.200001", "error_msg": MANUAL_ONLY},
        {"backup_id": ids[2], "error_code": "DBS.201010", "error_msg": NO_BACKUP}]
    assert [plain(r) for r in answer.delete_results] == results
    assert_wire(answer, {"delete_results": results})
    assert rds_listed(rds, RDS_A48E, backup_id=ids[0]) == (1, [seeded_rds_record(ids[0], "DELETING")])
    # The same id again while it is DELETING: a failed result, not an error answer.
    again = rds_batch_delete(rds, [ids[0]])
    assert [plain(r) for r in again.delete_results] == [
        {"backup_id": ids[0], "error_code": "RDS.3016",
         "error_msg": "The backup file is being deleted. Try again later."}]


def test_rds_batch_delete_of_a_building_backup_and_of_an_id_twice(rds, control, t0):
    """§3.4: each id is handled like W2, in order; an id given twice is handled twice."""
    backup_id = rds_create(rds, instance_id=RDS_PROD, name=unique("batch")).backup.id
    building = rds_batch_delete(rds, [backup_id])
    assert_wire(building, {"delete_results": [
        {"backup_id": backup_id, "error_code": "DBS.201205", "error_msg": IN_PROGRESS}]})
    control.advance("PT61S")
    twice = rds_batch_delete(rds, [backup_id, backup_id])
    assert [plain(r) for r in twice.delete_results] == [
        {"backup_id": backup_id, "error_code": "0", "error_msg": ""},
        {"backup_id": backup_id, "error_code": "RDS.3016",
         "error_msg": "The backup file is being deleted. Try again later."}]
    control.advance("PT10S")
    assert [plain(r) for r in rds_batch_delete(rds, [backup_id]).delete_results] == [
        {"backup_id": backup_id, "error_code": "DBS.201010", "error_msg": NO_BACKUP}]


BATCH_RULE = P + "backup_ids must be an array of 1 to 50 backup ids."


@pytest.mark.parametrize("backup_ids,message", [
    (None, P + "backup_ids is mandatory."),
    ([], BATCH_RULE),
    (["00000000000000000000000000000000br01"] * 51, BATCH_RULE),
], ids=["absent", "empty", "51"])
def test_rds_batch_delete_errors(rds, backup_ids, message):
    expect_sdk_error(lambda: rds_batch_delete(rds, backup_ids), 400, "DBS.200001", message)


def test_rds_policy_example(rds, t0):
    """W4 and W5 of §11.1, then the policy turned off again (keep_days 0)."""
    never = rds_show_policy(rds, RDS_PROD)
    assert never.status_code == 200
    assert plain(never) == {"backup_policy": {"keep_days": 0}}
    assert_wire(never, {"backup_policy": {"keep_days": 0}})

    policy = {"keep_days": 7, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}
    answer = rds_set_policy(rds, RDS_A48E, **policy)
    assert answer.status_code == 200
    assert_wire(answer, {})
    shown = rds_show_policy(rds, RDS_A48E)
    assert plain(shown) == {"backup_policy": policy}
    assert_wire(shown, {"backup_policy": policy})

    # Off, and the automated backups not kept; start_time and period are then neither checked
    # nor kept.
    assert_wire(rds_set_policy(rds, RDS_A48E, reserve_backups=False, keep_days=0, start_time="bad"), {})
    assert_wire(rds_show_policy(rds, RDS_A48E), {"backup_policy": {"keep_days": 0}})


@pytest.mark.parametrize("policy,status,code,message", [
    ({}, 400, "DBS.200001", P + "backup_policy is mandatory."),
    ({"start_time": "08:15-09:15", "period": "1"}, 400, "DBS.200001", P + "backup_policy.keep_days is mandatory."),
    ({"keep_days": 733, "start_time": "08:15-09:15", "period": "1"}, 400, "DBS.201106", "Invalid retention days."),
    ({"keep_days": -1, "start_time": "08:15-09:15", "period": "1"}, 400, "DBS.201106", "Invalid retention days."),
    ({"keep_days": 1, "period": "1"}, 400, "DBS.200001", P + "backup_policy.start_time is mandatory."),
    ({"keep_days": 1, "start_time": "08:15-09:30", "period": "1"}, 400, "DBS.201103", "Invalid backup start time."),
    ({"keep_days": 1, "start_time": "08:10-09:10", "period": "1"}, 400, "DBS.201103", "Invalid backup start time."),
    ({"keep_days": 1, "start_time": "24:00-01:00", "period": "1"}, 400, "DBS.201103", "Invalid backup start time."),
    ({"keep_days": 1, "start_time": "08:15-09:15"}, 400, "DBS.200001", P + "backup_policy.period is mandatory."),
    ({"keep_days": 1, "start_time": "08:15-09:15", "period": "1,1"}, 400, "DBS.201101", "Invalid backup cycle."),
    ({"keep_days": 1, "start_time": "08:15-09:15", "period": "8"}, 400, "DBS.201101", "Invalid backup cycle."),
    ({"keep_days": 1, "start_time": "08:15-09:15", "period": "1,"}, 400, "DBS.201101", "Invalid backup cycle."),
], ids=code_ids)
def test_rds_set_policy_errors(rds, policy, status, code, message):
    expect_sdk_error(lambda: rds_set_policy(rds, RDS_PROD, **policy), status, code, message)


@pytest.mark.parametrize("instance_id", [UNKNOWN_RDS, TAURUS, DCS_REDIS, RDS_GLOBEX])
def test_rds_policy_of_no_rds_instance_of_the_project(rds, instance_id):
    valid = {"keep_days": 1, "start_time": "23:00-00:00", "period": "7"}
    expect_sdk_error(lambda: rds_set_policy(rds, instance_id, **valid), 404, "DBS.200002", NO_INSTANCE)
    expect_sdk_error(lambda: rds_show_policy(rds, instance_id), 404, "DBS.200002", NO_INSTANCE)


def test_rds_policy_of_a_ddm_instance_is_route_f(cluster):
    """§2: for a DDM instance, …/backups/policy stays route F (a backup named "policy")."""
    rds_ddm = sdk_client(RdsClient, cluster.base, "ap-southeast-3", ALICE, P_AP_SOUTHEAST_3)
    expect_sdk_error(lambda: rds_show_policy(rds_ddm, DDM), 404, "DBS.201010", NO_BACKUP)


def test_rds_scenario_of_section_11_2(rds, control, t0):
    """§11.2 step by step on an instance of its own: create, complete, policy, two days of
    automated full and incremental backups with retention, a refused create, delete."""
    flow_name = instance(RDS_FLOW)["name"]
    assert_wire(rds_show_policy(rds, RDS_FLOW), {"backup_policy": {"keep_days": 0}})

    def listed(**kwargs):
        return rds_listed(rds, RDS_FLOW, **kwargs)

    def without_ids(records):
        for record in records:
            assert RDS_ID.match(record["id"]), record
        return [dict(r, id="") for r in records]

    def auto(day, status):
        begin = t0 + timedelta(days=day, minutes=15)
        end = begin + timedelta(seconds=60) if status == "COMPLETED" else begin
        return rds_record(RDS_FLOW, "", auto_name(flow_name, begin), "auto", status, rds_time(begin),
                          rds_time(end), 1024 if status == "COMPLETED" else 0)

    def incremental(end):
        return rds_record(RDS_FLOW, "", auto_name(flow_name, end), "incremental", "COMPLETED",
                          rds_time(end - timedelta(minutes=5)), rds_time(end), 16)

    # Steps 1–4.
    manual = rds_create(rds, instance_id=RDS_FLOW, name="manual-001")
    assert manual.backup.status == "BUILDING"
    manual_id = manual.backup.id
    building = rds_record(RDS_FLOW, manual_id, "manual-001", "manual", "BUILDING", rds_time(t0),
                          rds_time(t0), 0)
    assert listed(backup_id=manual_id) == (1, [building])
    control.advance("PT61S")
    completed = dict(building, status="COMPLETED", size=1024,
                     end_time=rds_time(t0 + timedelta(seconds=60)))
    assert listed(backup_id=manual_id) == (1, [completed])

    # Steps 5–8.
    policy = {"keep_days": 1, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}
    assert_wire(rds_set_policy(rds, RDS_FLOW, **policy), {})
    assert plain(rds_show_policy(rds, RDS_FLOW)) == {"backup_policy": policy}
    assert control.advance("P2D")["now"] == stamp(t0 + timedelta(days=2, seconds=61))
    total, records = listed(backup_type="auto")
    assert total == 2 and without_ids(records) == [auto(1, "COMPLETED"), auto(0, "COMPLETED")]
    total, records = listed(backup_type="incremental", limit=1)
    assert total == 573 and without_ids(records) == [incremental(t0 + timedelta(days=2))]
    assert listed()[0] == 1 + 2 + 573

    # Steps 9–12.
    control.advance("PT14M")
    total, records = listed(backup_type="auto")
    assert total == 2 and without_ids(records) == [auto(2, "BUILDING"), auto(1, "COMPLETED")]
    assert listed(backup_type="incremental")[0] == 288
    expect_sdk_error(lambda: rds_create(rds, instance_id=RDS_FLOW, name="manual-002"), 409,
                     "DBS.201205", IN_PROGRESS)

    # Steps 13–16.
    assert_wire(rds_delete(rds, manual_id), {})
    assert listed(backup_id=manual_id) == (1, [dict(completed, status="DELETING")])
    assert listed(backup_id=manual_id, status="COMPLETED") == (0, [])
    control.advance("PT10S")
    assert listed(backup_id=manual_id) == (0, [])
    expect_sdk_error(lambda: rds_delete(rds, manual_id), 404, "DBS.201010", NO_BACKUP)


# --- TaurusDB (W8–W12) ---------------------------------------------------------------------------

def taurus_create(client, **body):
    return client.create_gauss_my_sql_backup(
        CreateGaussMySqlBackupRequest(body=MysqlCreateBackupRequest(**body)))


def taurus_delete(client, backup_id):
    return client.delete_gauss_my_sql_backup(DeleteGaussMySqlBackupRequest(backup_id=backup_id))


def taurus_list(client, **kwargs):
    return client.show_gauss_my_sql_backup_list(ShowGaussMySqlBackupListRequest(**kwargs))


def taurus_listed(client, **kwargs):
    answer = taurus_list(client, **kwargs)
    return answer.total_count, [plain(b) for b in answer.backups]


def taurus_update_policy(client, instance_id, **policy):
    return client.update_gauss_my_sql_backup_policy(UpdateGaussMySqlBackupPolicyRequest(
        instance_id=instance_id, body=MysqlUpdateBackupPolicyRequest(
            backup_policy=MysqlBackupPolicy(**policy) if policy else None)))


def taurus_show_policy(client, instance_id):
    return client.show_gauss_my_sql_backup_policy(ShowGaussMySqlBackupPolicyRequest(instance_id=instance_id))


def taurus_record(backup_id, name, backup_type, status, begin, end, size_mb, description=None):
    """A full backup as W10 lists it (lifecycle.md §4.8), of the seeded TaurusDB instance."""
    record = {"id": backup_id, "name": name, "begin_time": rds_time(begin), "end_time": rds_time(end),
              "status": status, "take_up_time": int((end - begin).total_seconds() // 60),
              "type": backup_type, "size": size_mb, "datastore": {"type": "gaussdb-mysql", "version": "8.0"},
              "instance_id": TAURUS, "instance_name": "gauss-taurus-61a4"}
    if description is not None:
        record["description"] = description
    return record


def test_taurus_create_builds_completes_and_deletes(gauss, control, t0):
    """W8, W10 and W9: 201 BUILDING with a job id, COMPLETED after 60 s, gone at once when deleted."""
    answer = taurus_create(gauss, instance_id=TAURUS, name="before-upgrade", description="manual")
    assert answer.status_code == 201
    backup_id = answer.backup.id
    assert TAURUS_ID.match(backup_id), backup_id
    assert UUID4.match(answer.job_id), answer.job_id
    created = {"id": backup_id, "name": "before-upgrade", "description": "manual",
               "begin_time": rds_time(t0), "status": "BUILDING", "type": "manual", "instance_id": TAURUS}
    assert plain(answer.backup) == created
    assert_wire(answer, {"backup": created, "job_id": answer.job_id})

    building = taurus_record(backup_id, "before-upgrade", "manual", "BUILDING", t0, t0, 0, "manual")
    listed = taurus_list(gauss, backup_id=backup_id)  # no instance_id, as Terraform polls
    assert_wire(listed, {"backups": [building], "total_count": 1})
    assert taurus_listed(gauss, instance_id=TAURUS, backup_id=backup_id) == (1, [building])
    expect_sdk_error(lambda: taurus_create(gauss, instance_id=TAURUS, name="second-one"), 409,
                     "DBS.201205", IN_PROGRESS)
    expect_sdk_error(lambda: taurus_delete(gauss, backup_id), 400, "DBS.201208",
                     "The operation is not allowed by the backup status.")

    control.advance("PT60S")
    completed = taurus_record(backup_id, "before-upgrade", "manual", "COMPLETED", t0,
                              t0 + timedelta(seconds=60), 1, "manual")
    assert taurus_listed(gauss, backup_id=backup_id) == (1, [completed])
    assert taurus_listed(gauss, instance_id=TAURUS, backup_id=backup_id, backup_type="manual") == (1, [completed])

    deleted = taurus_delete(gauss, backup_id)
    assert deleted.status_code == 200
    assert_wire(deleted, {"backup_id": backup_id, "backup_name": "before-upgrade"})
    assert taurus_listed(gauss, instance_id=TAURUS, backup_id=backup_id) == (0, [])
    expect_sdk_error(lambda: taurus_delete(gauss, backup_id), 404, "DBS.201010", NO_BACKUP)


def test_taurus_names_need_not_be_unique_and_may_be_chinese(gauss, control, t0):
    first = taurus_create(gauss, instance_id=TAURUS, name="备份-升级前")
    assert_wire(first, {"backup": {"id": first.backup.id, "name": "备份-升级前", "begin_time": rds_time(t0),
                                   "status": "BUILDING", "type": "manual", "instance_id": TAURUS},
                        "job_id": first.job_id})
    control.advance("PT60S")
    second = taurus_create(gauss, instance_id=TAURUS, name="备份-升级前")
    assert second.status_code == 201 and second.backup.id != first.backup.id


SEEDED_TAURUS = [
    {"id": "3a5cf62fb8b6a66d39af039b33524a79br07", "name": "manual-before-upgrade",
     "begin_time": "2022-07-12T21:15:00+0800", "end_time": "2022-07-12T21:40:00+0800", "status": "COMPLETED",
     "take_up_time": 25, "type": "manual", "size": 1024.415283203125,
     "datastore": {"type": "gaussdb-mysql", "version": "8.0"}, "instance_id": TAURUS,
     "instance_name": "gauss-taurus-61a4"},
    {"id": "609873eb703863db29b64c8fe7746ae6br07", "name": "GaussDBforMySQL--20220710020000001",
     "begin_time": "2022-07-10T02:00:00+0800", "end_time": "2022-07-10T02:31:00+0800", "status": "COMPLETED",
     "take_up_time": 31, "type": "auto", "size": 1024.00048828125,
     "datastore": {"type": "gaussdb-mysql", "version": "8.0"}, "instance_id": TAURUS,
     "instance_name": "gauss-taurus-61a4"}]
SEED_WINDOW = {"begin_time": "2022-07-01T00:00:00+0800", "end_time": "2022-08-01T00:00:00+0800"}


def test_taurus_seeded_list_then_delete(gauss, t0):
    """W10 of §11.1 (the seed, in a window that holds only seeded records), then W9 on them."""
    answer = taurus_list(gauss, instance_id=TAURUS, **SEED_WINDOW)
    assert answer.status_code == 200
    assert_wire(answer, {"backups": SEEDED_TAURUS, "total_count": 2})
    assert [plain(b) for b in answer.backups] == SEEDED_TAURUS
    by_id = taurus_list(gauss, backup_id=SEEDED_TAURUS[1]["id"])
    assert_wire(by_id, {"backups": [SEEDED_TAURUS[1]], "total_count": 1})
    assert taurus_listed(gauss, instance_id=TAURUS, backup_type="auto", **SEED_WINDOW) == (1, [SEEDED_TAURUS[1]])
    assert taurus_listed(gauss, instance_id=TAURUS, name="manual-before-upgrade", **SEED_WINDOW) \
        == (1, [SEEDED_TAURUS[0]])
    assert taurus_listed(gauss, instance_id=TAURUS, instance_name="gauss-taurus-61a4", limit="1",
                         offset="1", **SEED_WINDOW) == (2, [SEEDED_TAURUS[1]])

    deleted = taurus_delete(gauss, SEEDED_TAURUS[0]["id"])
    assert_wire(deleted, {"backup_id": SEEDED_TAURUS[0]["id"], "backup_name": "manual-before-upgrade"})
    expect_sdk_error(lambda: taurus_delete(gauss, SEEDED_TAURUS[1]["id"]), 400, "DBS.201204",
                     "The backup type is not allowed.")
    assert taurus_listed(gauss, instance_id=TAURUS, **SEED_WINDOW) == (1, [SEEDED_TAURUS[1]])
    expect_sdk_error(lambda: taurus_delete(gauss, SEEDED_TAURUS[0]["id"]), 404, "DBS.201010", NO_BACKUP)


@pytest.mark.parametrize("backup_id,status,code,message", [
    ("f0d2aea28d26t4848b8c84ed3fea1822fbr07", 400, "DBS.201204", "The backup type is not allowed."),  # incremental
    ("00000000000000000000000000000000br07", 404, "DBS.201010", NO_BACKUP),
    ("43e4feaab48f11e89039fa163ebaa7e4br01", 404, "DBS.201010", NO_BACKUP),  # RDS, another project
], ids=code_ids)
def test_taurus_delete_errors(gauss, backup_id, status, code, message):
    expect_sdk_error(lambda: taurus_delete(gauss, backup_id), status, code, message)


TAURUS_NAME_RULE = P + ("name must be 4 to 64 characters and at most 64 bytes, start with a letter or "
                        "a Chinese character and contain only letters, digits, Chinese characters, "
                        "hyphens and underscores.")


@pytest.mark.parametrize("body,status,code,message", [
    ({"name": "before-upgrade"}, 400, "DBS.280001", P + "instance_id is mandatory."),
    ({"instance_id": TAURUS}, 400, "DBS.280001", P + "name is mandatory."),
    ({"instance_id": TAURUS, "name": "abc"}, 400, "DBS.280001", TAURUS_NAME_RULE),
    ({"instance_id": TAURUS, "name": "_abc"}, 400, "DBS.280001", TAURUS_NAME_RULE),
    ({"instance_id": TAURUS, "name": "备" * 22}, 400, "DBS.280001", TAURUS_NAME_RULE),  # 66 bytes
    ({"instance_id": TAURUS, "name": "before upgrade"}, 400, "DBS.280001", TAURUS_NAME_RULE),
    ({"instance_id": TAURUS, "name": "before-upgrade", "description": "two\nlines"}, 400, "DBS.280127",
     "Invalid backup description."),
    ({"instance_id": TAURUS, "name": "before-upgrade", "description": "a&b"}, 400, "DBS.280127",
     "Invalid backup description."),
    ({"instance_id": UNKNOWN_TAURUS, "name": "before-upgrade"}, 404, "DBS.200002", NO_INSTANCE),
    ({"instance_id": RDS_A48E, "name": "before-upgrade"}, 404, "DBS.200002", NO_INSTANCE),
], ids=code_ids)
def test_taurus_create_errors(gauss, body, status, code, message):
    expect_sdk_error(lambda: taurus_create(gauss, **body), status, code, message)


TIME_FMT = " must be in the yyyy-mm-ddThh:mm:ssZ format, for example "


@pytest.mark.parametrize("kwargs,status,code,message", [
    ({"instance_id": TAURUS, "backup_type": "incremental"}, 400, "DBS.280001",
     P + "backup_type must be one of auto, manual."),
    ({"instance_id": TAURUS, "offset": "-1"}, 400, "DBS.280001",
     P + "offset must be an integer from 0 to 2147483647."),
    ({"instance_id": TAURUS, "limit": "0"}, 400, "DBS.280001", P + "limit must be an integer from 1 to 100."),
    ({"instance_id": TAURUS, "limit": "101"}, 400, "DBS.280001", P + "limit must be an integer from 1 to 100."),
    ({"instance_id": TAURUS, "begin_time": "2022-07-06 10:41:14+0800", "end_time": SEED_WINDOW["end_time"]},
     400, "DBS.280001", P + "begin_time" + TIME_FMT + "2022-07-06T10:41:14+0800."),
    ({"instance_id": TAURUS, "begin_time": SEED_WINDOW["begin_time"]}, 400, "DBS.280001",
     P + "end_time is mandatory when begin_time is given."),
    ({"instance_id": TAURUS, **SEED_WINDOW, "end_time": SEED_WINDOW["begin_time"]}, 400, "DBS.280001",
     P + "end_time must be later than begin_time."),
    # Neither instance_id nor a TaurusDB backup_id: route A answers (lifecycle.md §2).
    ({}, 400, "DBS.200001", P + "instance_id is mandatory."),
    ({"name": "manual-before-upgrade"}, 400, "DBS.200001", P + "instance_id is mandatory."),
    ({"backup_id": "00000000000000000000000000000000br07"}, 400, "DBS.200001", P + "instance_id is mandatory."),
    ({"instance_id": UNKNOWN_TAURUS}, 404, "DBS.200002", NO_INSTANCE),
], ids=code_ids)
def test_taurus_list_errors(gauss, kwargs, status, code, message):
    expect_sdk_error(lambda: taurus_list(gauss, **kwargs), status, code, message)


def test_taurus_policy_example(gauss, control, t0):
    """W12 and W11 of §11.1, then the first automated full backup at 19:00 and its incrementals."""
    never = taurus_show_policy(gauss, TAURUS_QUIET)
    assert plain(never) == {"backup_policy": {"keep_days": 0}}
    assert_wire(never, {"backup_policy": {"keep_days": 0}})

    policy = {"start_time": "19:00-20:00", "keep_days": 7, "period": "1,2,3,4,5"}
    answer = taurus_update_policy(gauss, TAURUS, **policy)
    assert answer.status_code == 200
    expected = {"status": "COMPLETED", "instance_id": TAURUS, "instance_name": "gauss-taurus-61a4"}
    assert plain(answer) == expected
    assert_wire(answer, expected)
    shown = taurus_show_policy(gauss, TAURUS)
    assert_wire(shown, {"backup_policy": {"keep_days": 7, "start_time": "19:00-20:00", "period": "1,2,3,4,5"}})
    assert plain(shown) == {"backup_policy": {"keep_days": 7, "start_time": "19:00-20:00",
                                              "period": "1,2,3,4,5"}}

    control.advance("PT11H10M1S")  # 19:10:01
    first = t0 + timedelta(hours=11)
    day = {"begin_time": rds_time(t0), "end_time": rds_time(t0 + timedelta(days=1))}
    total, records = taurus_listed(gauss, instance_id=TAURUS, backup_type="auto", **day)
    assert total == 1 and TAURUS_ID.match(records[0]["id"])
    assert records == [taurus_record(records[0]["id"], auto_name("gauss-taurus-61a4", first), "auto",
                                     "COMPLETED", first, first + timedelta(seconds=60), 1)]
    incrementals = gauss.show_gauss_my_sql_incremental_backup_list(
        ShowGaussMySqlIncrementalBackupListRequest(instance_id=TAURUS, **day))
    assert incrementals.total_count == 2
    assert [{k: v for k, v in plain(b).items() if k != "id"} for b in incrementals.backups] == [
        {"name": auto_name("gauss-taurus-61a4", first + timedelta(minutes=m)),
         "begin_time": rds_time(first + timedelta(minutes=m - 5)),
         "end_time": rds_time(first + timedelta(minutes=m)), "size": 16, "instance_id": TAURUS}
        for m in (10, 5)]
    assert all(TAURUS_ID.match(b.id) for b in incrementals.backups)


@pytest.mark.parametrize("policy,status,code,message", [
    ({}, 400, "DBS.280001", P + "backup_policy is mandatory."),
    ({"keep_days": 7, "period": "1"}, 400, "DBS.280001", P + "backup_policy.start_time is mandatory."),
    ({"start_time": "19:30-20:30", "keep_days": 7, "period": "1"}, 400, "DBS.201103", "Invalid backup start time."),
    ({"start_time": "19:00-21:00", "keep_days": 7, "period": "1"}, 400, "DBS.201103", "Invalid backup start time."),
    ({"start_time": "19:00-20:00", "period": "1"}, 400, "DBS.280001", P + "backup_policy.keep_days is mandatory."),
    ({"start_time": "19:00-20:00", "keep_days": 0, "period": "1"}, 400, "DBS.201106", "Invalid retention days."),
    ({"start_time": "19:00-20:00", "keep_days": 733, "period": "1"}, 400, "DBS.201106", "Invalid retention days."),
    ({"start_time": "19:00-20:00", "keep_days": 7}, 400, "DBS.280001", P + "backup_policy.period is mandatory."),
    ({"start_time": "19:00-20:00", "keep_days": 7, "period": "0"}, 400, "DBS.201101", "Invalid backup cycle."),
    ({"start_time": "19:00-20:00", "keep_days": 7, "period": "1", "retention_num_backup_level1": 2}, 400,
     "DBS.280001", P + "backup_policy.retention_num_backup_level1 must be 0 or 1."),
], ids=code_ids)
def test_taurus_update_policy_errors(gauss, policy, status, code, message):
    expect_sdk_error(lambda: taurus_update_policy(gauss, TAURUS, **policy), status, code, message)


@pytest.mark.parametrize("instance_id", [UNKNOWN_TAURUS, RDS_A48E])
def test_taurus_policy_of_no_taurus_instance_of_the_project(gauss, instance_id):
    valid = {"start_time": "19:00-20:00", "keep_days": 7, "period": "1"}
    expect_sdk_error(lambda: taurus_update_policy(gauss, instance_id, **valid), 404, "DBS.200002", NO_INSTANCE)
    expect_sdk_error(lambda: taurus_show_policy(gauss, instance_id), 404, "DBS.200002", NO_INSTANCE)


# --- DCS (W13–W16) -------------------------------------------------------------------------------

def dcs_create(client, instance_id, **body):
    return client.copy_instance(CopyInstanceRequest(instance_id=instance_id, body=BackupInstanceBody(**body)))


def dcs_delete(client, instance_id, backup_id):
    return client.delete_backup_file(DeleteBackupFileRequest(instance_id=instance_id, backup_id=backup_id))


def dcs_plan(client, instance_id, policy=None, **other):
    return client.update_instance(UpdateInstanceRequest(
        instance_id=instance_id, body=ModifyInstanceBody(instance_backup_policy=policy, **other)))


def dcs_show(client, instance_id):
    return client.show_instance(ShowInstanceRequest(instance_id=instance_id))


def dcs_records_created(client, instance_id, begin, end):
    """The v2 list of the records created from begin to end (whole seconds): raw records, nulls
    included, and the SDK's models."""
    answer = client.list_backup_records(ListBackupRecordsRequest(
        instance_id=instance_id, begin_time=dcs_query(begin), end_time=dcs_query(end), limit=100))
    raw = wire(answer)
    assert raw["total_num"] == answer.total_num == len(raw["backup_record_response"])
    return raw["backup_record_response"], answer.backup_record_response


def dcs_record(status, backup_id, created, updated, backup_type="manual", remark="", progress="0.00",
               size=0, restore="FALSE", period=None):
    return {"status": status, "remark": remark, "period": period, "progress": progress, "size": size,
            "instance_id": DCS_REDIS, "backup_id": backup_id, "created_at": stamp(created),
            "updated_at": stamp(updated), "execution_at": stamp(created + timedelta(seconds=5)),
            "backup_type": backup_type, "backup_name": dcs_name(created), "error_code": None,
            "is_support_restore": restore}


def check_dcs_record(client, begin, expected):
    raw, models = dcs_records_created(client, DCS_REDIS, begin, begin + timedelta(seconds=1))
    assert [ordered(r) for r in raw] == [ordered(expected)]
    assert [plain(m) for m in models] == [{k: v for k, v in expected.items() if v is not None}]


def test_dcs_create_waits_backs_up_and_succeeds(dcs, control, t0):
    """W13 of §11.1 and its record in the v2 list at T0, T0 + 35 s and T0 + 65 s."""
    answer = dcs_create(dcs, DCS_REDIS, remark="before resize", backup_format="rdb")
    assert answer.status_code == 200
    backup_id = answer.backup_id
    assert UUID4.match(backup_id), backup_id
    assert_wire(answer, {"backup_id": backup_id})

    def record(**changes):
        return dict(dcs_record("waiting", backup_id, t0, t0, remark="before resize"), **changes)

    check_dcs_record(dcs, t0, record())
    expect_sdk_error(lambda: dcs_create(dcs, DCS_REDIS, remark="again"), 400, "DCS.4096", DCS_BACKUPING)
    expect_sdk_error(lambda: dcs_delete(dcs, DCS_REDIS, backup_id), 400, "DCS.4096", DCS_BACKUPING)

    control.advance("PT35S")
    check_dcs_record(dcs, t0, record(status="backuping", progress="50.00",
                                     updated_at=stamp(t0 + timedelta(seconds=5))))
    expect_sdk_error(lambda: dcs_create(dcs, DCS_REDIS), 400, "DCS.4096", DCS_BACKUPING)
    expect_sdk_error(lambda: dcs_delete(dcs, DCS_REDIS, backup_id), 400, "DCS.4096", DCS_BACKUPING)

    control.advance("PT30S")
    check_dcs_record(dcs, t0, record(status="succeed", progress="100.00", size=1048576,
                                     updated_at=stamp(t0 + timedelta(seconds=65)), is_support_restore="TRUE"))

    # Deleting it (W14): deleted at once, still listed.
    control.advance("PT5S")
    assert dcs_delete(dcs, DCS_REDIS, backup_id).status_code == 204
    check_dcs_record(dcs, t0, record(status="deleted", progress="100.00", size=1048576,
                                     updated_at=stamp(t0 + timedelta(seconds=70))))


def test_dcs_create_with_an_empty_body(dcs, control, t0):
    """An empty BackupInstanceBody is a valid request: remark "", backup_format not kept."""
    answer = dcs.copy_instance(CopyInstanceRequest(instance_id=DCS_REDIS, body=BackupInstanceBody()))
    check_dcs_record(dcs, t0, dcs_record("waiting", answer.backup_id, t0, t0))
    control.advance("PT65S")  # leave nothing in progress


@pytest.mark.parametrize("instance_id,body,status,code,message", [
    (DCS_MEMCACHED, {"remark": "r" * 129}, 400, "DCS.4800", "Invalid remark in the request."),
    (DCS_MEMCACHED, {"backup_format": "zip"}, 400, "DCS.4800", "Invalid backup_format in the request."),
    (DCS_MEMCACHED, {"remark": "r" * 129, "backup_format": "zip"}, 400, "DCS.4800",
     "Invalid remark in the request."),
    (UNKNOWN_DCS, {"remark": "x"}, 404, "DCS.3022", DCS_NO_INSTANCE),
    (RDS_A48E, {"remark": "x"}, 404, "DCS.3022", DCS_NO_INSTANCE),
], ids=code_ids)
def test_dcs_create_errors(dcs, instance_id, body, status, code, message):
    expect_sdk_error(lambda: dcs_create(dcs, instance_id, **body), status, code, message)


PAGE_RECORD = {
    "status": "succeed", "remark": "001", "period": None, "progress": "100.00", "size": 880232,
    "instance_id": DCS_REDIS, "backup_id": "4631832a-14c6-45b0-a0b3-3abd8f591ad1",
    "created_at": "2019-05-10T08:31:16.166Z", "updated_at": "2019-05-10T08:32:30.546Z",
    "execution_at": "2019-05-10T08:31:21.461Z", "backup_type": "manual",
    "backup_name": "backup_20190510163116", "error_code": None, "is_support_restore": "TRUE",
}


def test_dcs_delete_seeded_backup(dcs, control, t0):
    """W14 of §11.1: 204 without a body; the record stays listed, deleted; a second delete is the
    same success and changes nothing."""
    answer = dcs_delete(dcs, DCS_REDIS, PAGE_RECORD["backup_id"])
    assert answer.status_code == 204
    assert answer.raw_content in (b"", None)
    deleted = dict(PAGE_RECORD, status="deleted", is_support_restore="FALSE", updated_at=stamp(t0))
    page = datetime(2019, 5, 10, tzinfo=UTC)
    raw, _ = dcs_records_created(dcs, DCS_REDIS, page, page + timedelta(hours=23, minutes=59, seconds=59))
    assert [ordered(r) for r in raw] == [ordered(deleted)]
    control.advance("PT1S")
    assert dcs_delete(dcs, DCS_REDIS, PAGE_RECORD["backup_id"]).status_code == 204
    raw, _ = dcs_records_created(dcs, DCS_REDIS, page, page + timedelta(hours=23, minutes=59, seconds=59))
    assert [ordered(r) for r in raw] == [ordered(deleted)]


def test_dcs_delete_failed_and_expired_seeded_backups(dcs, t0):
    """§3.12: failed and expired records become deleted; their other fields stay."""
    for backup_id in ("5cb346b1-e728-41e8-8bd3-20b149be1776", "df72a3df-4bcd-4423-8330-37376d4ffc8b"):
        record = seeded(backup_id)
        assert dcs_delete(dcs, DCS_REDIS, backup_id).status_code == 204
        created = datetime.strptime(record["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        raw, _ = dcs_records_created(dcs, DCS_REDIS, created.replace(microsecond=0),
                                     created.replace(microsecond=0) + timedelta(seconds=1))
        expected = {k: record[k] for k in PAGE_RECORD}
        expected.update(status="deleted", is_support_restore="FALSE", updated_at=stamp(t0))
        assert [ordered(r) for r in raw] == [ordered(expected)]


@pytest.mark.parametrize("instance_id,backup_id,status,code,message", [
    (DCS_REDIS, "c93ae86f-b936-4819-8b9d-b4b7e501c782", 400, "DCS.4096", DCS_BACKUPING),  # seeded waiting
    (DCS_REDIS, "a1a9f0a5-790e-45f5-8cae-3a8b81cd7b56", 400, "DCS.4096", DCS_BACKUPING),  # seeded backuping
    (DCS_REDIS, UNKNOWN_DCS, 400, "DCS.4800", "Invalid backup_id in the request."),
    (DCS_MEMCACHED, "32494d98-5474-4e13-85f5-8f13d8d1a584", 400, "DCS.4800",
     "Invalid backup_id in the request."),  # a record of another instance
    (DCS_REDIS, "43e4feaab48f11e89039fa163ebaa7e4br01", 400, "DCS.4800", "Invalid backup_id in the request."),
    (UNKNOWN_DCS, "32494d98-5474-4e13-85f5-8f13d8d1a584", 404, "DCS.3022", DCS_NO_INSTANCE),
    (RDS_A48E, "43e4feaab48f11e89039fa163ebaa7e4br01", 404, "DCS.3022", DCS_NO_INSTANCE),
], ids=code_ids)
def test_dcs_delete_errors(dcs, instance_id, backup_id, status, code, message):
    expect_sdk_error(lambda: dcs_delete(dcs, instance_id, backup_id), status, code, message)


WEEKLY = {"backup_at": [1, 2, 3, 4, 5, 6, 7], "period_type": "weekly", "begin_at": "18:00-19:00"}


def test_dcs_plan_example(dcs, control, t0):
    """W15 and W16 of §11.1, the first automated record at 18:00, then the plan set to manual."""
    never = dcs_show(dcs, DCS_MEMCACHED)
    assert never.status_code == 200
    memcached = {"instance_id": DCS_MEMCACHED, "name": "dcs-memcached-a1b2", "engine": "Memcached",
                 "engine_version": "1.5", "instance_backup_policy": None}
    assert_wire(never, memcached)
    # Only instance_backup_policy is read: without it nothing changes, and the answer is still 204.
    assert dcs_plan(dcs, DCS_MEMCACHED, name="renamed", port=6380).status_code == 204
    assert_wire(dcs_show(dcs, DCS_MEMCACHED), memcached)

    answer = dcs_plan(dcs, DCS_REDIS, DcsBackupPolicy(backup_type="auto", save_days=3,
                                                      periodical_backup_plan=BackupPlan(**WEEKLY)))
    assert answer.status_code == 204
    assert answer.raw_content in (b"", None)
    shown = dcs_show(dcs, DCS_REDIS)
    assert shown.status_code == 200
    policy_id = shown.instance_backup_policy.backup_policy_id
    assert UUID4.match(policy_id), policy_id
    expected = {
        "instance_id": DCS_REDIS, "name": "dcs-redis-5560", "engine": "Redis", "engine_version": "5.0",
        "instance_backup_policy": {
            "backup_policy_id": policy_id, "created_at": stamp(t0), "updated_at": stamp(t0),
            "policy": {"backup_type": "auto", "save_days": 3, "periodical_backup_plan": WEEKLY},
            "tenant_id": P_CN_NORTH_4}}
    assert_wire(shown, expected)
    assert plain(shown) == expected

    control.advance("PT10H1M10S")  # 18:01:10: created at 18:00:00, succeeded at 18:01:05
    at = t0 + timedelta(hours=10)
    raw, _ = dcs_records_created(dcs, DCS_REDIS, at, at + timedelta(seconds=1))
    assert len(raw) == 1 and UUID.match(raw[0]["backup_id"]), raw
    assert ordered(raw[0]) == ordered(dcs_record(
        "succeed", raw[0]["backup_id"], at, at + timedelta(seconds=65), backup_type="auto",
        progress="100.00", size=1048576, restore="TRUE", period="18:00-19:00"))
    assert raw[0]["backup_name"] == "backup_%s020000" % (t0 + timedelta(days=1)).strftime("%Y%m%d")

    # manual: no more automated backups; the plan and save_days not given are kept.
    changed = t0 + timedelta(hours=10, minutes=1, seconds=10)
    assert dcs_plan(dcs, DCS_REDIS, DcsBackupPolicy(backup_type="manual")).status_code == 204
    expected["instance_backup_policy"].update(updated_at=stamp(changed), policy={
        "backup_type": "manual", "save_days": 3, "periodical_backup_plan": WEEKLY})
    assert_wire(dcs_show(dcs, DCS_REDIS), expected)
    control.advance("P1D")
    nextday = at + timedelta(days=1)
    assert dcs_records_created(dcs, DCS_REDIS, nextday, nextday + timedelta(seconds=1))[0] == []


def plan(**changes):
    values = dict(WEEKLY, **changes)
    return BackupPlan(**{k: v for k, v in values.items() if v is not None})


@pytest.mark.parametrize("policy,status,code,message", [
    (DcsBackupPolicy(save_days=3, periodical_backup_plan=plan()), 400, "DCS.4073",
     "Invalid backupType instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="daily", save_days=3, periodical_backup_plan=plan()), 400, "DCS.4073",
     "Invalid backupType instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", periodical_backup_plan=plan()), 400, "DCS.4072",
     "Invalid saveDays instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=8, periodical_backup_plan=plan()), 400, "DCS.4072",
     "Invalid saveDays instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3), 400, "DCS.4800",
     "Invalid periodical_backup_plan in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan(backup_at=[])), 400,
     "DCS.4075", "Invalid backupAt instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan(backup_at=[1, 1])), 400,
     "DCS.4075", "Invalid backupAt instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan(backup_at=[0])), 400,
     "DCS.4075", "Invalid backupAt instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan(period_type="monthly")),
     400, "DCS.4074", "Invalid periodType instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan(begin_at="18:30-19:30")),
     400, "DCS.4076", "Invalid beginAt instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan(begin_at="18:00-20:00")),
     400, "DCS.4076", "Invalid beginAt instance backup policy parameter in the request."),
    (DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan(timezone_offset="+1300")),
     400, "DCS.4800", "Invalid timezone_offset in the request."),
], ids=code_ids)
def test_dcs_plan_errors(dcs, policy, status, code, message):
    expect_sdk_error(lambda: dcs_plan(dcs, DCS_MEMCACHED, policy), status, code, message)


@pytest.mark.parametrize("instance_id", [UNKNOWN_DCS, RDS_A48E])
def test_dcs_plan_and_show_of_no_dcs_instance_of_the_project(dcs, instance_id):
    valid = DcsBackupPolicy(backup_type="auto", save_days=3, periodical_backup_plan=plan())
    expect_sdk_error(lambda: dcs_plan(dcs, instance_id, valid), 404, "DCS.3022", DCS_NO_INSTANCE)
    expect_sdk_error(lambda: dcs_show(dcs, instance_id), 404, "DCS.3022", DCS_NO_INSTANCE)


# --- DDM (W19, W20) ------------------------------------------------------------------------------

def ddm_list(client, **kwargs):
    return client.list_backups(DdmListBackupsRequest(**kwargs))


def ddm_delete(client, backup_id):
    return client.delete_backup(DeleteBackupRequest(backup_id=backup_id))


DDM_NAME = "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg"
SEEDED_DDM = [
    {"id": "09902ee7866649b8908ec209bfee2747br09", "name": "Backup-%s-2025052005400" % DDM_NAME,
     "description": "", "status": "normal", "instance_id": DDM, "instance_name": DDM_NAME,
     "instance_status": "normal", "file_size": 0, "created": "2025-05-20T05:40:00+0800",
     "updated": "2025-05-20T05:41:30+0800", "backup_type": "auto_metadata"},
    {"id": "cfea30126a884f46887b4e9211460fc1br09", "name": "Backup-%s-2025051905400" % DDM_NAME,
     "description": "", "status": "normal", "instance_id": DDM, "instance_name": DDM_NAME,
     "instance_status": "normal", "file_size": 0, "created": "2025-05-19T05:40:00+0800",
     "updated": "2025-05-19T05:41:12+0800", "backup_type": "auto_metadata"}]


def test_ddm_list_then_delete_example(cluster, t0):
    """W19 and W20 of §11.1: the list, a delete (202 and a job id), the list and route F after it."""
    captured = Captured()
    ddm = sdk_client(DdmClient, cluster.base, "ap-southeast-3", ALICE, P_AP_SOUTHEAST_3, capture=captured)
    answer = ddm_list(ddm, instance_id=DDM)
    assert answer.status_code == 200
    assert_wire(answer, {"backups": SEEDED_DDM, "total": 2, "offset": 0, "limit": 10})
    assert [plain(b) for b in answer.backups] == SEEDED_DDM
    assert (answer.total, answer.offset, answer.limit) == (2, 0, 10)
    named = ddm_list(ddm, instance_id=DDM, backup_name=SEEDED_DDM[1]["name"], instance_name=DDM_NAME)
    assert_wire(named, {"backups": [SEEDED_DDM[1]], "total": 1, "offset": 0, "limit": 10})
    assert_wire(ddm_list(ddm, instance_id=DDM, offset=1, limit=1),
                {"backups": [SEEDED_DDM[1]], "total": 2, "offset": 1, "limit": 1})

    deleted = ddm_delete(ddm, SEEDED_DDM[1]["id"])
    assert deleted.status_code == 202
    assert captured.responses[-1].headers.get("Content-Type") == JSON_UTF8
    assert UUID4.match(deleted.job_id), deleted.job_id
    assert_wire(deleted, {"job_id": deleted.job_id})
    assert_wire(ddm_list(ddm, instance_id=DDM), {"backups": [SEEDED_DDM[0]], "total": 1, "offset": 0,
                                                 "limit": 10})
    expect_sdk_error(lambda: ddm.show_backup(ShowBackupRequest(instance_id=DDM, backup_id=SEEDED_DDM[1]["id"])),
                     404, "DBS.201010", NO_BACKUP)
    expect_sdk_error(lambda: ddm_delete(ddm, SEEDED_DDM[1]["id"]), 404, "DBS.201010", NO_BACKUP)


@pytest.mark.parametrize("kwargs,status,code,message", [
    ({"instance_id": DDM, "offset": -1}, 400, "DBS.280001", P + "offset must be an integer from 0 to 2147483647."),
    ({"instance_id": DDM, "limit": 0}, 400, "DBS.280001", P + "limit must be an integer from 1 to 128."),
    ({"instance_id": DDM, "limit": 129}, 400, "DBS.280001", P + "limit must be an integer from 1 to 128."),
    ({"instance_id": DDM, "offset": -1, "limit": 0}, 400, "DBS.280001",
     P + "offset must be an integer from 0 to 2147483647."),
    # Without instance_id the path's default, route A, answers (lifecycle.md §2).
    ({}, 400, "DBS.200001", P + "instance_id is mandatory."),
    ({"instance_name": DDM_NAME}, 400, "DBS.200001", P + "instance_id is mandatory."),
    ({"instance_id": "00000000000000000000000000000000in09"}, 404, "DBS.200002", NO_INSTANCE),
], ids=code_ids)
def test_ddm_list_errors(ddm, kwargs, status, code, message):
    expect_sdk_error(lambda: ddm_list(ddm, **kwargs), status, code, message)


@pytest.mark.parametrize("backup_id", [
    "00000000000000000000000000000000br09",
    "3a5cf62fb8b6a66d39af039b33524a79br07",  # TaurusDB, another project
])
def test_ddm_delete_errors(ddm, backup_id):
    expect_sdk_error(lambda: ddm_delete(ddm, backup_id), 404, "DBS.201010", NO_BACKUP)


def test_ddm_daily_metadata_backups(ddm, control, t0):
    """§8.5 on an instance seeded with "auto_backup": true: one backup a day at 18:00Z, each kept
    30 days; a deleted one is hidden from the list and from route F."""
    def expected_at(now, hidden=()):
        newest = now.replace(hour=18, minute=0, second=0, microsecond=0)
        if newest > now:
            newest -= timedelta(days=1)
        instants = [newest - timedelta(days=k) for k in range(31)]
        return [{"name": "Backup-ddm-write-auto-" + (s + timedelta(hours=8)).strftime("%Y%m%d%H%M%S"),
                 "description": "auto metadata backup", "status": "normal", "instance_id": DDM_AUTO,
                 "instance_name": "ddm-write-auto", "instance_status": "normal", "file_size": 8,
                 "created": rds_time(s), "updated": rds_time(s), "backup_type": "auto_metadata"}
                for s in instants if s + timedelta(days=30) > now and rds_time(s) not in hidden]

    def listed():
        raw = wire(ddm_list(ddm, instance_id=DDM_AUTO, limit=128))
        assert all(DDM_ID.match(r["id"]) for r in raw["backups"]), raw
        assert (raw["total"], raw["offset"], raw["limit"]) == (len(raw["backups"]), 0, 128)
        return raw["backups"]

    def without_ids(records):
        return [ordered({k: v for k, v in r.items() if k != "id"}) for r in records]

    records = listed()
    assert len(records) == 30
    assert without_ids(records) == without_ids(expected_at(t0))
    first_page = ddm_list(ddm, instance_id=DDM_AUTO)
    assert (first_page.total, first_page.offset, first_page.limit) == (30, 0, 10)
    assert [b.id for b in first_page.backups] == [r["id"] for r in records[:10]]
    assert first_page.backups[0].file_size == 8

    newest = records[0]
    assert ddm_delete(ddm, newest["id"]).status_code == 202
    assert without_ids(listed()) == without_ids(expected_at(t0, hidden={newest["created"]}))
    expect_sdk_error(lambda: ddm.show_backup(ShowBackupRequest(instance_id=DDM_AUTO, backup_id=newest["id"])),
                     404, "DBS.201010", NO_BACKUP)

    control.advance("PT24H")
    later = listed()
    assert without_ids(later) == without_ids(expected_at(t0 + timedelta(days=1), hidden={newest["created"]}))
    assert newest["id"] not in [r["id"] for r in later]


# --- statuses and headers -------------------------------------------------------------------------

def test_success_statuses_and_headers(cluster, t0):
    """§1 success codes as the SDK receives them; §4: a 204 has neither body nor Content-Type."""
    captured = Captured()

    def client(client_class, region, project_id):
        return sdk_client(client_class, cluster.base, region, ALICE, project_id, capture=captured)

    rds_create(client(RdsClient, "cn-north-4", P_CN_NORTH_4), instance_id=RDS_PROD, name=unique("headers"))
    taurus_create(client(GaussDBClient, "cn-east-3", P_CN_EAST_3), instance_id=TAURUS, name="headers")
    dcs_client = client(DcsClient, "cn-north-4", P_CN_NORTH_4)
    # A record that is already deleted, and a body without instance_backup_policy: nothing changes.
    dcs_delete(dcs_client, DCS_REDIS, "e73d28e0-8a3f-4fb0-8147-fa1130fff09d")
    dcs_plan(dcs_client, DCS_MEMCACHED, name="unchanged")
    dcs_show(dcs_client, DCS_MEMCACHED)
    assert [r.status_code for r in captured.responses] == [200, 201, 204, 204, 200]
    for response in captured.responses:
        assert REQUEST_ID.match(response.headers.get("X-Request-Id", "")), response.headers
        if response.status_code == 204:
            assert "Content-Type" not in response.headers and response.content == b"", response.headers
        else:
            assert response.headers.get("Content-Type") == JSON_UTF8, response.headers


# --- the control API and the clock (lifecycle.md §5) ---------------------------------------------

CLOCK = "/_backupd/v1/clock"


def test_the_control_api_needs_its_token(cluster, control, control_token):
    for token in (None, "wrong-" + control_token, control_token + "x"):
        check_gateway_error(control_request(cluster.base, token, "GET", CLOCK), 404, "APIGW.0101", NO_API)
        check_gateway_error(control_request(cluster.base, token, "PUT", CLOCK, {"advance": "PT1S"}), 404,
                            "APIGW.0101", NO_API)
    # IAM credentials play no part: a signed request is an unknown route too.
    check_gateway_error(signed(cluster.base, ALICE, "GET", CLOCK), 404, "APIGW.0101", NO_API)
    answer = control_request(cluster.base, control_token, "GET", CLOCK)
    assert answer.status == 200 and list(answer.json) == ["now", "frozen", "offset_seconds"]


def test_the_clock_moves_forward_only(cluster, control, control_token):
    now = control.now()
    moved = control.advance("PT36H")
    assert (moved["now"], moved["frozen"]) == (stamp(now + timedelta(hours=36)), True)
    back = control_request(cluster.base, control_token, "PUT", CLOCK, {"now": stamp(START)})
    check_gateway_error(back, 409, "BACKUPD.0409", "The clock cannot move backwards: it reads %s."
                        % moved["now"])
    assert control.clock()["now"] == moved["now"]


def test_the_clock_is_the_same_on_every_node(cluster, control, control_token, t0):
    """The clock lives in the store: behind nginx, both nodes read what the front set."""
    for node in cluster.nodes:
        answer = control_request(node.base, control_token, "GET", CLOCK)
        assert answer.status == 200 and (answer.json["now"], answer.json["frozen"]) == (stamp(t0), True)


def test_the_control_token_is_never_logged(cluster, control, control_token):
    logs = b"".join(node.log.read_bytes() for node in cluster.nodes)
    assert control_token.encode() not in logs
