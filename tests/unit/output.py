"""Run a command the whole way (parse, take_action, format) against a fake session."""

import io
import types

from litellm_cli.clientmanager import ClientManager
from litellm_cli.redact import Redactor


class Terminal(io.StringIO):
    """stdout as a terminal."""

    def isatty(self):
        return True


class _ClientManager(ClientManager):
    """The real client manager on a fake session, with a redactor of its own."""

    def __init__(self, session):
        super().__init__(session=session)
        self._redactor = Redactor()

    @property
    def redactor(self):
        return self._redactor


def render(command_class, argv, session, tty=False, name="test command"):
    """``(exit status, stdout, stderr)`` of one command run in process."""
    app = types.SimpleNamespace(
        stdin=io.StringIO(), stdout=Terminal() if tty else io.StringIO(), stderr=io.StringIO(),
        client_manager=_ClientManager(session))
    cmd = command_class(app, None)
    cmd.cmd_name = name  # set after: cliff would look up hooks for it
    parsed = cmd.get_parser(f"litellm-proxy {name}").parse_args(argv)
    status = cmd.run(parsed)
    return status, app.stdout.getvalue(), app.stderr.getvalue()
