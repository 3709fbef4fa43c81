"""Builds the connection settings, the HTTP session and the API clients, lazily.

Commands (ours and third-party plugins) reach the proxy through an API client,
``self.app.client_manager.teams`` (see API_CLIENTS), or the raw
``self.app.client_manager.session``; nothing is read, imported or connected
until a command asks for it.
"""

import importlib
import logging
import os

from litellm_cli import config, exceptions

LOG = logging.getLogger(__name__)


# ``client_manager.<name>``: the API client class built (once) on that session.
API_CLIENTS = {
    "budgets": "litellm_cli.api.budgets:BudgetsAPI",
    "chat": "litellm_cli.api.chat:ChatAPI",
    "credentials": "litellm_cli.api.credentials:CredentialsAPI",
    "customers": "litellm_cli.api.customers:CustomersAPI",
    "health": "litellm_cli.api.health:HealthAPI",
    "keys": "litellm_cli.api.keys:KeysAPI",
    "model_groups": "litellm_cli.api.model_groups:ModelGroupsAPI",
    "models": "litellm_cli.api.models:ModelsAPI",
    "orgs": "litellm_cli.api.orgs:OrgsAPI",
    "spend": "litellm_cli.api.spend:SpendAPI",
    "teams": "litellm_cli.api.teams:TeamsAPI",
    "users": "litellm_cli.api.users:UsersAPI",
}


class ClientManager:
    def __init__(self, options=None, session=None):
        """``options`` are the global options; a ready ``session`` (an SDK
        caller's, a test's fake) is used as it is."""
        self.options = options
        self._settings = None
        self._session = session

    def __getattr__(self, name):
        # Only called for names that are not attributes yet: the first use of
        # an API client imports its module and keeps the client.
        if name not in API_CLIENTS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        module, _, cls = API_CLIENTS[name].partition(":")
        client = getattr(importlib.import_module(module), cls)(self.session)
        setattr(self, name, client)
        return client

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
    def open_session(self):
        """The session if one was made (a request may have been sent), else None."""
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
