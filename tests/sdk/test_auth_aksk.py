"""AK/SK authentication and scope (auth.md §1, §4, §5, §7): the SDK's project lookup when no
project id is configured, 401 APIGW.0301 and 403 APIGW.0302 as the SDK reports them, and signed
requests as other signers send them (§4.7), the clock-skew window and the AK lockout."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from huaweicloudsdkcore.exceptions.exceptions import SdkException
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkddm.v1 import DdmClient, ShowBackupRequest
from huaweicloudsdkgaussdb.v3 import GaussDBClient, ShowGaussMySqlIncrementalBackupListRequest
from huaweicloudsdkrds.v3 import ListBackupsRequest, RdsClient

from catalog import (ALICE, BOB, CAROL, DDM, LOCKTEST, NOBODY, P_AP_SOUTHEAST_1, P_AP_SOUTHEAST_3,
                     P_BILLING, P_CN_EAST_3, P_CN_NORTH_4, P_GLOBEX, RDS_A48E, RDS_GLOBEX,
                     RDS_SQLSERVER, SIGTEST, SKEWTEST, TAURUS, User)
from support import (AUTH_PREFIX, KEYSTONE_401, NOT_AUTHORIZED, SDK_USER_AGENT, Captured,
                     check_gateway_error, expect_sdk_error, http_request, sdk_client, sign, signed,
                     spec_authorization)

UNKNOWN = User("nobody-at-all", "acme", "HPUAUNKNOWNAK0000000", "x" * 40)
BAD_SIGNATURE = AUTH_PREFIX + "verify aksk signature fail"
A48E_PAGE = "/v3/%s/backups" % P_CN_NORTH_4
A48E_QUERY = [("instance_id", RDS_A48E), ("limit", "1")]


def list_backups(client, instance_id=RDS_A48E, **kwargs):
    return client.list_backups(ListBackupsRequest(instance_id=instance_id, **kwargs))


def sdk_date(delta=timedelta()):
    return (datetime.now(timezone.utc) + delta).strftime("%Y%m%dT%H%M%SZ")


# --- The SDK's own project lookup (auth.md §6.1, §7) -------------------------------------------

def test_lookup_by_region_then_call(base, fresh_project_cache):
    captured = Captured()
    client = sdk_client(RdsClient, base, "cn-north-4", ALICE, capture=captured)
    assert client.get_credentials().project_id == P_CN_NORTH_4
    lookup = captured.requests[0]
    assert (lookup.method, lookup.path_url) == ("GET", "/v3/projects?name=cn-north-4")
    assert "SignedHeaders=host;user-agent;x-sdk-date," in lookup.headers["Authorization"]
    assert "X-Project-Id" not in lookup.headers and "Content-Type" not in lookup.headers
    assert list_backups(client).total_count == 25
    assert captured.requests[-1].headers["X-Project-Id"] == P_CN_NORTH_4


@pytest.mark.parametrize("region,project_id,call", [
    ("ap-southeast-1", P_AP_SOUTHEAST_1,
     lambda c: list_backups(c, RDS_SQLSERVER).total_count == 1),
    ("cn-east-3", P_CN_EAST_3, lambda c: c.show_gauss_my_sql_incremental_backup_list(
        ShowGaussMySqlIncrementalBackupListRequest(instance_id=TAURUS)).total_count == 12),
    ("ap-southeast-3", P_AP_SOUTHEAST_3, lambda c: c.show_backup(ShowBackupRequest(
        instance_id=DDM, backup_id="09902ee7866649b8908ec209bfee2747br09")).instance_id == DDM),
    # The name matches exactly: cn-north-4 does not also find cn-north-4_billing, nor this the other.
    ("cn-north-4_billing", P_BILLING, lambda c: True),
])
def test_lookup_in_every_region(base, fresh_project_cache, region, project_id, call):
    client_class = {"cn-east-3": GaussDBClient, "ap-southeast-3": DdmClient}.get(region, RdsClient)
    client = sdk_client(client_class, base, region, ALICE)
    assert client.get_credentials().project_id == project_id
    assert call(client)


def test_lookup_of_a_region_without_project_fails_in_the_sdk(base, fresh_project_cache):
    with pytest.raises(SdkException, match=r"^SdkException - Failed to get project id of region 'eu-west-0'"):
        sdk_client(RdsClient, base, "eu-west-0", ALICE)


def test_lookup_with_unknown_ak_reports_keystone_401(base, fresh_project_cache):
    with pytest.raises(SdkException) as info:
        sdk_client(RdsClient, base, "cn-north-4", UNKNOWN)
    text = str(info.value)
    assert text.startswith("SdkException - Failed to get project id of region 'cn-north-4'")
    # The SDK takes code/message from the Keystone body: error_code is the integer 401.
    assert "status_code:401" in text and "error_code:401," in text and KEYSTONE_401 in text


def test_lookups_by_other_users(base, fresh_project_cache):
    # /v3/projects lists the projects of the caller's domain, whatever the user may use.
    bob = sdk_client(RdsClient, base, "ap-southeast-1", BOB)
    assert bob.get_credentials().project_id == P_AP_SOUTHEAST_1
    expect_sdk_error(lambda: list_backups(bob, RDS_SQLSERVER), 403, "APIGW.0302", NOT_AUTHORIZED)
    carol = sdk_client(RdsClient, base, "cn-north-4", CAROL)
    assert carol.get_credentials().project_id == P_GLOBEX
    assert [b.id for b in list_backups(carol, RDS_GLOBEX).backups] == ["a4142b3edb605f152a13dbd15179aad8br01"]


# --- 401 and 403 as the SDK reports them --------------------------------------------------------

def test_unknown_ak(base):
    client = sdk_client(RdsClient, base, "cn-north-4", UNKNOWN, P_CN_NORTH_4)
    expect_sdk_error(lambda: list_backups(client), 401, "APIGW.0301",
                     AUTH_PREFIX + "Get secretKey failed,ak:HPUAUNKNOWNAK0000000,err:ak not exist")


def test_wrong_sk(base):
    client = sdk_client(RdsClient, base, "cn-north-4", SIGTEST, P_CN_NORTH_4, sk="w" * 40)
    expect_sdk_error(lambda: list_backups(client), 401, "APIGW.0301", BAD_SIGNATURE)
    # Authentication comes before scope: the same key in a project it may not use is still a 401.
    other = sdk_client(RdsClient, base, "cn-north-4", SIGTEST, P_GLOBEX, sk="w" * 40)
    expect_sdk_error(lambda: list_backups(other), 401, "APIGW.0301", BAD_SIGNATURE)
    good = sdk_client(RdsClient, base, "cn-north-4", SIGTEST, P_CN_NORTH_4)
    assert list_backups(good).total_count == 25


@pytest.mark.parametrize("project_id", [P_AP_SOUTHEAST_1, P_CN_EAST_3, P_BILLING])
def test_bob_outside_his_project(base, project_id):
    client = sdk_client(RdsClient, base, "ap-southeast-1", BOB, project_id)
    # Scope comes before parameter validation and before the instance lookup.
    expect_sdk_error(lambda: list_backups(client, limit=0), 403, "APIGW.0302", NOT_AUTHORIZED)


def test_bob_inside_his_project(base):
    client = sdk_client(RdsClient, base, "cn-north-4", BOB, P_CN_NORTH_4)
    assert list_backups(client).total_count == 25


@pytest.mark.parametrize("user,project_id", [
    (CAROL, P_CN_NORTH_4),  # another account's project
    (NOBODY, P_CN_NORTH_4),  # an empty `projects` list allows none
    (ALICE, P_GLOBEX),
    (ALICE, "ffffffffffffffffffffffffffffffff"),  # no such project
    (ALICE, "not-a-project-id"),
], ids=["carol-in-acme", "nobody", "alice-in-globex", "no-such-project", "not-hex"])
def test_project_out_of_scope(base, user, project_id):
    client = sdk_client(RdsClient, base, "cn-north-4", user, project_id)
    expect_sdk_error(lambda: list_backups(client), 403, "APIGW.0302", NOT_AUTHORIZED)


def test_carol_naming_acme_instances_in_her_project(base):
    client = sdk_client(RdsClient, base, "cn-north-4", CAROL, P_GLOBEX)
    expect_sdk_error(lambda: list_backups(client), 404, "DBS.200002", "The DB instance does not exist.")


# --- Signed requests other than the SDK's (auth.md §4.2-4.7) ------------------------------------

def test_no_credential(base):
    answer = http_request(base, "GET", A48E_PAGE + "?instance_id=" + RDS_A48E)
    check_gateway_error(answer, 401, "APIGW.0301", AUTH_PREFIX + "x-auth-token not found")


def test_project_header_must_match_the_path(base):
    answer = signed(base, ALICE, "GET", A48E_PAGE, query=A48E_QUERY, project_id=P_AP_SOUTHEAST_1)
    check_gateway_error(answer, 403, "APIGW.0302", NOT_AUTHORIZED)
    without = signed(base, ALICE, "GET", A48E_PAGE, query=A48E_QUERY)
    assert without.status == 200 and without.json["total_count"] == 25


def test_wire_forms_of_one_query_verify_alike(base):
    # auth.md vector V1: sorted and encoded by the SDK, in request order with a raw '+' and ':',
    # and with lower-case hex escapes.
    path = A48E_PAGE
    forms = [
        None,
        "instance_id=%s&backup_type=auto&offset=0&limit=10&begin_time=2018-08-06T10:41:14+0800"
        "&end_time=2018-08-16T10:41:14+0800" % RDS_A48E,
        "limit=10&offset=0&end_time=2018-08-16T10%%3a41%%3a14%%2b0800&begin_time=2018-08-06T10%%3a41"
        "%%3a14%%2b0800&backup_type=auto&instance_id=%s" % RDS_A48E,
    ]
    query = [("instance_id", RDS_A48E), ("backup_type", "auto"), ("offset", 0), ("limit", 10),
             ("begin_time", "2018-08-06T10:41:14+0800"), ("end_time", "2018-08-16T10:41:14+0800")]
    answers = [signed(base, ALICE, "GET", path, query=query, project_id=P_CN_NORTH_4) if form is None
               else signed(base, ALICE, "GET", path, raw_query=form, project_id=P_CN_NORTH_4)
               for form in forms]
    assert [a.status for a in answers] == [200, 200, 200]
    assert {a.json["backups"][0]["id"] for a in answers} == {"43e4feaab48f11e89039fa163ebaa7e4br01"}


def test_other_signers_shapes_verify(base):
    target = A48E_PAGE + "?instance_id=" + RDS_A48E
    host = base.split("//")[1]
    for signed_names, extra in [(["x-sdk-date"], {}),
                                (["content-type", "host", "x-sdk-date"], {"Content-Type": "application/json"})]:
        headers = {"Host": host, "X-Sdk-Date": sdk_date()}
        headers.update(extra)
        headers["Authorization"] = spec_authorization(
            ALICE, "GET", A48E_PAGE, [("instance_id", RDS_A48E)], headers, signed_names)
        answer = http_request(base, "GET", target, headers)
        assert answer.status == 200, (signed_names, answer)
    # A GET that carries a body, hashed into the signature; and Content-Length: 0 on a GET.
    with_body = signed(base, ALICE, "GET", A48E_PAGE, query=A48E_QUERY, body=b"{}")
    assert with_body.status == 200, with_body
    empty = signed(base, ALICE, "GET", A48E_PAGE, query=A48E_QUERY, body=b"")
    assert empty.status == 200, empty


def test_spec_signer_agrees_with_the_sdk_signer():
    # Guards the helper above: same inputs, same Authorization as huaweicloudsdkcore's Signer.
    headers = {"User-Agent": SDK_USER_AGENT, "Content-Type": "application/json",
               "X-Sdk-Date": "20240301T080000Z"}
    request = SdkRequest(method="GET", schema="http", host="backupd.example.com:8443",
                         resource_path="/v3/p/instances/a%20b%3Ac/backups", header_params=dict(headers),
                         query_params=[("b", "x y+z"), ("a", "2"), ("a", "1")], body=b"")
    Signer(ALICE).sign(request)
    headers["Host"] = "backupd.example.com:8443"
    ours = spec_authorization(ALICE, "GET", "/v3/p/instances/a%20b%3Ac/backups",
                              [("b", "x y+z"), ("a", "2"), ("a", "1")], headers,
                              ["content-type", "host", "user-agent", "x-sdk-date"])
    assert ours == request.header_params["Authorization"]


def test_upper_case_signature_is_accepted(base):
    target, headers = sign(base, ALICE, "GET", A48E_PAGE, A48E_QUERY)
    prefix, signature = headers["Authorization"].rsplit("Signature=", 1)
    headers["Authorization"] = prefix + "Signature=" + signature.upper()
    assert http_request(base, "GET", target, headers).status == 200


@pytest.mark.parametrize("mangle", [
    lambda v: v.replace("SDK-HMAC-SHA256", "SDK-HMAC-SM3", 1),
    lambda v: v.replace(", Signature=", ", Signature=00", 1),
    lambda v: v + ", Access=" + SKEWTEST.ak,
    lambda v: v.replace("SignedHeaders=", "SignedHeaders=x-missing;", 1),
], ids=["other-algorithm", "signature-not-64-hex", "access-twice", "signed-header-missing"])
def test_malformed_authorization(base, mangle):
    target, headers = sign(base, SKEWTEST, "GET", A48E_PAGE, A48E_QUERY)
    headers["Authorization"] = mangle(headers["Authorization"])
    check_gateway_error(http_request(base, "GET", target, headers), 401, "APIGW.0301", BAD_SIGNATURE)


def test_clock_skew_window(base):
    inside = signed(base, SKEWTEST, "GET", A48E_PAGE, query=A48E_QUERY,
                    sdk_date=sdk_date(timedelta(minutes=-14)))
    assert inside.status == 200, inside
    stale = sdk_date(timedelta(minutes=-20))
    answer = signed(base, SKEWTEST, "GET", A48E_PAGE, query=A48E_QUERY, sdk_date=stale)
    assert answer.status == 401, answer
    message = answer.json["error_msg"]
    assert re.fullmatch(re.escape(AUTH_PREFIX + "signature expired, signature time:" + stale)
                        + r",server time:\d{8}T\d{6}Z", message), message
    future = signed(base, SKEWTEST, "GET", A48E_PAGE, query=A48E_QUERY,
                    sdk_date=sdk_date(timedelta(minutes=20)))
    assert future.status == 401 and "signature expired" in future.json["error_msg"]
    # A malformed or unsigned X-Sdk-Date (the SDK's signer cannot produce these).
    host = base.split("//")[1]
    for date, names in [("2024-03-01T08:00:00Z", ["host", "x-sdk-date"]),
                        ("20240301080000", ["host", "x-sdk-date"]),
                        (sdk_date(), ["host"])]:
        headers = {"Host": host, "X-Sdk-Date": date}
        headers["Authorization"] = spec_authorization(SKEWTEST, "GET", A48E_PAGE, A48E_QUERY,
                                                      headers, names)
        answer = http_request(base, "GET", A48E_PAGE + "?instance_id=%s&limit=1" % RDS_A48E, headers)
        check_gateway_error(answer, 401, "APIGW.0301", BAD_SIGNATURE)


def test_five_bad_signatures_lock_the_key(base):
    bad = sdk_client(RdsClient, base, "cn-north-4", LOCKTEST, P_CN_NORTH_4, sk="w" * 40)
    good = sdk_client(RdsClient, base, "cn-north-4", LOCKTEST, P_CN_NORTH_4)
    assert list_backups(good).total_count == 25
    for _ in range(5):
        expect_sdk_error(lambda: list_backups(bad), 401, "APIGW.0301", BAD_SIGNATURE)
    expect_sdk_error(lambda: list_backups(good), 401, "APIGW.0301", BAD_SIGNATURE)
    # Other keys are not affected.
    assert list_backups(sdk_client(RdsClient, base, "cn-north-4", ALICE, P_CN_NORTH_4)).total_count == 25
