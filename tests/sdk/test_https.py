"""Under the https topology (scripts/sdk-tests --https): certificate verification is really on.
Every other test passes over https only because its client trusts the suite's dev-cert CA
(support.ca_file()); here a client without that CA, or one asking for a name the certificate does
not hold, is refused, and the same request with it succeeds. Skipped under the other topologies."""

import http.client
import socket
import ssl
from urllib.parse import urlsplit

import certifi
import pytest
from huaweicloudsdkcore.exceptions.exceptions import SslHandShakeException
from huaweicloudsdkrds.v3 import ListBackupsRequest, RdsClient

from catalog import ALICE, P_CN_NORTH_4, RDS_A48E
from support import HTTP_TIMEOUT, http_request, sdk_client, tls_context


@pytest.fixture
def https(base):
    parts = urlsplit(base)
    if parts.scheme != "https":
        pytest.skip("the suite's servers speak plain HTTP here (run scripts/sdk-tests --https)")
    return parts


def list_a48e(client):
    return client.list_backups(ListBackupsRequest(instance_id=RDS_A48E)).total_count


def test_the_sdk_verifies_the_certificate(base, https):
    # certifi: the public CAs requests trusts by default, of which no dev-cert CA is one.
    untrusting = sdk_client(RdsClient, base, "cn-north-4", ALICE, P_CN_NORTH_4, ca=certifi.where())
    with pytest.raises(SslHandShakeException, match="CERTIFICATE_VERIFY_FAILED"):
        list_a48e(untrusting)
    assert list_a48e(sdk_client(RdsClient, base, "cn-north-4", ALICE, P_CN_NORTH_4)) == 25


def test_raw_https_verifies_the_certificate(base, https):
    conn = http.client.HTTPSConnection(https.hostname, https.port, timeout=HTTP_TIMEOUT[1],
                                       context=ssl.create_default_context())
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            conn.request("GET", "/health")
    finally:
        conn.close()
    assert http_request(base, "GET", "/health").status == 200


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1"])
def test_the_certificate_holds_its_names(https, name):
    assert http_request("https://%s:%d" % (name, https.port), "GET", "/health").status == 200


def test_a_name_the_certificate_lacks_is_refused(https):
    with socket.create_connection((https.hostname, https.port), timeout=HTTP_TIMEOUT[1]) as raw:
        with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
            tls_context().wrap_socket(raw, server_hostname="backupd.example.com")
