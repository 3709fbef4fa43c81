"""``litellm-proxy version``: which program this is, the client's and the
proxy's versions, and whether another package shares this CLI's files."""

from litellm_cli import distribution, exceptions
from litellm_cli.command import ShowOne
from litellm_cli.versions import server_version


class ShowVersion(ShowOne):
    """Show the client version and the LiteLLM proxy server version"""

    _epilog = ("client is this program's package name (litellm-cli, whichever of its commands\n"
               "litellm-proxy and litellm-cli ran it). server_version is empty (null in json) "
               "when\nthe proxy does not say it; when the proxy cannot be reached, a note says "
               "why on\nstderr and the exit code is still 0: the client version was shown. A "
               "warning on\nstderr says when another package in this environment (litellm "
               ">= 1.110) replaced\nor can break this CLI's commands, and what to do.")

    def take_action(self, parsed_args):
        columns = ("client", "client_version", "server_version", "server_url")
        shared = distribution.check()
        if shared:
            self.warn(f"warning: {shared}")
        try:
            server = server_version(self.session)
        except exceptions.ConnectionFailure as exc:
            server = None
            self.warn(f"note: no server version: {exc}")
        url = self.app.client_manager.redactor.url(self.session.base_url)
        return columns, (distribution.NAME, distribution.version(), server, url)
