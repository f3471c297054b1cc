"""SDK-HMAC-SHA256 signing as docs/auth.md §4 describes it, computed from the wire request.

The canonical request is rebuilt from the raw request target and the raw header values, exactly
as the server does (auth.md §4.3), so any target the fuzzer invents, however hostile, can carry a
valid signature and get past authentication to the parsers behind it.
"""
import hashlib
import hmac
import os
from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def enc(s: str) -> str:
    return quote(s, safe="~")


def dec(s: str) -> str:
    # unquote: %XX to bytes, invalid UTF-8 to U+FFFD, a lone % kept, + kept.
    return unquote(s, errors="replace")


def _text(b) -> str:
    if isinstance(b, (bytes, bytearray)):
        return bytes(b).decode("utf-8", errors="replace")
    return b


def canonical_uri(raw_path: str) -> str:
    uri = "/".join(enc(piece) for piece in dec(raw_path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(raw_query: str) -> str:
    pairs = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        pairs.append((dec(key), dec(value)))
    pairs.sort(key=lambda kv: (kv[0].encode("utf-8", "surrogatepass"), kv[1].encode("utf-8", "surrogatepass")))
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs)


def canonical_request(method: str, target, headers, signed_headers: str, body: bytes) -> str:
    """headers: list of (name, value) as sent (str or bytes)."""
    target = _text(target)
    path, _, query = target.partition("?")
    lines = []
    for name in signed_headers.split(";"):
        values = [_text(v) for n, v in headers if _text(n).lower() == name]
        value = values[0] if values else ""
        lines.append(name + ":" + value.strip(" \t") + "\n")
    if not body:
        payload = EMPTY_SHA256
    else:
        sent = [_text(v) for n, v in headers if _text(n).lower() == "x-sdk-content-sha256"]
        payload = sent[0] if sent else hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), canonical_uri(path), canonical_query(query), "".join(lines),
                      signed_headers, payload])


def string_to_sign(creq: str, sdk_date: str) -> str:
    digest = hashlib.sha256(creq.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(sk: str, sts: str) -> str:
    return hmac.new(sk.encode("utf-8"), sts.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(method, target, headers, body, ak, sk, signed_names=None):
    """Returns the Authorization value for a request whose other headers are `headers`.

    signed_names: lower-case header names to sign (default: every header sent whose name has no
    `_`, sorted, as the SDK does)."""
    if signed_names is None:
        signed_names = sorted({_text(n).lower() for n, _ in headers if "_" not in _text(n)})
    signed = ";".join(signed_names)
    date = [_text(v) for n, v in headers if _text(n).lower() == "x-sdk-date"]
    creq = canonical_request(method, target, headers, signed, body)
    sig = signature(sk, string_to_sign(creq, date[0].strip(" \t") if date else ""))
    return f"{ALGORITHM} Access={ak}, SignedHeaders={signed}, Signature={sig}"


def check_vectors(path: str) -> int:
    """Reproduces every vector of signing-vectors.json; returns how many, raises on a mismatch."""
    import json

    with open(path) as f:
        doc = json.load(f)
    for v in doc["vectors"]:
        inputs, wire = v["inputs"], v["wire"]
        headers = list(wire["headers"].items())
        headers = [(n, val) for n, val in headers if n != "Authorization"]
        body = inputs["body"].encode("utf-8")
        signed = v["signed_headers"]
        creq = canonical_request(inputs["method"], wire["request_target"], headers, signed, body)
        assert creq == v["canonical_request"], (v["name"], creq, v["canonical_request"])
        sts = string_to_sign(creq, inputs["headers"]["X-Sdk-Date"])
        assert sts == v["string_to_sign"], (v["name"], sts)
        assert signature(inputs["secret_key"], sts) == v["signature"], v["name"]
        auth = sign(inputs["method"], wire["request_target"], headers, body, inputs["access_key"],
                    inputs["secret_key"], signed.split(";"))
        assert auth == v["authorization"], (v["name"], auth)
        for other in v.get("equivalent_request_targets", []):
            assert canonical_request(inputs["method"], other, headers, signed, body) == creq, (v["name"], other)
    return len(doc["vectors"])


if __name__ == "__main__":
    import sys

    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "BackupdAuthTests",
                           "Fixtures", "signing-vectors.json")
    print(check_vectors(sys.argv[1] if len(sys.argv) > 1 else default), "vectors reproduced")
