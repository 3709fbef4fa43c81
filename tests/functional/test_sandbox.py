"""The sandbox's proxies: the second proxy of the functional tests is another proxy with a
database of its own, and the sandbox's PostgreSQL lets nobody in without its password."""

import os
import pathlib
import subprocess

import pytest

from tests.functional.conftest import SANDBOX, ProxyAPI
from tools import proxy_sandbox


def test_second_proxy_has_its_own_database(proxy, second_proxy, unique):
    first, second = ProxyAPI(proxy), ProxyAPI(second_proxy)
    assert proxy.url != second_proxy.url
    try:
        first.generate(key_alias=f"{unique}-first")
        second.generate(key_alias=f"{unique}-second")
        assert len(first.keys_with_alias(f"{unique}-first")) == 1
        assert len(second.keys_with_alias(f"{unique}-second")) == 1
        assert first.keys_with_alias(f"{unique}-second") == []
        assert second.keys_with_alias(f"{unique}-first") == []
    finally:
        first.delete_keys(f"{unique}-first")
        second.delete_keys(f"{unique}-second")


def test_sandbox_postgres_needs_its_password_and_has_no_tcp_port(proxy):
    folder = pathlib.Path(os.environ.get("LITELLM_CLI_SANDBOX") or proxy_sandbox.default_dir())
    status = subprocess.run([*SANDBOX, "--dir", str(folder), "status"], capture_output=True, text=True)
    if "postgresql: running" not in status.stdout:
        pytest.skip(f"the proxy under test ({proxy.url}) is not one of the sandbox in {folder}")
    sandbox = proxy_sandbox.Sandbox(folder)
    sandbox.find_postgres()
    port = (folder / "pg-port").read_text().strip()
    psql = [str(sandbox.pg_bin / "psql"), "-w", "-X", "-p", port, "-U", "postgres", "-d", "postgres",
            "-c", "SELECT 1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}

    def connect(host, **extra):
        return subprocess.run([*psql, "-h", host], capture_output=True, text=True,
                              env={**env, **extra})

    refused = connect(str(sandbox.pg))
    assert refused.returncode != 0 and "no password supplied" in refused.stderr
    wrong = connect(str(sandbox.pg), PGPASSWORD="not-the-password")
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr
    assert connect("127.0.0.1", PGPASSWORD=(folder / "pg-password").read_text().strip()).returncode
    allowed = connect(str(sandbox.pg), PGPASSWORD=(folder / "pg-password").read_text().strip())
    assert allowed.returncode == 0, allowed.stderr
