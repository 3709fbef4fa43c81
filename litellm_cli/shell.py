"""Entry point of ``litellm-proxy``: global options, top-level help, dispatch.

This module imports only the standard library, so ``litellm-proxy --help``
and an empty command line answer without importing cliff, requests or any
command module. The cliff application (``litellm_cli.app``) is imported only
when a command actually runs.
"""

import logging
import os
import sys

from litellm_cli import exceptions
from litellm_cli.options import PROG, build_parser, parse_leading


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
    options, rest = parse_leading(parser, argv)

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
    if words[1:] in (["-h"], ["--help"]):
        words = words[:1]
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
    closed = open_closed_streams()
    sys.stderr = Diagnostics(sys.stderr)
    sys.stdout = Output(sys.stdout)
    if "stdout" in closed:
        sys.stderr.write("warning: standard output is closed; the output is discarded\n")
    code = None
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like cat does.
        silence_stdout()
        code = exceptions.EXIT_BROKEN_PIPE
    except exceptions.OutputError as exc:
        # Help and the last flush run outside the app's last line of defence.
        sys.stderr.write(f"Error: {exc}\n")
        code = code or exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        code = exceptions.EXIT_INTERRUPTED
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


def open_closed_streams():
    """Put /dev/null where stdin, stdout or stderr is closed (``<&-``, ``>&-``, ``2>&-``).

    Python leaves such a stream None, and the next file or socket opened would
    take its descriptor and receive the output. With /dev/null a closed stdin
    reads as empty and output to a closed stream is discarded, so the command
    runs and its exit code still says what happened on the proxy. Returns the
    names of the streams that were closed.
    """
    closed = []
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if getattr(sys, name) is not None:
            continue
        closed.append(name)
        flags = os.O_RDONLY if fd == 0 else os.O_WRONLY
        try:
            os.fstat(fd)
        except OSError:  # free: make it /dev/null for us and for child processes
            devnull = os.open(os.devnull, flags)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
            target = fd
        else:  # already reused for something else: leave it alone
            target = os.open(os.devnull, flags)
        setattr(sys, name, open(target, "r" if fd == 0 else "w", encoding="utf-8",
                                errors="backslashreplace", closefd=target != fd))
    return closed


class _Guarded:
    """A standard stream whose failed writes ``_failed`` decides about."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except OSError as exc:
            self._failed(exc)
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except OSError as exc:
            self._failed(exc)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class Output(_Guarded):
    """stdout, except that a write that fails (disk full, a descriptor not
    open for writing...) raises ``OutputError``: one line on stderr and exit
    1, never a traceback, and never lost inside argparse, which ignores
    ``OSError`` while it prints help. A reader that went away stays a
    ``BrokenPipeError``: the command ends quietly with 141."""

    def _failed(self, exc):
        if isinstance(exc, BrokenPipeError):
            raise exc
        silence_stdout()  # nothing more to write, and nothing left to flush at exit
        raise exceptions.OutputError(
            f"cannot write the output: {exc.strerror or exc}") from None


class Diagnostics(_Guarded):
    """stderr, except that it cannot change the outcome: once it cannot be
    written (its reader is gone, as in ``2>&1 | head``, or the disk is full),
    messages are dropped instead of failing the command, so the exit code
    stays the one of what happened on the proxy."""

    def _failed(self, exc):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
            self._stream.flush()
        except (OSError, ValueError):
            pass


def silence_stdout():
    """Point stdout at /dev/null so no later flush fails on a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
