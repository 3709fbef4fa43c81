"""``litellm-proxy version``: the client's and the proxy's versions."""

from litellm_cli import __version__, exceptions
from litellm_cli.command import ShowOne
from litellm_cli.versions import server_version


class ShowVersion(ShowOne):
    """Show the client version and the LiteLLM proxy server version"""

    _epilog = ("server_version is empty (null in json) when the proxy does not say it; "
               "when the proxy\ncannot be reached, a note says why on stderr and the exit "
               "code is still 0:\nthe client version was shown.")

    def take_action(self, parsed_args):
        columns = ("client_version", "server_version", "server_url")
        try:
            server = server_version(self.session)
        except exceptions.ConnectionFailure as exc:
            server = None
            self.warn(f"note: no server version: {exc}")
        url = self.app.client_manager.redactor.url(self.session.base_url)
        return columns, (__version__, server, url)
