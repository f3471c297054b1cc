"""Request generation and mutation for the backupd fuzzer.

A request starts valid-ish, from an operation of the OpenAPI document: path parameters pinned to
ids of the seed (or not), query parameters and a body drawn from the declared schemas, and a
credential of one of several tenants (valid, of another project or tenant, or broken). Then it is
mutated: the target, the method, the headers, the body and the framing.
"""
import json
import re
import time
from urllib.parse import quote, unquote

import signer

# ---------------------------------------------------------------------------------------------
# Pools of hostile values

PCT_JUNK = ["%", "%G1", "%00", "%FF", "%ff", "%2F", "%2f", "%zz", "%%", "%C3%28", "%ED%A0%80", "%F4%90%80%80",
            "%C0%AF", "%E2%82", "%0A", "%0D%0A", "%20", "%2B", "%3F", "%23", "%26", "%3D", "%7", "%%41"]
RAW_BAD_BYTES = [b"\xff", b"\xc3\x28", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf", b"\xfe\xff"]
HUGE_NUMBERS = ["99999999999999999999", "-0", "1e9", "0x10", "2147483648", "2147483647", "-1", "+1", "1.0", " 1",
                "1 ", "00000000000000000000000000010", "\uff11", "\u0663", "NaN", "Infinity", "9" * 1000, "-2147483649",
                "18446744073709551616", "0", "00", "1_000", "1,000", "\u00b2", "0b1", "1e-9", "--1", ""]
ODD_STRINGS = ["", " ", "\u0000", "null", "true", "[]", "{}", "\U0001F600", "\u202e", "a" * 300, "\u00e9",
               "../../etc/passwd", "' OR 1=1 --", "<script>", "%s%s%n", "${jndi:x}", "\\", "\"", "\t", "\r\n",
               "2018-08-06T10:41:14+0800", "2018-02-30T10:41:14+0800", "2018-08-06T24:00:00Z", "20190510000000",
               "20191332000000", "auto", "AUTO", "manual", "incremental", "COMPLETED", "true", "false", "fail"]
METHODS_SAFE = ["GET", "HEAD", "PATCH", "OPTIONS", "TRACE", "get", "Get", "FOO", "M-SEARCH", "PROPFIND",
                "X" * 100, "QUERY", "PRI", "LINK"]
METHODS_WRITE = ["POST", "PUT", "DELETE"]
CONTENT_TYPES = ["application/json", "application/json;charset=UTF-8", "application/json;charset=utf8", "text/plain",
                 "application/x-www-form-urlencoded", "application/octet-stream", "multipart/form-data; boundary=x",
                 "", "application/json; charset=latin-1", "application/bson", "*/*", "\u00e9/\u00e9"]


def rand_hex(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def rand_text(rng, n, alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"):
    return "".join(rng.choice(alphabet) for _ in range(n))


def as_bytes(x):
    return x if isinstance(x, (bytes, bytearray)) else x.encode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------------------------
# The document


class Op:
    def __init__(self, method, path, spec):
        self.method, self.path = method, path
        self.label = f"{method} {path}"
        self.params = spec.get("parameters", [])
        self.query = [p for p in self.params if p.get("in") == "query"]
        self.header_params = [p for p in self.params if p.get("in") == "header"]
        body = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
        self.body_schema = body.get("schema")
        self.security = {name for req in spec.get("security", []) for name in req}
        self.segments = path.strip("/").split("/") if path != "/" else []
        hint = "any"
        if path.startswith("/v1.0/") or path.startswith("/v2/"):
            hint = "dcs"
        elif "incremental-backups" in path or "policy/update" in path or "backups/create" in path:
            hint = "taurusdb"
        elif "offsite" in path or path == "/v3/{project_id}/backups/batch-delete":
            hint = "rds"
        elif path == "/v3/{project_id}/instances/{instance_id}/backups/{backup_id}":
            hint = "ddm"
        elif path.endswith("/backups/policy"):
            hint = "rds|taurusdb"
        self.service = hint
        self.control = "controlToken" in self.security
        self.iam = bool(self.security & {"token", "signature"})

    def is_write(self):
        return self.method in ("POST", "PUT", "DELETE") and self.path != "/v3/auth/tokens"


def load_ops(doc):
    ops = []
    for path, item in sorted(doc["paths"].items()):
        for method, spec in sorted(item.items()):
            if method.lower() in ("get", "put", "post", "delete", "patch", "head", "options"):
                ops.append(Op(method.upper(), path, spec))
    return ops


def resolve(schema, doc):
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"].lstrip("#/").split("/")
        node = doc
        for part in ref:
            node = node[part]
        schema = node
    return schema


# ---------------------------------------------------------------------------------------------
# The seed


class Seed:
    def __init__(self, seed_doc, victim=None):
        self.projects = {}  # id -> (name, domain)
        self.users = []  # dicts: domain, name, password, projects(set of ids), aks [(ak, sk)]
        for d in seed_doc["domains"]:
            ids = [p["id"] for p in d.get("projects", [])]
            for p in d.get("projects", []):
                self.projects[p["id"]] = (p["name"], d["name"])
            for u in d.get("users", []):
                usable = set(u["projects"]) if "projects" in u else set(ids)
                self.users.append({"domain": d["name"], "domain_id": d["id"], "name": u["name"],
                                   "password": u.get("password"), "projects": usable,
                                   "aks": [(k["access"], k["secret"]) for k in u.get("access_keys", []) if k.get("secret")]})
        self.instances = [(i["id"], i["project_id"], i["service"]) for i in seed_doc["instances"]]
        self.backups = {}  # instance -> [ids]
        for b in seed_doc["backups"]:
            bid = b.get("id") or b.get("backup_id")
            self.backups.setdefault(b["instance_id"], []).append(bid)
        self.all_ids = {i for i, _, _ in self.instances} | {b for bs in self.backups.values() for b in bs}
        self.victim = victim  # (ak, sk) of a key that only ever gets wrong signatures

    def user(self, name):
        return next(u for u in self.users if u["name"] == name)

    def secrets(self):
        out = []
        for u in self.users:
            if u["password"]:
                out.append(u["password"])
            out += [sk for _, sk in u["aks"]]
        if self.victim:
            out.append(self.victim[1])
        return out


# ---------------------------------------------------------------------------------------------
# Credentials


class Cred:
    """What a request carries. iam_valid/control_valid: it may authenticate (it is not surely
    refused); scope: the projects it may act in (routes A–F and the write routes)."""

    def __init__(self, kind, headers=(), sign=None, iam_valid=False, control_valid=False, scope=()):
        self.kind, self.headers = kind, list(headers)
        self.sign = sign  # (ak, sk, mangle) to sign after the mutations
        self.iam_valid, self.control_valid, self.scope = iam_valid, control_valid, set(scope)

    @property
    def possibly_valid(self):
        return self.iam_valid or self.control_valid


class Ctx:
    """Everything a worker needs; built by the main process before the workers fork."""

    def __init__(self, host, port, ops, seed, tokens, control_token, canary, timeout):
        self.host, self.port, self.ops, self.seed = host, port, ops, seed
        self.tokens = tokens  # {(user, project id or "domain"): token}
        self.control_token, self.canary, self.timeout = control_token, canary, timeout
        self.secrets = [s.encode() for s in seed.secrets() + [control_token] + list(tokens.values())]
        self.public_paths = {"/health", "/openapi.json", "/v3", "/"}
        self.big_cache = {}


def sdk_date(offset=0):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + offset))


def choose_iam_cred(rng, ctx):
    seed = ctx.seed
    r = rng.random()
    if r < 0.30:  # a project-scoped token of the right tenant: the project follows it
        (user, project), tok = rng.choice([kv for kv in ctx.tokens.items() if kv[0][1] != "domain"])
        return Cred(f"token:{user}", [("X-Auth-Token", tok)], iam_valid=True, scope={project})
    if r < 0.50:
        u = rng.choice([u for u in seed.users if u["aks"]])
        ak, sk = rng.choice(u["aks"])
        return Cred(f"signature:{u['name']}", sign=(ak, sk, None), iam_valid=True, scope=u["projects"])
    if r < 0.54:
        tok = ctx.tokens.get(("alice", "domain"))
        return Cred("token:domain-scoped", [("X-Auth-Token", tok)], iam_valid=True, scope=())
    canary = ctx.canary
    broken = [
        ("token:garbage", [("X-Auth-Token", "garbage-" + canary)]),
        ("token:expired-looking", [("X-Auth-Token", "MII" + canary + rand_text(rng, 64 - len(canary)))]),
        ("token:empty", [("X-Auth-Token", "")]),
        ("token:spaces", [("X-Auth-Token", "   ")]),
        ("token:long", [("X-Auth-Token", "MII" + canary + "A" * rng.choice([100, 4096, 16000]))]),
        ("none", []),
        ("token:truncated", [("X-Auth-Token", rng.choice(list(ctx.tokens.values()))[:-1 - rng.randrange(10)])]),
        ("token:flipped", [("X-Auth-Token", flip_last(rng.choice(list(ctx.tokens.values()))))]),
        ("token:bytes", [("X-Auth-Token", b"MII\xff\xfe" + canary.encode())]),
        ("bearer-on-api", [("Authorization", "Bearer " + ctx.control_token)]),
    ]
    if r < 0.80:
        kind, headers = rng.choice(broken)
        return Cred(kind, headers)
    # Broken signatures.
    if r < 0.86 and seed.victim:
        return Cred("signature:wrong-sk", sign=(seed.victim[0], "wrong" + canary, None))
    if r < 0.89:
        return Cred("signature:unknown-ak", sign=("HPUAFUZZ" + rand_hex(rng, 12).upper(), "x" + canary, None))
    if r < 0.91:
        return Cred("signature:token-and-sig", [("X-Auth-Token", "bad-" + canary)],
                    sign=(seed.user("alice")["aks"][0][0], seed.user("alice")["aks"][0][1], None))
    ak = seed.victim[0] if seed.victim else "HPUAFUZZ0000000000000"
    sk = seed.victim[1] if seed.victim else "x"
    mangle = rng.choice(["algo", "case", "nosig", "short", "dup-access", "extra", "nodate", "stale", "future",
                         "baddate", "dup-auth", "empty", "junk", "spaces", "unsigned-date", "upper-hex-wrong"])
    return Cred("signature:mangled-" + mangle, sign=(ak, sk, mangle))


def flip_last(tok):
    return tok[:-1] + ("A" if tok[-1] != "A" else "B")


def choose_control_cred(rng, ctx):
    r = rng.random()
    right = "Bearer " + ctx.control_token
    if r < 0.45:
        return Cred("control:right", [("Authorization", right)], control_valid=True)
    choices = [
        ("control:wrong", [("Authorization", "Bearer wrong-" + ctx.canary)]),
        ("control:none", []),
        ("control:empty", [("Authorization", "Bearer ")]),
        ("control:lower", [("Authorization", "bearer " + ctx.control_token)]),
        ("control:no-scheme", [("Authorization", ctx.control_token)]),
        ("control:prefix", [("Authorization", right[:-1])]),
        ("control:suffix", [("Authorization", right + "x")]),
        ("control:iam-token", [("X-Auth-Token", rng.choice(list(ctx.tokens.values())))]),
        ("control:basic", [("Authorization", "Basic Zm9vOmJhcg==")]),
        ("control:long", [("Authorization", "Bearer " + "z" * rng.choice([1000, 20000]))]),
        ("control:dup", [("Authorization", right), ("Authorization", "Bearer wrong-" + ctx.canary)]),
    ]
    kind, headers = rng.choice(choices)
    # Two Authorization headers, one right: it might count; never "surely refused".
    return Cred(kind, headers, control_valid=(kind == "control:dup"))


def apply_signature(rng, req, cred):
    ak, sk, mangle = cred.sign
    headers = req["headers"]
    if not any(as_bytes(n).lower() == b"x-sdk-date" for n, _ in headers):
        offset = {"stale": -3600, "future": 3600}.get(mangle, 0)
        date = "20240230T000000Z" if mangle == "baddate" else sdk_date(offset)
        headers.append(("X-Sdk-Date", date))
    names = None
    if mangle == "unsigned-date":
        names = sorted({as_bytes(n).decode("utf-8", "replace").lower() for n, _ in headers
                        if b"_" not in as_bytes(n) and as_bytes(n).lower() != b"x-sdk-date"})
    elif rng.random() < 0.3:
        names = rng.choice([["x-sdk-date"], ["content-type", "host", "x-sdk-date"], ["host", "x-sdk-date"]])
        names = [n for n in names if n == "x-sdk-date" or any(as_bytes(h).lower() == n.encode() for h, _ in headers)]
    auth = signer.sign(req["method"] if isinstance(req["method"], str) else req["method"].decode("latin-1"),
                       req["target"], headers, req["body"], ak, sk, names)
    if mangle:
        sig = auth.rsplit("=", 1)[1]
        auth = {
            "algo": auth.replace("SDK-HMAC-SHA256", "SDK-HMAC-SM3", 1),
            "case": auth.replace("SDK-HMAC-SHA256", "sdk-hmac-sha256", 1),
            "nosig": auth.rsplit(",", 1)[0],
            "short": auth[:-7],
            "dup-access": auth + f", Access={ak}",
            "extra": auth + ", Foo=bar",
            "empty": "SDK-HMAC-SHA256 ",
            "junk": "SDK-HMAC-SHA256 " + rand_text(rng, 80, "=,; \tabc"),
            "spaces": auth.replace(", ", " ,\t , "),
            "upper-hex-wrong": auth[:-64] + ("0" * 64 if sig != "0" * 64 else "1" * 64),
        }.get(mangle, auth)
        if mangle == "nodate":
            headers[:] = [(n, v) for n, v in headers if as_bytes(n).lower() != b"x-sdk-date"]
        if mangle == "dup-auth":
            headers.append(("Authorization", auth))
    headers.append(("Authorization", auth))


# ---------------------------------------------------------------------------------------------
# Values from schemas

NAMED = {
    "instance_id": None,  # filled in from the context
    "name": lambda rng: "fz" + rand_text(rng, rng.randint(4, 12), "abcdefghijklmnopqrstuvwxyz0123456789"),
    "description": lambda rng: rng.choice(["fuzz", "", "a" * 256, "caf\u00e9"]),
    "remark": lambda rng: rng.choice(["fuzz", "", "r" * 128]),
    "keep_days": lambda rng: rng.choice([0, 1, 2, 7, 732]),
    "save_days": lambda rng: rng.choice([1, 2, 7]),
    "start_time": lambda rng: rng.choice(["08:00-09:00", "23:00-00:00", "08:15-09:15", "00:00-01:00"]),
    "begin_at": lambda rng: rng.choice(["08:00-09:00", "18:00-19:00"]),
    "period": lambda rng: rng.choice(["1,2,3,4,5,6,7", "1", "3,5"]),
    "backup_at": lambda rng: rng.sample(range(1, 8), rng.randint(1, 7)),
    "timezone_offset": lambda rng: rng.choice(["+0800", None]),
    "now": lambda rng: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + rng.randint(86400, 86400 * 30))),
    "advance": lambda rng: rng.choice(["PT1S", "PT61S", "PT5M", "PT1H", "P1D"] * 5 + ["P2D", "P30D"]),
    "frozen": lambda rng: rng.choice([True, False]),
    "next_backup": lambda rng: "fail",
    "destination_region": lambda rng: rng.choice(["cn-east-3", "ap-southeast-1", "cn-north-4"]),
    "retention_num_backup_level1": lambda rng: rng.choice([0, 1]),
    "backup_database_individually": lambda rng: rng.choice([True, False]),
}


def gen_value(rng, schema, name, ctx, pins, depth=0):
    schema = schema or {}
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"] or schema["anyOf"]
        if rng.random() < 0.1:
            return None
        return gen_value(rng, rng.choice(options), name, ctx, pins, depth)
    if name in pins and rng.random() < 0.9:
        return pins[name]() if callable(pins[name]) else pins[name]
    if name in NAMED and NAMED[name] is not None and rng.random() < 0.9:
        return NAMED[name](rng)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return rng.choice(schema["enum"])
    t = schema.get("type")
    if t == "integer":
        lo, hi = schema.get("minimum", 0), schema.get("maximum", 100)
        return rng.choice([lo, hi, schema.get("default", lo), rng.randint(lo, min(hi, lo + 1000))])
    if t == "number":
        return rng.random() * 100
    if t == "boolean":
        return rng.choice([True, False])
    if t == "array":
        if depth > 4:
            return []
        return [gen_value(rng, schema.get("items"), name, ctx, pins, depth + 1) for _ in range(rng.randint(0, 3))]
    if t == "object" or "properties" in schema:
        if depth > 6:
            return {}
        out = {}
        required = set(schema.get("required", []))
        for key, sub in schema.get("properties", {}).items():
            if key in required or rng.random() < 0.6:
                out[key] = gen_value(rng, sub, key, ctx, pins, depth + 1)
        return out
    if t == "string" or t is None:
        if schema.get("pattern") == "^[0-9]{14}$":
            return rng.choice(["20190510000000", "20190510235959", "20190501000000", "20300101000000"])
        return rand_text(rng, rng.randint(1, 12))
    return None


def gen_query_value(rng, p, ctx, pins):
    schema, name = p.get("schema", {}), p["name"]
    if name in ("begin_time", "end_time") and "pattern" not in schema:
        return rng.choice(["2018-08-06T10:41:14+0800", "2018-08-16T10:41:14+0800", "2022-07-06T10:41:14Z",
                           "2030-01-01T00:00:00+0000"])
    if name == "instance_id" and "instance_id" in pins:
        return pins["instance_id"]
    if name == "backup_id" and "backup_id" in pins:
        return pins["backup_id"]
    if name == "name" and p.get("in") == "query":
        return rng.choice(["cn-north-4", "cn-east-3", "xxxx.xxx", "nope"])
    if name == "backup_type":
        return rng.choice(["auto", "manual", "incremental", "fragment"])
    if name == "domain_id":
        return rng.choice([u["domain_id"] for u in ctx.seed.users])
    v = gen_value(rng, schema, name, ctx, {})
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


# ---------------------------------------------------------------------------------------------
# A request


def pick_project(rng, ctx, cred, pinned):
    seed = ctx.seed
    if pinned and cred.scope:
        return rng.choice(sorted(cred.scope))
    r = rng.random()
    if r < 0.6:
        return rng.choice(sorted(seed.projects))
    return rng.choice(["0" * 32, rand_hex(rng, 32), "x", "0483B6B16E954CB88930A360D2C4E663", "auth", "projects",
                       "%30483b6b16e954cb88930a360d2c4e663", "cn-north-4", "-1", "." , ".."])


def pick_instance(rng, ctx, op, project, pinned):
    seed = ctx.seed
    if pinned:
        services = op.service.split("|") if op.service != "any" else None
        mine = [i for i, p, s in seed.instances if p == project and (services is None or s in services)]
        if not mine:
            mine = [i for i, p, s in seed.instances if services is None or s in services]
        if mine:
            return rng.choice(mine)
    r = rng.random()
    if r < 0.6:
        return rng.choice(seed.instances)[0]
    return rng.choice(["x", rand_hex(rng, 32) + "in01", "policy", "backups", "a%2Fb", "%61" * 3,
                       "5560DF16-CEBF-4473-95C4-D1B573C16E79", "0" * 300])


def pick_backup(rng, ctx, instance, pinned):
    bs = ctx.seed.backups.get(instance, [])
    if pinned and bs:
        return rng.choice(bs)
    if rng.random() < 0.4:
        any_bs = [b for v in ctx.seed.backups.values() for b in v]
        return rng.choice(any_bs)
    return rng.choice(["x", rand_hex(rng, 32) + "br01", "policy", "offsite-policy", "a%2Fb", "batch-delete", "create"])


def base_request(rng, ctx, op, phase, valid_mix):
    """A request for op: returns (req dict, cred). valid_mix: no breakage at all."""
    if op.control or op.path == "/metrics":
        cred = choose_control_cred(rng, ctx)
        if valid_mix:
            cred = Cred("control:right", [("Authorization", "Bearer " + ctx.control_token)], control_valid=True)
    elif op.iam:
        cred = choose_iam_cred(rng, ctx)
        if valid_mix and not cred.iam_valid:
            (user, project), tok = rng.choice([kv for kv in ctx.tokens.items() if kv[0][1] != "domain"])
            cred = Cred(f"token:{user}", [("X-Auth-Token", tok)], iam_valid=True, scope={project})
    else:
        # Public routes sometimes carry credentials too (they must be ignored).
        cred = choose_iam_cred(rng, ctx) if rng.random() < 0.3 else Cred("none")
    pinned = valid_mix or rng.random() < 0.5
    project = pick_project(rng, ctx, cred, pinned)
    instance = pick_instance(rng, ctx, op, project, pinned)
    backup = pick_backup(rng, ctx, instance, pinned)
    values = {"project_id": project, "instance_id": instance, "backup_id": backup}
    segs = []
    for s in op.segments:
        if s.startswith("{") and s.endswith("}"):
            v = values.get(s[1:-1], rand_text(rng, 8))
            segs.append(v if "%" in v else quote(v, safe=""))
        else:
            segs.append(s)
    path = "/" + "/".join(segs)
    pins = {"instance_id": instance, "backup_id": backup,
            "backup_ids": lambda: [b for b in ctx.seed.backups.get(instance, [])[:2]] or [backup],
            "destination_project_id": lambda: rng.choice(sorted(ctx.seed.projects))}
    query = []
    for p in op.query:
        if rng.random() < (0.7 if p.get("required") else 0.45):
            query.append((p["name"], gen_query_value(rng, p, ctx, pins)))
    if rng.random() < 0.1:
        query.append(("fz", ctx.canary))  # must never reach the log
    body = b""
    if op.body_schema is not None:
        schema = resolve(op.body_schema, {})
        if op.path == "/v3/auth/tokens":
            body = json.dumps(token_body(rng, ctx, valid_mix)).encode()
        else:
            body = json.dumps(gen_value(rng, schema, "", ctx, pins), ensure_ascii=rng.random() < 0.5).encode()
    elif rng.random() < 0.05:
        body = rng.choice([b"{}", b"x", b'{"a":1}'])
    headers = [("Host", f"{ctx.host}:{ctx.port}"), ("User-Agent", "backupd-fuzz/1.0")]
    if body or rng.random() < 0.5:
        headers.append(("Content-Type", "application/json"))
    if rng.random() < 0.1:
        headers.append(("X-Language", rng.choice(["en-us", "zh-cn", "xx"])))
    if cred.sign and rng.random() < 0.3:
        headers.append(("X-Project-Id", project if rng.random() < 0.8 else rand_hex(rng, 32)))
    headers += cred.headers
    for p in op.header_params:  # X-Subject-Token of GET /v3/auth/tokens
        if rng.random() < 0.8:
            headers.append((p["name"], rng.choice(list(ctx.tokens.values()) + ["MIIbogus" + ctx.canary, ""])))
    target = path + ("?" + "&".join(f"{quote(k, safe='')}={quote(v, safe=':+')}" for k, v in query) if query else "")
    req = {"method": op.method, "target": target, "headers": headers, "body": body, "framing": "length",
           "chunks": None, "op": op.label, "desc": [], "cred": cred.kind}
    return req, cred, query, path


TOKEN_BODY_DEFECTS = [
    lambda b: b["auth"]["identity"].__setitem__("methods", ["token"]),
    lambda b: b["auth"]["identity"].__setitem__("methods", []),
    lambda b: b["auth"]["identity"].__setitem__("methods", "password"),
    lambda b: b["auth"]["identity"]["password"]["user"].__setitem__("password", 12345),
    lambda b: b["auth"]["identity"]["password"]["user"].pop("name"),
    lambda b: b["auth"]["identity"]["password"]["user"].__setitem__("domain", "acme"),
    lambda b: b["auth"]["identity"]["password"]["user"].__setitem__("domain", {}),
    lambda b: b["auth"].__setitem__("scope", []),
    lambda b: b["auth"].__setitem__("scope", {"project": {}}),
    lambda b: b["auth"].__setitem__("scope", {"project": "cn-north-4"}),
    lambda b: b["auth"].pop("identity"),
    lambda b: b.__setitem__("auth", None),
]


def token_body(rng, ctx, valid):
    """Most bodies have a defect the parser refuses: a well-formed one costs the server a PBKDF2
    check (210,000 rounds, a decoy one too for an unknown user), so they are kept rare."""
    body = _token_body(rng, ctx, valid)
    if not valid and rng.random() < 0.75:
        rng.choice(TOKEN_BODY_DEFECTS)(body)
    return body


def _token_body(rng, ctx, valid):
    u = rng.choice([u for u in ctx.seed.users if u["password"]])
    password = u["password"] if (valid or rng.random() < 0.3) else rng.choice(["", "wrong-" + ctx.canary, u["password"] + "x"])
    scope = rng.choice([{"project": {"name": "cn-north-4"}}, {"project": {"id": rng.choice(sorted(u["projects"]))}},
                        {"domain": {"name": u["domain"]}}, None, {"project": {"name": "nope"}}])
    body = {"auth": {"identity": {"methods": ["password"],
                                  "password": {"user": {"name": u["name"], "password": password,
                                                        "domain": {"name": u["domain"]}}}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


# ---------------------------------------------------------------------------------------------
# Mutations. Each returns a short description; some mark the request "raw" (sent on a fresh
# connection, because its framing or head may make the server close it).


def m_pct_junk(rng, req, ctx, st):
    t = as_bytes(req["target"])
    junk = rng.choice(PCT_JUNK).encode()
    i = rng.randrange(min(1, len(t)), len(t) + 1)
    req["target"] = t[:i] + junk + t[i:]
    return f"pct-junk {junk!r}@{i}"


def m_raw_bytes(rng, req, ctx, st):
    t = as_bytes(req["target"])
    bad = rng.choice(RAW_BAD_BYTES)
    i = rng.randrange(min(1, len(t)), len(t) + 1)
    req["target"] = t[:i] + bad + t[i:]
    st["raw"] = True
    return f"raw-bytes {bad!r}@{i}"


def m_huge_number(rng, req, ctx, st):
    num = rng.choice(HUGE_NUMBERS)
    name = rng.choice(["limit", "offset", "start", "limit", "offset"])
    return _set_param(req, name, quote(num, safe="") if rng.random() < 0.7 else num.replace(" ", "%20"), st,
                      f"huge-number {name}={num[:30]!r}")


def m_odd_value(rng, req, ctx, st):
    names = [k for k, _ in st["query"]] or ["instance_id", "begin_time", "backup_type", "status", "name"]
    name = rng.choice(names + ["begin_time", "end_time", "beginTime", "endTime", "status", "display_offsite_backup"])
    v = rng.choice(ODD_STRINGS)
    return _set_param(req, name, quote(v, safe="") if rng.random() < 0.8 else v.replace(" ", "+").replace("\r\n", "%0D%0A"),
                      st, f"odd-value {name}={v[:30]!r}")


def _set_param(req, name, raw_value, st, desc):
    t = as_bytes(req["target"])
    path, sep, query = t.partition(b"?")
    pieces = [p for p in query.split(b"&") if p and not p.startswith(name.encode() + b"=")]
    pieces.append(name.encode() + b"=" + as_bytes(raw_value))
    req["target"] = path + b"?" + b"&".join(pieces)
    return desc


def m_repeat(rng, req, ctx, st):
    t = as_bytes(req["target"])
    path, sep, query = t.partition(b"?")
    pieces = [p for p in query.split(b"&") if p]
    if not pieces:
        pieces = [b"limit=10"]
    p = rng.choice(pieces)
    extra = p if rng.random() < 0.5 else p.split(b"=")[0] + b"=" + rng.choice([b"", b"1", b"x", b"%FF"])
    pieces.insert(rng.randrange(len(pieces) + 1), extra)
    req["target"] = path + b"?" + b"&".join(pieces)
    return f"repeat {extra[:40]!r}"


def m_empty(rng, req, ctx, st):
    t = as_bytes(req["target"])
    junk = rng.choice([b"=", b"=x", b"x=", b"&&&", b"&", b"limit=", b"limit=&limit=", b"==", b"=&=", b"offset=&",
                       b"%3D=%3D", b"?"])
    sep = b"&" if b"?" in t else b"?"
    req["target"] = t + sep + junk
    return f"empty {junk!r}"


def m_punct(rng, req, ctx, st):
    t = as_bytes(req["target"])
    junk = rng.choice([b";", b"#", b";x=1", b"#frag", b"?#", b"%3B", b"%23", b";jsessionid=1", b"\\", b"|", b"`",
                       b"{", b"}", b"^", b"[", b"]", b"'", b"\"", b"<", b">"])
    i = rng.randrange(min(1, len(t)), len(t) + 1)
    req["target"] = t[:i] + junk + t[i:]
    if junk in (b"\"", b"<", b">", b"\\", b"{", b"}", b"|", b"^", b"`", b"[", b"]"):
        st["raw"] = True  # a strict parser may refuse the line and close
    return f"punct {junk!r}@{i}"


def m_long_target(rng, req, ctx, st):
    n = rng.choice([1024, 4096, 8192, 16384, 32768, 65000, 70000])
    t = as_bytes(req["target"])
    how = rng.random()
    if how < 0.5:
        sep = b"&" if b"?" in t else b"?"
        req["target"] = t + sep + b"name=" + b"a" * n
    elif how < 0.8:
        path, s, q = t.partition(b"?")
        req["target"] = path + b"/" + b"b" * n + s + q
    else:
        sep = b"&" if b"?" in t else b"?"
        req["target"] = t + sep + b"&".join(b"k%d=v" % i for i in range(n // 6))
    if n > 8000:
        st["raw"] = True
    return f"long-target {n}"


def m_path_shape(rng, req, ctx, st):
    t = as_bytes(req["target"])
    path, s, q = t.partition(b"?")
    segs = path.split(b"/")
    how = rng.randrange(11)
    if how == 0:
        path = path.replace(b"/", b"//", 1)
    elif how == 1:
        path = path + b"/"
    elif how == 2 and len(segs) > 2:
        del segs[rng.randrange(1, len(segs))]
        path = b"/".join(segs)
    elif how == 3:
        segs.insert(rng.randrange(1, len(segs) + 1), rng.choice([b"x", b".", b"..", b"%2e%2e", b"", b"%2F"]))
        path = b"/".join(segs)
    elif how == 4:
        path = path.upper()
    elif how == 5:
        path = b"http://" + ctx.host.encode() + b":" + str(ctx.port).encode() + path
    elif how == 6:
        path = b"*"
    elif how == 7:
        path = path.lstrip(b"/")
    elif how == 8:
        i = rng.randrange(1, len(segs)) if len(segs) > 1 else 0
        segs[i] = b"".join(b"%%%02X" % c for c in segs[i])  # the same segment, fully encoded
        path = b"/".join(segs)
    elif how == 9:
        path = b""
        st["raw"] = True
    else:
        path = path + b"%2F" + rng.choice([b"x", b"..", b"policy"])
    req["target"] = path + s + q
    return f"path-shape {how}"


def m_method(rng, req, ctx, st):
    pool = METHODS_SAFE + ([] if st["phase"] == 1 else METHODS_WRITE * 2)
    # CONNECT is drawn rarely: today every CONNECT waits out the whole reply timeout (the server
    # sends a 404 head without a length and never the body), which would eat the run's time.
    m = "CONNECT" if rng.random() < 0.005 else rng.choice(pool)
    req["method"] = m
    if m not in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        st["raw"] = True
    return f"method {m[:20]}"


def m_header(rng, req, ctx, st):
    h = req["headers"]
    how = rng.randrange(18)
    if how == 0:
        h[:] = [(n, v) for n, v in h if n != "Host"]
        return "no-host"
    if how == 1:
        h.append(("Host", rng.choice(["evil.example", "", "a" * 3000, "127.0.0.1:99999", "[::1]"])))
        return "dup-host"
    if how == 2:
        h[:] = [(n, (rng.choice(["", "h\u00e9", "a" * 5000, "x:y:z", "[::1]:80"]) if n == "Host" else v)) for n, v in h]
        return "odd-host"
    if how == 3:
        tok = rng.choice(list(ctx.tokens.values()) + ["dup-" + ctx.canary])
        h.append(("X-Auth-Token", tok))
        if tok in ctx.tokens.values():
            # A valid token among two: it may count (scope unknown, so never "outside the scope").
            st["credobj"].iam_valid = True
            st["credobj"].scope = set(ctx.seed.projects)
        return "dup-token"
    if how == 4:
        h.append(("X-Fuzz", b"\xff\xfe" + ctx.canary.encode() + b"\xc3\x28"))
        return "invalid-utf8-header"
    if how == 5:
        n = rng.choice([1000, 8000, 16000, 70000, 200000])
        h.append(("X-Long", "v" * n))
        if n > 8000:
            st["raw"] = True
        return f"long-header {n}"
    if how == 6:
        n = rng.choice([50, 100, 300, 1000])
        h += [(f"X-Many-{i}", ctx.canary) for i in range(n)]
        st["raw"] = True
        return f"many-headers {n}"
    if how == 7:
        h.append(("Content-Type", rng.choice(CONTENT_TYPES)))
        return "content-type"
    if how == 8:
        h.append(("X-Request-Id", "0123456789abcdef0123456789abcdef"))
        st["client_request_id"] = "0123456789abcdef0123456789abcdef"
        return "client-request-id"
    if how == 9:
        h.append(("Connection", rng.choice(["close", "keep-alive", "Upgrade", "TE, close"])))
        if rng.random() < 0.5:
            h.append(("Upgrade", rng.choice(["h2c", "websocket"])))
        st["raw"] = True
        return "connection"
    if how == 10:
        h.append(("Expect", rng.choice(["100-continue", "200-ok", ""])))
        return "expect"
    if how == 11:
        h.append(("X-Ctl", "a\x01b\x7f" + ctx.canary))
        st["raw"] = True
        return "control-chars-header"
    if how == 12:
        h.append(("X Bad Name", "1"))
        st["raw"] = True
        return "bad-header-name"
    if how == 13:
        h.append(("X-Sdk-Date", rng.choice(["", "20240230T000000Z", sdk_date(), "garbage", "2024-03-01T08:00:00Z"])))
        return "sdk-date"
    if how == 14:
        h.append(("X-Project-Id", rng.choice(["", rand_hex(rng, 32), "%00"])))
        return "project-id"
    if how == 15:
        h.append(("Accept-Encoding", rng.choice(["gzip", "br", "*", "identity;q=0"])))
        return "accept-encoding"
    if how == 16:
        h.append(("X-Sdk-Content-Sha256", rng.choice(["UNSIGNED-PAYLOAD", "", "0" * 64])))
        return "content-sha"
    h.append(("Cookie", "a=" + ctx.canary))
    return "cookie"


def deep(depth, kind):
    if kind == "array":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    return b'{"a":[' * (depth // 2) + b"1" + b"]}" * (depth // 2)


def big_body(ctx, size, valid_json):
    key = (size, valid_json)
    if key not in ctx.big_cache:
        if valid_json:
            pad = size - len(b'{"remark":""}')
            ctx.big_cache[key] = b'{"remark":"' + b"x" * pad + b'"}'
        else:
            ctx.big_cache[key] = b"y" * size
    return ctx.big_cache[key]


def m_body(rng, req, ctx, st):
    body = req["body"] or b'{"instance_id":"x","name":"fuzz"}'
    how = rng.randrange(20)
    if how == 0:
        req["body"] = body[:rng.randrange(0, max(1, len(body)))]
        return "truncated"
    if how == 1:
        d = rng.choice([10, 100, 1000, 10000])
        req["body"] = deep(d, rng.choice(["array", "object", "mixed"]))
        return f"deep {d}"
    if how == 2:
        n = rng.choice([10000, 100000, 500000, 1048000])
        req["body"] = b'{"instance_id":"' + b"i" * n + b'","name":"' + b"n" * 10 + b'","remark":"r"}'
        return f"huge-string {n}"
    if how == 3:
        try:
            obj = json.loads(body)
        except Exception:
            obj = {}
        req["body"] = json.dumps(wrong_types(rng, obj)).encode()
        return "wrong-types"
    if how == 4:
        req["body"] = rng.choice([b'{"instance_id": NaN}', b'{"keep_days": Infinity}', b'{"a": -Infinity}', b"NaN",
                                  b'{"keep_days": 1e400}', b'{"keep_days": 99999999999999999999}', b'{"keep_days": -0}',
                                  b'{"keep_days": 1.0}', b'{"keep_days": 7e0}', b'{"now": 1}'])
        return "numbers"
    if how == 5:
        req["body"] = b'{"instance_id":"a","instance_id":"b","name":"fuzz1"}' if rng.random() < 0.5 else \
            body.rstrip(b"}") + b',"x":1,"x":2}'
        return "duplicate-keys"
    if how == 6:
        req["body"] = rng.choice([b'{"remark":"\xff\xfe"}', b"\xff" + body, b'{"name":"\xc3\x28"}',
                                  b'{"remark":"\xed\xa0\x80"}', b'{"remark":"\\ud800"}', b"\x00" + body])
        return "non-utf8"
    if how == 7:
        size = 1048576 + rng.choice([1, 2, 1000, 100000])
        req["body"] = big_body(ctx, size, rng.random() < 0.5)
        st["oversize"] = True
        return f"oversize {size}"
    if how == 8:
        req["body"] = big_body(ctx, 1048576, True)
        return "exactly-1MiB"
    if how == 9:
        req["body"] = rng.choice([b"[]", b"1", b'"s"', b"null", b"true", b"[{}]", b"", b" ", b"{}", b"{} {}",
                                  b"{}x", b"\xef\xbb\xbf{}", b"{,}", b'{"a"}', b"{'a':1}", b'{"a":1,}'])
        return "top-level"
    if how == 10:
        req["framing"] = "chunked"
        b = req["body"]
        cuts = sorted(rng.sample(range(len(b) + 1), min(len(b), rng.randint(1, 5)))) if b else []
        req["chunks"] = [b[i:j] for i, j in zip([0] + cuts, cuts + [len(b)])]
        return f"chunked {len(req['chunks'])}"
    if how == 11:
        size = 1048576 + rng.choice([1, 5000])
        req["framing"] = "chunked"
        data = big_body(ctx, size, True)
        step = rng.choice([65536, 300000])
        req["body"] = data
        req["chunks"] = [data[i:i + step] for i in range(0, len(data), step)]
        st["oversize"] = True
        return f"oversize-chunked {size}"
    if how == 12:
        req["body"] = b""
        return "empty"
    if how == 13:
        req["body"] = json.dumps({"a" * 1000: ["x"] * 10000, "instance_id": None}).encode()
        return "wide"
    if how == 14:
        req["body"] = b'{"' + b'a' * 100000 + b'":1}'
        return "long-key"
    if how == 15:
        req["body"] = b"{" + b",".join(b'"k%d":%d' % (i, i) for i in range(20000)) + b"}"
        return "many-members"
    if how == 16:
        req["body"] = b'{"remark":"' + b"\\u0000" * 1000 + b'"}'
        return "escaped-nul"
    if how == 17:
        req["body"] = body + b" " * rng.choice([1, 1000]) + rng.choice([b"", b"\n", b"\t"])
        return "whitespace"
    if how == 18:
        req["body"] = json.dumps({"backup_policy": {"keep_days": rng.choice(HUGE_NUMBERS[:8])},
                                  "policy_para": [], "instance_backup_policy": "x"}).encode()
        return "policy-junk"
    req["body"] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    return "random-bytes"


def wrong_types(rng, obj):
    if not isinstance(obj, dict) or not obj:
        return {"instance_id": rng.choice([1, [], {}, True, 1.5])}
    k = rng.choice(list(obj))
    v = obj[k]
    if isinstance(v, dict) and v and rng.random() < 0.5:
        obj[k] = wrong_types(rng, v)
    else:
        choices = [1, -1, 1.5, True, None, [], {}, "7", [1, 2], {"a": 1}, 99999999999999999999, "", "\u0000"]
        obj[k] = rng.choice([c for c in choices if type(c) is not type(v)])
    return obj


TARGET_MUTATIONS = [m_pct_junk, m_pct_junk, m_raw_bytes, m_huge_number, m_huge_number, m_odd_value, m_odd_value,
                    m_repeat, m_repeat, m_empty, m_punct, m_long_target, m_path_shape, m_path_shape]
ALL_MUTATIONS = TARGET_MUTATIONS + [m_method, m_header, m_header, m_header, m_body, m_body, m_body, m_body]


# ---------------------------------------------------------------------------------------------
# Phase 1 safety: requests that must be refused, whatever the server does with them


ABSOLUTE = re.compile(rb"^[A-Za-z][A-Za-z0-9+.-]*://[^/?]*")


def origin_path(target):
    """The path of a target, also of an absolute-form one (http://host:port/path)."""
    t = ABSOLUTE.sub(b"", as_bytes(target), count=1)
    return t.split(b"?", 1)[0]


def decoded_segments(target):
    path = origin_path(target)
    return [unquote(s.decode("utf-8", "replace"), errors="replace") for s in path.split(b"/")]


MALFORMED_SAFE = [
    lambda rng: b"[" + b"[" * rng.choice([0, 10, 10000]) + b"]" * rng.choice([0, 10]),
    lambda rng: b"\xef\xbb\xbf{}",
    lambda rng: b"\xff{}",
    lambda rng: b'{"x":1,"x":1}',
    lambda rng: b'{"x":0,"x":' + deep(rng.choice([10, 10000]), "object") + b"}",
    lambda rng: rng.choice([b"1", b"null", b"true", b'"s"', b"NaN", b"-0", b"99999999999999999999"]),
    lambda rng: b'{"instance_id": NaN, "name": "fuzz1"}',
    lambda rng: b'{"remark":"\xff"}',
    lambda rng: b'{"instance_id":"a","name":"fuzz1",',
    lambda rng: b"{'a':1}",
]


def make_phase1_safe(rng, req, ctx, cred, st):
    """In phase 1 a write that might authenticate gets a body every route must refuse (api.md
    §1.2, lifecycle.md §3.1: malformed), and a DELETE never names an id of the seed."""
    method = req["method"] if isinstance(req["method"], str) else req["method"].decode("latin-1")
    if method not in ("POST", "PUT", "DELETE"):
        return False
    segs = decoded_segments(req["target"])
    if segs[1:4] == ["v3", "auth", "tokens"]:
        return False
    st["write_like"] = True
    if not cred.possibly_valid:
        return False
    if True:
        if method == "DELETE":
            t = as_bytes(req["target"])
            path, sep, q = t.partition(b"?")
            parts = path.split(b"/")
            for i, s in enumerate(parts):
                if unquote(s.decode("utf-8", "replace"), errors="replace") in ctx.seed.all_ids and i >= 3:
                    parts[i] = b"fz-none-" + rand_hex(rng, 8).encode()
            req["target"] = b"/".join(parts) + sep + q
            if rng.random() < 0.5:
                return True
        if st.get("oversize"):
            return True  # over 1 MiB: refused before anything else (and checked to be)
        req["body"] = rng.choice(MALFORMED_SAFE)(rng)
        if req["framing"] not in ("length", "chunked"):
            req["framing"] = "length"
        if req["framing"] == "chunked":
            req["chunks"] = [req["body"]]
        st["forced_malformed"] = True
    return True
