"""The shell: laziness, help, usage errors, plugin load failures."""

import importlib.metadata
import json
import os
import shutil
import logging
import subprocess
import sys

import pytest
import stevedore

from litellm_cli import exceptions, shell
from litellm_cli.commandmanager import CommandManager

PROBE = """
import json, sys
from litellm_cli import shell
try:
    rc = shell.main(sys.argv[1:])
except SystemExit as exc:
    rc = exc.code
sys.stdout.write("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""


def _modules_after(*argv):
    res = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "LITELLM_PROXY_URL": "http://127.0.0.1:9"})
    assert "MODULES " in res.stdout, res.stderr
    return set(json.loads(res.stdout.rsplit("MODULES ", 1)[1]))


@pytest.mark.parametrize("argv", [["--help"], []])
def test_top_help_imports_neither_cliff_nor_http_nor_yaml(argv):
    modules = _modules_after(*argv)
    for heavy in ("requests", "yaml", "cmd2", "urllib3", "cliff.app"):
        assert heavy not in modules, heavy
    assert not any(m.startswith("litellm_cli.plugins.") for m in modules)


@pytest.mark.parametrize("group", ["models", "credentials", "keys", "users", "teams", "chat",
                                   "http", "profile", "spend", "budgets", "customers", "orgs",
                                   "model-groups"])
def test_command_modules_import_no_http_or_yaml_at_module_level(group):
    # Listing a group imports its command modules (for their help lines) and nothing heavy.
    modules = _modules_after(group)
    assert f"litellm_cli.plugins.{group.replace('-', '_')}" in modules
    for heavy in ("requests", "yaml", "cmd2", "urllib3"):
        assert heavy not in modules, heavy


@pytest.mark.parametrize("words", [["http", "request"], ["users", "list"], ["teams", "create"],
                                   ["keys", "generate"], ["models", "import"],
                                   ["credentials", "create"], ["chat", "completions"],
                                   ["profile", "show"], ["spend", "logs"], ["spend", "report"],
                                   ["budgets", "update"], ["customers", "block"],
                                   ["orgs", "member", "add"], ["model-groups", "list"],
                                   ["health"], ["health", "models"]])
def test_running_one_command_imports_no_other_command_group(words):
    modules = _modules_after("help", *words)
    own = f"litellm_cli.plugins.{words[0].replace('-', '_')}"
    assert own in modules
    others = {m for m in modules if m.startswith("litellm_cli.plugins.") and m != own}
    assert others == set()
    assert "cmd2" not in modules


def test_top_help_lists_every_group(capsys):
    assert shell.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--base-url URL" in out and "Exit codes:" in out
    assert "  http         request" in out


def test_a_group_word_that_is_also_a_command_is_listed_with_its_subcommands(capsys):
    assert shell.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "  health       [models]\n" in out
    assert "  version\n" in out


def test_a_group_word_that_is_also_a_command_runs_the_command():
    modules = _modules_after("health")
    assert "litellm_cli.plugins.health" in modules and "requests" in modules


def test_group_word_alone_lists_its_commands_with_descriptions(capsys):
    assert shell.main(["http"]) == 0
    out = capsys.readouterr().out
    assert "http request  Send an HTTP request" in out


def test_missing_argument_is_one_line_usage_error(capsys):
    assert shell.main(["http", "request"]) == exceptions.EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: the following arguments are required")


def test_unknown_command_suggests_close_names(capsys):
    assert shell.main(["http", "reqest"]) == exceptions.EXIT_USAGE
    assert "did you mean: http request?" in capsys.readouterr().err


def test_bad_global_timeout_is_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        shell.main(["--timeout", "soon", "version"])
    assert exit_.value.code == exceptions.EXIT_USAGE
    assert "expected a number of seconds" in capsys.readouterr().err


def _manager_with(monkeypatch, **eps):
    """A manager that discovers extra entry points, as if a package registered them."""
    cache = stevedore.ExtensionManager.ENTRY_POINT_CACHE
    listed = stevedore.NamedExtensionManager("litellm.cli", names=[]).list_entry_points()
    extra = [importlib.metadata.EntryPoint(n, v, "litellm.cli") for n, v in eps.items()]
    monkeypatch.setitem(cache, "litellm.cli", list(listed) + extra)
    return CommandManager()


def test_broken_plugin_fails_only_its_own_command(monkeypatch, caplog):
    manager = _manager_with(monkeypatch, broken_thing="litellm_cli_no_such_module:Cmd")
    with pytest.raises(exceptions.CLIError) as err:
        manager.find_command(["broken", "thing"])
    assert "broken_thing = litellm_cli_no_such_module:Cmd" in str(err.value)
    assert "\n" not in str(err.value)
    # Other commands still load.
    assert manager.find_command(["http", "request", "GET", "/x"])[1] == "http request"
    with caplog.at_level(logging.WARNING):
        assert manager.describe("broken thing") is None
    assert len(caplog.records) == 1 and "broken_thing" in caplog.records[0].getMessage()


@pytest.mark.parametrize("argv", [["--help"], ["models"], ["completion", "bash"]])
def test_closed_stdout_ends_quietly_with_141(argv):
    cli = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        res = subprocess.run([cli, *argv], stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert res.returncode == 141, res.stderr
    assert "Traceback" not in res.stderr
