"""GaussDBClient.show_gauss_my_sql_incremental_backup_list (api.md §4) through the official SDK."""

import pytest
from huaweicloudsdkgaussdb.v3 import GaussDBClient, ShowGaussMySqlIncrementalBackupListRequest

from catalog import ALICE, P_CN_EAST_3, RDS_A48E, TAURUS, TAURUS_PAGING, TAURUS_PAGING_COUNT
from support import expect_sdk_error, plain, sdk_client

WINDOW = {"begin_time": "2022-07-06T10:41:14+0800", "end_time": "2022-07-16T10:41:14+0800"}


@pytest.fixture(scope="module")
def gauss(base):
    return sdk_client(GaussDBClient, base, "cn-east-3", ALICE, P_CN_EAST_3)


def incrementals(client, instance_id, **kwargs):
    return client.show_gauss_my_sql_incremental_backup_list(
        ShowGaussMySqlIncrementalBackupListRequest(instance_id=instance_id, **kwargs))


def test_page_example_response(gauss):
    answer = incrementals(gauss, TAURUS, offset="0", limit="10", **WINDOW)
    assert answer.total_count == 1
    assert [plain(b) for b in answer.backups] == [{
        "id": "f0d2aea28d26t4848b8c84ed3fea1822fbr07", "name": "GaussDBforMySQL--20230728181555006",
        "begin_time": "2022-07-07T12:41:14+0800", "end_time": "2022-07-08T12:45:14+0800",
        "size": 0.109375, "instance_id": TAURUS}]
    assert answer.backups[0].backup_type is None  # in the SDK model, never sent


def test_whole_list_and_last_page(gauss, model):
    everything = incrementals(gauss, TAURUS, limit="100")
    assert everything.total_count == 12  # the two full backups are not incrementals
    assert [plain(b) for b in everything.backups] == model.taurus_list(TAURUS)
    last = incrementals(gauss, TAURUS, offset="10", limit="10")
    assert last.total_count == 12
    assert [b.id for b in last.backups] == ["289d1acd71768bdc0a828735690ff6f2br07",
                                            "c6c15eed663a7eb0977f54bfeeaef239br07"]


def test_default_limit_is_10(gauss, model):
    answer = incrementals(gauss, TAURUS)
    assert [plain(b) for b in answer.backups] == model.taurus_list(TAURUS)[:10]


def test_sizes_are_numbers(gauss):
    sizes = {b.name[-3:]: b.size for b in incrementals(gauss, TAURUS, limit="100").backups}
    assert sizes["004"] == 2048 and sizes["010"] == 0.015625 and sizes["011"] == 128.25
    assert all(isinstance(s, float) for s in sizes.values())


@pytest.mark.parametrize("limit", [7, 50])
def test_paging_visits_every_record_once(gauss, model, limit):
    expected = [b["id"] for b in model.taurus_list(TAURUS_PAGING)]
    seen = []
    for offset in range(0, TAURUS_PAGING_COUNT + limit, limit):
        page = incrementals(gauss, TAURUS_PAGING, offset=str(offset), limit=str(limit))
        assert page.total_count == TAURUS_PAGING_COUNT
        seen += [b.id for b in page.backups]
    assert seen == expected


def test_window_and_display_offsite_backup(gauss, model):
    window = {"begin_time": "2023-03-05T00:00:00+0800", "end_time": "2023-03-09T00:00:00Z"}
    expected = model.taurus_list(TAURUS_PAGING, **window)
    for flag in (None, True, False):
        answer = incrementals(gauss, TAURUS_PAGING, limit="100", display_offsite_backup=flag, **window)
        assert answer.total_count == len(expected)
        assert [plain(b) for b in answer.backups] == expected[:100]


P = "Parameter error. "
TIME_FMT = " must be in the yyyy-mm-ddThh:mm:ssZ format, for example "


@pytest.mark.parametrize("kwargs,message", [
    ({"offset": "-1"}, "offset must be an integer from 0 to 2147483647."),
    ({"offset": "1.0"}, "offset must be an integer from 0 to 2147483647."),
    ({"limit": "0"}, "limit must be an integer from 1 to 100."),
    ({"limit": "101"}, "limit must be an integer from 1 to 100."),
    ({"limit": "ten"}, "limit must be an integer from 1 to 100."),
    ({"begin_time": "2022-07-06 10:41:14+0800", "end_time": WINDOW["end_time"]},
     "begin_time" + TIME_FMT + "2022-07-06T10:41:14+0800."),
    ({"begin_time": WINDOW["begin_time"], "end_time": "2022-07-16T10:41:14.5+0800"},
     "end_time" + TIME_FMT + "2022-07-16T10:41:14+0800."),
    ({"begin_time": WINDOW["begin_time"]}, "end_time is mandatory when begin_time is given."),
    ({"end_time": WINDOW["end_time"]}, "begin_time is mandatory when end_time is given."),
    ({"begin_time": WINDOW["begin_time"], "end_time": WINDOW["begin_time"]},
     "end_time must be later than begin_time."),
])
def test_parameter_errors(gauss, kwargs, message):
    expect_sdk_error(lambda: incrementals(gauss, TAURUS, **kwargs), 400, "DBS.280001", P + message)


@pytest.mark.parametrize("instance_id", ["00000000000000000000000000000000in07", RDS_A48E])
def test_unknown_instance(gauss, instance_id):
    expect_sdk_error(lambda: incrementals(gauss, instance_id), 404, "DBS.200002",
                     "The DB instance does not exist.")
