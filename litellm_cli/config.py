"""Profiles: named connection settings in a YAML file, and where each setting comes from.

The file is ``$LITELLM_CLI_CONFIG`` or ``$XDG_CONFIG_HOME/litellm-cli/config.yaml``
(``~/.config/litellm-cli/config.yaml``)::

    current_profile: prod
    profiles:
      prod:
        base_url: https://llm.example.com
        api_key_command: pass show litellm/prod   # or api_key: sk-...
        timeout: 30
        ca_bundle: /etc/ssl/corp.pem
        insecure: false

Precedence for every setting: command-line flag > environment variable >
profile > built-in default. The profile is chosen by ``--profile``, then
``LITELLM_PROFILE``, then ``current_profile`` in the file.
"""

import contextlib
import os
import stat
import subprocess

from litellm_cli import exceptions

DEFAULTS = {"base_url": "http://localhost:4000", "api_key": None, "timeout": 60.0,
            "ca_bundle": None, "insecure": False}
ENVIRONMENT = {"base_url": "LITELLM_PROXY_URL", "api_key": "LITELLM_PROXY_API_KEY",
               "timeout": "LITELLM_PROXY_TIMEOUT"}
PROFILE_FIELDS = ("base_url", "api_key", "api_key_command", "timeout", "ca_bundle", "insecure")
SECRET_FIELDS = ("api_key",)
FIELD_TYPES = {"timeout": (int, float), "insecure": bool}  # the others are text
FIELD_TYPE_NAMES = {str: "text", (int, float): "a number", bool: "true or false"}


def config_path():
    explicit = os.environ.get("LITELLM_CLI_CONFIG")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "litellm-cli", "config.yaml")


def load(path=None):
    """The config file as a dict ({} when it does not exist); a broken file is a usage error."""
    path = path or config_path()
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise exceptions.UsageError(f"cannot read config file {path}: {exc}") from None
    from litellm_cli.utils import parse_yaml

    data = parse_yaml(text, f"config file {path}") or {}
    if not isinstance(data, dict) or not isinstance(data.get("profiles", {}), dict):
        raise exceptions.UsageError(
            f"config file {path}: expected a mapping with a 'profiles' mapping")
    for name, profile in data.get("profiles", {}).items():
        if not isinstance(profile, dict):
            raise exceptions.UsageError(f"config file {path}: profile {name!r} is not a mapping")
        unknown = set(profile) - set(PROFILE_FIELDS)
        if unknown:
            raise exceptions.UsageError(
                f"config file {path}: profile {name!r} has unknown settings: "
                f"{', '.join(sorted(unknown))} (known: {', '.join(PROFILE_FIELDS)})")
        for field, value in profile.items():
            wanted = FIELD_TYPES.get(field, str)
            if value is not None and not isinstance(value, wanted):
                raise exceptions.UsageError(
                    f"config file {path}: profile {name!r}: {field} must be "
                    f"{FIELD_TYPE_NAMES[wanted]}, got {value!r}")
    _warn_if_readable(path, data)
    return data


@contextlib.contextmanager
def locked(path=None):
    """Hold the config file's lock (``<file>.lock`` beside it, never followed
    if a symlink) while the block runs, so that writers of the file take
    turns. A symlinked config file's lock stays beside the link, out of the
    folder (a dotfiles repository) its target is in."""
    import fcntl

    from litellm_cli.utils import make_private_dirs

    path = os.path.abspath(path or config_path())
    try:
        make_private_dirs(os.path.dirname(path))
        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o600)
    except OSError as exc:
        raise exceptions.CLIError(f"cannot lock config file {path}: "
                                  f"{exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def update(change, path=None):
    """Read, change and write the config file as one step: under its lock, so
    that no other writer's change is lost. ``change(data)`` edits the data in
    place (or raises, and nothing is written); its result is returned."""
    with locked(path):
        data = load(path)
        result = change(data)
        save(data, path)
    return result


def save(data, path=None):
    """Write the file atomically, readable by its owner only (it may hold keys).

    A symlinked file is written through the link: the link stays, its target
    is replaced by a complete new file in the target's folder. Its folder,
    and any missing parent, is created readable by its owner only. To change
    the file, use ``update``: ``save`` alone may overwrite another's change.
    """
    import tempfile

    import yaml

    from litellm_cli.utils import make_private_dirs, remove_quietly

    path = os.path.realpath(path or config_path())
    directory = os.path.dirname(path)
    tmp = None
    try:
        make_private_dirs(directory)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".config-", suffix=".tmp")  # 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yaml.safe_dump(data, handle, default_flow_style=False, sort_keys=False,
                           allow_unicode=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            remove_quietly(tmp)
        raise exceptions.CLIError(f"cannot write config file {path}: "
                                  f"{exc.strerror or exc}") from None
    except BaseException:
        if tmp:
            remove_quietly(tmp)
        raise


def _warn_if_readable(path, data):
    holds_key = any(p.get("api_key") for p in data.get("profiles", {}).values())
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if holds_key and mode & (stat.S_IRWXG | stat.S_IRWXO):
        import sys

        sys.stderr.write(f"warning: {path} holds an API key and is readable by others; "
                         f"run: chmod 600 {path}\n")


class Settings:
    """The effective connection settings, and the source of each one."""

    def __init__(self, values, sources, profile=None, key_command=None, config_file=None):
        self.values = values
        self.sources = sources
        self.profile = profile
        # The profile's api_key_command, run (once) when the key is first needed.
        self.key_command = key_command
        self.config_file = config_file

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def api_key(self):
        if self.values["api_key"] is None and self.key_command:
            check_owner_only(self.config_file, self.profile)
            self.values["api_key"] = run_key_command(self.key_command, self.profile)
        return self.values["api_key"]


def check_owner_only(path, profile):
    """Refuse to run a profile's api_key_command (a shell command) when someone
    else could have written it: the file (or a symlink's target) or its folder
    writable by group or others (a sticky folder such as /tmp aside), or
    owned by another user."""
    real = os.path.realpath(path)
    folders = {os.path.dirname(real), os.path.dirname(os.path.abspath(path))}
    for place in [real, *sorted(folders)]:
        try:
            info = os.stat(place)
        except OSError as exc:
            raise exceptions.UsageError(f"cannot check config file {path}: {exc}") from None
        sticky_folder = place != real and info.st_mode & stat.S_ISVTX
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not sticky_folder:
            problem, fix = "is writable by group or others", f"chmod go-w {place}"
        elif info.st_uid not in (os.getuid(), 0):
            problem, fix = "belongs to another user", f"chown $USER {place}"
        else:
            continue
        raise exceptions.UsageError(
            f"refusing to run the api_key_command of profile {profile!r}: {place} {problem}, "
            f"so others could make it run any command as you (fix: {fix})")


def run_key_command(command, profile):
    """Run a profile's api_key_command and return what it printed."""
    try:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise exceptions.CLIError(f"profile {profile!r}: api_key_command failed: {exc}") from None
    if done.returncode != 0 or not done.stdout.strip():
        reason = (done.stderr.strip().splitlines() or ["it printed nothing"])[-1]
        raise exceptions.CLIError(
            f"profile {profile!r}: api_key_command exited {done.returncode}: {reason}")
    return done.stdout.strip()


def _to_timeout(value, source):
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        timeout = 0
    if not 0 < timeout < float("inf"):  # NaN too
        raise exceptions.UsageError(f"timeout from {source} must be a finite positive number, "
                                    f"got {value!r}")
    return timeout


def resolve(options, environ=None):
    """Combine flags, environment, profile and defaults into Settings."""
    environ = os.environ if environ is None else environ
    if getattr(options, "profile", None) is not None:
        import argparse

        from litellm_cli.utils import valid_name

        try:  # the argument type of every name, applied late: the global
            valid_name(options.profile)  # options' parser imports no utils
        except argparse.ArgumentTypeError as exc:
            raise exceptions.UsageError(f"--profile: {exc}") from None
    profile_name = getattr(options, "profile", None) or environ.get("LITELLM_PROFILE")
    profile_source = "--profile" if getattr(options, "profile", None) else "LITELLM_PROFILE"
    data = None
    if profile_name or os.path.exists(config_path()):
        data = load()
        if not profile_name and data.get("current_profile"):
            profile_name, profile_source = data["current_profile"], "current_profile"
    profile = {}
    if profile_name:
        profiles = (data or {}).get("profiles", {})
        if profile_name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise exceptions.UsageError(
                f"profile {profile_name!r} (from {profile_source}) is not in {config_path()} "
                f"(profiles: {known})")
        profile = profiles[profile_name]

    values, sources = {}, {}
    for name, default in DEFAULTS.items():
        flag = getattr(options, name, None)
        env_name = ENVIRONMENT.get(name)
        if flag not in (None, False):
            values[name], sources[name] = flag, f"--{name.replace('_', '-')}"
        elif env_name and environ.get(env_name):
            values[name], sources[name] = environ[env_name], env_name
        elif profile.get(name) is not None:
            values[name], sources[name] = profile[name], f"profile {profile_name}"
        else:
            values[name], sources[name] = default, "default"
    values["timeout"] = _to_timeout(values["timeout"], sources["timeout"])
    if sources["api_key"] == "--api-key":
        from litellm_cli.utils import read_secret

        values["api_key"] = read_secret(values["api_key"], "--api-key")
    values["base_url"] = str(values["base_url"])
    key_command = None
    if values["api_key"] is None and profile.get("api_key_command"):
        key_command = profile["api_key_command"]
        sources["api_key"] = f"profile {profile_name} (api_key_command)"
    return Settings(values, sources, profile_name, key_command, config_path())
