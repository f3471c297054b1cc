"""What the pinned SDK puts on the wire for the five operations (auth.md §4.1): the headers it
signs, the sorted and encoded query, no body. These hold the assumptions the server is built on;
a failure here after an SDK upgrade means the spec's §4.1 needs another look."""

import pytest
from huaweicloudsdkdcs.v2 import DcsClient, ListBackupRecordsRequest
from huaweicloudsdkddm.v1 import DdmClient, ShowBackupRequest
from huaweicloudsdkgaussdb.v3 import GaussDBClient, ShowGaussMySqlIncrementalBackupListRequest
from huaweicloudsdkrds.v3 import ListBackupsRequest, ListOffSiteBackupsRequest, RdsClient

from catalog import (ALICE, DCS_REDIS, DDM, P_AP_SOUTHEAST_3, P_CN_EAST_3, P_CN_NORTH_4, RDS_A48E,
                     RDS_SQLSERVER, TAURUS)
from support import SDK_USER_AGENT, Captured, sdk_client

CASES = {
    "rds-list-backups": (
        RdsClient, P_CN_NORTH_4, lambda c: c.list_backups(ListBackupsRequest(
            instance_id=RDS_A48E, backup_type="auto", offset=0, limit=10,
            begin_time="2018-08-06T10:41:14+0800", end_time="2018-08-16T10:41:14+0800")),
        "/v3/%s/backups?backup_type=auto&begin_time=2018-08-06T10%%3A41%%3A14%%2B0800"
        "&end_time=2018-08-16T10%%3A41%%3A14%%2B0800&instance_id=%s&limit=10&offset=0"
        % (P_CN_NORTH_4, RDS_A48E)),
    "rds-list-off-site-backups": (
        RdsClient, P_CN_NORTH_4, lambda c: c.list_off_site_backups(ListOffSiteBackupsRequest(
            instance_id=RDS_SQLSERVER, backup_type="auto", limit=5)),
        "/v3/%s/offsite-backups?backup_type=auto&instance_id=%s&limit=5" % (P_CN_NORTH_4, RDS_SQLSERVER)),
    "taurusdb-incremental-backups": (
        GaussDBClient, P_CN_EAST_3, lambda c: c.show_gauss_my_sql_incremental_backup_list(
            ShowGaussMySqlIncrementalBackupListRequest(instance_id=TAURUS, limit="10",
                                                       display_offsite_backup=True)),
        "/v3/%s/instances/%s/incremental-backups?display_offsite_backup=true&limit=10"
        % (P_CN_EAST_3, TAURUS)),
    "dcs-list-backup-records": (
        DcsClient, P_CN_NORTH_4, lambda c: c.list_backup_records(ListBackupRecordsRequest(
            instance_id=DCS_REDIS, begin_time="20190510000000", end_time="20190510235959",
            limit=10, offset=0)),
        "/v2/%s/instances/%s/backups?begin_time=20190510000000&end_time=20190510235959&limit=10&offset=0"
        % (P_CN_NORTH_4, DCS_REDIS)),
    "ddm-show-backup": (
        DdmClient, P_AP_SOUTHEAST_3, lambda c: c.show_backup(ShowBackupRequest(
            instance_id=DDM, backup_id="09902ee7866649b8908ec209bfee2747br09")),
        "/v3/%s/instances/%s/backups/09902ee7866649b8908ec209bfee2747br09" % (P_AP_SOUTHEAST_3, DDM)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_what_the_sdk_sends(base, case):
    client_class, project_id, call, target = CASES[case]
    captured = Captured()
    client = sdk_client(client_class, base, "cn-north-4", ALICE, project_id, capture=captured)
    call(client)
    (request,) = captured.requests
    assert (request.method, request.path_url, request.body) == ("GET", target, None)
    headers = dict(request.headers)
    assert headers["Authorization"].startswith(
        "SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, "
        "Signature=" % ALICE.ak)
    assert headers["Host"] == base.split("//")[1]
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith(SDK_USER_AGENT + "; ")
    assert headers["X-Project-Id"] == project_id
    assert len(headers["X-Sdk-Date"]) == 16 and headers["X-Sdk-Date"].endswith("Z")
    # Added by requests after signing, never signed.
    assert set(headers) - {"Authorization", "Host", "Content-Type", "User-Agent", "X-Project-Id",
                           "X-Sdk-Date"} <= {"Accept", "Accept-Encoding", "Connection"}


def test_get_without_content_type(base):
    # HttpConfig.ignore_content_type_for_get_request drops Content-Type from GETs, so the SDK
    # signs one header fewer; backupd must verify whatever SignedHeaders lists.
    captured = Captured()
    client = sdk_client(RdsClient, base, "cn-north-4", ALICE, P_CN_NORTH_4, capture=captured,
                        ignore_content_type_for_get=True)
    assert client.list_backups(ListBackupsRequest(instance_id=RDS_A48E)).total_count == 25
    (request,) = captured.requests
    assert "Content-Type" not in request.headers
    assert "SignedHeaders=host;user-agent;x-project-id;x-sdk-date," in request.headers["Authorization"]
