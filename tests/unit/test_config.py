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


def test_save_through_a_symlink_keeps_the_link_and_replaces_the_target(cfg, tmp_path):
    real_dir = tmp_path / "dotfiles"
    real_dir.mkdir()
    target = real_dir / "litellm.yaml"
    target.write_text("profiles: {}\n")
    link = cfg("")  # the configured path...
    link.unlink()
    link.symlink_to(target)  # ...is a link into the dotfiles folder
    config.save({"current_profile": "a", "profiles": {"a": {"base_url": "http://a:1"}}})
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert config.load()["current_profile"] == "a"
    assert "current_profile: a" in target.read_text()
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in real_dir.iterdir()) == ["litellm.yaml"]  # no temp file left


def test_save_into_a_folder_it_cannot_write_is_one_clear_error(cfg, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(exceptions.CLIError, match="cannot write config file"):
            config.save({"profiles": {}}, str(folder / "config.yaml"))
        assert list(folder.iterdir()) == []
    finally:
        os.chmod(folder, 0o700)


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_api_key_command_in_a_file_others_can_write_is_refused(cfg, tmp_path, mode):
    marker = tmp_path / "ran"
    cfg(f"profiles:\n  p: {{base_url: 'http://x:1', api_key_command: 'touch {marker}; "
        f"echo sk-x'}}\n", mode=mode)
    settings = config.resolve(_options(profile="p"))
    with pytest.raises(exceptions.UsageError, match="writable by group or others"):
        settings.api_key
    assert not marker.exists()


def test_api_key_command_in_a_folder_others_can_write_is_refused(cfg, tmp_path):
    marker = tmp_path / "ran"
    cfg(f"profiles:\n  p: {{base_url: 'http://x:1', api_key_command: 'touch {marker}'}}\n")
    os.chmod(tmp_path, 0o777)
    try:
        with pytest.raises(exceptions.UsageError, match="its folder|writable by group"):
            config.resolve(_options(profile="p")).api_key
    finally:
        os.chmod(tmp_path, 0o700)
    assert not marker.exists()


def test_api_key_command_in_an_owner_only_file_runs(cfg):
    cfg("profiles:\n  p: {base_url: 'http://x:1', api_key_command: 'echo sk-ok'}\n", mode=0o600)
    assert config.resolve(_options(profile="p")).api_key == "sk-ok"


def test_a_key_in_a_group_writable_file_without_a_command_is_still_used(cfg):
    cfg("profiles:\n  p: {base_url: 'http://x:1', api_key: sk-plain}\n", mode=0o620)
    assert config.resolve(_options(profile="p")).api_key == "sk-plain"


@pytest.mark.parametrize("field,value", [("insecure", "yes"), ("base_url", "[1, 2]"),
                                         ("timeout", "'30s'"), ("api_key_command", "{a: 1}")])
def test_settings_of_the_wrong_type_are_reported(cfg, field, value):
    settings = {"base_url": "'http://x:1'", field: value}  # a key given twice is refused
    cfg("profiles:\n  p: {" + ", ".join(f"{k}: {v}" for k, v in settings.items()) + "}\n")
    with pytest.raises(exceptions.UsageError, match=f"{field} must be"):
        config.load()


def test_api_key_command_in_a_file_of_another_user_is_refused(cfg, tmp_path):
    marker = tmp_path / "ran"
    path = cfg(f"profiles:\n  p: {{base_url: 'http://x:1', api_key_command: 'touch {marker}'}}\n")
    try:
        os.chown(path, 65534, -1)  # nobody
    except PermissionError:
        pytest.skip("only root can give a file away")
    with pytest.raises(exceptions.UsageError, match="belongs to another user"):
        config.resolve(_options(profile="p")).api_key
    assert not marker.exists()


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "soon"])
def test_a_timeout_from_the_environment_must_be_finite_and_positive(cfg, monkeypatch, value):
    monkeypatch.setenv("LITELLM_PROXY_TIMEOUT", value)
    with pytest.raises(exceptions.UsageError, match="LITELLM_PROXY_TIMEOUT must be a finite"):
        config.resolve(_options())


@pytest.mark.parametrize("name", ["", "  ", "a\nb"])
def test_an_empty_or_blank_profile_flag_is_refused_not_ignored(cfg, name):
    cfg(PROFILES)
    with pytest.raises(exceptions.UsageError, match="--profile: must not"):
        config.resolve(_options(profile=name))
