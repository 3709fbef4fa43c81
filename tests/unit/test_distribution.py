"""The CLI as an installed distribution: its version without ``litellm_cli/__init__.py``,
its two command names, and the check for a ``litellm`` package sharing its files.

The environments are fake site directories (dist-info folders with RECORD files,
and a bin folder of scripts) put first on sys.path, where importlib.metadata looks.
"""

import base64
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys

import pytest

from litellm_cli import distribution

FIX = ("run `litellm-cli`, or install this CLI in an environment of its own (pipx install or "
       "uv tool install)")
ISOLATED = "install this CLI in an environment of its own (pipx install or uv tool install)"
SCRIPT = b"#!/usr/bin/python\nfrom litellm_cli.shell import run\nrun()\n"


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _dist(site, name, version, files):
    """A dist-info folder in ``site`` whose RECORD lists ``files`` ({path: bytes})."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "RECORD").write_text("\n".join(_record_line(p, d) for p, d in files.items()) + "\n")


@pytest.fixture
def environment(tmp_path, monkeypatch):
    """A fake environment holding this CLI (9.9.9) with both scripts as installed."""
    site = tmp_path / "site"
    (tmp_path / "bin").mkdir()
    site.mkdir()
    files = {"litellm_cli/__init__.py": b""}
    for script in ("litellm-proxy", "litellm-cli"):
        (tmp_path / "bin" / script).write_bytes(SCRIPT)
        files[f"../bin/{script}"] = SCRIPT
    _dist(site, "litellm-cli", "9.9.9", files)
    monkeypatch.syspath_prepend(str(site))
    distribution.version.cache_clear()
    yield tmp_path
    distribution.version.cache_clear()


def _add_litellm(environment, version="1.110.2", ships_cli=True):
    files = {"litellm/__init__.py": b"x"}
    if ships_cli:
        files.update({"litellm_cli/__init__.py": b"", "litellm_cli/main.py": b"y",
                      "../bin/litellm-proxy": b"#!/usr/bin/python\nfrom litellm_cli.main import x\n"})
    _dist(environment / "site", "litellm", version, files)


def test_version_comes_from_the_installed_distribution_s_metadata(environment):
    assert distribution.version() == "9.9.9"


def test_version_in_a_source_tree_without_metadata_is_the_version_file(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    distribution.version.cache_clear()
    try:
        with open(os.path.join(os.path.dirname(distribution.__file__), "_version.txt")) as f:
            assert distribution.version() == f.read().strip()
    finally:
        distribution.version.cache_clear()


def test_the_package_s_init_holds_nothing_so_a_neighbour_s_copy_or_none_changes_nothing():
    init = os.path.join(os.path.dirname(distribution.__file__), "__init__.py")
    assert os.path.getsize(init) == 0


def test_alone_in_its_environment_nothing_is_reported(environment):
    assert distribution.check() is None


def test_a_litellm_release_without_litellm_cli_is_no_neighbour(environment):
    _add_litellm(environment, version="1.108.7", ships_cli=False)
    assert distribution.check() is None


def test_litellm_installed_before_this_cli_is_reported_as_a_risk(environment):
    _add_litellm(environment)
    assert distribution.check() == (
        "the litellm package (1.110.2) in this environment ships a litellm_cli package and a "
        "`litellm-proxy` too: installing, upgrading or removing it breaks this CLI's commands; "
        + ISOLATED)


def test_litellm_installed_after_this_cli_replaced_litellm_proxy(environment):
    _add_litellm(environment)
    (environment / "bin" / "litellm-proxy").write_bytes(b"#!/usr/bin/python\nfrom litellm_cli.main")
    assert distribution.check() == (
        f"the litellm package (1.110.2) in this environment replaced `litellm-proxy`; {FIX}")


def test_litellm_uninstalled_after_replacing_it_left_no_litellm_proxy(environment):
    (environment / "bin" / "litellm-proxy").unlink()
    assert distribution.check() == f"another package removed `litellm-proxy`; {FIX}"


def test_with_both_commands_gone_the_fix_is_an_isolated_install(environment):
    (environment / "bin" / "litellm-proxy").unlink()
    (environment / "bin" / "litellm-cli").write_bytes(b"something else")
    assert distribution.check() == (
        f"another package replaced `litellm-cli` and removed `litellm-proxy`; {ISOLATED}")


def test_run_from_a_source_tree_nothing_is_checked(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    assert distribution.check() is None


@pytest.mark.parametrize("script", ["litellm-proxy", "litellm-cli"])
def test_messages_name_the_command_the_cli_was_run_as(script):
    cli = shutil.which(script, path=os.path.dirname(sys.executable))
    assert cli, f"{script} is not installed (pip install -e .)"
    result = subprocess.run([cli, "--no-such-option"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.endswith(f"(see '{script} --help')\n"), result.stderr
    result = subprocess.run([cli, "models"], capture_output=True, text=True)
    assert f"Run '{script} models COMMAND --help'" in result.stdout


def test_a_script_that_cannot_be_read_is_not_judged(environment):
    (environment / "bin" / "litellm-proxy").unlink()
    (environment / "bin" / "litellm-proxy").mkdir()  # reading it fails, and not as missing
    assert distribution.check() is None


@pytest.mark.parametrize("argv", [["--help"], [], ["models"], ["models", "list", "--help"]])
def test_help_never_checks_the_environment(argv, monkeypatch, capsys):
    from litellm_cli import shell

    def checked():
        raise AssertionError("the environment was checked")

    monkeypatch.setattr(distribution, "check", checked)
    assert shell.main(argv) == 0
    assert "usage:" in capsys.readouterr().out.lower()
