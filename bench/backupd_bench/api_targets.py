"""The API targets of a catalog: the requests wrk replays, signed once per catalog phase as the official
SDK signs them, with the AK and ids from the `samples` of the generated credentials file. The deep page
and the time window are placed from what the server answers for the largest RDS instance."""

import datetime
import http.client
import json
import time
from pathlib import Path

import sdksign

from .parameters import DEEP_OFFSET
from .processes import http_exchange, http_request


def load_credentials(path):
    data = json.loads(Path(path).read_text())
    users = {}
    for domain in data.get("domains", []):
        for user in domain.get("users", []):
            keys = user.get("access_keys") or []
            if keys:
                entry = (keys[0]["access"], keys[0]["secret"])
                users[user["name"]] = entry
                users[(domain.get("name"), user["name"])] = entry
                for k in keys:
                    users[k["access"]] = (k["access"], k["secret"])
    return data, users


def sample_key(sample, users):
    """The AK/SK a sample names: its own access/secret, an access key, or a user (with its domain)."""
    if isinstance(sample.get("access"), str) and isinstance(sample.get("secret"), str):
        return sample["access"], sample["secret"]
    for field in ("access_key", "ak", "access"):
        if isinstance(sample.get(field), str) and sample[field] in users:
            return users[sample[field]]
    if isinstance(sample.get("access_key"), dict):
        return sample["access_key"]["access"], sample["access_key"]["secret"]
    user = sample.get("user")
    if isinstance(user, dict):
        if user.get("access_keys"):
            return user["access_keys"][0]["access"], user["access_keys"][0]["secret"]
        user = user.get("name")
    domain = sample.get("domain")
    if isinstance(domain, dict):
        domain = domain.get("name")
    if (domain, user) in users:
        return users[(domain, user)]
    if user in users:
        return users[user]
    raise SystemExit(f"bench: no access key for the sample {json.dumps(sample)}")


def pick_sample(samples, *names):
    for n in names:
        if n in samples:
            return samples[n]
    raise SystemExit(f"bench: the credentials file has no sample named {' or '.join(names)} "
                     f"(it has {', '.join(samples)})")


class Target:
    def __init__(self, name, label, ak, sk, project_id, path, query):
        self.name, self.label = name, label
        self.ak, self.sk, self.project_id = ak, sk, project_id
        self.path, self.query = path, list(query)
        self.target = self.headers = None
        self.signed_at = None

    def sign(self, host):
        self.target, self.headers = sdksign.sdk_get(self.ak, self.sk, host, self.path, self.query, self.project_id)
        self.signed_at = time.monotonic()

    def fetch(self, port):
        return http_request(port, "GET", self.target, self.headers)

    def fetch_with_headers(self, port):
        """The status, the response's headers (lower-case names) and the body."""
        return http_exchange(port, "GET", self.target, self.headers)


def list_items(doc):
    for key in ("backups", "backup_record_response"):
        if key in doc:
            return doc[key], doc.get("total_count", doc.get("total_num"))
    return ([doc] if "id" in doc else []), None


def issue_token(port, user, password, domain, project_id, host=None, timeout=30):
    """An IAM token of `user`, scoped to `project_id`: `POST /v3/auth/tokens`, as an SDK configured
    with a token would get one. `host`: the Host header to send (default: what http.client sends)."""
    body = json.dumps({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password, "domain": {"name": domain}}}},
        "scope": {"project": {"id": project_id}}}})
    headers = {"Content-Type": "application/json", **({"Host": host} if host else {})}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/v3/auth/tokens", body, headers)
        answer = conn.getresponse()
        answer.read()
    finally:
        conn.close()
    if answer.status != 201:
        raise SystemExit(f"bench: the token request (POST /v3/auth/tokens) answered {answer.status}")
    return answer.getheader("X-Subject-Token")


def token_headers(catalog, port):
    """`X-Auth-Token` for the catalog's RDS sample user (its password from the credentials file of the
    catalog's folder), scoped to its project."""
    sample = json.loads((Path(catalog) / "credentials.json").read_text())["samples"]["rds"]
    token = issue_token(port, sample["user"], sample["password"], sample["domain"], sample["project_id"])
    return {"X-Auth-Token": token}


def with_token(signed_headers, token):
    """The headers of a signed request with the token in place of the signature: the same Host,
    User-Agent, Content-Type and X-Project-Id, no Authorization and no X-Sdk-Date."""
    headers = {k: v for k, v in signed_headers.items() if k.lower() not in ("authorization", "x-sdk-date")}
    headers.update(token)
    return headers


def first_page_target(creds_path):
    """The page of 100 of the largest RDS instance (the `rds` sample), not signed yet: it needs no
    server, so that the first request a fresh server gets can be this one."""
    data, users = load_credentials(creds_path)
    rds = pick_sample(data.get("samples") or {}, "rds", "rds_largest")
    ak, sk = sample_key(rds, users)
    p, inst = rds["project_id"], rds["instance_id"]
    return Target("rds_page100", "RDS list, first page of 100", ak, sk, p, f"/v3/{p}/backups",
                  [("instance_id", inst), ("offset", 0), ("limit", 100)])


def build_targets(creds_path, port):
    data, users = load_credentials(creds_path)
    samples = data.get("samples") or {}
    host = f"127.0.0.1:{port}"
    off = pick_sample(samples, "rds_offsite", "offsite", "rds_cross_region")
    tau = pick_sample(samples, "taurusdb", "taurus", "gaussdb")
    dcs = pick_sample(samples, "dcs")
    ddm = pick_sample(samples, "ddm")

    first = first_page_target(creds_path)
    ak, sk, p = first.ak, first.sk, first.project_id
    inst = dict(first.query)["instance_id"]
    rds_path = first.path
    first.sign(host)
    status, body = first.fetch(port)
    if status != 200:
        raise SystemExit(f"bench: {first.label} answered {status}: {body[:300]!r}")
    items, total = list_items(json.loads(body))
    # The deep page: offset 200,000 when the instance has 250,000 backups; on smaller catalogs the
    # same position relative to the instance (80%), so that every catalog measures a deep page.
    deep = DEEP_OFFSET if total >= DEEP_OFFSET + 100 else max(0, total * 4 // 5)
    last = Target("probe", "oldest record", ak, sk, p, rds_path,
                  [("instance_id", inst), ("offset", max(total - 1, 0)), ("limit", 1)])
    last.sign(host)
    status, body = last.fetch(port)
    oldest = list_items(json.loads(body))[0]
    newest_t = parse_time(items[0]["begin_time"])
    oldest_t = parse_time(oldest[0]["begin_time"]) if oldest else newest_t - datetime.timedelta(days=365)
    span = newest_t - oldest_t
    window = (fmt_time(oldest_t + span / 10), fmt_time(newest_t + datetime.timedelta(seconds=1)))

    targets = [
        first,
        Target("rds_page10", "RDS list, first page of 10", ak, sk, p, rds_path,
               [("instance_id", inst), ("offset", 0), ("limit", 10)]),
        Target("rds_deep", f"RDS list, deep page (offset {deep:,})", ak, sk, p, rds_path,
               [("instance_id", inst), ("offset", deep), ("limit", 100)]),
        Target("rds_filter", "RDS list, backup_type=auto&status=COMPLETED", ak, sk, p, rds_path,
               [("instance_id", inst), ("backup_type", "auto"), ("status", "COMPLETED"), ("offset", 0), ("limit", 100)]),
        Target("rds_window", "RDS list, window over the newest 90%", ak, sk, p, rds_path,
               [("instance_id", inst), ("begin_time", window[0]), ("end_time", window[1]), ("offset", 0), ("limit", 100)]),
    ]
    ak2, sk2 = sample_key(off, users)
    off_project = off.get("offsite_project_id") or off.get("holding_project_id") or off["project_id"]
    off_type = off.get("backup_type")
    if off_type is None and isinstance(off.get("auto_backups"), int) and isinstance(off.get("incremental_backups"), int):
        # The longer of the instance's two lists of copies.
        off_type = "incremental" if off["incremental_backups"] > off["auto_backups"] else "auto"
    off_target = Target("rds_offsite", "RDS cross-region list", ak2, sk2, off_project, f"/v3/{off_project}/offsite-backups",
                        [("instance_id", off["instance_id"]), ("backup_type", off_type or "auto"),
                         ("offset", 0), ("limit", 100)])
    if off_type is None:
        # Whichever kind of copy the instance has: auto first, else incremental.
        off_target.sign(host)
        status, body = off_target.fetch(port)
        if status == 200 and not list_items(json.loads(body))[0]:
            off_target.query[1] = ("backup_type", "incremental")
    targets.append(off_target)
    ak3, sk3 = sample_key(tau, users)
    targets.append(Target("taurus_incr", "TaurusDB incrementals, page of 100", ak3, sk3, tau["project_id"],
                          f"/v3/{tau['project_id']}/instances/{tau['instance_id']}/incremental-backups",
                          [("offset", 0), ("limit", 100)]))
    ak4, sk4 = sample_key(dcs, users)
    dcs_p, dcs_i = dcs["project_id"], dcs["instance_id"]
    targets.append(Target("dcs_v1", "DCS v1.0 list (start, limit=100)", ak4, sk4, dcs_p,
                          f"/v1.0/{dcs_p}/instances/{dcs_i}/backups", [("start", 1), ("limit", 100)]))
    targets.append(Target("dcs_v2", "DCS v2 list (offset, limit=100)", ak4, sk4, dcs_p,
                          f"/v2/{dcs_p}/instances/{dcs_i}/backups", [("offset", 0), ("limit", 100)]))
    ak5, sk5 = sample_key(ddm, users)
    targets.append(Target("ddm_detail", "DDM backup detail", ak5, sk5, ddm["project_id"],
                          f"/v3/{ddm['project_id']}/instances/{ddm['instance_id']}/backups/{ddm['backup_id']}", []))
    for t in targets:
        t.label = t.label if t.name != "rds_offsite" else f"RDS cross-region list ({dict(t.query)['backup_type']})"
        t.sign(host)  # once per target at the start of the catalog's phase
    return targets, total


def parse_time(text):
    return datetime.datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z")


def fmt_time(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")
