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
from urllib3.exceptions import LocationParseError, NameResolutionError, NewConnectionError
from urllib3.util import parse_url

from litellm_cli import distribution, exceptions
from litellm_cli.redact import REDACTOR, is_secret_header, mask_url_userinfo

LOG = logging.getLogger("litellm_cli.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_TIMEOUT = 60.0
# A refused connection is retried once, after this long: enough for a proxy
# that is restarting, without making "nothing listens there" slow to report.
REFUSED_RETRY_DELAY = 0.1
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url):
    """``(scheme, host, port)`` of a URL, as urllib3 reads it to connect: where
    credentials may be sent. None for a URL it cannot parse."""
    try:
        parts = parse_url(url)
    except LocationParseError:
        return None
    scheme = (parts.scheme or "").lower()
    return scheme, (parts.host or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


class _HTTP(requests.Session):
    """requests' session, but credentials never follow a redirect off the proxy.

    requests drops only ``Authorization``, only when the host changes, and
    keeps it from http to https; we drop every secret header whenever the
    scheme, host or port differs from the proxy's.
    """

    def __init__(self, base_origin):
        super().__init__()
        self.base_origin = base_origin

    def rebuild_auth(self, prepared_request, response):
        super().rebuild_auth(prepared_request, response)
        if origin(prepared_request.url) != self.base_origin:
            for name in [n for n in prepared_request.headers if is_secret_header(n)]:
                del prepared_request.headers[name]
            LOG.debug("redirected off the proxy: credentials are not sent")


class Session:
    """A connection to one LiteLLM proxy.

    :param base_url: the proxy's URL; request paths are appended to it.
    :param api_key: sent as ``Authorization: Bearer``, only to the base URL's
        scheme, host and port; never logged.
    :param timeout: seconds to wait to connect and between bytes read.
    :param verify: ``True`` (system CAs, or ``REQUESTS_CA_BUNDLE`` /
        ``CURL_CA_BUNDLE`` when set), ``False`` (``--insecure``) or a CA bundle path.
    :param retries: how many times a retriable failure is retried.
    :param backoff: first retry delay in seconds; doubles each retry.
    :param max_delay: no single wait is longer; a ``Retry-After`` beyond it
        is not waited for and the error is reported instead.
    """

    def __init__(self, base_url, api_key=None, timeout=DEFAULT_TIMEOUT, verify=True,
                 retries=3, backoff=0.25, max_delay=30.0, sleep=time.sleep):
        if origin(base_url) is None:
            raise exceptions.UsageError(
                f"the proxy URL {mask_url_userinfo(base_url)!r} is not a valid URL")
        if parse_url(base_url).auth is not None:
            # requests would send it as Basic auth instead of the API key.
            raise exceptions.UsageError(
                f"the proxy URL {mask_url_userinfo(base_url)} must not contain "
                "user:password@; give the API key with --api-key or LITELLM_PROXY_API_KEY")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.verify = verify
        self.retries = retries
        self.backoff = backoff
        self.max_delay = max_delay
        self._sleep = sleep
        self.redactor = REDACTOR
        self.redactor.add(api_key)
        self._http = _HTTP(origin(self.base_url))
        self._http.headers["User-Agent"] = (f"{distribution.NAME}/{distribution.version()} "
                                            f"python-requests/{requests.__version__}")

    def url_for(self, path):
        """The URL of ``path`` on the proxy.

        An absolute URL is accepted only on the proxy's own scheme, host and
        port: the API key must never go anywhere else.
        """
        if not path.lower().startswith(("http://", "https://")):
            return f"{self.base_url}/{path.lstrip('/')}"
        if origin(path) is None or origin(path) != origin(self.base_url):
            raise exceptions.UsageError(
                f"{mask_url_userinfo(path)} is not on the proxy ({self._base_origin_text()}): "
                "the API key is sent only there; give a path such as /models")
        return path

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
            # auth=_as_given: requests would otherwise replace our Authorization
            # header with credentials from ~/.netrc.
            prepared = self._http.prepare_request(requests.Request(
                method, url, params=params, data=data, headers=all_headers, auth=_as_given))
            # What requests.Session.request would add: REQUESTS_CA_BUNDLE,
            # CURL_CA_BUNDLE and the proxy variables of the environment.
            settings = self._http.merge_environment_settings(
                prepared.url, {}, stream, self.verify, None)
            self._log_request(prepared)
            try:
                response = self._http.send(prepared, timeout=self.timeout,
                                           allow_redirects=True, **settings)
            except requests.exceptions.SSLError as exc:
                raise exceptions.ConnectionFailure(
                    f"TLS error talking to {self._where(exc)}: {self._reason(exc)} "
                    "(use --ca-bundle PATH, or --insecure to skip verification)") from None
            except requests.exceptions.Timeout as exc:
                # Not retried: --timeout bounds how long the user waits.
                raise self._connection_failure(exc, isinstance(
                    exc, requests.exceptions.ConnectTimeout)) from None
            except requests.exceptions.ConnectionError as exc:
                never_sent = _never_reached_server(exc)
                delay = self._connection_retry_delay(exc, attempt, idempotent or never_sent)
                if delay is None:
                    raise self._connection_failure(exc, never_sent) from None
                LOG.debug("retrying in %.1fs after: %s", delay, self._reason(exc))
                self._sleep(delay)
                attempt += 1
                continue

            self._log_response(response, stream)
            if (response.status_code in RETRY_STATUSES and idempotent
                    and attempt < self.retries):
                retry_after = exceptions.retry_after_seconds(response.headers.get("retry-after"))
                if retry_after is None or retry_after <= self.max_delay:
                    delay = self._delay(attempt, retry_after)
                    LOG.debug("HTTP %s: retrying in %.1fs", response.status_code, delay)
                    response.close()
                    self._sleep(delay)
                    attempt += 1
                    continue
            if raise_exc and response.status_code >= 400:
                raise self.error_for(response, method)
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

    def _base_origin_text(self):
        scheme, host, port = origin(self.base_url)
        return f"{scheme}://{host}:{port}"

    def _tried(self, exc):
        """The URL a failed request went to (after redirects), masked."""
        request = getattr(exc, "request", None)
        return self.redactor.url(getattr(request, "url", None) or self.base_url)

    def _where(self, exc):
        url = self._tried(exc)
        if origin(url) == origin(self.base_url):
            return f"the LiteLLM proxy at {self.redactor.url(self.base_url)}"
        return f"{url} (redirected from the proxy at {self.redactor.url(self.base_url)})"

    def _reason(self, exc):
        reason = exc.args[0] if exc.args else exc
        reason = getattr(reason, "reason", None) or reason  # urllib3's MaxRetryError
        if isinstance(reason, NameResolutionError):
            return f"cannot resolve host {urlsplit(self._tried(exc)).hostname!r}"
        text = str(reason)
        if isinstance(reason, NewConnectionError) or "refused" in text.lower():
            return "connection refused"
        if "RemoteDisconnected" in text or "Connection aborted" in text:
            return "the connection was closed before the proxy answered"
        if "reset by peer" in text.lower():
            return "the connection was reset"
        # urllib3 prefixes messages with "<...Connection object at 0x...>: ".
        return self.redactor.text(text.split(">: ", 1)[-1])

    def _connection_retry_delay(self, exc, attempt, may_resend):
        """How long to wait before sending again after ``exc``; None: do not."""
        if not may_resend or attempt >= self.retries:
            return None
        reason = exc.args[0] if exc.args else None
        reason = getattr(reason, "reason", reason)
        if isinstance(reason, NameResolutionError):
            return None  # asking again will not make the name resolve
        if isinstance(reason, NewConnectionError):
            # Refused: once, quickly (a proxy restarting); then report it.
            return REFUSED_RETRY_DELAY if attempt == 0 else None
        return self._delay(attempt, None)

    def _connection_failure(self, exc, never_sent):
        if isinstance(exc, requests.exceptions.Timeout):
            failure = exceptions.ConnectionFailure(
                f"{self._where(exc)} did not answer within {self.timeout:g}s "
                "(raise it with --timeout)")
        else:
            failure = exceptions.ConnectionFailure(
                f"cannot reach {self._where(exc)} ({self._reason(exc)})")
        failure.maybe_received = not never_sent
        return failure

    def error_for(self, response, method, known_path=True):
        """The exception for an error ``response``, secrets masked.

        With ``known_path`` (a path every LiteLLM proxy serves), a 404 for the
        path itself means the base URL is wrong, and says so.
        """
        path = urlsplit(response.url).path
        if not_a_proxy(response, known_path):
            # Our paths exist on every LiteLLM proxy: the base URL is wrong.
            hint = ("the proxy's root URL, without /v1" if self.base_url.endswith("/v1")
                    else "check --base-url or LITELLM_PROXY_URL")
            error = exceptions.ConnectionFailure(
                f"{self.redactor.url(self.base_url)} does not look like a LiteLLM proxy: "
                f"{method} {path} answered HTTP {response.status_code} "
                f"{exceptions.message_from_body(response.text, response.reason or '')!r} "
                f"({hint})")
            error.maybe_received = False
        else:
            error = exceptions.from_response(response, method, self.redactor.url(response.url))
        if origin(response.url) != origin(self.base_url):
            error.message += (f" (after a redirect to {self.redactor.url(response.url)}, "
                              "where credentials are not sent)")
        error.message = self.redactor.text(error.message)
        return error

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
        request_id = exceptions.request_id(response.headers)
        if request_id:
            LOG.debug("RESP request id: %s", red.text(request_id))
        if stream:
            LOG.debug("RESP BODY: <streamed>")
        else:
            LOG.debug("RESP BODY: %s", red.body(response.content))


def _as_given(prepared):
    """An auth hook that keeps the request's headers as they are."""
    return prepared


def _never_reached_server(exc):
    """True when the request provably never left this machine."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, (NewConnectionError, NameResolutionError))


def not_a_proxy(response, known_path=True):
    """True when a 404 or a success cannot come from a LiteLLM proxy's API: an
    HTML page, or (for a ``known_path``) a 404 for the route itself rather
    than for an object the route looked up. (Other errors, e.g. a gateway's
    HTML 502 page, are the proxy's, or in front of it.)"""
    if response.status_code >= 400 and response.status_code != 404:
        return False
    if exceptions.is_html(response.text, response.headers.get("content-type")):
        return True
    if not known_path:
        return False
    try:
        body = response.json()
    except ValueError:
        return True
    return body == {"detail": "Not Found"}  # FastAPI's answer for an unknown path


def decode_json(response):
    """The response body as JSON; a body that is not JSON is a clear error."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        where = f"{response.request.method} {urlsplit(response.url).path}"
        if not_a_proxy(response):
            raise exceptions.ConnectionFailure(
                f"{mask_url_userinfo(response.url.split('?')[0])} does not look like a LiteLLM "
                f"proxy: {where} answered with an HTML page "
                "(check --base-url or LITELLM_PROXY_URL)") from None
        raise exceptions.CLIError(
            f"the proxy answered {where} with a body that is not JSON: "
            f"{exceptions.message_from_body(response.text)[:200]!r}") from None
