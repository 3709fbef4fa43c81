"""The cliff application that runs one command.

``litellm_cli.shell.main`` has already parsed the global options before the
command words and handled top-level help; this class finds the command, builds
its parser (which also takes the global options the command leaves free, see
``litellm_cli.options``), runs it and turns every failure into one line on
stderr and a documented exit code.
"""

import logging
import traceback

import cliff.app

from litellm_cli import exceptions
from litellm_cli.clientmanager import ClientManager
from litellm_cli.command import Command
from litellm_cli.options import DESCRIPTION, PROG, add_trailing, take_trailing


class HelpCommand(Command):
    """Show the options of a command"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("words", nargs="+", metavar="COMMAND", help="the command's words")
        return parser

    def take_action(self, parsed_args):
        factory, name, _ = self.app.find(parsed_args.words)
        cmd = factory(self.app, self.app_args, cmd_name=name)
        cmd.get_parser(f"{PROG} {name}").print_help(self.app.stdout)
        return 0


class LiteLLMApp(cliff.app.App):
    NAME = PROG

    def __init__(self, command_manager, global_parser):
        self._global_parser = global_parser
        super().__init__(DESCRIPTION, None, command_manager, deferred_help=True)
        # Replace cliff's help (it imports every command) and drop its
        # "complete" command (it does too).
        command_manager.add_command("help", HelpCommand)
        command_manager._builtin.pop("complete", None)
        self.client_manager = None

    def build_option_parser(self, description, version, argparse_kwargs=None):
        return self._global_parser

    def configure_logging(self):
        # Only our own loggers go to DEBUG: urllib3's debug lines would print
        # URLs with keys in them (e.g. /key/info?key=sk-...).
        level = logging.DEBUG if self.options.debug else logging.WARNING
        logging.getLogger("litellm_cli").setLevel(level)

    def find(self, words):
        try:
            return self.command_manager.find_command(words)
        except ValueError:
            typed = []
            for word in words:
                if word.startswith("-"):
                    break
                typed.append(word)
            hint = self.command_manager.suggestions(typed)
            message = f"unknown command {' '.join(typed)!r}"
            if hint:
                message += "; did you mean: " + ", ".join(hint) + "?"
            raise exceptions.UsageError(f"{message} (see '{PROG} --help')") from None

    def run_command(self, global_options, argv):
        """Run one command with the global options given before its words;
        return the exit code."""
        self.options = global_options
        self.configure_logging()
        self.client_manager = ClientManager(global_options)
        try:
            return self.run_subcommand(argv)
        finally:
            self.client_manager.close()

    def run_subcommand(self, argv):
        try:
            factory, name, sub_argv = self.find(argv)
            cmd = factory(self, self.options, cmd_name=name)
            parser = cmd.get_parser(f"{PROG} {name}")
            add_trailing(parser)
            try:
                parsed_args = parser.parse_args(sub_argv)
            except SystemExit as exc:  # the command's -h/--help has printed its help
                return exc.code or exceptions.EXIT_OK
            take_trailing(parsed_args, self.options)
            self.configure_logging()
            result = cmd.run(parsed_args)
            return result if isinstance(result, int) else exceptions.EXIT_OK
        except KeyboardInterrupt:
            self.stderr.write("Interrupted\n")
            return exceptions.EXIT_INTERRUPTED
        except BrokenPipeError:
            raise  # the reader went away: litellm_cli.shell.run ends quietly with 141
        except exceptions.CLIError as exc:
            self._report(exc, str(exc))
            return exc.exit_code
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            # A transport failure, or an answer of a shape the command did not
            # expect, that escaped the session (e.g. while reading a stream).
            session = self.client_manager.open_session
            known = getattr(session, "failure_for", lambda exc: None)(exc)
            if known is not None:
                self._report(exc, str(known))
                return known.exit_code
            self._report(exc, f"{type(exc).__name__}: {exc}")
            return exceptions.EXIT_FAILURE

    def _report(self, exc, message):
        from litellm_cli.utils import escape_controls

        redact = self.client_manager.redactor.text
        if self.options.debug:
            self.stderr.write(redact("".join(traceback.format_exception(exc))))
        # One line, whatever the proxy or the user put in the message.
        self.stderr.write(f"Error: {escape_controls(redact(message))}\n")
        self.stderr.flush()

