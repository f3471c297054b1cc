"""State that lives in the store, not in one process (auth.md §2.3, §4.5, §5): two backupd nodes
on one SQLite file, a restart, a re-seed that takes a project away from a user, and no token or
secret in clear where it must not be."""

import copy
import json
import os
import subprocess
from types import SimpleNamespace

import pytest
from huaweicloudsdkgaussdb.v3 import GaussDBClient, ShowGaussMySqlIncrementalBackupListRequest
from huaweicloudsdkrds.v3 import ListBackupsRequest, RdsClient

from catalog import ALICE, BOB, CAROL, LOCKTEST, P_CN_EAST_3, P_CN_NORTH_4, P_GLOBEX, RDS_A48E, RDS_GLOBEX, TAURUS
from support import (AUTH_PREFIX, NOT_AUTHORIZED, check_gateway_error, expect_sdk_error, issue_token,
                     sdk_client, signed, token_request)

A48E_TARGET = "/v3/%s/backups?instance_id=%s" % (P_CN_NORTH_4, RDS_A48E)
BAD_SIGNATURE = AUTH_PREFIX + "verify aksk signature fail"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, seed_file, launch):
    workdir = tmp_path_factory.mktemp("shared-store")
    store = "sqlite:" + str(workdir / "catalog.sqlite")
    first = launch(workdir, store, seed_file, "node-a")
    try:
        second = launch(workdir, store, None, "node-b")
        try:
            yield SimpleNamespace(a=first, b=second, workdir=workdir, store=store, tokens=[],
                                  launch=launch)
        finally:
            second.stop()
    finally:
        first.stop()


def token(cluster, server, user, project_id):
    answer = issue_token(server.base, user, {"project": {"id": project_id}})
    assert answer.status == 201, answer
    cluster.tokens.append(answer.headers["X-Subject-Token"])
    return cluster.tokens[-1]


def test_a_token_from_one_node_works_on_the_other(cluster):
    issued = token(cluster, cluster.a, ALICE, P_CN_NORTH_4)
    answer = token_request(cluster.b.base, "GET", A48E_TARGET, issued)
    assert answer.status == 200 and answer.json["total_count"] == 25
    verify = token_request(cluster.b.base, "GET", "/v3/auth/tokens", issued, {"X-Subject-Token": issued})
    assert verify.status == 200, verify


def test_a_lockout_holds_on_every_node(cluster):
    path, query = "/v3/%s/backups" % P_CN_NORTH_4, [("instance_id", RDS_A48E)]
    assert signed(cluster.a.base, LOCKTEST, "GET", path, query=query).status == 200
    for _ in range(5):
        bad = signed(cluster.a.base, LOCKTEST, "GET", path, query=query, sk="w" * 40)
        check_gateway_error(bad, 401, "APIGW.0301", BAD_SIGNATURE)
    check_gateway_error(signed(cluster.b.base, LOCKTEST, "GET", path, query=query), 401, "APIGW.0301",
                        BAD_SIGNATURE)
    assert signed(cluster.b.base, ALICE, "GET", path, query=query).status == 200


def test_a_token_survives_a_restart(cluster):
    node = cluster.launch(cluster.workdir, cluster.store, None, "node-c")
    try:
        issued = token(cluster, node, CAROL, P_GLOBEX)
    finally:
        node.stop()
    node = cluster.launch(cluster.workdir, cluster.store, None, "node-c-restarted")
    try:
        target = "/v3/%s/backups?instance_id=%s" % (P_GLOBEX, RDS_GLOBEX)
        answer = token_request(node.base, "GET", target, issued)
        assert answer.status == 200 and answer.json["total_count"] == 1
    finally:
        node.stop()


def test_a_later_seed_takes_a_project_away(cluster, seed):
    issued = token(cluster, cluster.a, BOB, P_CN_NORTH_4)
    assert token_request(cluster.a.base, "GET", A48E_TARGET, issued).status == 200
    changed = copy.deepcopy(seed)
    acme = next(d for d in changed["domains"] if d["name"] == "acme")
    next(u for u in acme["users"] if u["name"] == "bob")["projects"] = [P_CN_EAST_3]
    path = cluster.workdir / "seed-bob-moved.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    loaded = subprocess.run([os.environ["BACKUPD_BIN"], "seed", str(path), "--store", cluster.store],
                            cwd=cluster.workdir, capture_output=True, timeout=30)
    assert loaded.returncode == 0, loaded.stderr.decode(errors="replace")[-2000:]
    # Authorization is checked at every use, on every node, for tokens and keys alike.
    for node in (cluster.a, cluster.b):
        check_gateway_error(token_request(node.base, "GET", A48E_TARGET, issued), 403, "APIGW.0302",
                            NOT_AUTHORIZED)
        rds = sdk_client(RdsClient, node.base, "cn-north-4", BOB, P_CN_NORTH_4)
        expect_sdk_error(lambda: rds.list_backups(ListBackupsRequest(instance_id=RDS_A48E)), 403,
                         "APIGW.0302", NOT_AUTHORIZED)
        gauss = sdk_client(GaussDBClient, node.base, "cn-east-3", BOB, P_CN_EAST_3)
        answer = gauss.show_gauss_my_sql_incremental_backup_list(
            ShowGaussMySqlIncrementalBackupListRequest(instance_id=TAURUS))
        assert answer.total_count == 12
    refused = issue_token(cluster.a.base, BOB, {"project": {"id": P_CN_NORTH_4}})
    assert refused.status == 401, refused


def test_no_token_or_secret_in_clear(cluster, seed):
    """Runs last: looks at everything the nodes above wrote."""
    assert len(cluster.tokens) >= 3
    store_bytes = b"".join(p.read_bytes() for p in cluster.workdir.glob("catalog.sqlite*"))
    logs = b"".join(p.read_bytes() for p in cluster.workdir.glob("*.log"))
    assert len(store_bytes) > 10000, "the shared store file was not written where expected"
    for issued in cluster.tokens:
        assert issued.encode() not in store_bytes, "a token is stored in clear"
        assert issued.encode() not in logs, "a token is logged"
    users = [u for d in seed["domains"] for u in d["users"]]
    for user in users:
        assert user["password"].encode() not in logs, "%s's password is logged" % user["name"]
        for key in user["access_keys"]:
            assert key["secret"].encode() not in logs, "%s's SK is logged" % user["name"]
