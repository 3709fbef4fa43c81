"""The HTTP session: one object owns transport, auth, timeouts, retries and logging.

Modelled on keystoneauth's Session. Everything that talks to the proxy goes
through ``Session.request``, so URL joining, the bearer token, TLS options,
the retry policy, ``--debug`` logging (with secrets masked) and turning HTTP
errors into typed exceptions happen in exactly one place.
"""

import json as jsonlib
import logging
import time
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from litellm_cli import __version__, exceptions
from litellm_cli.redact import Redactor

LOG = logging.getLogger("litellm_cli.http")

USER_AGENT = f"litellm-cli/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_TIMEOUT = 60.0


class Session:
    """A connection to one LiteLLM proxy.

    :param base_url: the proxy's URL; request paths are appended to it.
    :param api_key: sent as ``Authorization: Bearer``; never logged.
    :param timeout: seconds to wait to connect and between bytes read.
    :param verify: ``True``, ``False`` (``--insecure``) or a CA bundle path.
    :param retries: how many times a retriable failure is retried.
    :param backoff: first retry delay in seconds; doubles each retry.
    :param max_delay: no single wait is longer; a ``Retry-After`` beyond it
        is not waited for and the error is reported instead.
    """

    def __init__(self, base_url, api_key=None, timeout=DEFAULT_TIMEOUT, verify=True,
                 retries=3, backoff=0.25, max_delay=30.0, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.verify = verify
        self.retries = retries
        self.backoff = backoff
        self.max_delay = max_delay
        self._sleep = sleep
        self.redactor = Redactor([api_key])
        self._http = requests.Session()
        self._http.headers["User-Agent"] = f"{USER_AGENT} python-requests/{requests.__version__}"

    def url_for(self, path):
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    # -- public API -----------------------------------------------------------

    def request(self, method, path, *, params=None, json=None, data=None, headers=None,
                stream=False, idempotent=None, raise_exc=True, authenticated=True):
        """Send one request, retrying where that is safe, and return the response.

        ``json`` is sent as JSON; ``data`` is sent as given. A POST is retried
        only when it provably never reached the server (the connection was
        refused), unless ``idempotent=True``. Timeouts are never retried, so
        ``timeout`` bounds the wait.
        With ``raise_exc`` an HTTP error status raises an ``HttpError``.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.url_for(path)
        all_headers = {"Accept": "application/json"}
        if authenticated and self.api_key:
            all_headers["Authorization"] = f"Bearer {self.api_key}"
        if json is not None:
            data = jsonlib.dumps(json)
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})

        attempt = 0
        while True:
            prepared = self._http.prepare_request(
                requests.Request(method, url, params=params, data=data, headers=all_headers))
            self._log_request(prepared)
            try:
                response = self._http.send(
                    prepared, timeout=self.timeout, verify=self.verify, stream=stream,
                    allow_redirects=True)
            except requests.exceptions.SSLError as exc:
                raise exceptions.ConnectionFailure(
                    f"TLS error talking to {self._where()}: {self._reason(exc)} "
                    "(use --ca-bundle PATH, or --insecure to skip verification)") from None
            except requests.exceptions.Timeout as exc:
                # Not retried: --timeout bounds how long the user waits.
                raise self._connection_failure(exc, isinstance(
                    exc, requests.exceptions.ConnectTimeout)) from None
            except requests.exceptions.ConnectionError as exc:
                never_sent = _never_reached_server(exc)
                if attempt < self.retries and (idempotent or never_sent):
                    delay = self._delay(attempt, None)
                    LOG.debug("retrying in %.1fs after: %s", delay, self._reason(exc))
                    self._sleep(delay)
                    attempt += 1
                    continue
                raise self._connection_failure(exc, never_sent) from None

            self._log_response(response, stream)
            if (response.status_code in RETRY_STATUSES and idempotent
                    and attempt < self.retries):
                retry_after = exceptions._retry_after_seconds(response.headers.get("retry-after"))
                if retry_after is None or retry_after <= self.max_delay:
                    delay = self._delay(attempt, retry_after)
                    LOG.debug("HTTP %s: retrying in %.1fs", response.status_code, delay)
                    response.close()
                    self._sleep(delay)
                    attempt += 1
                    continue
            if raise_exc and response.status_code >= 400:
                error = exceptions.from_response(response, method, self.redactor.url(url))
                error.message = self.redactor.text(error.message)
                raise error
            return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def get_json(self, path, **kwargs):
        return decode_json(self.get(path, **kwargs))

    def post_json(self, path, body=None, **kwargs):
        return decode_json(self.post(path, json=body if body is not None else {}, **kwargs))

    def close(self):
        self._http.close()

    # -- helpers --------------------------------------------------------------

    def _delay(self, attempt, retry_after):
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        return min(self.backoff * (2 ** attempt), self.max_delay)

    def _where(self):
        return f"the LiteLLM proxy at {self.base_url}"

    def _reason(self, exc):
        reason = exc.args[0] if exc.args else exc
        reason = getattr(reason, "reason", None) or reason  # urllib3's MaxRetryError
        if isinstance(reason, NameResolutionError):
            return f"cannot resolve host {urlsplit(self.base_url).hostname!r}"
        text = str(reason)
        if isinstance(reason, NewConnectionError) or "refused" in text.lower():
            return "connection refused"
        if "RemoteDisconnected" in text or "Connection aborted" in text:
            return "the connection was closed before the proxy answered"
        if "reset by peer" in text.lower():
            return "the connection was reset"
        # urllib3 prefixes messages with "<...Connection object at 0x...>: ".
        return self.redactor.text(text.split(">: ", 1)[-1])

    def _connection_failure(self, exc, never_sent):
        if isinstance(exc, requests.exceptions.Timeout):
            failure = exceptions.ConnectionFailure(
                f"{self._where()} did not answer within {self.timeout:g}s "
                "(raise it with --timeout)")
        else:
            failure = exceptions.ConnectionFailure(
                f"cannot reach {self._where()} ({self._reason(exc)})")
        failure.maybe_received = not never_sent
        return failure

    def _log_request(self, prepared):
        if not LOG.isEnabledFor(logging.DEBUG):
            return
        import shlex  # only --debug needs it

        red = self.redactor
        parts = ["curl", "-g", "-i", "-X", prepared.method, red.url(prepared.url)]
        for name, value in prepared.headers.items():
            parts += ["-H", f"{name}: {red.header(name, value)}"]
        if prepared.body:
            parts += ["-d", red.body(prepared.body)]
        LOG.debug("REQ: %s", " ".join(shlex.quote(p) for p in parts))

    def _log_response(self, response, stream):
        if not LOG.isEnabledFor(logging.DEBUG):
            return
        red = self.redactor
        headers = " ".join(f"{k}: {red.header(k, v)}" for k, v in response.headers.items())
        LOG.debug("RESP: [%s] %s", response.status_code, headers)
        if stream:
            LOG.debug("RESP BODY: <streamed>")
        else:
            LOG.debug("RESP BODY: %s", red.body(response.content))


def _never_reached_server(exc):
    """True when the request provably never left this machine."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, (NewConnectionError, NameResolutionError))


def decode_json(response):
    """The response body as JSON; a body that is not JSON is a clear error."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise exceptions.CLIError(
            f"the proxy answered {response.request.method} {urlsplit(response.url).path} "
            f"with a body that is not JSON: {response.text[:200]!r}") from None
