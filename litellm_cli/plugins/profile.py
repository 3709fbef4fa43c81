"""``litellm-proxy profile ...``: named connection settings in the config file."""

import argparse
import math
import re

from litellm_cli import config, exceptions
from litellm_cli.command import Command, DeleteCommand, Lister, ShowOne
from litellm_cli.redact import MASK, has_url_password
from litellm_cli.utils import read_secret, valid_name

KEY_FROM_COMMAND = "(from api_key_command)"
# What a new profile may be called: one word for the shell and its completion.
PROFILE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def new_profile_name(text):
    """The argument type of a new profile's name: letters, digits, ``-``, ``_``
    and ``.``. (Other commands take any name, so an old odd one can still
    be used and removed.)"""
    valid_name(text)
    if not PROFILE_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r}: a profile name may hold only letters, digits, '-', '_' and '.'")
    return text


def _masked(name, value):
    return MASK if name in config.SECRET_FIELDS and value else value


class ListProfile(Lister):
    """List the profiles in the config file"""

    empty_noun = "profiles"
    shown_secrets = ("api_key",)  # masked here: it says where the key comes from

    def take_action(self, parsed_args):
        data = config.load()
        current = data.get("current_profile")
        columns = ("name", "current", "base_url", "api_key", "timeout")
        rows = []
        for name, profile in sorted(data.get("profiles", {}).items()):
            key = MASK if profile.get("api_key") else (
                KEY_FROM_COMMAND if profile.get("api_key_command") else None)
            rows.append((name, name == current, profile.get("base_url"), key,
                         profile.get("timeout")))
        return columns, rows


class ShowProfile(ShowOne):
    """Show the settings in effect and where each one comes from (secrets masked)"""

    shown_secrets = ListProfile.shown_secrets

    def take_action(self, parsed_args):
        settings = self.app.client_manager.settings
        columns, values = ["config_file", "profile"], [config.config_path(), settings.profile]
        for name in config.DEFAULTS:
            value = _masked(name, settings.values.get(name))
            if name == "api_key" and value is None and settings.key_command:
                value = KEY_FROM_COMMAND
            columns += [name, f"{name}_source"]
            values += [value, settings.sources[name]]
        return columns, values


class AddProfile(Command):
    """Add a profile, or replace the settings of an existing one"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("name", type=new_profile_name, metavar="NAME",
                            help="profile name: letters, digits, '-', '_' and '.'")
        parser.add_argument("--url", dest="base_url", metavar="URL", required=True,
                            help="the proxy's URL")
        key = parser.add_mutually_exclusive_group()
        key.add_argument("--key", dest="api_key", metavar="KEY",
                         help="API key to store in the file (@FILE or @- reads it)")
        key.add_argument("--key-command", dest="api_key_command", metavar="COMMAND",
                         help="shell command that prints the API key (keeps it out of the file)")
        parser.add_argument("--timeout", dest="profile_timeout", type=float, metavar="SECONDS",
                            help="seconds to wait for the proxy")
        parser.add_argument("--ca-bundle", dest="ca_bundle", metavar="PATH",
                            help="CA bundle to verify TLS with")
        parser.add_argument("--insecure", action="store_true", default=None,
                            help="skip TLS verification for this profile")
        parser.add_argument("--use", action="store_true",
                            help="also make it the current profile")
        return parser

    def take_action(self, parsed_args):
        if not parsed_args.base_url.startswith(("http://", "https://")):
            raise exceptions.UsageError(
                f"--url must start with http:// or https://, got {parsed_args.base_url!r}")
        if has_url_password(parsed_args.base_url):
            # It would sit in the file, and every command refuses such a URL.
            raise exceptions.UsageError(
                "--url must not contain user:password@; give the API key with --key or "
                "--key-command")
        timeout = parsed_args.profile_timeout
        if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
            raise exceptions.UsageError("--timeout must be a number greater than 0")
        key = parsed_args.api_key
        if key is not None:
            key = read_secret(key, "--key").strip()
            if not key:
                raise exceptions.UsageError("--key: the key is empty")
        if parsed_args.api_key_command is not None and not parsed_args.api_key_command.strip():
            raise exceptions.UsageError("--key-command is empty")
        profile = {
            "base_url": parsed_args.base_url,
            "api_key": key,
            "api_key_command": parsed_args.api_key_command,
            "timeout": parsed_args.profile_timeout,
            "ca_bundle": parsed_args.ca_bundle,
            "insecure": parsed_args.insecure,
        }

        def add(data):
            data.setdefault("profiles", {})[parsed_args.name] = {
                k: v for k, v in profile.items() if v is not None}
            if parsed_args.use or not data.get("current_profile"):
                data["current_profile"] = parsed_args.name

        config.update(add)
        self.warn(f"saved profile {parsed_args.name!r} in {config.config_path()}")


def _check_has(data, name):
    """Not found (exit 5) unless the config file's ``data`` holds profile ``name``."""
    profiles = data.get("profiles", {})
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise exceptions.CLIError(f"no profile named {name!r} in {config.config_path()} "
                                  f"(profiles: {known})", exceptions.EXIT_NOT_FOUND)


def _add_name(parser):
    parser.add_argument("name", type=valid_name, metavar="NAME", help="profile name")
    return parser


class RemoveProfile(DeleteCommand):
    """Remove a profile from the config file

    Removing the current profile leaves none current (as kubectl does with
    its current context), and says so: until `profile use NAME`, commands
    use the defaults unless --profile or LITELLM_PROFILE names one.
    """

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        name = parsed_args.name
        _check_has(config.load(), name)
        self.confirm(parsed_args, f"profile {name!r}")

        def remove(data):
            _check_has(data, name)  # again: another run may have removed it meanwhile
            del data["profiles"][name]
            if data.get("current_profile") != name:
                return False
            del data["current_profile"]
            return True

        was_current = config.update(remove)
        self.warn(f"removed profile {name!r}")
        if was_current:
            self.warn(f"warning: {name!r} was the current profile; no profile is current now, "
                      f"so commands use {config.DEFAULTS['base_url']} unless --profile, "
                      "LITELLM_PROFILE or `litellm-proxy profile use NAME` chooses one")


class UseProfile(Command):
    """Make a profile the current one"""

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        def use(data):
            _check_has(data, parsed_args.name)
            data["current_profile"] = parsed_args.name

        config.update(use)
        self.warn(f"current profile is now {parsed_args.name!r}")
