"""What the SDK cannot show, over raw HTTP with AK/SK-signed requests: the DCS v1.0 route (api.md
§5, no SDK operation), response headers and exact JSON shapes (§1.5), route matching and the
gateway 404 (§1.1), and the query-string rules (§1.3)."""

import json

import pytest

from catalog import (ALICE, DCS_PAGING, DCS_PAGING_COUNT, DCS_REDIS, DDM, P_AP_SOUTHEAST_3,
                     P_CN_EAST_3, P_CN_NORTH_4, RDS_A48E, TAURUS)
from support import (JSON_UTF8, NO_API, REQUEST_ID, check_common_headers, check_gateway_error,
                     check_service_error, http_request, signed)

V1 = "/v1.0/%s/instances/%s/backups" % (P_CN_NORTH_4, DCS_REDIS)
V2 = "/v2/%s/instances/%s/backups" % (P_CN_NORTH_4, DCS_REDIS)
RDS = "/v3/%s/backups" % P_CN_NORTH_4
TAURUS_PATH = "/v3/%s/instances/%s/incremental-backups" % (P_CN_EAST_3, TAURUS)
DDM_PATH = "/v3/%s/instances/%s/backups/" % (P_AP_SOUTHEAST_3, DDM)
PAGE_DCS_RECORD = {
    "status": "succeed", "remark": "001", "period": None, "progress": "100.00", "size": 880232,
    "instance_id": DCS_REDIS, "backup_id": "4631832a-14c6-45b0-a0b3-3abd8f591ad1",
    "created_at": "2019-05-10T08:31:16.166Z", "updated_at": "2019-05-10T08:32:30.546Z",
    "execution_at": "2019-05-10T08:31:21.461Z", "backup_type": "manual",
    "backup_name": "backup_20190510163116", "error_code": None, "is_support_restore": "TRUE",
}


def get(base, path, raw_query=""):
    return signed(base, ALICE, "GET", path, raw_query=raw_query)


def ok(answer):
    assert answer.status == 200, answer
    check_common_headers(answer)
    return answer.json


# --- General -----------------------------------------------------------------------------------

def test_health(base):
    answer = http_request(base, "GET", "/health")
    assert answer.status == 200
    check_common_headers(answer)
    assert answer.json == {"status": "ok"}


def test_request_ids_are_fresh_and_not_echoed(base):
    sent = "0123456789abcdef0123456789abcdef"
    answers = [get(base, RDS, "instance_id=" + RDS_A48E), get(base, RDS, ""),
               http_request(base, "GET", "/nowhere", {"X-Request-Id": sent}),
               http_request(base, "GET", "/health", {"X-Request-Id": sent})]
    ids = [a.headers["X-Request-Id"] for a in answers]
    assert all(REQUEST_ID.match(i) for i in ids) and len(set(ids)) == 4 and sent not in ids


@pytest.mark.parametrize("method,target", [
    ("GET", "/nowhere"),
    ("PATCH", "/v3/%s/backups" % P_CN_NORTH_4),  # POST is route W1 now (lifecycle.md §2.1)
    ("DELETE", "/v3/%s/backups" % P_CN_NORTH_4),  # TaurusDB batch delete: not served
    ("DELETE", DDM_PATH + "09902ee7866649b8908ec209bfee2747br09"),
    ("GET", "/v3/%s/backups/" % P_CN_NORTH_4),
    ("GET", "/v3//backups"),
    ("GET", "/V3/%s/backups" % P_CN_NORTH_4),
    ("GET", "/v3/%s/backups/09902ee7866649b8908ec209bfee2747br09" % P_AP_SOUTHEAST_3),  # DDM short form
    ("GET", "/v3/%s/instances/%s/backups/x/y" % (P_AP_SOUTHEAST_3, DDM)),
    ("GET", "/v1.0/%s/instances/%s/backups/" % (P_CN_NORTH_4, DCS_REDIS)),
    ("PUT", "/v3/auth/tokens"),
], ids=lambda v: v if v in ("GET", "POST", "PUT", "DELETE", "PATCH") else None)
def test_no_route_is_a_gateway_404_before_authentication(base, method, target):
    check_gateway_error(http_request(base, method, target), 404, "APIGW.0101", NO_API)


def test_head_gets_the_404_without_body(base):
    answer = http_request(base, "HEAD", "/v3/%s/backups" % P_CN_NORTH_4)
    assert answer.status == 404 and answer.body == b""
    assert REQUEST_ID.match(answer.headers["X-Request-Id"])
    assert answer.headers["Content-Type"] == JSON_UTF8


def test_path_segments_are_percent_decoded(base):
    # in%30%37 is in07: the TaurusDB instance.
    encoded = TAURUS_PATH.replace("in07/", "in%30%37/")
    assert ok(get(base, encoded))["total_count"] == 12
    # A decoded %2F does not split a segment: a backup id, not an extra segment.
    answer = get(base, DDM_PATH + "09902ee7866649b8908ec209bfee2747br09%2Fx")
    check_service_error(answer, 404, "DBS.201010", "The backup information does not exist.")


# --- Exact JSON shapes (api.md §1.5 and the per-API response tables) ---------------------------

def test_rds_item_shape_and_key_order(base):
    body = ok(get(base, RDS, "instance_id=%s&backup_type=auto&begin_time=2018-08-06T10:41:14%%2B0800"
                            "&end_time=2018-08-16T10:41:14%%2B0800" % RDS_A48E))
    assert list(body) == ["backups", "total_count"]
    assert body["backups"] == [{
        "id": "43e4feaab48f11e89039fa163ebaa7e4br01", "name": "xxxx.xxx", "type": "auto", "size": 2803,
        "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800", "end_time": "2018-08-06T12:43:14+0800",
        "datastore": {"type": "MySQL", "version": "5.7"}, "instance_id": RDS_A48E,
        "associated_with_ddm": False}]
    assert list(body["backups"][0]) == ["id", "name", "type", "size", "status", "begin_time", "end_time",
                                        "datastore", "instance_id", "associated_with_ddm"]
    offsite = ok(get(base, "/v3/%s/offsite-backups" % P_CN_NORTH_4,
                     "instance_id=ad4ee2b80adb430082d8336d7da2e14din04&backup_type=auto&limit=1"))
    assert list(offsite["backups"][0]) == ["id", "name", "type", "size", "status", "databases",
                                           "begin_time", "end_time", "datastore", "instance_id"]


def test_taurusdb_sizes_in_shortest_form(base):
    literal = json.loads(get(base, TAURUS_PATH, "limit=100").body,
                         parse_float=lambda s: ("number", s), parse_int=lambda s: ("number", s))
    sizes = {b["name"]: b["size"][1] for b in literal["backups"]}
    assert sizes["GaussDBforMySQL--20230728181555006"] == "0.109375"
    assert sizes["GaussDBforMySQL--20220704000000004"] == "2048"
    assert sizes["GaussDBforMySQL--20220719000000010"] == "0.015625"
    assert list(literal["backups"][0]) == ["id", "name", "begin_time", "end_time", "size", "instance_id"]


def test_ddm_shape(base):
    body = ok(get(base, DDM_PATH + "09902ee7866649b8908ec209bfee2747br09"))
    assert list(body) == ["id", "name", "instance_id", "instance_name", "related_data_nodes"]


def test_dcs_v2_shape(base):
    body = ok(get(base, V2, "begin_time=20190510000000&end_time=20190510235959&limit=10&offset=0"))
    assert body == {"total_num": 1, "backup_record_response": [PAGE_DCS_RECORD]}
    assert list(body) == ["total_num", "backup_record_response"]
    assert list(body["backup_record_response"][0]) == list(PAGE_DCS_RECORD)


# --- DCS v1.0 (api.md §5) ----------------------------------------------------------------------

def test_dcs_v1_page_example(base):
    body = ok(get(base, V1, "start=1&limit=10&beginTime=20190510000000&endTime=20190510235959"))
    assert body == {"backup_record_response": [PAGE_DCS_RECORD], "total_num": 1}
    assert list(body) == ["backup_record_response", "total_num"]
    assert list(body["backup_record_response"][0]) == list(PAGE_DCS_RECORD)


@pytest.mark.parametrize("query,begin,end,start,limit", [
    ("", None, None, 1, 10),
    ("start=11&limit=10", None, None, 11, 10),
    ("endTime=20190509235959&limit=100", None, "20190509235959", 1, 100),
    ("beginTime=20190511000000", "20190511000000", None, 1, 10),
    ("begin_time=20190510000000&end_time=20190510235959", None, None, 1, 10),  # v2 names: ignored
    ("start=16", None, None, 16, 10),
    ("start=0002&limit=3", None, None, 2, 3),
])
def test_dcs_v1_selection_and_paging(base, model, query, begin, end, start, limit):
    expected = model.dcs_list(DCS_REDIS, begin, end)
    body = ok(get(base, V1, query))
    assert body["total_num"] == len(expected)
    assert body["backup_record_response"] == expected[start - 1:start - 1 + limit]


def test_dcs_v1_pages_through_everything(base, model):
    path = "/v1.0/%s/instances/%s/backups" % (P_CN_NORTH_4, DCS_PAGING)
    seen = []
    for start in range(1, DCS_PAGING_COUNT + 2, 100):
        body = ok(get(base, path, "start=%d&limit=100" % start))
        assert body["total_num"] == DCS_PAGING_COUNT
        seen += body["backup_record_response"]
    assert seen == model.dcs_list(DCS_PAGING)


def test_dcs_v1_with_a_token(base, alice_token):
    answer = http_request(base, "GET", V1 + "?start=1&limit=2", {"X-Auth-Token": alice_token})
    assert ok(answer)["total_num"] == 15


@pytest.mark.parametrize("query,code,message", [
    ("start=0", "DCS.4800", "Invalid start in the request."),
    ("start=-1", "DCS.4800", "Invalid start in the request."),
    ("start=1&start=2", "DCS.4800", "Invalid start in the request."),
    ("limit=0", "DCS.4800", "Invalid limit in the request."),
    ("limit=1001", "DCS.4800", "Invalid limit in the request."),
    ("beginTime=2019051000000", "DCS.4800", "Invalid beginTime in the request."),
    ("endTime=20191310000000", "DCS.4800", "Invalid endTime in the request."),
    ("beginTime=20190510000000&endTime=20190509235959", "DCS.4025",
     "The end time must be after the start time."),
    ("start=0&limit=0", "DCS.4800", "Invalid start in the request."),
])
def test_dcs_v1_errors(base, query, code, message):
    check_service_error(get(base, V1, query), 400, code, message, dcs=True)


def test_dcs_v1_unknown_instance(base):
    path = "/v1.0/%s/instances/%s/backups" % (P_CN_NORTH_4, "00000000-0000-4000-8000-000000000000")
    check_service_error(get(base, path), 404, "DCS.3022", "This DCS instance does not exist.", dcs=True)


def test_dcs_v2_error_body(base):
    check_service_error(get(base, V2, "offset=-1"), 400, "DCS.4800", "Invalid offset in the request.",
                        dcs=True)


# --- Query strings (api.md §1.3) ---------------------------------------------------------------

@pytest.mark.parametrize("query,total,count", [
    # '+' is a plus, raw or encoded; 'Z' means +0000.
    ("begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800", 6, 6),
    ("begin_time=2018-08-06T10%3A41%3A14%2B0800&end_time=2018-08-16T10%3a41%3a14%2b0800", 6, 6),
    ("begin_time=2018-08-06T02:41:14Z&end_time=2018-08-16T02:41:14Z", 6, 6),
    ("limit=", 25, 25),  # empty means absent
    ("limit=0010&offset=00", 25, 10),
    ("Limit=0&foo=bar&&", 25, 25),  # names are case-sensitive; unknown ones are ignored
])
def test_query_rules(base, query, total, count):
    body = ok(get(base, RDS, "instance_id=%s&%s" % (RDS_A48E, query)))
    assert (body["total_count"], len(body["backups"])) == (total, count)


@pytest.mark.parametrize("query,message", [
    ("limit=10&limit=20", "limit must be given only once."),
    ("backup_type=bad&limit=1&limit=2", "backup_type must be one of auto, manual, fragment, incremental."),
    ("limit=1&limit=2&offset=x", "offset must be an integer from 0 to 2147483647."),
    ("backup_id=a&backup_id=b&backup_type=bad", "backup_id must be given only once."),
    ("offset=%2B1", "offset must be an integer from 0 to 2147483647."),
    ("limit=%201", "limit must be an integer from 1 to 100."),
    ("limit=1.0", "limit must be an integer from 1 to 100."),
    ("limit=%EF%BC%91", "limit must be an integer from 1 to 100."),  # a full-width digit one
    ("begin_time=2018-08-06T10:41:14+0800%0A&end_time=2018-08-16T10:41:14+0800",
     "begin_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2018-08-06T10:41:14+0800."),
])
def test_query_errors(base, query, message):
    answer = get(base, RDS, "instance_id=%s&%s" % (RDS_A48E, query))
    check_service_error(answer, 400, "DBS.200001", "Parameter error. " + message)


def test_empty_instance_id_is_absent(base):
    check_service_error(get(base, RDS, "instance_id=&limit=1"), 400, "DBS.200001",
                        "Parameter error. instance_id is mandatory.")
