"""The RDS cross-region policy (lifecycle.md W6, W7) through the official SDK:
RdsClient.set_off_site_backup_policy, show_off_site_backup_policy, and the copies it makes as
RdsClient.list_off_site_backups (route B, GET /v3/{project_id}/offsite-backups) lists them in the
destination project (§3.6, §4.5, §8.3, the W6/W7 example of §11.1).

Like test_write_side.py, these tests change the catalog, so they run on servers of their own (the
suite's topology again, on build_write_seed()), with the control API moving the catalog clock.
The clock never moves backwards: the module freezes it once, and every test that needs a clean
timeline takes `t0` (a frozen Monday 08:00:00.000Z at least a week later than the clock reads).
Each instance whose policy a test sets belongs to that one test: the §11.1 example has a48e…in01
(and its seeded copy), the others have instances of the write seed that only they use. The error
tests leave every instance as it was. Copy ids are read from the lists (§8.7), never predicted.
Policies change between completions, never at a completion instant: a change at u governs the
instants from u on (§8.0), so a backup completing exactly then would be a boundary case.
"""

import json
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from huaweicloudsdkrds.v3 import (BackupDatabase, BackupPolicy, CreateManualBackupRequest,
                                  CreateManualBackupRequestBody, DeleteManualBackupRequest,
                                  ListBackupsRequest, ListOffSiteBackupsRequest, OffSiteBackupPolicy,
                                  RdsClient, SetBackupPolicyRequest, SetBackupPolicyRequestBody,
                                  SetOffSiteBackupPolicyRequest, SetOffSiteBackupPolicyRequestBody,
                                  ShowOffSiteBackupPolicyRequest)

from catalog import (ALICE, BOB, DCS_REDIS, DDM, P_AP_SOUTHEAST_1, P_AP_SOUTHEAST_3, P_BILLING,
                     P_CN_EAST_3, P_CN_NORTH_4, P_GLOBEX, RDS_A48E, RDS_GLOBEX, RDS_OFFSITE_KEEP,
                     RDS_OFFSITE_PG, RDS_OFFSITE_SQLSERVER, RDS_PROD, RDS_SQLSERVER, TAURUS,
                     build_write_seed)
from support import (NOT_AUTHORIZED, Control, expect_sdk_error, ordered, plain, sdk_client, stamp,
                     wire)

UTC = timezone.utc
SEED = build_write_seed()
START = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # §11's T0, a Monday: the module's first reading

P = "Parameter error. "
NO_INSTANCE = "The DB instance does not exist."
NO_BACKUP = "The backup information does not exist."
RETENTION = "Invalid retention days."
SQLSERVER_ALL = P + "SQL Server instances support only backup_type all."
NEEDS_FULL = P + "Cross-region incremental backups need cross-region full backups."
DESTINATION = P + ("destination_project_id must be a project of destination_region in another region "
                   "of the same account.")
UNKNOWN_RDS = "00000000000000000000000000000000in01"
SEEDED_COPY = "741860b060bb140e8089c0e13773e8d7br01"  # a48e's copy held in ap-southeast-1

# The destinations of the tests: copies of cn-north-4 instances go to ap-southeast-1, those of the
# ap-southeast-1 SQL Server instances to cn-north-4.
TO_AP = {"destination_region": "ap-southeast-1", "destination_project_id": P_AP_SOUTHEAST_1}
TO_CN = {"destination_region": "cn-north-4", "destination_project_id": P_CN_NORTH_4}
DAILY = {"keep_days": 7, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}
OFF = [{"keep_days": 0}]


def code_ids(value):
    """Test ids of the parametrized error tests: messages (strings with spaces) show as "msg"."""
    if isinstance(value, str) and " " in value:
        return "msg"
    return None


def rds_time(instant):
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def auto_name(instance_name, instant):
    """§8.6: <instance name>-<yyyyMMddHHmmssSSS> of the scheduled instant (UTC)."""
    return "%s-%s000" % (instance_name, instant.strftime("%Y%m%d%H%M%S"))


def instance(instance_id):
    return next(i for i in SEED["instances"] if i["id"] == instance_id)


def suffix_id(instance_id):
    """§4.13: 32 hex digits and br + the instance id's last two digits."""
    return re.compile(r"^[0-9a-f]{32}br%s$" % instance_id[-2:])


def assert_wire(response, expected):
    """The body as sent: exactly these members, in this order."""
    assert ordered(wire(response)) == ordered(expected)


# --- servers, clock and clients ------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster(start_topology, tmp_path_factory):
    seed_path = tmp_path_factory.mktemp("offsite-seed") / "seed.json"
    seed_path.write_text(json.dumps(SEED, indent=1), encoding="utf-8")
    with start_topology(tmp_path_factory.mktemp("backupd-offsite"), seed_path) as (front, processes):
        yield SimpleNamespace(front=front, base=front.base)


@pytest.fixture(scope="module")
def control(cluster, control_token):
    clock = Control(cluster.base, control_token)
    assert clock.set_clock(now=stamp(START), frozen=True)["now"] == stamp(START)
    return clock


@pytest.fixture
def t0(control):
    """The first Monday 08:00:00.000Z at least 7 days after the clock's reading, frozen there."""
    earliest = control.now() + timedelta(days=7)
    day = earliest.replace(hour=8, minute=0, second=0, microsecond=0)
    while day.weekday() != 0 or day < earliest:
        day += timedelta(days=1)
    moved = control.set_clock(now=stamp(day), frozen=True)
    assert (moved["now"], moved["frozen"]) == (stamp(day), True)
    return day


@pytest.fixture(scope="module")
def rds(cluster):
    """alice in cn-north-4 (0483…): the home of a48e and of the MySQL and PostgreSQL instances,
    and the destination of the ap-southeast-1 SQL Server instances' copies."""
    return sdk_client(RdsClient, cluster.base, "cn-north-4", ALICE, P_CN_NORTH_4)


@pytest.fixture(scope="module")
def rds_ap(cluster):
    """alice in ap-southeast-1 (5f1e…): the SQL Server instances' home, the others' destination."""
    return sdk_client(RdsClient, cluster.base, "ap-southeast-1", ALICE, P_AP_SOUTHEAST_1)


def move_to(control, instant):
    assert control.set_clock(now=stamp(instant))["now"] == stamp(instant)


# --- calls ---------------------------------------------------------------------------------------

def set_offsite(client, instance_id, policy_para):
    """W6. policy_para: a dict (one OffSiteBackupPolicy), a list of dicts (sent as an array), or
    None (left out)."""
    if isinstance(policy_para, dict):
        para = OffSiteBackupPolicy(**policy_para)
    elif isinstance(policy_para, list):
        para = [OffSiteBackupPolicy(**p) for p in policy_para]
    else:
        para = None
    return client.set_off_site_backup_policy(SetOffSiteBackupPolicyRequest(
        instance_id=instance_id, body=SetOffSiteBackupPolicyRequestBody(policy_para=para)))


def turn_on(client, instance_id, backup_type, keep_days, destination=TO_AP):
    answer = set_offsite(client, instance_id, dict(backup_type=backup_type, keep_days=keep_days, **destination))
    assert answer.status_code == 200 and answer.resp == "success"
    assert_wire(answer, {"resp": "success"})
    return answer


def turn_off(client, instance_id, backup_type):
    """keep_days 0: the destination is neither needed nor sent (§3.6 rows 5 and 6)."""
    answer = set_offsite(client, instance_id, {"backup_type": backup_type, "keep_days": 0})
    assert answer.status_code == 200
    assert_wire(answer, {"resp": "success"})


def show_offsite(client, instance_id):
    return client.show_off_site_backup_policy(ShowOffSiteBackupPolicyRequest(instance_id=instance_id))


def policy(client, instance_id):
    """W7's policy_para as sent, checked against the SDK's models (always an array, §4.5)."""
    answer = show_offsite(client, instance_id)
    assert answer.status_code == 200
    raw = wire(answer)
    assert list(raw) == ["policy_para"] and isinstance(raw["policy_para"], list), raw
    assert plain(answer.policy_para) == raw["policy_para"]
    return [ordered(p) for p in raw["policy_para"]]


def on(backup_type, keep_days, destination=TO_AP):
    """One element of W7 (§4.5: keep_days, backup_type, destination_region, destination_project_id)."""
    return ordered({"keep_days": keep_days, "backup_type": backup_type, **destination})


def off():
    return [ordered(p) for p in OFF]


def copies(client, instance_id, backup_type, **kwargs):
    """Route B in the client's project: (total_count, the records as sent, in order)."""
    answer = client.list_off_site_backups(ListOffSiteBackupsRequest(
        instance_id=instance_id, backup_type=backup_type, **kwargs))
    raw = wire(answer)
    assert list(raw) == ["backups", "total_count"], raw
    assert [plain(b) for b in answer.backups] == raw["backups"]
    assert answer.total_count == raw["total_count"]
    return raw["total_count"], raw["backups"]


def home(client, instance_id, backup_type, begin, end=None, **kwargs):
    """Route A: the home records of the instance of that type that begin from `begin` on (the new
    ones: the seeded records are years older), newest first."""
    answer = client.list_backups(ListBackupsRequest(
        instance_id=instance_id, backup_type=backup_type, begin_time=rds_time(begin),
        end_time=rds_time(end or begin + timedelta(days=30)), **kwargs))
    return answer.total_count, wire(answer)["backups"]


def set_backup_policy(client, instance_id, reserve_backups=None, **backup_policy):
    answer = client.set_backup_policy(SetBackupPolicyRequest(
        instance_id=instance_id, body=SetBackupPolicyRequestBody(
            backup_policy=BackupPolicy(**backup_policy), reserve_backups=reserve_backups)))
    assert answer.status_code == 200


def check_copies_of(listed, sources, instance_id, listed_type=None):
    """listed (route B) holds exactly one copy of each source (route A), in the same order: a new
    id with the instance's suffix, otherwise the source's fields in route A's key order (a stored
    manual copy listed as listed_type "auto", api.md §3)."""
    pattern = suffix_id(instance_id)
    assert len(listed) == len(sources), (listed, sources)
    source_ids = {s["id"] for s in sources}
    for copy, source in zip(listed, sources):
        assert pattern.match(copy["id"]), copy
        assert copy["id"] not in source_ids, copy
        expected = dict(source, id="", type=listed_type or source["type"])
        assert ordered(dict(copy, id="")) == ordered(expected), (copy, source)
    assert len({c["id"] for c in listed}) == len(listed)


# --- the example of §11.1 ------------------------------------------------------------------------

def test_offsite_policy_example(rds, rds_ap, control, t0):
    """W6 and W7 of §11.1 on a48e…in01 (MySQL, cn-north-4) to ap-southeast-1, with W4 on: the
    first automated full backup (08:15) is copied when it completes at 08:16:00, next to the
    seeded copy; every incremental from 08:20:00 on is copied as it completes (§8.3)."""
    never = show_offsite(rds, RDS_A48E)
    assert never.status_code == 200
    assert_wire(never, {"policy_para": OFF})
    assert plain(never.policy_para) == OFF

    set_backup_policy(rds, RDS_A48E, **DAILY)
    answer = set_offsite(rds, RDS_A48E, {"backup_type": "all", "keep_days": 7, **TO_AP})
    assert answer.status_code == 200
    assert answer.resp == "success"
    assert_wire(answer, {"resp": "success"})

    shown = show_offsite(rds, RDS_A48E)
    assert shown.status_code == 200
    assert_wire(shown, {"policy_para": [
        {"keep_days": 7, "backup_type": "auto", "destination_region": "ap-southeast-1",
         "destination_project_id": P_AP_SOUTHEAST_1},
        {"keep_days": 7, "backup_type": "incremental", "destination_region": "ap-southeast-1",
         "destination_project_id": P_AP_SOUTHEAST_1}]})

    seeded = copies(rds_ap, RDS_A48E, "auto", backup_id=SEEDED_COPY)
    assert seeded[0] == 1
    seeded_copy = seeded[1][0]
    assert seeded_copy["name"] == "xxxx.xxx"

    # 08:15:59: the automated full backup is still BUILDING, so it has no copy yet.
    control.advance("PT15M59S")
    first = t0 + timedelta(minutes=15)
    total, building = home(rds, RDS_A48E, "auto", t0)
    assert total == 1 and building[0]["status"] == "BUILDING", building
    assert copies(rds_ap, RDS_A48E, "auto") == (1, [seeded_copy])

    # 08:16:00: it completes, and its copy is listed in the destination next to the seeded one.
    control.advance("PT1S")
    total, sources = home(rds, RDS_A48E, "auto", t0)
    assert total == 1
    source = sources[0]
    assert (source["name"], source["status"], source["size"], source["begin_time"], source["end_time"]) \
        == (auto_name("rds-mysql-a48e", first), "COMPLETED", 1024, rds_time(first),
            rds_time(first + timedelta(seconds=60)))
    total, listed = copies(rds_ap, RDS_A48E, "auto")
    assert total == 2 and listed[1] == seeded_copy, listed
    check_copies_of(listed[:1], [source], RDS_A48E)
    assert listed[0]["id"] != SEEDED_COPY
    assert ordered(listed[0]) == ordered({
        "id": listed[0]["id"], "name": "rds-mysql-a48e-%s081500000" % t0.strftime("%Y%m%d"),
        "type": "auto", "size": 1024, "status": "COMPLETED", "begin_time": rds_time(first),
        "end_time": rds_time(first + timedelta(seconds=60)), "datastore": {"type": "MySQL", "version": "5.7"},
        "instance_id": RDS_A48E, "associated_with_ddm": False})
    copy_id = listed[0]["id"]
    # The same id in every read (behind nginx, on both nodes), and the copy alone by its id.
    assert copies(rds_ap, RDS_A48E, "auto")[1][0]["id"] == copy_id
    assert copies(rds_ap, RDS_A48E, "auto", backup_id=copy_id) == (1, [listed[0]])
    # A copy is no home record: route A does not list it, the home project holds no copy of it,
    # and no write route reaches it (§1.1).
    answer = rds.list_backups(ListBackupsRequest(instance_id=RDS_A48E, backup_id=copy_id))
    assert (answer.total_count, answer.backups) == (0, [])
    assert copies(rds, RDS_A48E, "auto") == (0, [])
    expect_sdk_error(lambda: rds.delete_manual_backup(DeleteManualBackupRequest(backup_id=copy_id)),
                     404, "DBS.201010", NO_BACKUP)

    # Incrementals: none before 08:20:00, then one copy per incremental as it completes.
    assert copies(rds_ap, RDS_A48E, "incremental") == (0, [])
    control.advance("PT3M59S")  # 08:19:59
    assert copies(rds_ap, RDS_A48E, "incremental") == (0, [])
    control.advance("PT1S")  # 08:20:00
    total, listed = copies(rds_ap, RDS_A48E, "incremental")
    end = t0 + timedelta(minutes=20)
    assert total == 1
    assert ordered(dict(listed[0], id="")) == ordered({
        "id": "", "name": auto_name("rds-mysql-a48e", end), "type": "incremental", "size": 16,
        "status": "COMPLETED", "begin_time": rds_time(end - timedelta(minutes=5)), "end_time": rds_time(end),
        "datastore": {"type": "MySQL", "version": "5.7"}, "instance_id": RDS_A48E,
        "associated_with_ddm": False})
    control.advance("PT10M")  # 08:30:00
    total, listed = copies(rds_ap, RDS_A48E, "incremental")
    total_home, incrementals = home(rds, RDS_A48E, "incremental", t0)
    assert total == total_home == 3
    check_copies_of(listed, incrementals, RDS_A48E)
    assert [c["end_time"] for c in listed] == [rds_time(t0 + timedelta(minutes=m)) for m in (30, 25, 20)]
    assert copies(rds_ap, RDS_A48E, "auto")[0] == 2  # incrementals are never listed as auto

    # Off with "all" (§8.3): the incremental copies go at once, the full copies stay, and nothing
    # more is copied.
    turn_off(rds, RDS_A48E, "all")
    assert policy(rds, RDS_A48E) == off()
    assert copies(rds_ap, RDS_A48E, "incremental") == (0, [])
    assert [c["id"] for c in copies(rds_ap, RDS_A48E, "auto")[1]] == [copy_id, SEEDED_COPY]
    control.advance("PT5M")
    assert copies(rds_ap, RDS_A48E, "incremental") == (0, [])
    set_backup_policy(rds, RDS_A48E, reserve_backups=False, keep_days=0)


# --- retention of copies (§8.3) -------------------------------------------------------------------

def test_keep_days_applies_at_once_to_existing_copies(cluster, rds, rds_ap, control, t0):
    """Daily full backups copied with keep_days 3; shortening keep_days removes existing copies at
    once, lengthening it brings none back; while a policy is on only the retention changes; manual
    backups of MySQL are not copied; off (auto, keep_days 0): no more copies, and those made keep
    expiring with the last keep_days."""
    instance_id = RDS_OFFSITE_KEEP

    def day(n):
        return t0 + timedelta(days=n, minutes=15)

    def full_copies():
        return copies(rds_ap, instance_id, "auto")

    def sources(*days):
        by_begin = {s["begin_time"]: s for s in home(rds, instance_id, "auto", t0)[1]}
        return [by_begin[rds_time(day(n))] for n in days]

    set_backup_policy(rds, instance_id, **DAILY)
    # The caller need not be allowed in the destination (§10): bob has cn-north-4 only.
    bob = sdk_client(RdsClient, cluster.base, "cn-north-4", BOB, P_CN_NORTH_4)
    turn_on(bob, instance_id, "auto", 3)
    assert policy(rds, instance_id) == [on("auto", 3)]

    move_to(control, t0 + timedelta(days=3, minutes=16, seconds=30))
    total, listed = full_copies()
    assert total == 3  # the copy of day 0 expired at day 3 08:15 (begin_time + 3 days)
    check_copies_of(listed, sources(3, 2, 1), instance_id)
    assert [c["name"] for c in listed] == [auto_name("rds-mysql-offsite", day(n)) for n in (3, 2, 1)]
    assert home(rds, instance_id, "auto", t0)[0] == 4  # the sources keep their own retention (7 days)
    kept = listed[0]

    # Already on: the destination given is ignored (not even checked: it is this instance's own
    # region), only keep_days changes, and applies at once.
    turn_on(rds, instance_id, "auto", 1, destination=TO_CN)
    assert policy(rds, instance_id) == [on("auto", 1)]
    assert full_copies() == (1, [kept])
    # The longest keep_days (§3.6 row 4); what was removed stays removed (§8.0).
    turn_on(rds, instance_id, "auto", 1825)
    assert policy(rds, instance_id) == [on("auto", 1825)]
    assert full_copies() == (1, [kept])

    # A MySQL manual backup is not copied: `auto` covers automated full backups only.
    manual = rds.create_manual_backup(CreateManualBackupRequest(body=CreateManualBackupRequestBody(
        instance_id=instance_id, name="manual-offsite")))
    control.advance("PT61S")
    total, manuals = home(rds, instance_id, "manual", t0)
    assert total == 1 and (manuals[0]["id"], manuals[0]["status"]) == (manual.backup.id, "COMPLETED")
    assert full_copies() == (1, [kept])
    assert copies(rds_ap, instance_id, "incremental") == (0, [])  # incrementals are off

    turn_on(rds, instance_id, "auto", 2)
    move_to(control, t0 + timedelta(days=4, minutes=16, seconds=30))
    total, listed = full_copies()
    assert total == 2 and listed[1] == kept
    check_copies_of(listed[:1], sources(4), instance_id)
    newest = listed[0]

    # Off: nothing more is copied; the copies stay and expire 2 days after their begin_time.
    turn_off(rds, instance_id, "auto")
    assert policy(rds, instance_id) == off()
    assert full_copies() == (2, [newest, kept])
    move_to(control, t0 + timedelta(days=5, minutes=16, seconds=30))
    assert sources(5)[0]["status"] == "COMPLETED"  # completed while off: no copy
    assert full_copies() == (1, [newest])
    move_to(control, t0 + timedelta(days=6, minutes=16, seconds=30))
    assert full_copies() == (0, [])
    set_backup_policy(rds, instance_id, reserve_backups=False, keep_days=0)


# --- incrementals (§3.6 row 9, §8.3) --------------------------------------------------------------

def test_incremental_copies_follow_full_copies(rds, rds_ap, control, t0):
    """On a PostgreSQL instance: incremental needs auto; once on, incrementals are copied from the
    next one completed; keep_days is one for every type; incremental with keep_days 0 removes the
    incremental copies at once and leaves auto on; auto with keep_days 0 turns everything off."""
    instance_id = RDS_OFFSITE_PG
    name = instance(instance_id)["name"]

    def incremental_copies():
        return copies(rds_ap, instance_id, "incremental")

    def incremental_sources(*minutes):
        by_end = {s["end_time"]: s for s in home(rds, instance_id, "incremental", t0, limit=100)[1]}
        return [by_end[rds_time(t0 + timedelta(minutes=m))] for m in minutes]

    assert policy(rds, instance_id) == off()
    expect_sdk_error(lambda: set_offsite(rds, instance_id, {"backup_type": "incremental", "keep_days": 7, **TO_AP}),
                     400, "DBS.200001", NEEDS_FULL)
    turn_off(rds, instance_id, "incremental")  # keep_days 0 needs nothing on: it changes nothing
    assert policy(rds, instance_id) == off()

    set_backup_policy(rds, instance_id, **DAILY)
    turn_on(rds, instance_id, "auto", 7)
    move_to(control, t0 + timedelta(minutes=22, seconds=30))
    assert home(rds, instance_id, "incremental", t0)[0] == 1  # 08:15–08:20, made while incremental was off
    assert incremental_copies() == (0, [])
    total, full = copies(rds_ap, instance_id, "auto")
    assert total == 1
    check_copies_of(full, home(rds, instance_id, "auto", t0)[1], instance_id)
    assert "associated_with_ddm" not in full[0]  # PostgreSQL (api.md §2)

    # Incremental on, with another keep_days: it becomes the retention of both types.
    turn_on(rds, instance_id, "incremental", 5)
    assert policy(rds, instance_id) == [on("auto", 5), on("incremental", 5)]
    assert incremental_copies() == (0, [])  # the one of 08:20 completed while off
    move_to(control, t0 + timedelta(minutes=25))
    total, listed = incremental_copies()
    assert total == 1
    check_copies_of(listed, incremental_sources(25), instance_id)
    assert ordered(dict(listed[0], id="")) == ordered({
        "id": "", "name": auto_name(name, t0 + timedelta(minutes=25)), "type": "incremental", "size": 16,
        "status": "COMPLETED", "begin_time": rds_time(t0 + timedelta(minutes=20)),
        "end_time": rds_time(t0 + timedelta(minutes=25)), "datastore": {"type": "PostgreSQL", "version": "12"},
        "instance_id": instance_id})
    move_to(control, t0 + timedelta(minutes=40))
    total, listed = incremental_copies()
    assert total == 4
    check_copies_of(listed, incremental_sources(40, 35, 30, 25), instance_id)

    # Incremental off: its copies go at once; auto stays on with its copy.
    turn_off(rds, instance_id, "incremental")
    assert policy(rds, instance_id) == [on("auto", 5)]
    assert incremental_copies() == (0, [])
    assert copies(rds_ap, instance_id, "auto") == (1, full)
    move_to(control, t0 + timedelta(minutes=52, seconds=30))
    assert incremental_copies() == (0, [])

    # On again: from the next incremental that completes (08:55; 08:45 and 08:50 were made while off).
    turn_on(rds, instance_id, "incremental", 5)
    move_to(control, t0 + timedelta(minutes=55))
    total, listed = incremental_copies()
    assert total == 1
    check_copies_of(listed, incremental_sources(55), instance_id)

    # Auto off (as Terraform sends it) turns incremental off too: the incremental copies go, the
    # full copy stays, nothing more is copied, and incremental needs auto again.
    turn_off(rds, instance_id, "auto")
    assert policy(rds, instance_id) == off()
    assert incremental_copies() == (0, [])
    assert copies(rds_ap, instance_id, "auto") == (1, full)
    expect_sdk_error(lambda: set_offsite(rds, instance_id, {"backup_type": "incremental", "keep_days": 5, **TO_AP}),
                     400, "DBS.200001", NEEDS_FULL)
    move_to(control, t0 + timedelta(days=1, minutes=16))
    assert home(rds, instance_id, "auto", t0)[0] == 2
    assert copies(rds_ap, instance_id, "auto") == (1, full)
    assert incremental_copies() == (0, [])
    set_backup_policy(rds, instance_id, reserve_backups=False, keep_days=0)


# --- SQL Server (§4.5, §8.3) ---------------------------------------------------------------------

def test_sql_server_all_copies_manual_backups(rds, rds_ap, control, t0):
    """SQL Server's `all` turns on auto, incremental and manual; a manual backup is copied when it
    completes and listed as auto, with its databases; off with all and keep_days 0."""
    instance_id = RDS_OFFSITE_SQLSERVER
    assert policy(rds_ap, instance_id) == off()
    turn_on(rds_ap, instance_id, "all", 7, destination=TO_CN)
    assert policy(rds_ap, instance_id) == [on("auto", 7, TO_CN), on("incremental", 7, TO_CN),
                                           on("manual", 7, TO_CN)]

    created = rds_ap.create_manual_backup(CreateManualBackupRequest(body=CreateManualBackupRequestBody(
        instance_id=instance_id, name="sqlserver-manual-offsite", databases=[BackupDatabase(name="db1")])))
    assert created.backup.status == "BUILDING"
    control.advance("PT59S")
    assert copies(rds, instance_id, "auto") == (0, [])
    control.advance("PT1S")
    total, sources = home(rds_ap, instance_id, "manual", t0)
    assert total == 1 and sources[0]["status"] == "COMPLETED"
    total, listed = copies(rds, instance_id, "auto")
    assert total == 1
    check_copies_of(listed, sources, instance_id, listed_type="auto")
    assert ordered(dict(listed[0], id="")) == ordered({
        "id": "", "name": "sqlserver-manual-offsite", "type": "auto", "size": 1024, "status": "COMPLETED",
        "databases": [{"name": "db1"}], "begin_time": rds_time(t0),
        "end_time": rds_time(t0 + timedelta(seconds=60)), "datastore": {"type": "sqlserver", "version": "2019_SE"},
        "instance_id": instance_id})
    assert copies(rds, instance_id, "incremental") == (0, [])
    assert copies(rds_ap, instance_id, "auto") == (0, [])  # not in the instance's own project

    turn_off(rds_ap, instance_id, "all")
    assert policy(rds_ap, instance_id) == off()
    assert copies(rds, instance_id, "auto") == (1, listed)


# --- errors (§3.6) -------------------------------------------------------------------------------

VALID = {"backup_type": "auto", "keep_days": 7, **TO_AP}
TYPE_RULE = P + "policy_para.backup_type must be one of auto, incremental, all."


@pytest.mark.parametrize("policy_para,status,code,message", [
    (None, 400, "DBS.200001", P + "policy_para is mandatory."),
    ([VALID], 400, "DBS.200001", P + "policy_para must be an object."),
    ({"keep_days": 7, **TO_AP}, 400, "DBS.200001", P + "policy_para.backup_type is mandatory."),
    (dict(VALID, backup_type="manual"), 400, "DBS.200001", TYPE_RULE),
    (dict(VALID, backup_type="bogus", keep_days=1826), 400, "DBS.200001", TYPE_RULE),
    ({"backup_type": "auto", **TO_AP}, 400, "DBS.200001", P + "policy_para.keep_days is mandatory."),
    (dict(VALID, keep_days=1826), 400, "DBS.201106", RETENTION),
    (dict(VALID, keep_days=-1), 400, "DBS.201106", RETENTION),
    (dict(VALID, keep_days="7"), 400, "DBS.201106", RETENTION),
    (dict(VALID, keep_days=7.5), 400, "DBS.201106", RETENTION),
    ({"backup_type": "auto", "keep_days": 7, "destination_project_id": P_AP_SOUTHEAST_1}, 400, "DBS.200001",
     P + "policy_para.destination_region is mandatory."),
    (dict(VALID, destination_region=1), 400, "DBS.200001", P + "policy_para.destination_region must be a string."),
    ({"backup_type": "auto", "keep_days": 7, "destination_region": "ap-southeast-1"}, 400, "DBS.200001",
     P + "policy_para.destination_project_id is mandatory."),
    (dict(VALID, destination_project_id=5), 400, "DBS.200001",
     P + "policy_para.destination_project_id must be a string."),
    # Row 9, then row 10 (nothing is on for this instance).
    (dict(VALID, backup_type="incremental"), 400, "DBS.200001", NEEDS_FULL),
    (dict(VALID, backup_type="incremental", **TO_CN), 400, "DBS.200001", NEEDS_FULL),
    (dict(VALID, **TO_CN), 400, "DBS.200001", DESTINATION),  # the instance's own region
    (dict(VALID, backup_type="all", destination_region="cn-north-4", destination_project_id=P_BILLING), 400,
     "DBS.200001", DESTINATION),  # a sub-project of the instance's own region
    (dict(VALID, destination_project_id="00000000000000000000000000000000"), 400, "DBS.200001",
     DESTINATION),  # no such project
    (dict(VALID, destination_region="cn-east-3"), 400, "DBS.200001", DESTINATION),  # 5f1e is not in cn-east-3
    (dict(VALID, destination_project_id=P_CN_EAST_3), 400, "DBS.200001", DESTINATION),  # 97b0 is cn-east-3
    (dict(VALID, destination_region="cn-north-4", destination_project_id=P_GLOBEX), 400, "DBS.200001",
     DESTINATION),  # another account's project (in the instance's own region, too)
], ids=code_ids)
def test_set_offsite_policy_errors(rds, policy_para, status, code, message):
    expect_sdk_error(lambda: set_offsite(rds, RDS_PROD, policy_para), status, code, message)
    assert policy(rds, RDS_PROD) == off()


@pytest.mark.parametrize("policy_para,message", [
    (dict(VALID, **TO_CN), SQLSERVER_ALL),
    (dict(VALID, backup_type="incremental", **TO_CN), SQLSERVER_ALL),
    ({"backup_type": "incremental", "keep_days": 0}, SQLSERVER_ALL),
    (dict(VALID, backup_type="all"), DESTINATION),  # ap-southeast-1 is the instance's own region
], ids=code_ids)
def test_set_offsite_policy_errors_of_sql_server(rds_ap, policy_para, message):
    """ad4e…in04, the seed's SQL Server instance in ap-southeast-1: only backup_type all (row 8)."""
    expect_sdk_error(lambda: set_offsite(rds_ap, RDS_SQLSERVER, policy_para), 400, "DBS.200001", message)
    assert policy(rds_ap, RDS_SQLSERVER) == off()


@pytest.mark.parametrize("instance_id", [UNKNOWN_RDS, TAURUS, DCS_REDIS, RDS_SQLSERVER, RDS_GLOBEX, DDM])
def test_offsite_policy_of_no_rds_instance_of_the_project(rds, instance_id):
    """Row 7: not an RDS instance of the path's project (unknown, another service, project or
    account): 404 after the body checks, for W6 and W7."""
    expect_sdk_error(lambda: set_offsite(rds, instance_id, VALID), 404, "DBS.200002", NO_INSTANCE)
    expect_sdk_error(lambda: show_offsite(rds, instance_id), 404, "DBS.200002", NO_INSTANCE)
    expect_sdk_error(lambda: set_offsite(rds, instance_id, dict(VALID, keep_days=1826)), 400, "DBS.201106",
                     RETENTION)


def test_offsite_policy_of_other_services_instances_in_their_projects(cluster):
    """§2: offsite-policy is an RDS route only. A DDM instance's GET stays route F (a backup named
    offsite-policy), a TaurusDB instance's is route F's unknown instance; W6 is 404 for both."""
    rds_ddm = sdk_client(RdsClient, cluster.base, "ap-southeast-3", ALICE, P_AP_SOUTHEAST_3)
    expect_sdk_error(lambda: show_offsite(rds_ddm, DDM), 404, "DBS.201010", NO_BACKUP)
    expect_sdk_error(lambda: set_offsite(rds_ddm, DDM, VALID), 404, "DBS.200002", NO_INSTANCE)
    rds_taurus = sdk_client(RdsClient, cluster.base, "cn-east-3", ALICE, P_CN_EAST_3)
    expect_sdk_error(lambda: show_offsite(rds_taurus, TAURUS), 404, "DBS.200002", NO_INSTANCE)
    expect_sdk_error(lambda: set_offsite(rds_taurus, TAURUS, VALID), 404, "DBS.200002", NO_INSTANCE)


def test_offsite_policy_outside_the_callers_scope_is_403(cluster):
    bob = sdk_client(RdsClient, cluster.base, "ap-southeast-1", BOB, P_AP_SOUTHEAST_1)
    expect_sdk_error(lambda: set_offsite(bob, RDS_SQLSERVER, dict(VALID, backup_type="all", **TO_CN)), 403,
                     "APIGW.0302", NOT_AUTHORIZED)
    expect_sdk_error(lambda: show_offsite(bob, RDS_SQLSERVER), 403, "APIGW.0302", NOT_AUTHORIZED)
