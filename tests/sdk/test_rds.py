"""RdsClient.list_backups (api.md §2) and RdsClient.list_off_site_backups (§3), through the
official SDK with AK/SK credentials and a configured project id."""

import pytest
from huaweicloudsdkrds.v3 import ListBackupsRequest, ListOffSiteBackupsRequest, RdsClient

from catalog import (ALICE, DCS_REDIS, P_AP_SOUTHEAST_1, P_CN_NORTH_4, RDS_A48E, RDS_GLOBEX,
                     RDS_PAGING, RDS_PAGING_COUNT, RDS_PG, RDS_PROD, RDS_SQLSERVER)
from support import expect_sdk_error, plain, sdk_client

WINDOW = {"begin_time": "2018-08-06T10:41:14+0800", "end_time": "2018-08-16T10:41:14+0800"}


@pytest.fixture(scope="module")
def rds(base):
    return sdk_client(RdsClient, base, "cn-north-4", ALICE, P_CN_NORTH_4)


@pytest.fixture(scope="module")
def rds_ap(base):
    return sdk_client(RdsClient, base, "ap-southeast-1", ALICE, P_AP_SOUTHEAST_1)


def list_all(client, **kwargs):
    return client.list_backups(ListBackupsRequest(**kwargs))


# --- §2 example and selection ---------------------------------------------------------------

def test_page_example_response(rds):
    answer = list_all(rds, instance_id=RDS_A48E, backup_type="auto", offset=0, limit=10, **WINDOW)
    assert answer.total_count == 1
    assert [plain(b) for b in answer.backups] == [{
        "id": "43e4feaab48f11e89039fa163ebaa7e4br01", "name": "xxxx.xxx", "type": "auto",
        "size": 2803, "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800",
        "end_time": "2018-08-06T12:43:14+0800", "datastore": {"type": "MySQL", "version": "5.7"},
        "instance_id": RDS_A48E, "associated_with_ddm": False}]


def test_page_literal_request_names_mysql_prod(rds):
    answer = list_all(rds, instance_id=RDS_PROD, backup_id="c0c9f155c7b7423a9d30f0175998b63bbr01",
                      backup_type="auto", offset=0, limit=10, **WINDOW)
    assert answer.total_count == 1
    assert answer.backups[0].name == "mysql-prod-20180810030000"
    assert answer.backups[0].size == 51210


def test_window_is_inclusive_and_compares_instants(rds, model):
    answer = list_all(rds, instance_id=RDS_A48E, **WINDOW)
    ids = [b.id for b in answer.backups]
    assert answer.total_count == 6
    assert "eff8f56354b5edfa9cd507308c757c61br01" in ids  # begin_time exactly the window's start
    assert "19e470a6e6d071f9d34858e603cce3ebbr01" not in ids  # one second after its end (+0000)
    assert [plain(b) for b in answer.backups] == model.rds_list(RDS_A48E, **WINDOW)


def test_whole_list_newest_first_ties_by_id(rds, model):
    answer = list_all(rds, instance_id=RDS_A48E)
    expected = model.rds_list(RDS_A48E)
    assert answer.total_count == len(expected) == 25
    assert [plain(b) for b in answer.backups] == expected
    ids = [b.id for b in answer.backups]
    # The same instant written as +0000 and +0800: the smaller id comes first.
    tie = ids.index("4dcd72a036117713002d578d27a5bcf0br01")
    assert ids[tie + 1] == "b4be3e793b644e92265213cdccb4ceb4br01"


@pytest.mark.parametrize("filters", [
    {"backup_type": "auto"}, {"backup_type": "manual"}, {"backup_type": "fragment"},
    {"backup_type": "incremental"}, {"status": "COMPLETED"}, {"status": "FAILED"},
    {"status": "BUILDING"}, {"backup_type": "auto", "status": "COMPLETED"},
    {"begin_time": "2021-01-20T00:00:00+0800", "end_time": "2021-02-10T00:00:00Z"},
    {"backup_type": "incremental", "status": "COMPLETED",
     "begin_time": "2021-01-05T00:00:00-0530", "end_time": "2021-03-01T12:00:00+0000"},
], ids=lambda f: ",".join("%s=%s" % kv for kv in f.items()))
def test_filters_match_the_model(rds, model, filters):
    expected = model.rds_list(RDS_PAGING, **filters)
    answer = list_all(rds, instance_id=RDS_PAGING, limit=100, **filters)
    assert answer.total_count == len(expected)
    assert [plain(b) for b in answer.backups] == expected[:100]


def test_backup_id_filter(rds, model):
    wanted = model.rds_list(RDS_PAGING)[137]
    answer = list_all(rds, instance_id=RDS_PAGING, backup_id=wanted["id"])
    assert answer.total_count == 1
    assert plain(answer.backups[0]) == wanted
    none = list_all(rds, instance_id=RDS_PAGING, backup_id="no-such-backup")
    assert (none.total_count, none.backups) == (0, [])


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_paging_visits_every_record_once(rds, model, limit):
    expected = [b["id"] for b in model.rds_list(RDS_PAGING)]
    seen, offset = [], 0
    while True:
        page = list_all(rds, instance_id=RDS_PAGING, offset=offset, limit=limit)
        assert page.total_count == RDS_PAGING_COUNT
        assert len(page.backups) <= limit
        if not page.backups:
            break
        seen += [b.id for b in page.backups]
        offset += limit
    assert seen == expected
    assert len(set(seen)) == RDS_PAGING_COUNT


def test_default_limit_is_100_and_offset_past_end_is_empty(rds):
    first = list_all(rds, instance_id=RDS_PAGING)
    assert (first.total_count, len(first.backups)) == (RDS_PAGING_COUNT, 100)
    past = list_all(rds, instance_id=RDS_PAGING, offset=RDS_PAGING_COUNT, limit=10)
    assert (past.total_count, past.backups) == (RDS_PAGING_COUNT, [])


def test_field_presence_by_engine(rds, rds_ap, model):
    pg = list_all(rds, instance_id=RDS_PG).backups
    assert [plain(b) for b in pg] == model.rds_list(RDS_PG)
    assert all(b.associated_with_ddm is None and b.databases is None for b in pg)
    sqlserver = list_all(rds_ap, instance_id=RDS_SQLSERVER).backups
    assert len(sqlserver) == 1  # its cross-region copies are listed by §3 only
    assert [d.name for d in sqlserver[0].databases] == ["db_sales", "db_hr"]
    assert sqlserver[0].associated_with_ddm is None
    assert sqlserver[0].min_data_volume_capacity_for_restore is None
    override = list_all(rds, instance_id=RDS_PAGING, backup_id=model.rds_list(RDS_PAGING)[0]["id"])
    assert plain(override.backups[0]) == model.rds_list(RDS_PAGING)[0]


P = "Parameter error. "
TIME_FMT = " must be in the yyyy-mm-ddThh:mm:ssZ format, for example "


@pytest.mark.parametrize("kwargs,message", [
    ({}, "instance_id is mandatory."),
    ({"instance_id": RDS_A48E, "backup_type": "full"},
     "backup_type must be one of auto, manual, fragment, incremental."),
    ({"instance_id": RDS_A48E, "backup_type": "Auto"},
     "backup_type must be one of auto, manual, fragment, incremental."),
    ({"instance_id": RDS_A48E, "status": "DELETING"},
     "status must be one of BUILDING, COMPLETED, FAILED."),
    ({"instance_id": RDS_A48E, "offset": -1}, "offset must be an integer from 0 to 2147483647."),
    ({"instance_id": RDS_A48E, "offset": 2147483648},
     "offset must be an integer from 0 to 2147483647."),
    ({"instance_id": RDS_A48E, "limit": 0}, "limit must be an integer from 1 to 100."),
    ({"instance_id": RDS_A48E, "limit": 101}, "limit must be an integer from 1 to 100."),
    ({"instance_id": RDS_A48E, "begin_time": "2018-08-06T10:41:14+08:00",
      "end_time": "2018-08-16T10:41:14+0800"}, "begin_time" + TIME_FMT + "2018-08-06T10:41:14+0800."),
    ({"instance_id": RDS_A48E, "begin_time": "2018-08-06T10:41:14+0800",
      "end_time": "2018-02-30T10:41:14+0800"}, "end_time" + TIME_FMT + "2018-08-16T10:41:14+0800."),
    ({"instance_id": RDS_A48E, "begin_time": "2018-08-06T10:41:14+0800"},
     "end_time is mandatory when begin_time is given."),
    ({"instance_id": RDS_A48E, "end_time": "2018-08-06T10:41:14+0800"},
     "begin_time is mandatory when end_time is given."),
    ({"instance_id": RDS_A48E, "begin_time": "2018-08-06T10:41:14+0800",
      "end_time": "2018-08-06T02:41:14Z"}, "end_time must be later than begin_time."),
    ({"instance_id": RDS_A48E, "backup_type": "full", "limit": 0},
     "backup_type must be one of auto, manual, fragment, incremental."),
], ids=lambda v: str(v)[:60] if isinstance(v, dict) else None)
def test_parameter_errors(rds, kwargs, message):
    expect_sdk_error(lambda: list_all(rds, **kwargs), 400, "DBS.200001", P + message)


@pytest.mark.parametrize("instance_id", [
    "00000000000000000000000000000000in01",  # no such instance
    DCS_REDIS,  # another service
    RDS_SQLSERVER,  # another project of the same account
    RDS_GLOBEX,  # another account
])
def test_unknown_instance(rds, instance_id):
    expect_sdk_error(lambda: list_all(rds, instance_id=instance_id), 404, "DBS.200002",
                     "The DB instance does not exist.")


# --- §3 cross-region backups ------------------------------------------------------------------

def offsite(client, **kwargs):
    return client.list_off_site_backups(ListOffSiteBackupsRequest(**kwargs))


def test_offsite_page_example(rds):
    answer = offsite(rds, instance_id=RDS_SQLSERVER, backup_type="auto", offset=0, limit=10,
                     begin_time="2022-12-02T00:00:00+0000", end_time="2022-12-02T23:59:59+0000")
    assert answer.total_count == 2
    datastore = {"type": "sqlserver", "version": "2019_SE"}
    assert [plain(b) for b in answer.backups] == [
        {"id": "d0ea632a5c32451dbdb157ef5c2ad3ecbr04", "name": "sqlserver-rds-1784-20221202062025775",
         "type": "auto", "size": 5956, "status": "COMPLETED", "begin_time": "2022-12-02T06:20:25+0000",
         "end_time": "2022-12-02T06:24:45+0000", "datastore": datastore, "instance_id": RDS_SQLSERVER},
        {"id": "07d6a8ab12304f9aa3f368a6cff21ac9br04", "name": "backup-81f1", "type": "auto",
         "size": 773, "status": "COMPLETED", "begin_time": "2022-12-02T06:12:22+0000",
         "end_time": "2022-12-02T06:16:37+0000", "datastore": datastore, "instance_id": RDS_SQLSERVER},
    ]


def test_offsite_manual_copy_is_reported_as_auto(rds, model):
    answer = offsite(rds, instance_id=RDS_SQLSERVER, backup_type="auto")
    assert answer.total_count == 3
    assert [plain(b) for b in answer.backups] == model.offsite_list(P_CN_NORTH_4, RDS_SQLSERVER, "auto")
    manual = answer.backups[0]
    assert (manual.id, manual.type) == ("6c8673fad1a1e965943543497e6da9eabr04", "auto")
    assert [d.name for d in manual.databases] == ["db_sales"]
    none = offsite(rds, instance_id=RDS_SQLSERVER, backup_type="incremental")
    assert (none.total_count, none.backups) == (0, [])


def test_offsite_copies_of_home_instances_in_another_region(rds_ap, model):
    mysql = offsite(rds_ap, instance_id=RDS_A48E, backup_type="auto")
    assert [plain(b) for b in mysql.backups] == model.offsite_list(P_AP_SOUTHEAST_1, RDS_A48E, "auto")
    assert mysql.backups[0].datastore.version == "5.6"  # the record's datastore, not the instance's
    assert mysql.backups[0].associated_with_ddm is False
    pg = offsite(rds_ap, instance_id=RDS_PG, backup_type="auto", backup_id="414528db321279ea480e8ff7f275e59dbr03")
    assert pg.total_count == 1 and pg.backups[0].associated_with_ddm is None
    assert pg.backups[0].datastore.type == "PostgreSQL"


def test_offsite_instance_without_copies_here_is_empty(rds):
    answer = offsite(rds, instance_id=RDS_A48E, backup_type="incremental")
    assert (answer.total_count, answer.backups) == (0, [])


@pytest.mark.parametrize("kwargs,message", [
    ({"backup_type": "auto"}, "instance_id is mandatory."),
    ({"instance_id": RDS_SQLSERVER}, "backup_type is mandatory."),
    ({"instance_id": RDS_SQLSERVER, "backup_type": "manual"}, "backup_type must be one of auto, incremental."),
    ({"instance_id": RDS_SQLSERVER, "backup_type": "auto", "limit": 1000},
     "limit must be an integer from 1 to 100."),
    ({"instance_id": RDS_SQLSERVER, "backup_type": "auto", "end_time": "2022-12-02T23:59:59+0000"},
     "begin_time is mandatory when end_time is given."),
])
def test_offsite_parameter_errors(rds, kwargs, message):
    expect_sdk_error(lambda: offsite(rds, **kwargs), 400, "DBS.200001", P + message)


@pytest.mark.parametrize("instance_id", ["00000000000000000000000000000000in04", RDS_GLOBEX, DCS_REDIS])
def test_offsite_unknown_instance(rds, instance_id):
    expect_sdk_error(lambda: offsite(rds, instance_id=instance_id, backup_type="auto"), 404,
                     "DBS.200002", "The DB instance does not exist.")
