"""``litellm-proxy version``: the client's and the proxy's versions."""

from litellm_cli import __version__, exceptions
from litellm_cli.api.health import server_version
from litellm_cli.command import ShowOne


class ShowVersion(ShowOne):
    """Show the client version and the LiteLLM proxy server version"""

    def take_action(self, parsed_args):
        columns = ("client_version", "server_version", "server_url")
        try:
            server = server_version(self.session) or "unknown"
        except exceptions.ConnectionFailure as exc:
            # Still show what we know, then fail like kubectl does.
            self.produce_output(parsed_args, columns,
                                (__version__, "unknown", self.app.client_manager.base_url))
            raise exc
        return columns, (__version__, server, self.session.base_url)
