"""Helpers shared by the tests: SDK clients pointed at backupd (auth.md §7), raw HTTP requests
(unsigned, token, or signed with the SDK's own signer), and checks of the error shapes.

Every client here speaks the scheme of the base it is given. Over https it verifies the server
against ca_file() and only that: no helper and no test turns verification off."""

import functools
import hashlib
import hmac
import http.client
import json
import os
import re
import ssl
from datetime import datetime, timezone
from types import SimpleNamespace
from urllib.parse import quote, unquote, urlsplit

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

# Seconds: connect and read timeouts of every HTTP call the suite makes.
HTTP_TIMEOUT = (5, 20)
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
JSON_UTF8 = "application/json;charset=UTF-8"
SDK_USER_AGENT = "huaweicloud-usdk-python/3.0"
# Names the CA file of the https topology (its `backupd dev-cert` ca.pem); conftest.py sets it.
CA_VARIABLE = "BACKUPD_SDK_CA"


def ca_file():
    """The CA file https clients trust: the one the suite's servers were issued by, or None (the
    default trust, which knows no dev-cert CA) when no topology set one. The one place that decides."""
    return os.environ.get(CA_VARIABLE) or None


@functools.lru_cache(maxsize=None)
def _tls_context(cafile):
    return ssl.create_default_context(cafile=cafile)


def tls_context():
    """The ssl context of raw https requests: ca_file(), host names checked (create_default_context)."""
    return _tls_context(ca_file())


class Captured:
    """Requests as the SDK put them on the wire (requests' PreparedRequest), and the responses it
    got (requests' Response), newest last."""

    def __init__(self):
        self.requests = []
        self.responses = []

    def _record(self, response):
        self.requests.append(response.request)
        self.responses.append(response)

    def handler(self):
        return HttpHandler().add_response_handler(lambda **kw: self._record(kw["response"]))


def sdk_client(client_class, base, region_id, user, project_id=None, sk=None, capture=None,
               ignore_content_type_for_get=False, ca=None):
    """An official SDK client with AK/SK credentials, pointed at backupd as auth.md §7 says.

    Without project_id the SDK looks the project up with GET /v3/projects?name=<region_id>
    while the client is built (and caches it per AK and region, process-wide). Over https it
    verifies the server against ca (default: ca_file()); HttpConfig.ssl_ca_cert becomes requests'
    `verify`; without one, requests' default trust (certifi, or REQUESTS_CA_BUNDLE) applies."""
    config = HttpConfig.get_default_config()
    config.timeout = HTTP_TIMEOUT
    config.retry_times = 0
    config.ignore_content_type_for_get_request = ignore_content_type_for_get
    config.ssl_ca_cert = ca or ca_file()
    credentials = BasicCredentials(user.ak, sk or user.sk, project_id).with_iam_endpoint(base)
    builder = client_class.new_builder().with_http_config(config).with_credentials(credentials) \
        .with_region(Region(region_id, base))
    if capture is not None:
        builder = builder.with_http_handler(capture.handler())
    return builder.build()


def expect_sdk_error(call, status, code, message):
    """Runs an SDK call that must fail; checks the exception the SDK raises for the answer."""
    with pytest.raises(ClientRequestException) as info:
        call()
    error = info.value
    assert (error.status_code, error.error_code, error.error_msg) == (status, code, message)
    assert error.request_id and REQUEST_ID.match(error.request_id), error.request_id
    return error


def ordered(value):
    """A JSON value with every object turned into its list of (key, value) pairs, recursively, so
    that == also compares key order (api.md §1.5, lifecycle.md §4: keys in the listed order)."""
    if isinstance(value, dict):
        return [(k, ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [ordered(v) for v in value]
    return value


def wire(response):
    """The JSON body an SDK response was parsed from (None for an empty body)."""
    return json.loads(response.raw_content.decode("utf-8")) if response.raw_content else None


def plain(model):
    """An SDK model as a dict keyed by wire names, without the None (absent) fields, recursively."""
    if isinstance(model, list):
        return [plain(v) for v in model]
    if hasattr(model, "openapi_types"):
        values = ((model.attribute_map[a], getattr(model, a)) for a in model.openapi_types)
        return {k: plain(v) for k, v in values if v is not None}
    return model


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage: case-insensitive get()
        self.body = body

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<%s %s>" % (self.status, self.body[:300])


def http_request(base, method, target, headers=None, body=None, timeout=HTTP_TIMEOUT[1]):
    """One request with a raw request target (path and query exactly as given); over https,
    verified with tls_context()."""
    parts = urlsplit(base)
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=tls_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()


def decode_query(raw_query):
    """The (key, value) pairs of a raw query as backupd reads them (api.md §1.3): '+' stays '+'."""
    pairs = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def sign(base, user, method, path, query=(), headers=None, body=b"", sk=None, project_id=None,
         sdk_date=None):
    """Signs a request with the official SDK signer; returns (canonical target, headers).

    headers default to the ones the SDK sends on a service call (auth.md §4.1)."""
    keys = SimpleNamespace(ak=user.ak, sk=sk or user.sk)
    header_params = {"User-Agent": SDK_USER_AGENT, "Content-Type": "application/json"} \
        if headers is None else dict(headers)
    if project_id:
        header_params["X-Project-Id"] = project_id
    if sdk_date:
        header_params["X-Sdk-Date"] = sdk_date
    parts = urlsplit(base)
    request = SdkRequest(method=method, schema=parts.scheme, host=parts.netloc,
                         resource_path=path, query_params=list(query),
                         header_params=header_params, body=body)
    Signer(keys).sign(request)
    return request.uri, request.header_params


def signed(base, user, method, path, raw_query=None, query=(), headers=None, body=None, **kw):
    """Sends a request signed as `user`. raw_query, when given, is sent verbatim (the signature is
    over its decoded pairs, as backupd rebuilds it); otherwise the SDK's canonical query is sent."""
    if raw_query is not None:
        query = decode_query(raw_query)
    target, header_params = sign(base, user, method, path, query, headers, body or b"", **kw)
    if raw_query is not None:
        target = path + ("?" + raw_query if raw_query else "")
    return http_request(base, method, target, header_params, body)


def spec_authorization(user, method, path, query, headers, signed_names, body=b"", sk=None):
    """The Authorization value of auth.md §4.3-4.4, for signers other than the SDK's (§4.7) that
    sign fewer headers. headers must hold X-Sdk-Date when signed_names lists it."""
    def enc(text):
        return quote(text, safe="~")
    uri = "/".join(enc(piece) for piece in unquote(path).split("/"))
    uri += "" if uri.endswith("/") else "/"
    canonical_query = "&".join("%s=%s" % (enc(k), enc(v)) for k, v in sorted(query))
    values = {k.lower(): str(v).strip(" \t") for k, v in headers.items()}
    canonical_headers = "".join("%s:%s\n" % (name, values[name]) for name in signed_names)
    canonical = "\n".join([method, uri, canonical_query, canonical_headers, ";".join(signed_names),
                           hashlib.sha256(body).hexdigest()])
    to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (values["x-sdk-date"],
                                            hashlib.sha256(canonical.encode()).hexdigest())
    signature = hmac.new((sk or user.sk).encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (
        user.ak, ";".join(signed_names), signature)


def token_request(base, method, target, token, headers=None):
    all_headers = {"X-Auth-Token": token}
    all_headers.update(headers or {})
    return http_request(base, method, target, all_headers)


def issue_token(base, user, scope=None, password=None, query=""):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user.name, "password": user.password if password is None else password,
        "domain": {"name": user.domain}}}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return http_request(base, "POST", "/v3/auth/tokens" + query,
                        {"Content-Type": "application/json;charset=utf8"},
                        json.dumps(body).encode("utf-8"))


def control_request(base, token, method, path, body=None):
    """A control API request (lifecycle.md §5.2): `Authorization: Bearer token` when token is
    given, body (a dict, or bytes as they are) as JSON."""
    headers = {"Authorization": "Bearer " + token} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        if not isinstance(body, bytes):
            body = json.dumps(body).encode("utf-8")
    return http_request(base, method, path, headers, body)


class Control:
    """The catalog clock of a backupd (or of the nodes behind nginx, which share it), through the
    control API. Each call must succeed."""

    def __init__(self, base, token):
        self.base, self.token = base, token

    def _ok(self, method, path, body=None):
        answer = control_request(self.base, self.token, method, path, body)
        assert answer.status == 200, answer
        return answer.json

    def clock(self):
        return self._ok("GET", "/_backupd/v1/clock")

    def set_clock(self, **body):
        return self._ok("PUT", "/_backupd/v1/clock", body)

    def advance(self, duration):
        return self.set_clock(advance=duration)

    def now(self):
        return parse_stamp(self.clock()["now"])


def stamp(instant):
    """An aware datetime as the control API and DCS write it: 2030-01-07T08:00:00.000Z."""
    instant = instant.astimezone(timezone.utc)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (instant.microsecond // 1000)


def parse_stamp(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def check_common_headers(response):
    """api.md §1.5: every answer has a fresh X-Request-Id and the JSON content type."""
    assert REQUEST_ID.match(response.headers.get("X-Request-Id", "")), response.headers
    assert response.headers.get("Content-Type") == JSON_UTF8


def check_gateway_error(response, status, code, message):
    """api.md §1.6 gateway shape: error_code, error_msg and request_id = X-Request-Id."""
    assert response.status == status, response
    check_common_headers(response)
    assert response.json == {"error_code": code, "error_msg": message,
                             "request_id": response.headers["X-Request-Id"]}


def check_service_error(response, status, code, message, dcs=False):
    assert response.status == status, response
    check_common_headers(response)
    expected = {"error_code": code, "error_msg": message}
    if dcs:
        expected["error_ext_msg"] = None
    assert response.json == expected


def check_keystone_error(response, status, message, title):
    assert response.status == status, response
    check_common_headers(response)
    assert response.json == {"error": {"code": status, "message": message, "title": title}}


KEYSTONE_401 = "The request you have made requires authentication."
AUTH_PREFIX = "Incorrect IAM authentication information: "
NOT_AUTHORIZED = "The IAM user is not authorized to access the API."
NO_API = "The API does not exist or has not been published in the environment."
