"""Session fixtures: one backupd serving the suite's seed on 127.0.0.1, and per-test time limits.

BACKUPD_BIN names the binary (scripts/sdk-tests sets it). The server runs
`backupd serve --host 127.0.0.1 --port <free> --store sqlite::memory: --seed <tmp seed>`,
logs to a file in a temporary directory, and is stopped (SIGTERM, then SIGKILL) at the end,
also when a test or the start fails. Should pytest itself be killed, the kernel sends the
server SIGTERM (PR_SET_PDEATHSIG).
"""

import ctypes
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from huaweicloudsdkcore.auth.credentials import Credentials

import catalog
from support import issue_token

TEST_TIMEOUT = int(os.environ.get("BACKUPD_SDK_TEST_TIMEOUT", "60"))  # seconds, per test
START_TIMEOUT = 30  # seconds for GET /health to answer 200


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
    """A running backupd; stop() ends it (SIGTERM, then SIGKILL) and is safe to call twice."""

    def __init__(self, base, process, log):
        self.base, self.process, self.log = base, process, log

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_backupd(workdir, store, seed_file=None, name="backupd"):
    """Starts `backupd serve` on a free 127.0.0.1 port and waits for GET /health to answer 200.
    Fails the calling test or fixture (with the log's tail) if it does not within START_TIMEOUT."""
    binary = os.environ.get("BACKUPD_BIN")
    if not binary:
        pytest.exit("BACKUPD_BIN is not set: run the suite with scripts/sdk-tests", returncode=2)
    log = workdir / (name + ".log")
    port = _free_port()
    command = [binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", store]
    if seed_file:
        command += ["--seed", str(seed_file)]
    with open(log, "ab") as log_file:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT, cwd=workdir, preexec_fn=_die_with_parent)
    server = Server("http://127.0.0.1:%d" % port, process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail("%s exited with status %s before it was ready; log tail:\n%s"
                            % (name, process.returncode, _tail(log)), pytrace=False)
            try:
                with urllib.request.urlopen(server.base + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        return server
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("%s did not answer GET /health with 200 within %ds; log tail:\n%s"
                            % (name, START_TIMEOUT, _tail(log)), pytrace=False)
            time.sleep(0.1)
    except BaseException:
        server.stop()
        raise


@pytest.fixture(scope="session")
def launch():
    """start_backupd, for tests that need servers of their own (they must stop them)."""
    return start_backupd


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
def server(seed_file, tmp_path_factory):
    """The suite's backupd: the seed in an in-memory store."""
    try:
        server = start_backupd(tmp_path_factory.mktemp("backupd"), "sqlite::memory:", seed_file)
    except pytest.fail.Exception as failure:
        # Every test needs it: stop here rather than report the same error once per test.
        pytest.exit(str(failure), returncode=3)
    try:
        yield server
        if server.process.poll() is not None:
            pytest.fail("backupd died during the suite (status %s); log tail:\n%s"
                        % (server.process.returncode, _tail(server.log)), pytrace=False)
    finally:
        server.stop()


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
