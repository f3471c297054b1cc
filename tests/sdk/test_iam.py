"""The IAM side over raw HTTP (auth.md §2, §3, §6): password tokens, tokens on the backup routes,
token verification, and the project and domain reads."""

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from catalog import (ACME_ID, ALICE, BOB, CAROL, DCS_REDIS, GLOBEX_ID, NOBODY, P_AP_SOUTHEAST_1,
                     P_AP_SOUTHEAST_3, P_BILLING, P_CN_EAST_3, P_CN_NORTH_4, P_GLOBEX, RDS_A48E,
                     RDS_SQLSERVER, User)
from support import (AUTH_PREFIX, KEYSTONE_401, NOT_AUTHORIZED, REQUEST_ID, check_common_headers,
                     check_gateway_error, check_keystone_error, http_request, issue_token, signed,
                     token_request)

TOKEN = re.compile(r"^MII[A-Za-z0-9_-]{43,}$")
ACME = {"id": ACME_ID, "name": "acme"}
ACME_REGIONS = ["ap-southeast-1", "ap-southeast-3", "cn-east-3", "cn-north-4"]
PROJECT_NAMES = {P_CN_NORTH_4: "cn-north-4", P_AP_SOUTHEAST_1: "ap-southeast-1",
                 P_CN_EAST_3: "cn-east-3", P_AP_SOUTHEAST_3: "ap-southeast-3",
                 P_BILLING: "cn-north-4_billing", P_GLOBEX: "cn-north-4"}
A48E_TARGET = "/v3/%s/backups?instance_id=%s" % (P_CN_NORTH_4, RDS_A48E)


def h32(text):
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def expected_catalog(base, regions):
    catalog = []
    for name, kind in [("iam", "identity"), ("rds", "rds"), ("gaussdb", "gaussdb"), ("ddm", "ddm"),
                       ("dcs", "dcs")]:
        url, names = (base + "/v3", ["*"]) if name == "iam" else (base, regions)
        catalog.append({"type": kind, "id": h32("service:" + name), "name": name, "endpoints": [
            {"url": url, "region": r, "region_id": r, "interface": "public",
             "id": h32("endpoint:%s:%s" % (name, r))} for r in names]})
    return catalog


def expected_project(base, project_id, domain_id=ACME_ID):
    parent = P_CN_NORTH_4 if project_id == P_BILLING else domain_id
    return {"is_domain": False, "description": "", "links": {"self": base + "/v3/projects/" + project_id},
            "enabled": True, "id": project_id, "parent_id": parent, "domain_id": domain_id,
            "name": PROJECT_NAMES[project_id]}


def parse_token_time(value):
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def check_iam_headers(answer):
    check_common_headers(answer)
    assert answer.headers["X-IAM-Trace-Id"] == answer.headers["X-Request-Id"]


# --- POST /v3/auth/tokens -----------------------------------------------------------------------

def test_project_scoped_token(base):
    answer = issue_token(base, ALICE, {"project": {"id": P_CN_NORTH_4}})
    assert answer.status == 201, answer
    check_iam_headers(answer)
    assert TOKEN.match(answer.headers["X-Subject-Token"])
    token = answer.json["token"]
    assert list(token) == ["methods", "expires_at", "issued_at", "user", "project", "catalog", "roles"]
    assert token["methods"] == ["password"]
    issued, expires = parse_token_time(token["issued_at"]), parse_token_time(token["expires_at"])
    assert expires - issued == timedelta(hours=24)
    assert abs(issued - datetime.now(timezone.utc)) < timedelta(minutes=5)
    assert token["user"] == {"domain": ACME, "id": "675ad9f635ca7b43fdfd1c5e0352907f", "name": "alice",
                             "password_expires_at": ""}
    assert token["project"] == {"domain": ACME, "id": P_CN_NORTH_4, "name": "cn-north-4"}
    assert token["catalog"] == expected_catalog(base, ["cn-north-4"])
    assert token["roles"] == []


def test_every_token_is_new(base):
    scope = {"project": {"id": P_CN_NORTH_4}}
    first, second = issue_token(base, ALICE, scope), issue_token(base, ALICE, scope)
    assert first.headers["X-Subject-Token"] != second.headers["X-Subject-Token"]
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


@pytest.mark.parametrize("query,has_catalog", [("?nocatalog=true", False), ("?nocatalog=1", False),
                                               ("?nocatalog=", True)])
def test_nocatalog(base, query, has_catalog):
    answer = issue_token(base, ALICE, {"project": {"id": P_CN_NORTH_4}}, query=query)
    assert answer.status == 201, answer
    assert ("catalog" in answer.json["token"]) == has_catalog


@pytest.mark.parametrize("user,scope,project_id", [
    (ALICE, {"project": {"name": "cn-north-4"}}, P_CN_NORTH_4),
    (ALICE, {"project": {"name": "cn-east-3", "id": P_CN_EAST_3, "domain": {"name": "acme"}}}, P_CN_EAST_3),
    (ALICE, {"project": {"id": P_AP_SOUTHEAST_3}, "domain": {"name": "acme"}}, P_AP_SOUTHEAST_3),
    (ALICE, {"project": {"name": "cn-north-4_billing"}}, P_BILLING),
    (BOB, {"project": {"name": "cn-north-4"}}, P_CN_NORTH_4),
    (CAROL, {"project": {"name": "cn-north-4"}}, P_GLOBEX),
    (ALICE, {"domain": {"name": "acme"}}, None),
    (ALICE, {"domain": {"id": ACME_ID}}, None),
    (ALICE, None, None),
], ids=["by-name", "id-name-domain", "project-wins", "sub-project", "bob", "carol", "domain-by-name",
        "domain-by-id", "no-scope"])
def test_token_scopes(base, user, scope, project_id):
    answer = issue_token(base, user, scope)
    assert answer.status == 201, answer
    token = answer.json["token"]
    domain = {"id": GLOBEX_ID, "name": "globex"} if user is CAROL else ACME
    if project_id:
        assert "domain" not in token
        assert token["project"] == {"domain": domain, "id": project_id, "name": PROJECT_NAMES[project_id]}
        assert token["catalog"] == expected_catalog(base, [PROJECT_NAMES[project_id].split("_")[0]])
    else:
        assert "project" not in token
        assert token["domain"] == domain
        assert token["catalog"] == expected_catalog(base, ACME_REGIONS)


@pytest.mark.parametrize("user,password,scope", [
    (ALICE, "wrong", None),
    (ALICE, "", None),
    (User("mallory", "acme", "-", "-"), None, None),
    (User("alice", "initech", "-", "-"), None, None),
    (BOB, None, {"project": {"id": P_AP_SOUTHEAST_1}}),
    (ALICE, None, {"project": {"id": P_GLOBEX}}),
    (ALICE, None, {"project": {"name": "eu-west-0"}}),
    (ALICE, None, {"project": {"name": "cn-north-4", "domain": {"name": "globex"}}}),
    (ALICE, None, {"project": {"id": P_CN_NORTH_4, "name": "cn-east-3"}}),
    (ALICE, None, {"domain": {"name": "globex"}}),
    (NOBODY, None, {"project": {"id": P_CN_NORTH_4}}),
], ids=["wrong-password", "empty-password", "unknown-user", "unknown-domain", "bob-other-project",
        "other-account-project", "no-such-project", "project-domain-not-users", "id-name-disagree",
        "other-domain", "no-projects"])
def test_token_refused(base, user, password, scope):
    answer = issue_token(base, user, scope, password=password)
    check_keystone_error(answer, 401, KEYSTONE_401, "Unauthorized")
    assert "X-Subject-Token" not in answer.headers


def password_body(**changes):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "alice", "password": ALICE.password, "domain": {"name": "acme"}}}}}}
    identity = body["auth"]["identity"]
    for key, value in changes.items():
        if key == "methods":
            identity["methods"] = value
        elif key == "user":
            identity["password"]["user"] = value
        else:
            body["auth"][key] = value
    return json.dumps(body).encode()


@pytest.mark.parametrize("body", [
    b"not json", b"{}", b"[]", password_body(methods=["token"]),
    password_body(methods=["password", "token"]), password_body(methods="password"),
    password_body(scope={}), password_body(scope={"project": {}}),
    password_body(user={"password": ALICE.password, "domain": {"name": "acme"}}),
    password_body(user={"name": "alice", "password": 12345, "domain": {"name": "acme"}}),
], ids=["not-json", "empty-object", "array", "token-method", "two-methods", "methods-string",
        "empty-scope", "empty-project", "no-user-name", "password-number"])
def test_token_bad_request(base, body):
    answer = http_request(base, "POST", "/v3/auth/tokens", {"Content-Type": "application/json"}, body)
    check_keystone_error(answer, 400, "Request body is invalid.", "Bad Request")


# --- Tokens on the backup routes (auth.md §3, §5) ----------------------------------------------

def test_token_on_backup_routes(base, alice_token):
    answer = token_request(base, "GET", A48E_TARGET, alice_token)
    assert answer.status == 200 and answer.json["total_count"] == 25
    dcs = token_request(base, "GET", "/v2/%s/instances/%s/backups" % (P_CN_NORTH_4, DCS_REDIS), alice_token)
    assert dcs.status == 200 and dcs.json["total_num"] == 15
    # The token wins over an Authorization header, and X-Project-Id is ignored on token requests.
    extra = {"Authorization": "SDK-HMAC-SHA256 Access=x, SignedHeaders=host, Signature=00",
             "X-Project-Id": P_AP_SOUTHEAST_1}
    assert token_request(base, "GET", A48E_TARGET, alice_token, extra).status == 200


def test_project_token_only_in_its_project(base, alice_token):
    target = "/v3/%s/backups?instance_id=%s" % (P_AP_SOUTHEAST_1, RDS_SQLSERVER)
    check_gateway_error(token_request(base, "GET", target, alice_token), 403, "APIGW.0302", NOT_AUTHORIZED)


def test_domain_token_in_no_project(base):
    token = issue_token(base, ALICE, {"domain": {"name": "acme"}}).headers["X-Subject-Token"]
    check_gateway_error(token_request(base, "GET", A48E_TARGET, token), 403, "APIGW.0302", NOT_AUTHORIZED)


def test_other_account_token_in_acme_project(base):
    token = issue_token(base, CAROL, {"project": {"id": P_GLOBEX}}).headers["X-Subject-Token"]
    check_gateway_error(token_request(base, "GET", A48E_TARGET, token), 403, "APIGW.0302", NOT_AUTHORIZED)
    own = "/v3/%s/backups?instance_id=%s" % (P_GLOBEX, RDS_A48E)
    answer = token_request(base, "GET", own, token)
    assert answer.status == 404 and answer.json["error_code"] == "DBS.200002"


@pytest.mark.parametrize("token", ["MII" + "A" * 60, "garbage"])
def test_unknown_token(base, token):
    check_gateway_error(token_request(base, "GET", A48E_TARGET, token), 401, "APIGW.0301",
                        AUTH_PREFIX + "decrypt token fail")


def test_altered_token(base, alice_token):
    altered = alice_token[:-1] + ("A" if alice_token[-1] != "A" else "B")
    check_gateway_error(token_request(base, "GET", A48E_TARGET, altered), 401, "APIGW.0301",
                        AUTH_PREFIX + "decrypt token fail")


# --- GET /v3/auth/tokens (§6.4) -------------------------------------------------------------

def test_verify_token(base, alice_token):
    subject = issue_token(base, BOB, {"project": {"id": P_CN_NORTH_4}})
    subject_token = subject.headers["X-Subject-Token"]
    answer = token_request(base, "GET", "/v3/auth/tokens", alice_token, {"X-Subject-Token": subject_token})
    assert answer.status == 200, answer
    check_iam_headers(answer)
    assert answer.headers["X-Subject-Token"] == subject_token
    token = answer.json["token"]
    assert token["user"]["name"] == "bob" and token["project"]["id"] == P_CN_NORTH_4
    assert token["issued_at"] == subject.json["token"]["issued_at"]
    assert token["expires_at"] == subject.json["token"]["expires_at"]
    # AK/SK callers may verify tokens too.
    by_key = signed(base, ALICE, "GET", "/v3/auth/tokens", headers={"X-Subject-Token": subject_token})
    assert by_key.status == 200, by_key


def test_verify_unknown_token(base, alice_token):
    answer = token_request(base, "GET", "/v3/auth/tokens", alice_token, {"X-Subject-Token": "MII" + "B" * 60})
    assert answer.status == 404, answer
    check_iam_headers(answer)
    error = answer.json["error"]
    assert (error["code"], error["title"]) == (404, "Not Found") and error["message"]


# --- GET /v3/projects, /v3/auth/projects, /v3/auth/domains (§6) ----------------------------

@pytest.mark.parametrize("query,project_ids", [
    ("name=cn-north-4", [P_CN_NORTH_4]),
    ("", [P_AP_SOUTHEAST_1, P_AP_SOUTHEAST_3, P_CN_EAST_3, P_CN_NORTH_4, P_BILLING]),
    ("name=cn-north-4_billing", [P_BILLING]),
    ("name=CN-NORTH-4", []),
    ("domain_id=" + GLOBEX_ID, []),
    ("domain_id=%s&name=cn-east-3" % ACME_ID, [P_CN_EAST_3]),
    ("parent_id=" + P_CN_NORTH_4, [P_BILLING]),
    ("name=cn-north-4&enabled=true&page=2&per_page=1", [P_CN_NORTH_4]),
])
def test_list_projects(base, alice_token, query, project_ids):
    target = "/v3/projects" + ("?" + query if query else "")
    answer = token_request(base, "GET", target, alice_token)
    assert answer.status == 200, answer
    check_iam_headers(answer)
    assert answer.json == {"links": {"self": base + target, "previous": None, "next": None},
                           "projects": [expected_project(base, p) for p in project_ids]}


def test_list_projects_is_per_account(base):
    answer = signed(base, CAROL, "GET", "/v3/projects", query=[("name", "cn-north-4")], headers={})
    assert answer.status == 200, answer
    assert answer.json["projects"] == [expected_project(base, P_GLOBEX, GLOBEX_ID)]


@pytest.mark.parametrize("user,project_ids", [
    (ALICE, [P_AP_SOUTHEAST_1, P_AP_SOUTHEAST_3, P_CN_EAST_3, P_CN_NORTH_4, P_BILLING]),
    (BOB, [P_CN_NORTH_4]),
    (NOBODY, []),
], ids=["alice", "bob", "nobody"])
def test_auth_projects(base, user, project_ids):
    answer = signed(base, user, "GET", "/v3/auth/projects", query=[("name", "ignored")], headers={})
    assert answer.status == 200, answer
    check_iam_headers(answer)
    assert answer.json == {"links": {"self": base + "/v3/auth/projects", "previous": None, "next": None},
                           "projects": [expected_project(base, p) for p in project_ids]}


@pytest.mark.parametrize("user,domain", [(ALICE, ACME), (CAROL, {"id": GLOBEX_ID, "name": "globex"})],
                         ids=["alice", "carol"])
def test_auth_domains(base, user, domain):
    answer = signed(base, user, "GET", "/v3/auth/domains", headers={})
    assert answer.status == 200, answer
    check_iam_headers(answer)
    assert answer.json == {
        "domains": [dict(domain, enabled=True, description="",
                         links={"self": base + "/v3/domains/" + domain["id"]})],
        "links": {"self": base + "/v3/auth/domains", "previous": None, "next": None}}


def test_domain_token_reads_iam(base):
    token = issue_token(base, ALICE, None).headers["X-Subject-Token"]
    answer = token_request(base, "GET", "/v3/auth/domains", token)
    assert answer.status == 200 and answer.json["domains"][0]["id"] == ACME_ID


@pytest.mark.parametrize("target", ["/v3/projects?name=cn-north-4", "/v3/auth/projects",
                                    "/v3/auth/domains", "/v3/auth/tokens"])
def test_iam_reads_need_a_credential(base, target):
    check_keystone_error(http_request(base, "GET", target), 401, KEYSTONE_401, "Unauthorized")
    bad_token = http_request(base, "GET", target, {"X-Auth-Token": "MII" + "C" * 60})
    check_keystone_error(bad_token, 401, KEYSTONE_401, "Unauthorized")
    bad_key = signed(base, User("x", "acme", "HPUAUNKNOWNAK0000000", "s" * 40), "GET", target.split("?")[0],
                     raw_query=target.partition("?")[2], headers={})
    check_keystone_error(bad_key, 401, KEYSTONE_401, "Unauthorized")
    assert REQUEST_ID.match(bad_key.headers["X-IAM-Trace-Id"])
