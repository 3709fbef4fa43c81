"""Builds the HTTP session from the global options, lazily.

Commands (ours and third-party plugins) reach the proxy through
``self.app.client_manager.session``; nothing is imported or connected until
a command asks for it.
"""

import logging
import os

from litellm_cli import exceptions

LOG = logging.getLogger(__name__)


class ClientManager:
    def __init__(self, options):
        self.options = options
        self._session = None

    @property
    def base_url(self):
        return self.options.base_url

    @property
    def session(self):
        if self._session is None:
            from litellm_cli.session import Session

            opts = self.options
            if not opts.base_url.startswith(("http://", "https://")):
                raise exceptions.UsageError(
                    f"--base-url must start with http:// or https://, got {opts.base_url!r}")
            verify = True
            if opts.ca_bundle:
                if not os.path.isfile(opts.ca_bundle):
                    raise exceptions.UsageError(f"--ca-bundle: no such file: {opts.ca_bundle}")
                verify = opts.ca_bundle
            if opts.insecure:
                import urllib3

                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
                LOG.warning("warning: TLS certificate verification is disabled (--insecure)")
                verify = False
            self._session = Session(opts.base_url, api_key=opts.api_key,
                                    timeout=opts.timeout, verify=verify)
        return self._session

    @property
    def redactor(self):
        """Masks secrets in messages even before a session exists."""
        if self._session is not None:
            return self._session.redactor
        from litellm_cli.redact import Redactor

        return Redactor([self.options.api_key])

    def close(self):
        if self._session is not None:
            self._session.close()
