"""Profiles end to end: the installed CLI reaching the real proxy through a profile."""

import os
import pty
import subprocess

import pytest

from tests.functional.conftest import CLI, run_cli


@pytest.fixture
def config_env(tmp_path):
    return {"LITELLM_CLI_CONFIG": str(tmp_path / "litellm-cli" / "config.yaml")}


def test_profile_supplies_url_and_key_when_nothing_else_does(proxy, config_env):
    added = run_cli(["profile", "add", "local", "--url", proxy.url, "--key", "@-"],
                    "http://unused:1", input=proxy.key + "\n", env=config_env)
    assert added.rc == 0, added
    env = dict(config_env, LITELLM_PROXY_URL="")
    res = run_cli(["version", "-f", "json"], "", env=env)
    assert res.rc == 0, res
    assert res.json()["server_url"] == proxy.url
    # The key came from the profile: an admin-only call works.
    res = run_cli(["http", "request", "GET", "/key/list"], "", env=env)
    assert res.rc == 0, res


def test_environment_beats_profile_and_flag_beats_environment(proxy, config_env):
    run_cli(["profile", "add", "p", "--url", "http://127.0.0.1:9", "--key", proxy.key],
            "", env=config_env)
    res = run_cli(["profile", "show", "-f", "json"], proxy.url, env=config_env)
    data = res.json()
    assert (data["base_url"], data["base_url_source"]) == (proxy.url, "LITELLM_PROXY_URL")
    assert (data["api_key"], data["api_key_source"]) == ("***", "profile p")
    assert proxy.key not in res.out + res.err
    res = run_cli(["--base-url", "http://flag:1", "profile", "show", "-f", "json"], proxy.url,
                  env=config_env)
    assert res.json()["base_url_source"] == "--base-url"


def test_api_key_command_provides_the_key(proxy, config_env):
    run_cli(["profile", "add", "cmd", "--url", proxy.url, "--key-command", f"echo {proxy.key}"],
            "", env=config_env)
    res = run_cli(["--profile", "cmd", "http", "request", "GET", "/key/list"], "",
                  env=dict(config_env, LITELLM_PROXY_URL=""))
    assert res.rc == 0, res


def test_broken_config_file_is_one_line_naming_file_and_line(config_env):
    path = config_env["LITELLM_CLI_CONFIG"]
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as handle:
        handle.write("profiles:\n  a:\n    base_url: 'unclosed\n")
    res = run_cli(["version"], "http://127.0.0.1:9", env=config_env)
    assert res.rc == 2, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and path in lines[0] and "line" in lines[0]


def test_profile_list_masks_keys_and_use_switches(proxy, config_env):
    run_cli(["profile", "add", "a", "--url", proxy.url, "--key", "sk-secret-a-123"], "",
            env=config_env)
    run_cli(["profile", "add", "b", "--url", proxy.url], "", env=config_env)
    assert run_cli(["profile", "use", "b"], "", env=config_env).rc == 0
    res = run_cli(["profile", "list", "-f", "json"], "", env=config_env)
    rows = {r["name"]: r for r in res.json()}
    assert rows["b"]["current"] is True and rows["a"]["current"] is False
    assert rows["a"]["api_key"] == "***" and "sk-secret-a-123" not in res.out
    assert rows["b"]["api_key"] is None and rows["b"]["timeout"] is None
    assert run_cli(["profile", "use", "nope"], "", env=config_env).rc == 5


def _run_on_terminal(args, env, answer):
    """Run the CLI with stdin on a pseudo-terminal and type an answer."""
    primary, secondary = pty.openpty()
    full_env = dict(os.environ, **env)
    proc = subprocess.Popen([CLI, *args], stdin=secondary, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=full_env, text=True)
    os.close(secondary)
    os.write(primary, answer.encode())
    out, err = proc.communicate(timeout=60)
    os.close(primary)
    return proc.returncode, out, err


def test_remove_asks_on_a_terminal_and_no_keeps_the_profile(config_env):
    run_cli(["profile", "add", "keep", "--url", "http://x:1"], "", env=config_env)
    rc, _, err = _run_on_terminal(["profile", "remove", "keep"], config_env, "n\n")
    assert rc == 1 and "profile 'keep'" in err and "aborted" in err
    assert "keep" in run_cli(["profile", "list", "-f", "value"], "", env=config_env).out
    rc, _, err = _run_on_terminal(["profile", "remove", "keep"], config_env, "y\n")
    assert rc == 0, err
    assert "keep" not in run_cli(["profile", "list", "-f", "value"], "", env=config_env).out


def test_remove_without_terminal_or_with_yes_does_not_ask(config_env):
    run_cli(["profile", "add", "x", "--url", "http://x:1"], "", env=config_env)
    res = run_cli(["profile", "remove", "x"], "", env=config_env)
    assert res.rc == 0 and "Continue?" not in res.err
    run_cli(["profile", "add", "y", "--url", "http://x:1"], "", env=config_env)
    rc, _, err = _run_on_terminal(["profile", "remove", "--yes", "y"], config_env, "")
    assert rc == 0 and "Continue?" not in err


def test_profile_use_writes_through_a_symlinked_config(tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "litellm.yaml"
    link = tmp_path / "config.yaml"
    link.symlink_to(target)
    env = {"LITELLM_CLI_CONFIG": str(link)}
    for name in ("a", "b"):
        assert run_cli(["profile", "add", name, "--url", "http://127.0.0.1:9"], "",
                       env=env).rc == 0
    res = run_cli(["profile", "use", "b"], "", env=env)
    assert res.rc == 0, res
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "current_profile: b" in target.read_text()
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert [p.name for p in dotfiles.iterdir()] == ["litellm.yaml"]


def test_api_key_command_in_a_group_writable_config_is_refused_and_not_run(proxy, tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "config.yaml"
    path.write_text(f"profiles:\n  p: {{base_url: '{proxy.url}', "
                    f"api_key_command: 'touch {marker}; echo {proxy.key}'}}\n")
    os.chmod(path, 0o664)
    env = {"LITELLM_CLI_CONFIG": str(path), "LITELLM_PROXY_URL": ""}
    res = run_cli(["--profile", "p", "keys", "list"], "", env=env)
    assert res.rc == 2, res
    assert res.err.startswith("Error: refusing to run the api_key_command") and \
        "writable by group or others" in res.err, res
    assert not marker.exists()
    os.chmod(path, 0o600)
    res = run_cli(["--profile", "p", "keys", "list", "--size", "1"], "", env=env)
    assert res.rc == 0 and marker.exists(), res
