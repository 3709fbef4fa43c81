"""Base classes for every command, ours and third-party plugins'.

Subclass ``Command`` (prints nothing or free text), ``Lister`` (returns
``(columns, rows)``) or ``ShowOne`` (returns ``(columns, values)``); the last
two get cliff's table/json/yaml/csv/value formatters and ``-c``.
"""

import argparse
import copy

import cliff.command
import cliff.lister
import cliff.show
from cliff._argparse import SmartHelpFormatter
from cliff.columns import FormattableColumn

from litellm_cli import exceptions


class HelpFormatter(argparse.RawDescriptionHelpFormatter, SmartHelpFormatter):
    """cliff's help formatter, keeping the description's and epilog's paragraphs."""


class _Base:
    def get_epilog(self):
        # cliff's version scans every installed distribution's metadata each
        # time a parser is built (tens of milliseconds); we never need that.
        return self._epilog or ""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.formatter_class = HelpFormatter

        def error(message):
            raise exceptions.UsageError(f"{message} (see '{prog_name} --help')")

        parser.error = error
        return parser

    @property
    def session(self):
        """The HTTP session to the proxy (see litellm_cli.session.Session)."""
        return self.app.client_manager.session

    def warn(self, message):
        """A note for the user on stderr; stdout stays data only. Secrets masked."""
        from litellm_cli.redact import REDACTOR

        self.app.stderr.write(f"{REDACTOR.values(message)}\n")


class Command(_Base, cliff.command.Command):
    pass


def _masked_row(row):
    """A row of output with every secret the user handed in masked (see redact)."""
    from litellm_cli.redact import mask_output

    masked = []
    for value in row:
        if isinstance(value, FormattableColumn):
            value = copy.copy(value)
            value._value = mask_output(value._value)
        else:
            value = mask_output(value)
        masked.append(value)
    return tuple(masked)


class _Display(_Base):
    def produce_output(self, parsed_args, column_names, data):
        if isinstance(self, cliff.lister.Lister):
            data = (_masked_row(row) for row in data)
        else:
            data = _masked_row(data)
        return super().produce_output(parsed_args, column_names, data)

    def _generate_columns_and_selector(self, parsed_args, column_names):
        try:
            return super()._generate_columns_and_selector(parsed_args, column_names)
        except ValueError:  # cliff's "No recognized column names"
            raise exceptions.UsageError(
                f"-c/--column: no column named {', '.join(parsed_args.columns)}; "
                f"the columns are: {', '.join(column_names)}") from None


class Lister(_Display, cliff.lister.Lister):
    def _load_formatter_plugins(self):
        from litellm_cli.display import StreamingJSONFormatter

        formatters = super()._load_formatter_plugins()
        for formatter in formatters:
            if formatter.name == "json":
                formatter.obj = StreamingJSONFormatter()
        return formatters


class ShowOne(_Display, cliff.show.ShowOne):
    pass


class DeleteCommand(Command):
    """Base for commands that destroy something.

    Adds ``-y/--yes``. ``confirm()`` names what will be deleted and asks when
    stdin is a terminal; without a terminal (scripts, CI, pipes) it never
    prompts, so scripted use keeps working.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("-y", "--yes", action="store_true",
                            help="do not ask for confirmation")
        return parser

    def confirm(self, parsed_args, what):
        if parsed_args.yes or not self.app.stdin.isatty():
            return
        self.app.stderr.write(f"This will delete {what}.\nContinue? [y/N] ")
        self.app.stderr.flush()
        answer = self.app.stdin.readline()
        if answer.strip().lower() not in ("y", "yes"):
            raise exceptions.CLIError("aborted; nothing was deleted")

    def delete_all(self, parsed_args, targets, plural):
        """Confirm, then run every ``(label, delete)``: see utils.delete_each."""
        from litellm_cli.utils import delete_each

        self.confirm(parsed_args, f"{len(targets)} {plural}: "
                                  + ", ".join(label for label, _ in targets))
        delete_each(targets, self.warn, plural)
