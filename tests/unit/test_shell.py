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


@pytest.mark.parametrize("argv", [["http"], ["http", "--help"], ["-h", "http"], ["help", "http"]])
def test_group_word_alone_lists_its_commands_with_descriptions(argv, capsys):
    assert shell.main(argv) == 0
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


# -- global options: before the command words; after them only where the command leaves them free


class _EchoHandler(__import__("http.server").server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def no_settings(monkeypatch, tmp_path):
    for name in ("LITELLM_PROXY_URL", "LITELLM_PROXY_API_KEY", "LITELLM_PROXY_TIMEOUT",
                 "LITELLM_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(tmp_path / "config.yaml"))
    return tmp_path / "config.yaml"


def test_profile_add_keeps_its_own_timeout_ca_bundle_and_insecure(no_settings, tmp_path, capsys):
    import yaml

    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    assert shell.main(["profile", "add", "p1", "--url", "http://127.0.0.1:9", "--timeout", "7",
                       "--ca-bundle", str(bundle), "--insecure"]) == 0
    capsys.readouterr()
    saved = yaml.safe_load(no_settings.read_text())["profiles"]["p1"]
    assert saved["timeout"] == 7 and saved["ca_bundle"] == str(bundle) and saved["insecure"]
    # The global ones were not set by them: the profile's own values are in effect.
    assert shell.main(["--profile", "p1", "profile", "show", "-f", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["timeout"] == 7 and shown["timeout_source"] == "profile p1"
    assert shown["insecure_source"] == "profile p1"


def test_version_option_after_the_command_is_the_command_s_usage_error(no_settings, capsys):
    assert shell.main(["keys", "list", "-v"]) == exceptions.EXIT_USAGE
    err = capsys.readouterr()
    assert err.out == "" and "unrecognized arguments: -v" in err.err


def test_value_of_a_command_option_is_never_a_global_option(no_settings, capsys):
    rc = shell.main(["chat", "completions", "gpt-4", "-m", "user:hi", "-m", "--debug"])
    assert rc == exceptions.EXIT_USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert "-m/--message: expected one argument" in err


def test_leading_value_that_looks_like_a_command_word(no_settings, monkeypatch):
    seen = {}
    monkeypatch.setattr("litellm_cli.app.LiteLLMApp.run_command",
                        lambda self, options, argv: seen.update(profile=options.profile,
                                                                argv=argv) or 0)
    assert shell.main(["--profile", "keys", "--", "keys", "list", "--profile", "x"]) == 0
    assert seen == {"profile": "keys", "argv": ["keys", "list", "--profile", "x"]}


def test_unknown_global_option_is_named(no_settings, capsys):
    with pytest.raises(SystemExit) as exit_:
        shell.main(["--frobnicate", "keys", "list"])
    assert exit_.value.code == exceptions.EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown global option '--frobnicate'" in err and "command ''" not in err


def test_global_options_after_the_command_words_where_free(no_settings, local_server, capsys,
                                                            caplog):
    server = local_server(_EchoHandler)
    assert shell.main(["http", "request", "GET", "/ping", "--base-url", server.url,
                       "--api-key", "sk-after-1", "--timeout", "5", "--debug"]) == 0
    assert server.seen == [("/ping", "Bearer sk-after-1")]
    assert '"ok": true' in capsys.readouterr().out
    debug_log = "\n".join(r.getMessage() for r in caplog.records)
    assert "REQ: curl" in debug_log and "sk-after-1" not in debug_log


def test_global_options_before_the_command_words(no_settings, local_server, capsys):
    server = local_server(_EchoHandler)
    assert shell.main(["--base-url", server.url, "--api-key", "sk-before-1", "http", "request",
                       "GET", "/ping"]) == 0
    assert server.seen == [("/ping", "Bearer sk-before-1")]


def test_command_help_after_the_words(no_settings, capsys):
    assert shell.main(["keys", "list", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: litellm-proxy keys list") and "--debug" not in out


def _command_parsers():
    from litellm_cli.app import LiteLLMApp

    manager = CommandManager()
    parser = shell.build_parser()
    app = LiteLLMApp(manager, parser)
    app.options = parser.parse_args([])
    for name in manager.names():
        cmd = manager.load(name)(app, app.options, cmd_name=name)
        yield name, cmd.get_parser(f"litellm-proxy {name}")


def test_no_command_loses_an_option_to_a_global_one():
    from litellm_cli.options import SETTINGS, add_trailing

    global_strings = {s for strings, _ in SETTINGS for s in strings} | {"-v", "--version"}
    shared = []
    for name, parser in _command_parsers():
        own = {s: a.dest for a in parser._actions for s in a.option_strings}
        add_trailing(parser)
        after = {s: a.dest for a in parser._actions for s in a.option_strings}
        # Every option of the command still reaches the command.
        assert {s: after[s] for s in own} == own, name
        shared += [(name, s) for s in own if s in global_strings]
    # The known overlaps (checked end to end above) are all found.
    assert {("profile add", "--timeout"), ("profile add", "--ca-bundle"),
            ("profile add", "--insecure")} <= set(shared)


def test_importing_main_module_runs_nothing():
    res = subprocess.run([sys.executable, "-c", "import litellm_cli.__main__"],
                         capture_output=True, text=True)
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_app_does_not_import_the_shell():
    res = subprocess.run([sys.executable, "-c", "import sys, litellm_cli.app; "
                          "print('litellm_cli.shell' in sys.modules)"],
                         capture_output=True, text=True)
    assert res.stdout.strip() == "False", res.stderr


@pytest.mark.parametrize("argv", [["http", "request", "GET", "/x"],
                                  ["chat", "completions", "gpt-4o", "-m", "user:hi"]])
def test_networked_commands_that_print_no_table_import_no_table_or_yaml(argv):
    modules = _modules_after(*argv)
    for unneeded in ("prettytable", "wcwidth", "yaml", "cmd2", "difflib"):
        assert unneeded not in modules, unneeded


def test_a_command_scans_no_distribution_metadata(no_settings, local_server, monkeypatch, capsys):
    # stevedore's entry point cache answers; nothing may walk every installed
    # distribution (cliff's default epilog does, for instance).
    server = local_server(_EchoHandler)
    CommandManager()  # the cache is filled, as on any run after the first
    scans = []
    real = importlib.metadata.distributions
    monkeypatch.setattr(importlib.metadata, "distributions",
                        lambda **kw: scans.append(kw) or real(**kw))
    assert shell.main(["--base-url", server.url, "keys", "list", "-f", "json"]) == 0
    assert shell.main(["help", "models", "list"]) == 0
    assert capsys.readouterr().out.startswith("[]")
    assert scans == []
