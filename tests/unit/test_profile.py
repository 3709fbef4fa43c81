"""profile add/remove/use: what they refuse, and the config file's folder and lock."""

import os
import stat
import subprocess
import sys

import pytest
import yaml

from litellm_cli import shell, utils


@pytest.fixture
def cfg(monkeypatch, tmp_path):
    """The config file's path (in a folder not made yet); no settings from the environment."""
    for name in ("LITELLM_PROXY_URL", "LITELLM_PROXY_API_KEY", "LITELLM_PROXY_TIMEOUT",
                 "LITELLM_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "home" / "litellm-cli" / "config.yaml"
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(path))
    return path


def _saved(path):
    return yaml.safe_load(path.read_text())


def test_add_refuses_a_url_with_a_password_and_saves_nothing(cfg, capsys):
    assert shell.main(["profile", "add", "p", "--url", "http://alice:s3cret-pw@proxy:4000"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "user:password@" in err
    assert "s3cret-pw" not in err
    assert not cfg.exists()


@pytest.mark.parametrize("name", ["my prof", "a/b", "prod;rm", "$(id)", "caf\u00e9"])
def test_add_refuses_a_name_other_than_letters_digits_dash_underscore_dot(cfg, capsys, name):
    assert shell.main(["profile", "add", name, "--url", "http://127.0.0.1:9"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not cfg.exists()


def test_add_accepts_letters_digits_dash_underscore_dot(cfg):
    assert shell.main(["profile", "add", "Prod-eu_2.old", "--url", "http://127.0.0.1:9"]) == 0
    assert list(_saved(cfg)["profiles"]) == ["Prod-eu_2.old"]


def test_a_profile_with_an_old_odd_name_can_still_be_used_and_removed(cfg):
    cfg.parent.mkdir(parents=True)
    cfg.write_text("profiles:\n  my prof: {base_url: 'http://127.0.0.1:9'}\n")
    assert shell.main(["profile", "use", "my prof"]) == 0
    assert shell.main(["profile", "remove", "-y", "my prof"]) == 0
    assert _saved(cfg)["profiles"] == {}


def test_removing_the_current_profile_leaves_none_current_and_says_so(cfg, capsys):
    for name in ("a", "b"):
        assert shell.main(["profile", "add", name, "--url", "http://127.0.0.1:9"]) == 0
    assert _saved(cfg)["current_profile"] == "a"
    capsys.readouterr()
    assert shell.main(["profile", "remove", "-y", "a"]) == 0
    err = capsys.readouterr().err
    assert "'a' was the current profile" in err and "profile use NAME" in err
    assert "current_profile" not in _saved(cfg)
    # Removing another profile says nothing of the kind and keeps the current one.
    assert shell.main(["profile", "use", "b"]) == 0
    assert shell.main(["profile", "add", "c", "--url", "http://127.0.0.1:9"]) == 0
    capsys.readouterr()
    assert shell.main(["profile", "remove", "-y", "c"]) == 0
    assert "current" not in capsys.readouterr().err
    assert _saved(cfg)["current_profile"] == "b"


def test_config_folder_and_missing_parents_are_private_under_a_loose_umask(cfg):
    old = os.umask(0o002)
    try:
        assert shell.main(["profile", "add", "p", "--url", "http://127.0.0.1:9"]) == 0
    finally:
        os.umask(old)
    for folder in (cfg.parent, cfg.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600


def test_an_existing_folder_keeps_its_mode(tmp_path):
    tmp_path.chmod(0o755)
    utils.make_private_dirs(str(tmp_path / "new"))
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_parallel_profile_adds_keep_every_profile(cfg):
    names = [f"p{i}" for i in range(12)]
    procs = [subprocess.Popen([sys.executable, "-m", "litellm_cli", "profile", "add", name,
                               "--url", f"http://127.0.0.1:{9000 + i}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for i, name in enumerate(names)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    profiles = _saved(cfg)["profiles"]
    assert sorted(profiles) == sorted(names)
    assert profiles["p7"]["base_url"] == "http://127.0.0.1:9007"


def test_the_config_lock_file_is_not_followed_when_a_symlink(cfg, tmp_path, capsys):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    cfg.parent.mkdir(parents=True)
    os.symlink(victim, f"{cfg}.lock")
    assert shell.main(["profile", "add", "p", "--url", "http://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cannot lock config file" in err
    assert victim.read_text() == "keep me" and not cfg.exists()


def test_completion_cache_never_writes_through_a_planted_tmp_file(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = utils.completion_cache_path("models")
    os.makedirs(os.path.dirname(path), mode=0o700)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    os.symlink(victim, f"{path}.tmp")
    utils.save_completion_cache("models", ["gpt-4o", "mistral"])
    assert victim.read_text() == "keep me"
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == "gpt-4o\nmistral\n"
    assert not os.path.islink(path)


def test_parallel_completion_cache_writers_leave_one_whole_list(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    script = ("import sys\nfrom litellm_cli.utils import save_completion_cache\n"
              "for _ in range(20):\n"
              "    save_completion_cache('models', [f'{sys.argv[1]}-{i:05}' for i in range(3000)])\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, f"w{n}"]) for n in range(6)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    with open(utils.completion_cache_path("models"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    writer = lines[0].split("-")[0]
    assert lines == [f"{writer}-{i:05}" for i in range(3000)]
    assert os.listdir(os.path.dirname(utils.completion_cache_path("models"))) == [
        "completion-models"]
