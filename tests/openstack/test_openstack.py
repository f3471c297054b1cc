"""openstacksdk 4.22.0 with otcextensions 0.34.8 (tool.py), given only an auth URL, a user, a
password, a domain, a project and the CA, against backupd over HTTPS: Keystone discovery at
GET /v3, a password token whose catalog names the OTC service types (rdsv3, gaussdb-mysql, ddmv3,
dcs), and the backups of examples/seed.json through the extensions' proxies. Every failure message
carries the HTTP requests and responses the tool logged."""

from datetime import datetime

RDS_INSTANCE = "a48e43ff268f4c0e879652d65e63d0fbin01"
DCS_INSTANCE = "5560df16-cebf-4473-95c4-d1b573c16e79"
TAURUS_INSTANCE = "61a4ea66210545909d74a05c27a7179ein07"
DDM_INSTANCE, DDM_BACKUP = "34970585d4964f2a8d6d9ea8d303398bin09", "09902ee7866649b8908ec209bfee2747br09"


def project_id(seed, name):
    return next(p["id"] for d in seed["domains"] if d["name"] == "acme" for p in d["projects"]
                if p["name"] == name)


def records(seed, instance_id):
    return [b for b in seed["backups"] if b["instance_id"] == instance_id and "offsite_project_id" not in b]


def newest_first(backups, key, id_key, time_format):
    """api.md §1.9: newest key first, equal keys by id ascending."""
    ordered = sorted(backups, key=lambda b: b[id_key])
    return sorted(ordered, key=lambda b: datetime.strptime(key(b), time_format), reverse=True)


def get(backupd, seed, project, path, status=200):
    """A request as Run.requests records it: GET of path under the project's id, with its status."""
    path = path.replace("{p}", project_id(seed, project))
    return "GET https://localhost:%d%s %d" % (backupd.port, path, status)


def connecting(backupd):
    """What every run starts with: Keystone version discovery at the auth URL, then one password token."""
    return ["GET %s 200" % backupd.auth_url, "POST %s/auth/tokens 201" % backupd.auth_url]


def succeeded(run):
    assert run.status == 0 and run.answer is not None and "error" not in run.answer, run.explain()
    return run.answer


def test_discovery_token_and_catalog(backupd, run_tool, seed):
    run = run_tool("connect")
    answer = succeeded(run)
    base, pid = "https://localhost:%d" % backupd.port, project_id(seed, "cn-north-4")
    assert answer == {"project_id": pid, "endpoints": {
        "identity": base + "/v3", "rdsv3": base + "/v3/" + pid, "gaussdb-mysql": base + "/v3/" + pid,
        "ddmv3": base + "/v3/" + pid, "dcs": base + "/v1.0/" + pid}}, run.explain()
    assert run.requests == connecting(backupd), run.explain()
    # keystoneauth would fall back to reading "v3" from the URL after a failed discovery.
    assert "Failed to discover" not in run.stderr, run.explain()


def test_root_auth_url_discovers_v3(backupd, run_tool):
    """An auth URL without /v3: GET / answers 300 with the versions, whose v3 link the tool follows."""
    base = "https://localhost:%d" % backupd.port
    run = run_tool("connect", OS_AUTH_URL=base)
    assert succeeded(run)["endpoints"]["rdsv3"].startswith(base + "/v3/"), run.explain()
    assert run.requests == ["GET %s/ 300" % base, "POST %s/v3/auth/tokens 201" % base], run.explain()


def test_rds_backups_every_page(backupd, run_tool, seed):
    run = run_tool("rds", RDS_INSTANCE)
    got = succeeded(run)
    expected = newest_first(records(seed, RDS_INSTANCE), lambda b: b["begin_time"], "id",
                            "%Y-%m-%dT%H:%M:%S%z")
    assert len(expected) == 25
    assert [b["id"] for b in got] == [b["id"] for b in expected], run.explain()
    assert got[0]["id"] == "55ebe3ab87bb9aec265ab059e898dadfbr01", run.explain()
    assert "43e4feaab48f11e89039fa163ebaa7e4br01" in [b["id"] for b in got], run.explain()
    for mine, theirs in zip(got, expected):
        assert mine == {k: theirs[k] for k in mine}, run.explain()
    # The pager asks for the page after the last record and stops on its empty list.
    api = "/v3/{p}/backups?instance_id=" + RDS_INSTANCE
    pages = [get(backupd, seed, "cn-north-4", api), get(backupd, seed, "cn-north-4", api + "&offset=25")]
    assert run.requests == connecting(backupd) + pages, run.explain()


def test_dcs_v1_backup_records(backupd, run_tool, seed):
    expected = newest_first(records(seed, DCS_INSTANCE), lambda b: b["created_at"][:19], "backup_id",
                            "%Y-%m-%dT%H:%M:%S")
    assert len(expected) == 15
    first, rest = run_tool("dcs", DCS_INSTANCE), run_tool("dcs", DCS_INSTANCE, "11")
    # The v1.0 page's default limit is 10; start is 1-based.
    got = succeeded(first) + succeeded(rest)
    assert [b["id"] for b in got] == [b["backup_id"] for b in expected], first.explain() + rest.explain()
    assert len(succeeded(first)) == 10, first.explain()
    for mine, theirs in zip(got, expected):
        assert mine == {"id": theirs["backup_id"], "name": theirs["backup_name"], "type": theirs["backup_type"],
                        "status": theirs["status"], "size": theirs["size"], "created_at": theirs["created_at"],
                        "instance_id": DCS_INSTANCE}, first.explain() + rest.explain()
    api = "/v1.0/{p}/instances/%s/backups" % DCS_INSTANCE
    assert first.requests == connecting(backupd) + [get(backupd, seed, "cn-north-4", api)], first.explain()
    assert rest.requests == connecting(backupd) + [get(backupd, seed, "cn-north-4", api + "?start=11")], \
        rest.explain()


def test_taurusdb_and_ddm_through_the_catalog(backupd, run_tool, seed):
    """otcextensions 0.34.8 has proxies for gaussdb (gaussdb-mysql) and ddmv3 but no backup
    resources: these go through the proxies' REST methods, on the endpoints the catalog gives."""
    taurus = [b for b in seed["backups"] if b["instance_id"] == TAURUS_INSTANCE]
    incrementals = {b["id"] for b in taurus if b["type"] == "incremental"}
    path = "/instances/%s/incremental-backups" % TAURUS_INSTANCE
    run = run_tool("get", "gaussdb", path, "limit=100", project="cn-east-3")
    body = succeeded(run)["body"]
    assert body["total_count"] == 12 and {b["id"] for b in body["backups"]} == incrementals, run.explain()
    assert run.requests == connecting(backupd) + [
        get(backupd, seed, "cn-east-3", "/v3/{p}%s?limit=100" % path)], run.explain()

    run = run_tool("get", "gaussdb", "/backups", "instance_id=" + TAURUS_INSTANCE, project="cn-east-3")
    body = succeeded(run)["body"]
    assert {b["id"] for b in body["backups"]} == {b["id"] for b in taurus} - incrementals, run.explain()
    assert run.requests == connecting(backupd) + [
        get(backupd, seed, "cn-east-3", "/v3/{p}/backups?instance_id=" + TAURUS_INSTANCE)], run.explain()

    path = "/instances/%s/backups/%s" % (DDM_INSTANCE, DDM_BACKUP)
    run = run_tool("get", "ddmv3", path, project="ap-southeast-3")
    body = succeeded(run)["body"]
    ddm = next(b for b in seed["backups"] if b.get("id") == DDM_BACKUP)
    assert (body["id"], body["name"], body["instance_id"]) == (ddm["id"], ddm["name"], DDM_INSTANCE), \
        run.explain()
    assert run.requests == connecting(backupd) + [get(backupd, seed, "ap-southeast-3", "/v3/{p}" + path)], \
        run.explain()


def test_wrong_password_fails_with_401(backupd, run_tool):
    run = run_tool("connect", OS_PASSWORD="Passw0rd!wrong")
    assert run.status == 1 and run.answer and "401" in run.answer["message"], run.explain()
    assert run.requests == ["GET %s 200" % backupd.auth_url, "POST %s/auth/tokens 401" % backupd.auth_url], \
        run.explain()


def test_certificate_is_verified(run_tool):
    """Without OS_CACERT the tool trusts only certifi's bundle, which lacks backupd's dev CA."""
    run = run_tool("connect", OS_CACERT=None)
    assert run.status == 1 and run.answer, run.explain()
    assert "CERTIFICATE_VERIFY_FAILED" in run.answer["message"], run.explain()
    assert run.requests == [], run.explain()
