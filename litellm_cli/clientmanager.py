"""Builds the connection settings and the HTTP session, lazily.

Commands (ours and third-party plugins) reach the proxy through
``self.app.client_manager.session``; nothing is read, imported or connected
until a command asks for it.
"""

import logging
import os

from litellm_cli import config, exceptions

LOG = logging.getLogger(__name__)


class ClientManager:
    def __init__(self, options):
        self.options = options
        self._settings = None
        self._session = None

    @property
    def settings(self):
        """Effective settings (flag > environment > profile > default), with sources."""
        if self._settings is None:
            self._settings = config.resolve(self.options)
        return self._settings

    @property
    def base_url(self):
        return self.settings.base_url

    @property
    def session(self):
        if self._session is None:
            from litellm_cli.session import Session

            settings = self.settings
            if not settings.base_url.startswith(("http://", "https://")):
                raise exceptions.UsageError(
                    f"the proxy URL must start with http:// or https://, got "
                    f"{settings.base_url!r} (from {settings.sources['base_url']})")
            verify = True
            if settings.ca_bundle:
                if not os.path.isfile(settings.ca_bundle):
                    raise exceptions.UsageError(
                        f"CA bundle not found: {settings.ca_bundle} "
                        f"(from {settings.sources['ca_bundle']})")
                verify = settings.ca_bundle
            if settings.insecure:
                import urllib3

                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
                LOG.warning("warning: TLS certificate verification is disabled (--insecure)")
                verify = False
            self._session = Session(settings.base_url, api_key=settings.api_key,
                                    timeout=settings.timeout, verify=verify)
        return self._session

    @property
    def redactor(self):
        """Masks secrets in messages, even before (or without) a session."""
        from litellm_cli.redact import REDACTOR

        for key in (self.options.api_key, os.environ.get("LITELLM_PROXY_API_KEY"),
                    self._settings and self._settings.values.get("api_key")):
            REDACTOR.add(key)
        return REDACTOR

    def close(self):
        if self._session is not None:
            self._session.close()
