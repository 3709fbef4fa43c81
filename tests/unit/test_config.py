"""Profiles: precedence, sources, masking, broken files."""

import argparse
import os

import pytest

from litellm_cli import config, exceptions


def _options(**flags):
    base = dict(base_url=None, api_key=None, timeout=None, insecure=False, ca_bundle=None,
                profile=None)
    base.update(flags)
    return argparse.Namespace(**base)


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    path = tmp_path / "config.yaml"
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(path))
    for name in ("LITELLM_PROXY_URL", "LITELLM_PROXY_API_KEY", "LITELLM_PROXY_TIMEOUT",
                 "LITELLM_PROFILE"):
        monkeypatch.delenv(name, raising=False)

    def write(text, mode=0o600):
        path.write_text(text)
        os.chmod(path, mode)
        return path

    return write


PROFILES = """\
current_profile: dev
profiles:
  dev: {base_url: "http://dev:4000", api_key: sk-dev-key, timeout: 5}
  prod: {base_url: "http://prod:4000", api_key_command: "echo sk-from-command"}
"""


def test_defaults_without_file_or_environment(cfg):
    settings = config.resolve(_options(), environ={})
    assert settings.base_url == "http://localhost:4000" and settings.sources["base_url"] == "default"
    assert settings.timeout == 60.0 and settings.api_key is None


def test_precedence_is_flag_then_environment_then_profile_then_default(cfg):
    cfg(PROFILES)
    settings = config.resolve(_options(), environ={})
    assert (settings.base_url, settings.sources["base_url"]) == ("http://dev:4000", "profile dev")
    assert settings.timeout == 5.0
    env = {"LITELLM_PROXY_URL": "http://env:1"}
    settings = config.resolve(_options(), environ=env)
    assert (settings.base_url, settings.sources["base_url"]) == ("http://env:1", "LITELLM_PROXY_URL")
    assert settings.api_key == "sk-dev-key"  # still from the profile
    settings = config.resolve(_options(base_url="http://flag:2"), environ=env)
    assert (settings.base_url, settings.sources["base_url"]) == ("http://flag:2", "--base-url")


def test_profile_chosen_by_flag_then_environment_then_current(cfg):
    cfg(PROFILES)
    assert config.resolve(_options(), environ={"LITELLM_PROFILE": "prod"}).profile == "prod"
    assert config.resolve(_options(profile="dev"),
                          environ={"LITELLM_PROFILE": "prod"}).profile == "dev"


def test_api_key_command_runs_only_when_the_key_is_needed(cfg):
    cfg(PROFILES)
    settings = config.resolve(_options(profile="prod"), environ={})
    assert settings.values["api_key"] is None
    assert settings.api_key == "sk-from-command"
    assert "api_key_command" in settings.sources["api_key"]


def test_failing_api_key_command_is_a_clear_error(cfg):
    cfg("profiles:\n  p: {base_url: 'http://x:1', api_key_command: 'echo nope >&2; exit 3'}\n")
    with pytest.raises(exceptions.CLIError) as err:
        config.resolve(_options(profile="p"), environ={}).api_key
    assert "exited 3: nope" in str(err.value)


def test_unknown_profile_lists_the_known_ones(cfg):
    cfg(PROFILES)
    with pytest.raises(exceptions.UsageError) as err:
        config.resolve(_options(profile="staging"), environ={})
    assert "'staging'" in str(err.value) and "dev, prod" in str(err.value)


def test_broken_yaml_names_file_and_line(cfg):
    path = cfg("profiles:\n  dev:\n    base_url: [unclosed\n    api_key: x\n")
    with pytest.raises(exceptions.UsageError) as err:
        config.load()
    assert str(path) in str(err.value) and "line" in str(err.value)
    assert err.value.exit_code == exceptions.EXIT_USAGE


def test_unknown_setting_is_reported(cfg):
    cfg("profiles:\n  dev: {base_url: 'http://x', apikey: 'typo'}\n")
    with pytest.raises(exceptions.UsageError) as err:
        config.load()
    assert "apikey" in str(err.value)


def test_key_in_a_file_readable_by_others_warns(cfg, capsys):
    cfg(PROFILES, mode=0o644)
    config.load()
    assert "readable by others" in capsys.readouterr().err
    cfg(PROFILES, mode=0o600)
    config.load()
    assert capsys.readouterr().err == ""


def test_save_writes_owner_only_file(cfg, tmp_path):
    config.save({"profiles": {"a": {"base_url": "http://a", "api_key": "sk-1"}}})
    path = tmp_path / "config.yaml"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert config.load()["profiles"]["a"]["api_key"] == "sk-1"
