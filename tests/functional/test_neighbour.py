"""The CLI beside the ``litellm`` package in one environment.

From 1.110 the ``litellm`` wheel ships a ``litellm_cli`` package (an empty
``__init__.py`` and ``main.py``) and a ``litellm-proxy`` script of its own:
installing it after this CLI replaces both, uninstalling it deletes them. A
scratch venv gets this CLI (a wheel built from the worktree) and then
``litellm`` without its dependencies, as an operator would; ``litellm-cli``
must keep working and explain, before and after ``litellm`` is uninstalled.
No proxy is needed: the CLI talks to a closed port.
"""

import json
import os
import subprocess
import sys
import venv

import pytest

from tests.functional.conftest import REPO, cli_env, closed_port

LITELLM = "litellm==1.110.2"  # the newest release when written; it ships litellm_cli
FIX = ("run `litellm-cli`, or install this CLI in an environment of its own (pipx install or "
       "uv tool install)")


def _pip(scratch, *args):
    """The test environment's pip, acting on the scratch venv (which has no pip)."""
    subprocess.run([sys.executable, "-m", "pip", "--python", str(scratch / "bin" / "python"),
                    "--quiet", "--disable-pip-version-check", *args], check=True)


class Scratch:
    def __init__(self, path):
        self.path = path
        self.url = f"http://127.0.0.1:{closed_port()}"

    def run(self, *args):
        """Run a command of the scratch venv (``litellm-cli ...``, ``python ...``), in the
        venv's folder: from the worktree, ``python -m`` would import the worktree's code."""
        return subprocess.run([str(self.path / "bin" / args[0]), *args[1:]], cwd=self.path,
                              env=cli_env(self.url), capture_output=True, text=True, timeout=120)

    def script(self, name):
        return self.path / "bin" / name


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A scratch venv with this CLI installed from a wheel, as a user would."""
    work = tmp_path_factory.mktemp("neighbour")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(work / "wheels"), str(REPO)], check=True)
    venv.create(work / "venv", with_pip=False)
    _pip(work / "venv", "install", "--no-compile", *map(str, (work / "wheels").glob("litellm_cli-*.whl")))
    return Scratch(work / "venv")


@pytest.fixture(scope="module")
def beside_litellm(installed, tmp_path_factory):
    """The same venv after ``pip install --no-deps litellm`` (downloaded once)."""
    download = tmp_path_factory.mktemp("litellm-wheel")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "-d", str(download), LITELLM], check=True)
    _pip(installed.path, "install", "--no-compile", "--no-deps", *map(str, download.glob("*.whl")))
    return installed


@pytest.fixture(scope="module")
def after_uninstall(beside_litellm):
    """The same venv after ``pip uninstall litellm``."""
    _pip(beside_litellm.path, "uninstall", "--yes", "litellm")
    return beside_litellm


def _version(scratch, command):
    """``COMMAND version -f json`` as a dict, and the warnings of ``COMMAND --version``."""
    shown = scratch.run(*command, "version", "-f", "json")
    assert shown.returncode == 0, shown
    asked = scratch.run(*command, "--version")
    assert asked.returncode == 0 and "litellm-cli" in asked.stdout, asked
    assert asked.stderr.count("warning:") == shown.stderr.count("warning:"), (asked, shown)
    return json.loads(shown.stdout), [
        line for line in asked.stderr.splitlines() if line.startswith("warning:")]


def test_alone_both_commands_say_which_program_they_are_and_warn_of_nothing(installed):
    for command in (["litellm-proxy"], ["litellm-cli"], ["python", "-m", "litellm_cli"]):
        shown, warnings = _version(installed, command)
        assert shown["client"] == "litellm-cli" and shown["client_version"], shown
        assert warnings == []


def test_beside_litellm_litellm_cli_works_and_says_litellm_replaced_litellm_proxy(beside_litellm):
    package = beside_litellm.path / "lib"
    assert any(package.glob("python3*/site-packages/litellm_cli/main.py")), "litellm shipped none"
    assert "litellm_cli.main" in beside_litellm.script("litellm-proxy").read_text()
    for command in (["litellm-cli"], ["python", "-m", "litellm_cli"]):
        shown, warnings = _version(beside_litellm, command)
        assert shown["client"] == "litellm-cli" and shown["client_version"], shown
        assert warnings == ["warning: the litellm package (1.110.2) in this environment replaced "
                            f"`litellm-proxy`; {FIX}"]


def test_beside_litellm_the_commands_load_through_their_entry_points(beside_litellm):
    result = beside_litellm.run("litellm-cli", "plugin", "list", "-f", "value", "-c", "status")
    assert result.returncode == 0 and result.stdout.split() and set(result.stdout.split()) == {
        "ok"}, result
    result = beside_litellm.run("litellm-cli", "models", "list")
    assert result.returncode == 3 and "cannot reach the LiteLLM proxy" in result.stderr, result


def test_after_uninstalling_litellm_litellm_cli_works_without_its_init_and_says_what_is_gone(
        after_uninstall):
    package = next((after_uninstall.path / "lib").glob("python3*/site-packages/litellm_cli"))
    assert not (package / "__init__.py").exists() and not after_uninstall.script(
        "litellm-proxy").exists()
    for command in (["litellm-cli"], ["python", "-m", "litellm_cli"]):
        shown, warnings = _version(after_uninstall, command)
        assert shown["client"] == "litellm-cli" and shown["client_version"], shown
        assert warnings == [f"warning: another package removed `litellm-proxy`; {FIX}"]
    result = after_uninstall.run("litellm-cli", "keys", "list", "--bogus")
    assert result.returncode == 2 and "'litellm-cli keys list --help'" in result.stderr, result
    assert os.access(after_uninstall.script("litellm-cli"), os.X_OK)
