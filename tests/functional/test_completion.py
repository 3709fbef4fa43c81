"""Shell completion: the generated scripts complete command words and options."""

import shutil
import subprocess

import pytest


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory, proxy):
    from tests.functional.conftest import run_cli

    res = run_cli(["completion", "bash"], proxy.url)
    assert res.rc == 0, res
    path = tmp_path_factory.mktemp("completion") / "litellm-proxy.bash"
    path.write_text(res.out)
    return path


def _complete(script, *words):
    """What bash offers after typing `litellm-proxy WORDS...` and TAB."""
    quoted = " ".join(f"'{w}'" for w in ("litellm-proxy", *words))
    program = (f"source {script}; COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; "
               "_litellm_proxy; printf '%s\\n' \"${COMPREPLY[@]}\"")
    out = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return [word for word in out.stdout.splitlines() if word]


def test_completes_groups_and_commands(bash_script):
    assert "models" in _complete(bash_script, "")
    assert _complete(bash_script, "mo") == ["model-groups", "models"]
    assert _complete(bash_script, "model-") == ["model-groups"]
    assert set(_complete(bash_script, "models", "")) >= {"list", "add", "import", "update"}


def test_completes_options_of_a_command_even_after_option_values(bash_script):
    assert "--header" in _complete(bash_script, "http", "request", "--")
    assert "--json" in _complete(bash_script, "http", "request", "POST", "/x", "--j")


def test_zsh_and_fish_scripts_are_generated(cli):
    zsh = cli("completion", "zsh")
    assert zsh.rc == 0 and zsh.out.startswith("#compdef litellm-proxy")
    fish = cli("completion", "fish")
    assert fish.rc == 0 and "__fish_seen_subcommand_from models" in fish.out
    if shutil.which("zsh"):
        subprocess.run(["zsh", "-n", "-c", zsh.out], check=True)


def test_a_global_option_value_is_not_taken_for_a_command_word(bash_script):
    assert "list" in _complete(bash_script, "--profile", "p", "models", "")
    assert "list" in _complete(bash_script, "--base-url", "http://x", "models", "")
    assert "--name" in _complete(bash_script, "--timeout", "5", "models", "get", "--")


def test_hidden_options_are_not_offered(bash_script):
    assert "--variable" not in _complete(bash_script, "keys", "info", "--")
    assert "--prefix" in _complete(bash_script, "keys", "info", "--")


def test_profile_names_come_from_the_config_file(bash_script, tmp_path, monkeypatch):
    config = tmp_path / "config.yaml"
    config.write_text("current_profile: prod\nprofiles:\n  prod:\n    base_url: http://a\n"
                      "  'odd name':\n    base_url: http://b\n  empty: {}\nother: 1\n")
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(config))
    assert _complete(bash_script, "--profile", "") == ["prod", "odd\\ name", "empty"]
    assert _complete(bash_script, "--profile", "p") == ["prod"]
    assert _complete(bash_script, "models", "list", "--profile", "e") == ["empty"]


def test_format_values_are_offered(bash_script):
    assert _complete(bash_script, "keys", "list", "-f", "j") == ["json"]


def test_model_names_come_from_a_fresh_cache_only(bash_script, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _complete(bash_script, "chat", "completions", "gpt") == []  # no cache: no request
    assert cli("models", "list", env={"XDG_CACHE_HOME": str(tmp_path)}).rc == 0
    assert _complete(bash_script, "chat", "completions", "gpt") == ["gpt-4o"]
    assert _complete(bash_script, "models", "get", "--name", "mis") == ["mistral-mock"]
    subprocess.run(["touch", "-d", "20 minutes ago",
                    str(tmp_path / "litellm-cli" / "completion-models")], check=True)
    assert _complete(bash_script, "chat", "completions", "gpt") == []
