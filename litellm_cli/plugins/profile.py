"""``litellm-proxy profile ...``: named connection settings in the config file."""

import math

from litellm_cli import config, exceptions
from litellm_cli.command import Command, DeleteCommand, Lister, ShowOne
from litellm_cli.redact import MASK
from litellm_cli.utils import read_secret, valid_name

KEY_FROM_COMMAND = "(from api_key_command)"


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
        parser.add_argument("name", type=valid_name, metavar="NAME", help="profile name")
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
        data = config.load()
        data.setdefault("profiles", {})[parsed_args.name] = {
            k: v for k, v in profile.items() if v is not None}
        if parsed_args.use or not data.get("current_profile"):
            data["current_profile"] = parsed_args.name
        config.save(data)
        self.warn(f"saved profile {parsed_args.name!r} in {config.config_path()}")


def _load_with(name):
    """The config file's contents, which must hold profile ``name``."""
    data = config.load()
    profiles = data.get("profiles", {})
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise exceptions.CLIError(f"no profile named {name!r} in {config.config_path()} "
                                  f"(profiles: {known})", exceptions.EXIT_NOT_FOUND)
    return data


def _add_name(parser):
    parser.add_argument("name", type=valid_name, metavar="NAME", help="profile name")
    return parser


class RemoveProfile(DeleteCommand):
    """Remove a profile from the config file"""

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        data = _load_with(parsed_args.name)
        self.confirm(parsed_args, f"profile {parsed_args.name!r}")
        del data["profiles"][parsed_args.name]
        if data.get("current_profile") == parsed_args.name:
            data.pop("current_profile")
        config.save(data)
        self.warn(f"removed profile {parsed_args.name!r}")


class UseProfile(Command):
    """Make a profile the current one"""

    def get_parser(self, prog_name):
        return _add_name(super().get_parser(prog_name))

    def take_action(self, parsed_args):
        data = _load_with(parsed_args.name)
        data["current_profile"] = parsed_args.name
        config.save(data)
        self.warn(f"current profile is now {parsed_args.name!r}")
