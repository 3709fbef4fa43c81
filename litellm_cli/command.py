"""Base classes for every command, ours and third-party plugins'.

Subclass ``Command`` (prints nothing or free text), ``Lister`` (returns
``(columns, rows)``) or ``ShowOne`` (returns ``(columns, values)``); the last
two get cliff's table/json/yaml/csv/value formatters and ``-c``.
"""

import cliff.command
import cliff.lister
import cliff.show

from litellm_cli import exceptions


class _Base:
    def get_epilog(self):
        # cliff's version scans every installed distribution's metadata each
        # time a parser is built (tens of milliseconds); we never need that.
        return self._epilog or ""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)

        def error(message):
            raise exceptions.UsageError(f"{message} (see '{prog_name} --help')")

        parser.error = error
        return parser

    @property
    def session(self):
        """The HTTP session to the proxy (see litellm_cli.session.Session)."""
        return self.app.client_manager.session

    def warn(self, message):
        """A note for the user on stderr; stdout stays data only."""
        self.app.stderr.write(f"{message}\n")


class Command(_Base, cliff.command.Command):
    pass


class Lister(_Base, cliff.lister.Lister):
    pass


class ShowOne(_Base, cliff.show.ShowOne):
    pass
