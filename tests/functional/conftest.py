"""Functional tests: the installed ``litellm-proxy`` against a real LiteLLM proxy.

The proxy is real (LiteLLM with PostgreSQL). Either point the tests at a
running one:

    LITELLM_CLI_TEST_URL=http://127.0.0.1:4400 LITELLM_CLI_TEST_KEY=sk-master-1234 pytest tests/functional

or let this fixture start a disposable one with the test-server tool from the
shared folder beside the repository (``../shared/litellm-test-server``, or
the path in ``LITELLM_TEST_SERVER``); it keeps its state in
``LITELLM_CLI_TEST_WORK`` (default ``/tmp/litellm-cli-test-server``) and is
stopped when the session ends.
"""

import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import uuid

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
CLI = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable)) or shutil.which(
    "litellm-proxy")


def _server_tool():
    path = os.environ.get("LITELLM_TEST_SERVER") or str(
        REPO.parent / "shared" / "litellm-test-server" / "litellm-test-server")
    if not os.path.exists(path):
        pytest.exit(f"no real proxy: set LITELLM_CLI_TEST_URL/LITELLM_CLI_TEST_KEY, or provide "
                    f"the test server tool at {path} (or LITELLM_TEST_SERVER)", returncode=3)
    return path


class Proxy:
    def __init__(self, url, key, tool=None, env=None):
        self.url = url
        self.key = key
        self.tool = tool
        self.env = env

    def stop(self):
        if self.tool:
            subprocess.run([self.tool, "stop"], env=self.env, check=False)


@pytest.fixture(scope="session")
def proxy():
    url, key = os.environ.get("LITELLM_CLI_TEST_URL"), os.environ.get("LITELLM_CLI_TEST_KEY")
    if url and key:
        yield Proxy(url.rstrip("/"), key)
        return
    tool = _server_tool()
    env = dict(os.environ, WORK=os.environ.get("LITELLM_CLI_TEST_WORK",
                                               "/tmp/litellm-cli-test-server"))
    env.pop("DATABASE_URL", None)
    subprocess.run([tool, "setup"], env=env, check=True)
    started = subprocess.run([tool, "start", "0"], env=env, check=True,
                             stdout=subprocess.PIPE, text=True)
    server = Proxy(started.stdout.strip(), env.get("LITELLM_MASTER_KEY", "sk-master-1234"),
                   tool, env)
    try:
        yield server
    finally:
        server.stop()


def closed_port():
    """A port on 127.0.0.1 where nothing listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


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
                    # Never pick up the profiles of whoever runs the tests.
                    LITELLM_CLI_CONFIG="/nonexistent/litellm-cli-test/config.yaml")
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
