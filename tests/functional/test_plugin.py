"""Third-party command groups: installing a package adds commands; a broken one only warns."""

import importlib.util
import pathlib
import subprocess
import sys
import time

import pytest

from tests.functional.conftest import run_cli

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def acme_plugin():
    """The example package from examples/, installed into the test environment for
    these tests only: it is uninstalled afterwards, so a test run leaves no
    extra commands behind (unless it was installed before)."""
    installed_before = importlib.util.find_spec("litellm_cli_acme_report") is not None
    if not installed_before:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-e",
                        str(REPO / "examples" / "litellm-cli-acme-report")], check=True)
    yield
    if not installed_before:
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes",
                        "litellm-cli-acme-report"], check=True)


@pytest.fixture(scope="module")
def spend_ready(proxy, acme_plugin):
    """Make sure the proxy has logged some spend (it writes spend logs within seconds)."""
    run_cli(["http", "request", "POST", "/chat/completions", "-j",
             '{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}'],
            proxy.url, key=proxy.key)
    for _ in range(60):
        res = run_cli(["acme-report", "models", "-f", "json"], proxy.url, key=proxy.key)
        if res.rc == 0 and res.json():
            return res.json()
        time.sleep(0.5)
    pytest.fail(f"the proxy logged no spend within 30 s: {res}")


@pytest.fixture
def broken_plugin(tmp_path):
    """A package whose entry point names a module that does not import, on PYTHONPATH."""
    dist = tmp_path / "broken_example-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-example\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[litellm.cli]\nbroken_report = broken_example_module:Report\n")
    (tmp_path / "broken_example_module.py").write_text("raise ImportError('boom at import')\n")
    return {"PYTHONPATH": str(tmp_path)}


def test_installed_example_adds_a_working_command_group(cli, spend_ready):
    res = cli("acme-report", "models", "-f", "json")
    assert res.rc == 0, res
    rows = res.json()
    assert "openai/gpt-4o" in {row["model"] for row in rows}
    assert all(isinstance(row["total_spend"], (int, float)) for row in rows)
    assert "  acme-report  keys, models" in cli("--help").out


@pytest.mark.parametrize("fmt,check", [
    ("table", lambda out: "| model" in out),
    ("json", lambda out: out.lstrip().startswith("[")),
    ("yaml", lambda out: "model:" in out),
    ("csv", lambda out: out.startswith('"model","total_spend"')),
    ("value", lambda out: "|" not in out and not out.startswith("model")),
])
def test_plugin_commands_get_every_formatter(cli, spend_ready, fmt, check):
    res = cli("acme-report", "models", "-f", fmt)
    assert res.rc == 0, res
    assert check(res.out), res.out


def test_plugin_list_names_the_distribution(cli, acme_plugin):
    res = cli("plugin", "list", "-f", "json")
    assert res.rc == 0, res
    rows = {r["group"]: r for r in res.json()}
    assert rows["acme-report"]["package"] == "litellm-cli-acme-report"
    assert rows["acme-report"]["commands"] == ["keys", "models"]
    assert rows["spend"]["package"] == "litellm-cli"
    assert rows["models"]["package"] == "litellm-cli" and rows["models"]["status"] == "ok"


def test_broken_plugin_only_breaks_its_own_command(cli, broken_plugin):
    res = cli("broken", "report", env=broken_plugin)
    assert res.rc == 1, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "broken_report = broken_example_module:Report" in lines[0]
    assert "boom at import" in lines[0] and "Traceback" not in res.err
    ok = cli("models", "list", "-f", "json", env=broken_plugin)
    assert ok.rc == 0 and ok.err == "", ok
    listing = cli("plugin", "list", "-f", "json", env=broken_plugin)
    rows = {r["group"]: r for r in listing.json()}
    assert "boom at import" in rows["broken"]["status"]
    assert rows["broken"]["package"] == "broken-example"
