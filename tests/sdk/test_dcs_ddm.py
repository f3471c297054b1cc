"""DcsClient.list_backup_records (api.md §6, DCS v2) and DdmClient.show_backup (§7) through the
official SDK. The DCS v1.0 path has no SDK operation; test_raw_http.py covers it."""

import pytest
from huaweicloudsdkdcs.v2 import DcsClient, ListBackupRecordsRequest
from huaweicloudsdkddm.v1 import DdmClient, ShowBackupRequest

from catalog import (ALICE, DCS_MEMCACHED, DCS_PAGING, DCS_PAGING_COUNT, DCS_REDIS, DDM,
                     P_AP_SOUTHEAST_3, P_CN_NORTH_4, RDS_A48E, RDS_DDM_NODE)
from support import expect_sdk_error, plain, sdk_client

PAGE_RECORD = {
    "status": "succeed", "remark": "001", "progress": "100.00", "size": 880232,
    "instance_id": DCS_REDIS, "backup_id": "4631832a-14c6-45b0-a0b3-3abd8f591ad1",
    "created_at": "2019-05-10T08:31:16.166Z", "updated_at": "2019-05-10T08:32:30.546Z",
    "execution_at": "2019-05-10T08:31:21.461Z", "backup_type": "manual",
    "backup_name": "backup_20190510163116", "is_support_restore": "TRUE",
}


@pytest.fixture(scope="module")
def dcs(base):
    return sdk_client(DcsClient, base, "cn-north-4", ALICE, P_CN_NORTH_4)


@pytest.fixture(scope="module")
def ddm(base):
    return sdk_client(DdmClient, base, "ap-southeast-3", ALICE, P_AP_SOUTHEAST_3)


def records(client, instance_id, **kwargs):
    return client.list_backup_records(ListBackupRecordsRequest(instance_id=instance_id, **kwargs))


def no_nulls(record):
    return {k: v for k, v in record.items() if v is not None}


def test_dcs_page_example(dcs):
    answer = records(dcs, DCS_REDIS, begin_time="20190510000000", end_time="20190510235959",
                     limit=10, offset=0)
    assert answer.total_num == 1
    assert [plain(r) for r in answer.backup_record_response] == [PAGE_RECORD]
    record = answer.backup_record_response[0]
    assert (record.period, record.error_code, record.backup_format) == (None, None, None)


def test_dcs_whole_list_newest_first(dcs, model):
    answer = records(dcs, DCS_REDIS, limit=100)
    assert answer.total_num == 15
    assert [plain(r) for r in answer.backup_record_response] == \
        [no_nulls(r) for r in model.dcs_list(DCS_REDIS)]
    failed = [r for r in answer.backup_record_response if r.status == "failed"]
    assert {r.error_code for r in failed} == {"dcs.08.0002", "dcs.08.0006", "dcs.08.0008"}


@pytest.mark.parametrize("window,total", [
    ({"end_time": "20190509235959"}, 9),  # the …59.999Z record included
    ({"begin_time": "20190511000000"}, 5),
    ({"begin_time": "20190509235959", "end_time": "20190511000000"}, 3),
])
def test_dcs_windows(dcs, model, window, total):
    answer = records(dcs, DCS_REDIS, limit=100, **window)
    expected = model.dcs_list(DCS_REDIS, window.get("begin_time"), window.get("end_time"))
    assert answer.total_num == len(expected) == total
    assert [r.backup_id for r in answer.backup_record_response] == [r["backup_id"] for r in expected]


def test_dcs_default_limit_is_10_and_empty_instance(dcs):
    assert len(records(dcs, DCS_REDIS).backup_record_response) == 10
    empty = records(dcs, DCS_MEMCACHED)
    assert (empty.total_num, empty.backup_record_response) == (0, [])


@pytest.mark.parametrize("limit", [13, 1000])
def test_dcs_paging_visits_every_record_once(dcs, model, limit):
    expected = model.dcs_list(DCS_PAGING)
    seen = []
    for offset in range(0, DCS_PAGING_COUNT + 1, limit):
        page = records(dcs, DCS_PAGING, offset=offset, limit=limit)
        assert page.total_num == DCS_PAGING_COUNT
        seen += [plain(r) for r in page.backup_record_response]
    assert seen == [no_nulls(r) for r in expected]


def test_dcs_same_second_ties_go_by_backup_id(dcs):
    page = records(dcs, DCS_PAGING, limit=1000).backup_record_response
    keys = [(r.created_at[:19], r.backup_id) for r in page]
    ties = [(a, b) for a, b in zip(keys, keys[1:]) if a[0] == b[0]]
    assert ties, "the generated catalog has same-second records"
    assert all(a[1] < b[1] for a, b in ties)


@pytest.mark.parametrize("kwargs,status,code,message", [
    ({"offset": -1}, 400, "DCS.4800", "Invalid offset in the request."),
    ({"limit": 0}, 400, "DCS.4800", "Invalid limit in the request."),
    ({"limit": 1001}, 400, "DCS.4800", "Invalid limit in the request."),
    ({"begin_time": "2019-05-10"}, 400, "DCS.4800", "Invalid begin_time in the request."),
    ({"end_time": "20190532000000"}, 400, "DCS.4800", "Invalid end_time in the request."),
    ({"begin_time": "20190510000000", "end_time": "20190510000000"}, 400, "DCS.4025",
     "The end time must be after the start time."),
    ({"offset": -1, "limit": 0}, 400, "DCS.4800", "Invalid offset in the request."),
])
def test_dcs_errors(dcs, kwargs, status, code, message):
    expect_sdk_error(lambda: records(dcs, DCS_REDIS, **kwargs), status, code, message)


@pytest.mark.parametrize("instance_id", ["00000000-0000-4000-8000-000000000000", RDS_A48E])
def test_dcs_unknown_instance(dcs, instance_id):
    expect_sdk_error(lambda: records(dcs, instance_id), 404, "DCS.3022",
                     "This DCS instance does not exist.")


def show(client, instance_id, backup_id):
    return client.show_backup(ShowBackupRequest(instance_id=instance_id, backup_id=backup_id))


def test_ddm_page_example(ddm):
    answer = show(ddm, DDM, "09902ee7866649b8908ec209bfee2747br09")
    assert plain(answer) == {
        "id": "09902ee7866649b8908ec209bfee2747br09",
        "name": "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025052005400",
        "instance_id": DDM, "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg",
        "related_data_nodes": [{"instance_id": RDS_DDM_NODE,
                                "instance_name": "mysql_rds_related_ddm_for_diagnose3_01"}]}


def test_ddm_backup_of_the_page_url(ddm):
    answer = show(ddm, DDM, "cfea30126a884f46887b4e9211460fc1br09")
    assert answer.name == "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025051905400"
    assert [n.instance_id for n in answer.related_data_nodes] == [RDS_DDM_NODE]


@pytest.mark.parametrize("instance_id,backup_id,code,message", [
    (DDM, "00000000000000000000000000000000br09", "DBS.201010", "The backup information does not exist."),
    (DDM, "468939b72e73b7e0dece329b2ccd0414br01", "DBS.201010", "The backup information does not exist."),
    ("00000000000000000000000000000000in09", "09902ee7866649b8908ec209bfee2747br09", "DBS.200002",
     "The DB instance does not exist."),
    (RDS_DDM_NODE, "468939b72e73b7e0dece329b2ccd0414br01", "DBS.200002", "The DB instance does not exist."),
])
def test_ddm_not_found(ddm, instance_id, backup_id, code, message):
    expect_sdk_error(lambda: show(ddm, instance_id, backup_id), 404, code, message)
