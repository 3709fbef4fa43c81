"""The global options, defined once for the shell and the cliff app.

Global options go before the command words: ``litellm-proxy --debug keys
list``. After the command words every option belongs to the command first:
a global option is accepted there only when the command has no option of
that name (``keys list --debug``), and a value of a command option is never
read as a global option (``profile add p --url U --timeout 7`` stores the
timeout in the profile). ``-h`` and ``-v`` after the command words are never
global. Standard library only: the help path imports this module.
"""

import argparse
import os
import sys

from litellm_cli import exceptions
from litellm_cli.distribution import SCRIPTS
from litellm_cli.utils import number

# The name this CLI was run as, for its messages: its console scripts all run
# the same code; ``python -m litellm_cli`` says the first.
PROG = next((name for name in SCRIPTS if os.path.basename(sys.argv[0]) in (name, name + ".exe")),
            SCRIPTS[0])
DEFAULT_URL = "http://localhost:4000"

DESCRIPTION = "Manage a LiteLLM proxy and talk to its models from the command line."
EPILOG = """\
Environment:
  LITELLM_PROXY_URL       proxy URL (default: http://localhost:4000)
  LITELLM_PROXY_API_KEY   API key (the master key for admin commands)
  LITELLM_PROXY_TIMEOUT   seconds to wait for the proxy (default: 60)
  LITELLM_PROFILE         profile to use from the config file
  LITELLM_CLI_CONFIG      config file (default: ~/.config/litellm-cli/config.yaml)
Precedence: flag > environment > profile > default.

Global options go before the command words; after them only when the command
has no option of the same name.
Run '%(prog)s help COMMAND' or '%(prog)s COMMAND --help' for a command's options;
'%(prog)s GROUP' lists the commands of a group with what each does.
Exit codes: 0 ok, 1 failed, 2 usage, 3 cannot connect, 4 auth, 5 not found,
6 rejected by the proxy, 7 proxy error, 130 interrupted, 141 output pipe closed."""

# Where global options given after the command words are kept in the
# command's namespace until they are moved to the global options.
_TRAILING = "global_option_"


# (option strings, add_argument settings) of the options that may also follow
# the command words.
SETTINGS = (
    (("--base-url",), dict(
        metavar="URL",
        help=f"URL of the LiteLLM proxy (env LITELLM_PROXY_URL; default {DEFAULT_URL})")),
    (("--api-key",), dict(
        metavar="KEY", help="API key sent as a bearer token (env LITELLM_PROXY_API_KEY); @FILE "
                            "or @- reads it from a file or stdin, out of the process list and "
                            "shell history")),
    (("--timeout",), dict(
        metavar="SECONDS", type=number(0, what="a number of seconds", above=True),
        help="seconds to wait for the proxy to connect or answer (env LITELLM_PROXY_TIMEOUT; "
             "default 60)")),
    (("--insecure",), dict(action="store_true",
                           help="do not verify the proxy's TLS certificate")),
    (("--ca-bundle",), dict(metavar="PATH",
                            help="CA bundle file to verify the proxy's TLS certificate with")),
    (("--profile",), dict(
        metavar="NAME",
        help="use the settings of this profile from the config file (env LITELLM_PROFILE)")),
    (("--debug",), dict(
        action="store_true",
        help="log every HTTP request (as curl) and response, secrets masked; show tracebacks")),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, the documented usage exit code, and where to look next.
        sys.stderr.write(f"Error: {message} (see '{PROG} --help')\n")
        sys.exit(exceptions.EXIT_USAGE)


def build_parser():
    """The parser of everything before the command words.

    Defaults are None: litellm_cli.config resolves flag > environment >
    profile > default, and remembers where each value came from. The command
    words and everything after them end up, untouched, in ``command``.
    """
    parser = _Parser(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG, add_help=False,
        allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [global options] COMMAND [options]")
    group = parser.add_argument_group("global options")
    for strings, settings in SETTINGS:
        group.add_argument(*strings, **settings)
    group.add_argument(
        "-v", "--version", action="store_true",
        help="print the client and server versions and exit")
    group.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    parser.add_argument("command", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def parse_leading(parser, argv):
    """Parse the global options before the command words.

    Returns ``(options, command_argv)``. An option that is not a global one
    is a usage error naming it.
    """
    options, unknown = parser.parse_known_args(argv)
    if unknown:
        parser.error(f"unknown global option {unknown[0]!r}; a command's own options go "
                     "after its words")
    words = options.command
    del options.command
    if words[:1] == ["--"]:
        words = words[1:]
    return options, words


def add_trailing(command_parser):
    """Let the global options follow the command words where the command has
    no option of that name. They stay out of the command's help."""
    taken = command_parser._option_string_actions  # argparse keeps no public index
    for strings, settings in SETTINGS:
        free = [s for s in strings if s not in taken]
        if free:
            settings = dict(settings, help=argparse.SUPPRESS, default=argparse.SUPPRESS,
                            dest=_TRAILING + strings[0].lstrip("-").replace("-", "_"))
            command_parser.add_argument(*free, **settings)


def take_trailing(parsed_args, options):
    """Move global options given after the command words into ``options``."""
    for name in [n for n in vars(parsed_args) if n.startswith(_TRAILING)]:
        setattr(options, name[len(_TRAILING):], getattr(parsed_args, name))
        delattr(parsed_args, name)
