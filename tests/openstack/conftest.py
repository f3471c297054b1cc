"""The one backupd the suite talks to, over HTTPS, and a way to run the tool against it.

BACKUPD_BIN names the binary (scripts/openstack-tests sets it). The session starts
`backupd dev-cert --out <tmp>/tls`, then `backupd serve --host 127.0.0.1 --port <free>
--store sqlite::memory: --seed examples/seed.json --tls-cert … --tls-key …`, waits for
`GET https://localhost:<port>/health` (verified against the dev CA) and stops it at the end
(SIGTERM, then SIGKILL). Should pytest itself be killed, the kernel sends it SIGTERM
(PR_SET_PDEATHSIG).
"""

import ctypes
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

try:
    import openstack  # noqa: F401
except ImportError:
    # Another suite's pytest (scripts/sdk-tests collects the whole repository from its working
    # directory) in an environment without the tool: this suite is scripts/openstack-tests' only.
    collect_ignore = ["test_openstack.py"]

ROOT = Path(__file__).resolve().parents[2]
TOOL = Path(__file__).resolve().with_name("tool.py")
START_TIMEOUT = 30  # seconds for GET /health to answer 200
TOOL_TIMEOUT = 120  # seconds for one run of tool.py


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


class Backupd:
    def __init__(self, port, tls, log):
        self.port, self.tls, self.log = port, tls, log
        self.auth_url = "https://localhost:%d/v3" % port
        self.cacert = tls / "ca.pem"


@pytest.fixture(scope="session")
def seed():
    return json.loads((ROOT / "examples" / "seed.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def backupd(tmp_path_factory):
    binary = os.environ.get("BACKUPD_BIN")
    if not binary:
        pytest.exit("BACKUPD_BIN is not set: run the suite with scripts/openstack-tests", returncode=2)
    workdir = tmp_path_factory.mktemp("backupd")
    tls, log, port = workdir / "tls", workdir / "backupd.log", _free_port()
    done = subprocess.run([binary, "dev-cert", "--out", str(tls)], stdin=subprocess.DEVNULL,
                          capture_output=True, cwd=workdir, timeout=60)
    if done.returncode != 0:
        pytest.exit("backupd dev-cert failed (%d): %s" % (done.returncode, (done.stdout + done.stderr)
                                                          .decode(errors="replace")), returncode=3)
    command = [binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", "sqlite::memory:",
               "--seed", str(ROOT / "examples" / "seed.json"),
               "--tls-cert", str(tls / "cert.pem"), "--tls-key", str(tls / "key.pem"),
               # Token catalogs with the OpenStack service types (auth.md §2.2, §2.6).
               "--openstack-catalog"]
    with open(log, "ab") as log_file:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT, cwd=workdir, preexec_fn=_die_with_parent)
    server = Backupd(port, tls, log)
    try:
        context = ssl.create_default_context(cafile=str(server.cacert))
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.exit("backupd exited with status %s before it was ready; log tail:\n%s"
                            % (process.returncode, _tail(log)), returncode=3)
            try:
                url = "https://localhost:%d/health" % port
                with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.exit("backupd did not answer GET /health with 200 within %ds; log tail:\n%s"
                            % (START_TIMEOUT, _tail(log)), returncode=3)
            time.sleep(0.1)
        yield server
        if process.poll() is not None:
            pytest.fail("backupd died during the suite (status %s); log tail:\n%s"
                        % (process.returncode, _tail(log)), pytrace=False)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


class Run:
    """One run of tool.py: its JSON answer, exit status, and the HTTP requests it made."""

    def __init__(self, args, done):
        self.args, self.status = args, done.returncode
        self.stdout = done.stdout.decode(errors="replace")
        self.stderr = done.stderr.decode(errors="replace")
        try:
            self.answer = json.loads(self.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            self.answer = None
        # WIRE: https://localhost:1234 "GET /v3/x?y=z HTTP/1.1" 200 31  ->  GET https://localhost:1234/v3/x?y=z 200
        self.requests = []
        for line in self.stderr.splitlines():
            if line.startswith("WIRE: ") and '"' in line:
                origin, request, outcome = line[6:].split('"')
                method, target = request.split()[:2]
                self.requests.append("%s %s%s %s" % (method, origin.strip(), target, outcome.split()[0]))

    def explain(self):
        """For a failure message: what was run, what it answered, every request, keystoneauth's log."""
        log = "\n".join(line for line in self.stderr.splitlines() if not line.startswith("WIRE: "))
        return "tool.py %s exited %s\nstdout: %s\nrequests:\n  %s\nkeystoneauth's log:\n%s" % (
            " ".join(self.args), self.status, self.stdout.strip()[:4000],
            "\n  ".join(self.requests) or "(none)", log[-12000:])


@pytest.fixture(scope="session")
def run_tool(backupd, tmp_path_factory):
    """run_tool(*args, project="cn-north-4", **os_overrides): runs tool.py with nothing but the
    standard OS_* variables (OS_CACERT=None leaves it out) and an empty HOME."""
    home = tmp_path_factory.mktemp("home")

    def run(*args, project="cn-north-4", **overrides):
        env = {"OS_AUTH_URL": backupd.auth_url, "OS_AUTH_TYPE": "password", "OS_USERNAME": "alice",
               "OS_PASSWORD": "Passw0rd!alice", "OS_USER_DOMAIN_NAME": "acme",
               "OS_PROJECT_DOMAIN_NAME": "acme", "OS_PROJECT_NAME": project,
               "OS_CACERT": str(backupd.cacert)}
        env.update(overrides)
        env = {k: v for k, v in env.items() if v is not None}
        env["HOME"] = str(home)  # no clouds.yaml or cache of the real home
        done = subprocess.run([sys.executable, str(TOOL), *args], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, cwd=home, timeout=TOOL_TIMEOUT)
        return Run(args, done)

    return run
