"""Functional tests: the installed ``litellm-proxy`` against a real LiteLLM proxy.

The proxy is real (LiteLLM with PostgreSQL). Either point the tests at a
running one:

    LITELLM_CLI_TEST_URL=http://127.0.0.1:4400 LITELLM_CLI_TEST_KEY=sk-master-1234 pytest tests/functional

or let the fixtures start disposable ones with the project's sandbox,
``tools/proxy_sandbox.py`` (state in ``LITELLM_CLI_SANDBOX``, default
``/tmp/litellm-cli-sandbox-UID``; release ``LITELLM_CLI_SANDBOX_LITELLM``, default the pinned
one); they are stopped when the session ends. A second
proxy on a second database (``second_proxy``) is started only when a test asks
for it, or taken from ``LITELLM_CLI_TEST_URL2``/``LITELLM_CLI_TEST_KEY2``.
"""

import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest
import requests

from litellm_cli.versions import parse
from tools.proxy_sandbox import LITELLM_VERSION, free_port

REPO = pathlib.Path(__file__).resolve().parents[2]
CLI = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable)) or shutil.which(
    "litellm-proxy")
SANDBOX = [sys.executable, str(REPO / "tools" / "proxy_sandbox.py")]
# The LiteLLM release the suite runs against: the one tools/compat.sh (or whoever starts the
# sandbox) asked for, else the pinned one. test_foundation checks the proxy says it.
RELEASE = os.environ.get("LITELLM_CLI_SANDBOX_LITELLM") or LITELLM_VERSION


class Proxy:
    def __init__(self, url, key):
        self.url = url
        self.key = key


def _proxy(suffix, request):
    """The proxy from LITELLM_CLI_TEST_URL{suffix}/KEY{suffix}, else a sandbox proxy of this
    session (stopped, by its recorded pid, when the session ends)."""
    url = os.environ.get(f"LITELLM_CLI_TEST_URL{suffix}")
    key = os.environ.get(f"LITELLM_CLI_TEST_KEY{suffix}")
    if url and key:
        return Proxy(url.rstrip("/"), key)
    name = f"test{suffix}-{os.getpid()}"
    request.addfinalizer(lambda: subprocess.run([*SANDBOX, "stop", "--name", name], check=False))
    started = subprocess.run([*SANDBOX, "start", "--name", name], capture_output=True, text=True)
    exports = subprocess.run([*SANDBOX, "env", "--name", name], capture_output=True, text=True)
    if started.returncode or exports.returncode:
        pytest.exit(f"no real proxy: set LITELLM_CLI_TEST_URL{suffix}/LITELLM_CLI_TEST_KEY{suffix}, "
                    f"or fix what tools/proxy_sandbox.py says:\n{started.stderr[-3000:]}", returncode=3)
    variables = dict(shlex.split(line)[1].split("=", 1) for line in exports.stdout.splitlines())
    return Proxy(variables["LITELLM_PROXY_URL"], variables["LITELLM_PROXY_API_KEY"])


@pytest.fixture(scope="session")
def proxy(request):
    return _proxy("", request)


@pytest.fixture
def sync(proxy):
    """The state engine (litellm_cli.api.state_sync) on ``proxy``, with the master key."""
    from litellm_cli.api.state_sync import StateSync
    from litellm_cli.session import Session

    return StateSync(Session(proxy.url, api_key=proxy.key))


def apply_state(sync, data, prune=False):
    """Plan and run the state ``data`` with ``sync`` (the engine); no object may fail."""
    plan = sync.plan(data, prune=prune)
    sync.execute(plan)
    assert [(i.name, i.reason) for i in plan.items if i.status == "failed"] == []
    return plan


@pytest.fixture(scope="session")
def second_proxy(request):
    """Another proxy with a database of its own (same interface as ``proxy``)."""
    return _proxy("2", request)


def closed_port():
    """A port on 127.0.0.1 where nothing listens."""
    return free_port()


def wait_for(check, timeout=45):
    """``check()`` once it is true, or its last value after ``timeout`` seconds:
    the proxy writes spend and end users to the database in batches."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(1)


class Result:
    def __init__(self, completed):
        self.rc = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"<rc={self.rc} out={self.out[-2000:]!r} err={self.err[-2000:]!r}>"


def cli_env(url, key=None, env=None):
    """The environment the CLI runs in: this one without LITELLM_*, plus url and key."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM_")}
    full_env.update(LITELLM_PROXY_URL=url, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
                    # Never pick up (nor, even as root, write) the profiles of whoever
                    # runs the tests: nothing can be created under /dev/null.
                    LITELLM_CLI_CONFIG="/dev/null/litellm-cli-test/config.yaml")
    if key is not None:
        full_env["LITELLM_PROXY_API_KEY"] = key
    full_env.update(env or {})
    return full_env


def run_cli(args, url, key=None, input=None, env=None, timeout=120):
    """Run the installed console script and capture everything."""
    assert CLI, "litellm-proxy is not installed in this environment"
    full_env = cli_env(url, key, env)
    completed = subprocess.run([CLI, *args], input=input, env=full_env, capture_output=True,
                               text=True, timeout=timeout)
    return Result(completed)


@pytest.fixture
def cli(proxy):
    """``cli("models", "list", "-f", "json")`` runs the CLI with the master key."""

    def _run(*args, key=proxy.key, **kwargs):
        return run_cli(list(args), proxy.url, key=key, **kwargs)

    return _run


@pytest.fixture(scope="session")
def proxy_version(proxy):
    """The LiteLLM release the proxy says it runs ("1.108.7"), as the CLI reads it: tests
    whose expected behaviour differs between releases decide by it (``older``)."""
    res = run_cli(["version", "-f", "value", "-c", "server_version"], proxy.url, key=proxy.key)
    assert res.rc == 0 and res.out.strip(), res
    return res.out.strip()


def older(version, release):
    """True when ``version`` comes before ``release`` (``older("1.100.5", "1.106")``)."""
    return parse(version) < parse(release)


# State files (state export/diff/apply) are developed on 1.108.7; on 1.90.7 these tests meet
# differences of the proxy that the commands report as failures (never as done): README,
# "Works with". They still run there, and say so if one starts to pass.
BEFORE_1_108 = pytest.mark.xfail(older(RELEASE, "1.108"), strict=False,
                                 reason="state files on LiteLLM < 1.108: a known difference "
                                        "(README, Works with)")


@pytest.fixture
def unique():
    """A short unique name for objects a test creates (clean them up too)."""
    return f"t-{uuid.uuid4().hex[:10]}"


class ProxyAPI:
    """Direct calls to the proxy with the master key, to set up and to check effects."""

    def __init__(self, proxy):
        self.url = proxy.url
        self.headers = {"Authorization": f"Bearer {proxy.key}"}

    def call(self, method, path, json=None, **params):
        return requests.request(method, f"{self.url}{path}", json=json, params=params,
                                headers=self.headers, timeout=60)

    def ok(self, method, path, json=None, **params):
        response = self.call(method, path, json=json, **params)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def key_info(self, key):
        return self.ok("GET", "/key/info", key=key)["info"]

    def keys_with_alias(self, alias):
        return self.ok("GET", "/key/list", key_alias=alias)["keys"]

    def generate(self, **body):
        return self.ok("POST", "/key/generate", json=body)

    def delete_keys(self, *aliases):
        for alias in aliases:
            self.call("POST", "/key/delete", json={"key_aliases": [alias]})


@pytest.fixture
def api(proxy):
    """Direct master-key calls to the real proxy, to set up and to check effects."""
    return ProxyAPI(proxy)
