"""SDK-HMAC-SHA256 request signing as the official huaweicloudsdkcore Signer does it (auth.md §4),
in the standard library only, so that the benchmark signs its requests exactly like an SDK client.

    python3 bench/sdksign.py --check [VECTORS]   reproduce every vector of signing-vectors.json
"""

import datetime
import hashlib
import hmac
import json
import sys
from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SDK_USER_AGENT = "huaweicloud-usdk-python/3.0"


def enc(text):
    """The SDK's quote(s, safe='~'): unreserved bytes kept, every other byte %XX upper case."""
    return quote(text, safe="~")


def _value(v):
    # The SDK sends booleans as true/false and numbers with str().
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def canonical_query(pairs):
    decoded = sorted((str(k), _value(v)) for k, v in pairs)
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in decoded)


def canonical_uri(path):
    pieces = [enc(p) for p in unquote(path).split("/")]
    uri = "/".join(pieces)
    return uri if uri.endswith("/") else uri + "/"


def sdk_date(now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ")


def sign(ak, sk, method, host, path, query=(), headers=None, body=b"", date=None):
    """Signs one request. Returns (request_target, headers) as the SDK puts them on the wire:
    the target carries the canonical (sorted, encoded) query; the headers include Host,
    X-Sdk-Date and Authorization."""
    if isinstance(body, str):
        body = body.encode()
    wire = {k: v.strip(" \t") for k, v in (headers or {}).items()}
    wire["X-Sdk-Date"] = wire.get("X-Sdk-Date") or date or sdk_date()
    wire["Host"] = host
    content_type = next((v for k, v in wire.items() if k.lower() == "content-type"), None)
    if content_type and "json" not in content_type.lower() and "bson" not in content_type.lower():
        wire.setdefault("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
    query_line = canonical_query(query)
    target = path + ("?" + query_line if query_line else "")
    names = sorted(k.lower() for k in wire if "_" not in k)
    lower = {k.lower(): v for k, v in wire.items()}
    canonical_headers = "".join(f"{n}:{lower[n]}\n" for n in names)
    signed = ";".join(names)
    if not body:
        payload = EMPTY_SHA256
    elif "x-sdk-content-sha256" in lower:
        payload = lower["x-sdk-content-sha256"]
    else:
        payload = hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method.upper(), canonical_uri(path), query_line, canonical_headers, signed, payload])
    to_sign = "\n".join([ALGORITHM, wire["X-Sdk-Date"], hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    wire["Authorization"] = f"{ALGORITHM} Access={ak}, SignedHeaders={signed}, Signature={signature}"
    return target, wire, {"canonical_request": canonical, "string_to_sign": to_sign, "signature": signature}


def sdk_get(ak, sk, host, path, query=(), project_id=None, date=None):
    """A GET with the headers a service client of the Python SDK sends (auth.md §4.1)."""
    headers = {"User-Agent": SDK_USER_AGENT, "Content-Type": "application/json"}
    if project_id:
        headers["X-Project-Id"] = project_id
    target, wire, _ = sign(ak, sk, "GET", host, path, query, headers, b"", date)
    return target, wire


def check(vectors_path):
    data = json.load(open(vectors_path))
    failures = 0
    for v in data["vectors"]:
        i = v["inputs"]
        target, wire, parts = sign(i["access_key"], i["secret_key"], i["method"], i["host"], i["path"],
                                   i["query_params"], i["headers"], i["body"].encode())
        ok = (target == v["wire"]["request_target"] and parts["canonical_request"] == v["canonical_request"]
              and parts["string_to_sign"] == v["string_to_sign"] and wire["Authorization"] == v["authorization"])
        failures += not ok
        print(("ok   " if ok else "FAIL ") + v["name"])
    print(f"{len(data['vectors']) - failures} passed, {failures} failed")
    return failures == 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--check":
        path = sys.argv[2] if len(sys.argv) > 2 else "../shared/spec/signing-vectors.json"
        sys.exit(0 if check(path) else 1)
    print(__doc__)
