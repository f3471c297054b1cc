"""Session fixtures: the backupd the suite talks to, and per-test time limits.

BACKUPD_BIN names the binary (scripts/sdk-tests sets it). BACKUPD_SDK_TOPOLOGY chooses what the
tests talk to:

- `single` (the default): `backupd serve --host 127.0.0.1 --port <free> --store sqlite::memory:
  --seed <tmp seed>`.
- `nginx-postgres`: the seed loaded once (`backupd seed`) into a fresh schema of the PostgreSQL
  database named by BACKUPD_TEST_POSTGRES_URL, two `backupd serve` nodes on it, and nginx running
  deploy/nginx.conf in front of them (balancer.py); the tests talk to nginx only.
- `https`: `single` over TLS, `--tls-cert`/`--tls-key` from one `backupd dev-cert` directory made
  for the session (fixture tls). The servers the tests start themselves (launch, start_topology)
  serve the same certificate, and every client trusts its ca.pem only (support.ca_file()).

Every process listens on 127.0.0.1, logs to a file in a temporary directory, and is stopped
(SIGTERM, then SIGKILL) at the end, also when a test or the start fails. Should pytest itself be
killed, the kernel sends them SIGTERM (PR_SET_PDEATHSIG).

Every `backupd serve` gets `--control-token` with BACKUPD_SDK_CONTROL_TOKEN (scripts/sdk-tests sets
it), so the control API (lifecycle.md §5.2) exists for the tests that move the catalog clock.
"""

import contextlib
import ctypes
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import ssl
import time
from urllib.parse import urlsplit

import pytest
from huaweicloudsdkcore.auth.credentials import Credentials

import balancer
import catalog
from support import CA_VARIABLE, http_request, issue_token

TEST_TIMEOUT = int(os.environ.get("BACKUPD_SDK_TEST_TIMEOUT", "60"))  # seconds, per test
START_TIMEOUT = 30  # seconds for GET /health to answer 200
COMMAND_TIMEOUT = 60  # seconds for a command that must finish (backupd seed, nginx -t, psql)
TOPOLOGY = os.environ.get("BACKUPD_SDK_TOPOLOGY", "single")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Fails a test that runs longer than TEST_TIMEOUT seconds (SIGALRM in the main thread)."""
    def on_alarm(signum, frame):
        raise TimeoutError("test ran longer than %ds" % TEST_TIMEOUT)
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _tail(path, lines=40):
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return "(no log: %s)" % error


class Server:
    """A running process answering GET /health (backupd or nginx); stop() ends it (SIGTERM, then
    SIGKILL) and is safe to call twice."""

    def __init__(self, name, base, process, log):
        self.name, self.base, self.process, self.log = name, base, process, log
        self.port = urlsplit(base).port

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _binary():
    binary = os.environ.get("BACKUPD_BIN")
    if not binary:
        pytest.exit("BACKUPD_BIN is not set: run the suite with scripts/sdk-tests", returncode=2)
    return binary


def _serve(command, workdir, name, port, scheme="http"):
    """Runs command (which listens on 127.0.0.1:port) and waits for GET /health to answer 200.
    Fails the calling test or fixture (with the log's tail) if it does not within START_TIMEOUT,
    or at once if its certificate does not verify (it never would)."""
    log = workdir / (name + ".log")
    with open(log, "ab") as log_file:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT, cwd=workdir, preexec_fn=_die_with_parent)
    server = Server(name, "%s://127.0.0.1:%d" % (scheme, port), process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail("%s exited with status %s before it was ready; log tail:\n%s"
                            % (name, process.returncode, _tail(log)), pytrace=False)
            try:
                if http_request(server.base, "GET", "/health", timeout=2).status == 200:
                    return server
            except ssl.SSLCertVerificationError as error:
                pytest.fail("%s: %s" % (name, error), pytrace=False)
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("%s did not answer GET /health with 200 within %ds; log tail:\n%s"
                            % (name, START_TIMEOUT, _tail(log)), pytrace=False)
            time.sleep(0.1)
    except BaseException:
        server.stop()
        raise


def _control_token():
    token = os.environ.get("BACKUPD_SDK_CONTROL_TOKEN")
    if not token:
        pytest.exit("BACKUPD_SDK_CONTROL_TOKEN is not set: run the suite with scripts/sdk-tests",
                    returncode=2)
    return token


def start_backupd(workdir, store, seed_file=None, name="backupd", tls=None):
    """Starts `backupd serve` on a free 127.0.0.1 port with the control token, ready (see _serve);
    over https with the certificate of the `backupd dev-cert` directory tls, when given."""
    port = _free_port()
    command = [_binary(), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", store,
               "--control-token", _control_token()]
    if seed_file:
        command += ["--seed", str(seed_file)]
    if tls is None:
        return _serve(command, workdir, name, port)
    command += ["--tls-cert", str(tls / "cert.pem"), "--tls-key", str(tls / "key.pem")]
    return _serve(command, workdir, name, port, "https")


def _run(command, workdir, what):
    """Runs a command that must succeed within COMMAND_TIMEOUT; fails with its output if not."""
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, cwd=workdir,
                              timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("%s ran longer than %ds" % (what, COMMAND_TIMEOUT), pytrace=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).decode(errors="replace")[-3000:]
        pytest.fail("%s failed with status %d:\n%s" % (what, done.returncode, output), pytrace=False)


def start_nginx(workdir, node_ports):
    """nginx on a free 127.0.0.1 port with deploy/nginx.conf balancing node_ports, ready (see
    _serve: GET /health through nginx answers 200)."""
    nginx_dir = workdir / "nginx"
    nginx_dir.mkdir()
    port = _free_port()
    conf = nginx_dir / "nginx.conf"
    conf.write_text(balancer.render_nginx_conf(port, node_ports, nginx_dir), encoding="utf-8")
    _run(balancer.nginx_command(conf, nginx_dir, "-t", "-q"), workdir, "nginx -t on " + str(conf))
    return _serve(balancer.nginx_command(conf, nginx_dir), workdir, "nginx", port)


@contextlib.contextmanager
def _single(workdir, seed_file, tls):
    server = start_backupd(workdir, "sqlite::memory:", seed_file, tls=tls)
    try:
        yield server, [server]
    finally:
        server.stop()


@contextlib.contextmanager
def _behind_nginx(workdir, seed_file, tls):
    """nginx before two nodes sharing a fresh schema; checks at the end that both nodes answered,
    then removes workdir (nginx's temporary files, the logs) and the schema."""
    url = os.environ.get("BACKUPD_TEST_POSTGRES_URL")
    if not url:
        pytest.exit("BACKUPD_SDK_TOPOLOGY=nginx-postgres needs BACKUPD_TEST_POSTGRES_URL "
                    "(run it under scripts/with-postgres)", returncode=2)
    store, schema = balancer.fresh_schema_store(url)
    started = []
    try:
        _run([_binary(), "seed", str(seed_file), "--store", store], workdir, "backupd seed")
        for name in ("node-1", "node-2"):
            started.append(start_backupd(workdir, store, name=name))
        started.append(start_nginx(workdir, [node.port for node in started]))
        yield started[-1], started
        # Round robin over hundreds of requests: a node that served none means nginx was bypassed.
        access_log = (workdir / "nginx" / "access.log").read_text(errors="replace")
        served = {node.name: access_log.count("127.0.0.1:%d" % node.port) for node in started[:-1]}
        if not all(served.values()):
            pytest.fail("nginx did not balance: requests per node %s" % served, pytrace=False)
    finally:
        for server in reversed(started):
            server.stop()
        _drop_schema(url, schema)
        shutil.rmtree(workdir, ignore_errors=True)


def _drop_schema(url, schema):
    """Best effort: scripts/with-postgres destroys its cluster anyway, but a longer-lived database
    named by BACKUPD_TEST_POSTGRES_URL should not keep a schema per run."""
    psql = shutil.which("psql")
    if psql:
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run([psql, "--no-psqlrc", "--quiet", "--dbname", url, "--command",
                            "DROP SCHEMA IF EXISTS %s CASCADE" % schema],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=COMMAND_TIMEOUT)


# Each takes (workdir, seed_file, tls); tls (fixture tls) is None but under https.
TOPOLOGIES = {"single": _single, "nginx-postgres": _behind_nginx, "https": _single}


@contextlib.contextmanager
def _topology(workdir, seed_file, tls):
    """The suite's topology (BACKUPD_SDK_TOPOLOGY) on seed_file: yields (front, processes), where
    front is what tests talk to; at the end fails if one of the processes died meanwhile."""
    topology = TOPOLOGIES.get(TOPOLOGY)
    if topology is None:
        pytest.exit("BACKUPD_SDK_TOPOLOGY=%s: expected one of %s" % (TOPOLOGY, ", ".join(TOPOLOGIES)),
                    returncode=2)
    with topology(workdir, seed_file, tls) as (front, processes):
        yield front, processes
        for process in processes:
            if process.process.poll() is not None:
                pytest.fail("%s died during the suite (status %s); log tail:\n%s"
                            % (process.name, process.process.returncode, _tail(process.log)),
                            pytrace=False)


@contextlib.contextmanager
def _every_test_needs_it():
    """Turns a failure of a session fixture that every test needs into the end of the run, rather
    than the same error reported once per test."""
    try:
        yield
    except pytest.fail.Exception as failure:
        pytest.exit(str(failure), returncode=3)


@pytest.fixture(scope="session")
def tls(tmp_path_factory):
    """Under the https topology, a `backupd dev-cert` directory (ca.pem, cert.pem, key.pem for
    localhost, 127.0.0.1 and ::1) that every backupd of the session serves with, and whose ca.pem
    every client trusts: the fixture names it in BACKUPD_SDK_CA for support.ca_file(). None under
    the other topologies, whose servers speak plain HTTP."""
    if TOPOLOGY != "https":
        yield None
        return
    directory = tmp_path_factory.mktemp("tls")
    with _every_test_needs_it():
        _run([_binary(), "dev-cert", "--out", str(directory)], directory, "backupd dev-cert")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CA_VARIABLE, str(directory / "ca.pem"))
        yield directory


@pytest.fixture(scope="session")
def launch(tls):
    """start_backupd, for tests that need servers of their own (they must stop them); under the
    https topology they serve the suite's certificate too."""
    return functools.partial(start_backupd, tls=tls)


@pytest.fixture(scope="session")
def seed():
    return catalog.build_seed()


@pytest.fixture(scope="session")
def seed_file(seed, tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "seed.json"
    path.write_text(json.dumps(seed, indent=1), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def model(seed):
    return catalog.Model(seed)


@pytest.fixture(scope="session")
def server(seed_file, tmp_path_factory, tls):
    """What the suite talks to (BACKUPD_SDK_TOPOLOGY): a Server whose base every test uses."""
    with contextlib.ExitStack() as cleanup:
        with _every_test_needs_it():
            front, _ = cleanup.enter_context(_topology(tmp_path_factory.mktemp("backupd"), seed_file,
                                                       tls))
        yield front


@pytest.fixture(scope="session")
def start_topology(tls):
    """A context manager (workdir, seed_file) -> (front, processes): another instance of the
    suite's topology on a store of its own, for tests that change the catalog (test_write_side.py),
    so that the read tests' catalog stays exactly the seed. It stops everything on exit."""
    return functools.partial(_topology, tls=tls)


@pytest.fixture(scope="session")
def control_token():
    """The token of the control API (Authorization: Bearer …) every backupd of the suite has."""
    return _control_token()


@pytest.fixture(scope="session")
def base(server):
    return server.base


@pytest.fixture
def fresh_project_cache():
    """Empties the SDK's process-wide project-id cache (keyed by AK + region), so that a client
    built without a project id really calls GET /v3/projects."""
    Credentials._CACHE.clear()
    yield
    Credentials._CACHE.clear()


@pytest.fixture(scope="session")
def alice_token(base):
    """A token of alice scoped to cn-north-4 (0483…), issued once per session."""
    answer = issue_token(base, catalog.ALICE, {"project": {"id": catalog.P_CN_NORTH_4}})
    assert answer.status == 201, answer
    return answer.headers["X-Subject-Token"]
