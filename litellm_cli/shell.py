"""Entry point of ``litellm-proxy``: global options, top-level help, dispatch.

This module imports only the standard library, so ``litellm-proxy --help``
and an empty command line answer without importing cliff, requests or any
command module. The cliff application (``litellm_cli.app``) is imported only
when a command actually runs.
"""

import argparse
import logging
import os
import sys

from litellm_cli import exceptions

PROG = "litellm-proxy"
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

Run '%(prog)s help COMMAND' or '%(prog)s COMMAND --help' for a command's options;
'%(prog)s GROUP' lists the commands of a group with what each does.
Exit codes: 0 ok, 1 failed, 2 usage, 3 cannot connect, 4 auth, 5 not found,
6 rejected by the proxy, 7 proxy error, 130 interrupted."""


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, the documented usage exit code, and where to look next.
        sys.stderr.write(f"Error: {message} (see '{PROG} --help')\n")
        sys.exit(exceptions.EXIT_USAGE)


def build_parser():
    """The global options, shared by the fast help path and the cliff app.

    Defaults are None: litellm_cli.config resolves flag > environment >
    profile > default, and remembers where each value came from.
    """
    parser = _Parser(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG, add_help=False,
        allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [global options] COMMAND [options]")
    group = parser.add_argument_group("global options")
    group.add_argument(
        "--base-url", metavar="URL",
        help=f"URL of the LiteLLM proxy (env LITELLM_PROXY_URL; default {DEFAULT_URL})")
    group.add_argument(
        "--api-key", metavar="KEY",
        help="API key sent as a bearer token (env LITELLM_PROXY_API_KEY)")
    group.add_argument(
        "--timeout", metavar="SECONDS", type=_positive_float,
        help="seconds to wait for the proxy to connect or answer (env LITELLM_PROXY_TIMEOUT; "
             "default 60)")
    group.add_argument(
        "--insecure", action="store_true",
        help="do not verify the proxy's TLS certificate")
    group.add_argument(
        "--ca-bundle", metavar="PATH",
        help="CA bundle file to verify the proxy's TLS certificate with")
    group.add_argument(
        "--profile", metavar="NAME",
        help="use the settings of this profile from the config file (env LITELLM_PROFILE)")
    group.add_argument(
        "--debug", action="store_true",
        help="log every HTTP request (as curl) and response, secrets masked; "
             "show tracebacks")
    group.add_argument(
        "-v", "--version", action="store_true",
        help="print the client and server versions and exit")
    group.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    return parser


def print_top_help(parser, manager, out=None):
    out = out or sys.stdout
    parser.print_help(out)
    out.write("\nCommands:\n")
    for group, names in manager.groups().items():
        subs = ", ".join(n.split(" ", 1)[1] for n in names if " " in n)
        if subs and group in names:
            subs = f"[{subs}]"  # the group word alone is a command too ("health")
        out.write(f"  {group:<12} {subs}\n".rstrip() + "\n")


def print_group_help(group, manager, out=None):
    out = out or sys.stdout
    names = manager.groups()[group]
    out.write(f"usage: {PROG} {group} COMMAND [options]\n\nCommands:\n")
    width = max(len(n) for n in names)
    for name in names:
        description = manager.describe(name)
        if description is not None:
            out.write(f"  {name:<{width}}  {description}\n")
    out.write(f"\nRun '{PROG} {group} COMMAND --help' for a command's options.\n")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    logging.basicConfig(format="%(message)s", level=logging.WARNING, stream=sys.stderr)
    parser = build_parser()
    options, rest = parser.parse_known_args(argv)

    from litellm_cli.commandmanager import CommandManager

    manager = CommandManager()
    if options.version:
        rest = ["version"]
    elif not rest:
        print_top_help(parser, manager)
        return exceptions.EXIT_OK
    if rest[0] == "help" and len(rest) == 1:
        print_top_help(parser, manager)
        return exceptions.EXIT_OK
    words = rest[1:] if rest[0] == "help" else rest
    if len(words) == 1 and words[0] in manager.groups() and words[0] not in manager.names():
        # A group word alone ("litellm-proxy models") lists that group's commands.
        print_group_help(words[0], manager)
        return exceptions.EXIT_OK
    if options.help:
        rest = ["help"] + rest

    from litellm_cli.app import LiteLLMApp

    return LiteLLMApp(manager, parser).run_command(options, rest)


def run():
    """The console script: ``sys.exit(main())`` without the interpreter's teardown.

    Tearing down every imported module costs about 25 ms per command here and
    does nothing for a process that is about to end; output is flushed first.
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like cat does.
        silence_stdout()
        code = exceptions.EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        code = exceptions.EXIT_INTERRUPTED
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


def silence_stdout():
    """Point stdout at /dev/null so no later flush fails on a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
