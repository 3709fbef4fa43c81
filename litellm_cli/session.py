"""The HTTP session: one object owns transport, auth, timeouts, retries and logging.

Modelled on keystoneauth's Session. Everything that talks to the proxy goes
through ``Session.request``, so URL joining, the bearer token, TLS options,
the retry policy, ``--debug`` logging (with secrets masked) and turning HTTP
errors into typed exceptions happen in exactly one place.
"""

import json as jsonlib
import logging
import re
import time
from urllib.parse import quote, urlencode, urljoin, urlsplit

import requests
from urllib3.exceptions import (HTTPError, LocationParseError, LocationValueError,
                                NameResolutionError, NewConnectionError, ReadTimeoutError)
from urllib3.util import parse_url

from litellm_cli import distribution, exceptions
from litellm_cli.redact import REDACTOR, mask_url_userinfo

LOG = logging.getLogger("litellm_cli.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_TIMEOUT = 60.0
# A refused connection is retried once, after this long: enough for a proxy
# that is restarting, without making "nothing listens there" slow to report.
REFUSED_RETRY_DELAY = 0.1
DEFAULT_PORTS = {"http": 80, "https": 443}
# What sending a request or reading its answer raises when it fails (urllib3
# lets some of its own through requests, e.g. a host name IDNA cannot encode).
TRANSPORT_ERRORS = (requests.RequestException, HTTPError)
# Redirects followed on the proxy's own origin before giving up.
MAX_REDIRECTS = 5


def origin(url):
    """``(scheme, host, port)`` of a URL, as urllib3 reads it to connect: where
    credentials may be sent. None for a URL it cannot parse."""
    try:
        parts = parse_url(url)
    except LocationParseError:
        return None
    scheme = (parts.scheme or "").lower()
    return scheme, (parts.host or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


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
        self._http = requests.Session()
        #: ``"METHOD /path"`` of the request sent last, to name it in errors.
        self.last_request = None
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
        ``timeout`` bounds the wait. A redirect is followed only on the
        proxy's own scheme, host and port, with the same method and body; one
        to anywhere else is an error (credentials and bodies stay on the proxy).
        With ``raise_exc`` an HTTP error status raises an ``HttpError``.
        Every failure of the transport raises a ``CLIError`` (see ``failure_for``).
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
        if isinstance(params, dict):
            # Spaces as %20, not +: the proxy reads a + in a query as itself
            # (/user/info?user_id=a+b looks for "a+b").
            params = urlencode({k: v for k, v in params.items() if v is not None},
                               doseq=True, quote_via=quote)

        attempt = redirects = 0
        while True:
            try:
                # auth=_as_given: requests would otherwise replace our Authorization
                # header with credentials from ~/.netrc.
                prepared = self._http.prepare_request(requests.Request(
                    method, url, params=params, data=data, headers=all_headers, auth=_as_given))
                self.last_request = f"{method} {urlsplit(prepared.url).path}"
                # What requests.Session.request would add: REQUESTS_CA_BUNDLE,
                # CURL_CA_BUNDLE and the proxy variables of the environment.
                settings = self._http.merge_environment_settings(
                    prepared.url, {}, stream, self.verify, None)
                self._log_request(prepared)
                response = self._http.send(prepared, timeout=self.timeout,
                                           allow_redirects=False, **settings)
            except TRANSPORT_ERRORS as exc:
                delay = self._connection_retry_delay(exc, attempt, idempotent)
                if delay is None:
                    raise self.failure_for(exc) from None
                LOG.debug("retrying in %.1fs after: %s", delay, self._reason(exc))
                self._sleep(delay)
                attempt += 1
                continue

            self._log_response(response, stream)
            if response.is_redirect:
                redirects += 1
                url, params = self._redirect_target(response, method, redirects), None
                response.close()
                continue
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

    def _where(self):
        return f"the LiteLLM proxy at {self.redactor.url(self.base_url)}"

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
        # urllib3 prefixes messages with "<...Connection object at 0x...>: "; the
        # ssl module ends them with its source line, "(_ssl.c:1006)".
        text = re.sub(r" \(_ssl\.c:\d+\)", "", text.split(">: ", 1)[-1])
        return self.redactor.text(text)

    def _connection_retry_delay(self, exc, attempt, idempotent):
        """How long to wait before sending again after ``exc``; None: do not."""
        errors = requests.exceptions
        if (not isinstance(exc, (errors.ConnectionError, errors.ChunkedEncodingError))
                or isinstance(exc, (errors.SSLError, errors.Timeout))
                or not (idempotent or _never_reached_server(exc)) or attempt >= self.retries):
            return None  # a timeout bounds the wait; TLS will fail the same way again
        reason = _reason_of(exc)
        if isinstance(reason, NameResolutionError):
            return None  # asking again will not make the name resolve
        if isinstance(reason, NewConnectionError):
            # Refused: once, quickly (a proxy restarting); then report it.
            return REFUSED_RETRY_DELAY if attempt == 0 else None
        return self._delay(attempt, None)

    def _redirect_target(self, response, method, redirects):
        """Where a redirect of ``method`` leads: a URL on the proxy, or an error."""
        target = urljoin(response.url, self._http.get_redirect_target(response))
        asked = f"{method} {urlsplit(response.request.url).path}"
        if origin(target) != origin(self.base_url):
            moved = urlsplit(target)
            hint = (f"; if the proxy now lives there, use --base-url {moved.scheme}://"
                    f"{moved.netloc.rpartition('@')[2]}" if moved.scheme in DEFAULT_PORTS else "")
            raise exceptions.ConnectionFailure(
                f"{self._where()} redirected {asked} to {self.redactor.url(target)}: not "
                f"followed, as the API key and request bodies go only to the proxy's own "
                f"scheme, host and port ({self._base_origin_text()}){hint}")
        if redirects > MAX_REDIRECTS:
            raise exceptions.ConnectionFailure(
                f"{self._where()} redirected {asked} more than {MAX_REDIRECTS} times "
                "(a redirect loop?)")
        LOG.debug("redirected to %s", self.redactor.url(target))
        return target

    def failure_for(self, exc):
        """The ``CLIError`` to report for ``exc``, raised while talking to the
        proxy or using its answer, or None when ``exc`` is neither.

        Every ``requests`` (and urllib3) exception maps to a documented exit code: 2 for a
        request that cannot be sent as given (a bad URL or header), 3 for
        everything the transport does (connect, TLS, timeout, a connection
        lost, an answer cut off). An IndexError, KeyError, TypeError or
        AttributeError after a request is taken for an answer of a shape the
        command did not expect (exit 7), naming that request.
        """
        errors = requests.exceptions
        if isinstance(exc, errors.InvalidHeader):
            # Its text quotes the header, whose value may be a secret.
            part = "name" if "header name" in str(exc) else "value"
            return exceptions.UsageError(
                f"a header {part} holds a line break, a leading space or another character "
                "HTTP headers cannot carry")
        if isinstance(exc, (errors.InvalidURL, errors.MissingSchema, errors.InvalidSchema,
                            errors.URLRequired, errors.InvalidJSONError, LocationValueError)):
            return exceptions.UsageError(
                f"cannot send the request: {self.redactor.text(str(exc))}")
        if isinstance(exc, errors.SSLError):
            return exceptions.ConnectionFailure(
                f"TLS error talking to {self._where()}: {self._reason(exc)} ({_tls_hint(exc)})")
        if isinstance(exc, errors.Timeout) or isinstance(_reason_of(exc), ReadTimeoutError):
            failure = exceptions.ConnectionFailure(
                f"{self._where()} did not answer within {self.timeout:g}s "
                "(raise it with --timeout)")
            failure.maybe_received = not isinstance(exc, errors.ConnectTimeout)
            return failure
        if isinstance(exc, errors.ProxyError):
            return exceptions.ConnectionFailure(
                f"cannot reach {self._where()} through the HTTP proxy that HTTPS_PROXY, "
                f"HTTP_PROXY or ALL_PROXY names ({self._reason(exc)}); NO_PROXY="
                f"{urlsplit(self.base_url).hostname} would go around it")
        if isinstance(exc, errors.ConnectionError):
            reason = self._reason(exc)
            if isinstance(_reason_of(exc), NameResolutionError):
                reason += ": check the host name in the URL"
            elif isinstance(_reason_of(exc), NewConnectionError):
                reason += ": is the proxy running there?"
            failure = exceptions.ConnectionFailure(f"cannot reach {self._where()} ({reason})")
            failure.maybe_received = not _never_reached_server(exc)
            return failure
        if isinstance(exc, errors.ChunkedEncodingError):
            return exceptions.ConnectionFailure(
                f"the connection to {self._where()} broke while it sent its answer to "
                f"{self.last_request}")
        if isinstance(exc, errors.ContentDecodingError):
            return exceptions.ConnectionFailure(
                f"{self._where()} sent an answer to {self.last_request} that does not "
                "decompress as its Content-Encoding says")
        if isinstance(exc, TRANSPORT_ERRORS):
            asked = f" {self.last_request}" if self.last_request else ""
            return exceptions.ConnectionFailure(
                f"the request{asked} to {self._where()} failed "
                f"({type(exc).__name__}: {self._reason(exc)})")
        if isinstance(exc, (LookupError, TypeError, AttributeError)) and self.last_request:
            return exceptions.UnexpectedAnswer(
                f"the proxy's answer to {self.last_request} is not what this command "
                f"expects ({type(exc).__name__}: {self.redactor.text(str(exc))}); is the "
                "proxy a LiteLLM release this CLI supports? --debug shows the answer")
        return None

    def error_for(self, response, method, known_path=True):
        """The exception for an error ``response``, secrets masked.

        With ``known_path`` (a path every LiteLLM proxy serves), a 404 for the
        route itself means either a proxy whose release lacks the route (it is
        asked for its version to tell), or a base URL that is not a proxy.
        """
        path = urlsplit(response.url).path
        if not_a_proxy(response, known_path):
            error = self._missing_route(response, method, path)
        else:
            error = exceptions.from_response(response, method, self.redactor.url(response.url))
            if isinstance(error, exceptions.Unauthorized) and not self._key_accepted():
                error.message += f"; {self._key_hint()}"
            elif error.retry_after and error.http_status in RETRY_STATUSES:
                error.message += f"; the proxy asks to wait {error.retry_after:.0f}s before a retry"
        error.message = self.redactor.text(error.message)
        return error

    def _key_accepted(self):
        """True when the proxy takes the API key in use (``/v1/models`` lists the
        models it may call): then a 401 is about the request, not that key. Older
        releases (LiteLLM 1.80.17) answer 401 for a key not allowed a model and for
        an unknown key named in the request."""
        if not self.api_key:
            return False
        try:
            response = self.get("/v1/models", raise_exc=False)
            body = decode_json(response) if response.status_code == 200 else None
        except exceptions.CLIError:
            return False
        return isinstance(body, dict) and isinstance(body.get("data"), list)

    def _key_hint(self):
        if not self.api_key:
            return ("no API key was given: pass one with --api-key or LITELLM_PROXY_API_KEY, "
                    "or save one in a profile (see 'litellm-proxy profile add --help')")
        return ("the proxy refused the API key in use ('litellm-proxy profile show' says "
                "where it comes from)")

    def _missing_route(self, response, method, path):
        """The error for a 404 of a route: missing on this proxy, or no proxy here."""
        from litellm_cli import versions

        answer = exceptions.message_from_body(response.text, response.reason or "")
        if not exceptions.is_html(response.text, response.headers.get("content-type")):
            try:
                version = versions.server_version(self)
                alive = version is not None or versions.is_litellm(self)
            except exceptions.CLIError:
                alive = False
            if alive:
                return exceptions.MissingRoute(
                    f"this proxy ({versions.describe(self)}) has no {method} {path}: its release does not "
                    "offer what this command needs", method=method,
                    url=self.redactor.url(response.url))
        # Our paths exist on every LiteLLM proxy: the base URL is wrong.
        hint = ("the proxy's root URL, without /v1" if self.base_url.endswith("/v1")
                else "check --base-url or LITELLM_PROXY_URL")
        error = exceptions.ConnectionFailure(
            f"{self.redactor.url(self.base_url)} does not look like a LiteLLM proxy: "
            f"{method} {path} answered HTTP {response.status_code} {answer!r} ({hint})")
        error.maybe_received = False
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


def _reason_of(exc):
    """What urllib3 said went wrong under a requests exception."""
    reason = exc.args[0] if exc.args else None
    return getattr(reason, "reason", reason)


def _never_reached_server(exc):
    """True when the request provably never left this machine."""
    return isinstance(_reason_of(exc), (NewConnectionError, NameResolutionError))


def _tls_hint(exc):
    """What to try after a TLS failure: its cause decides."""
    text = str(exc)
    if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text:
        # The port answered in plain HTTP to our TLS hello.
        return "the port may serve plain HTTP: try the URL with http:// instead of https://"
    return "use --ca-bundle PATH, or --insecure to skip verification"


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
        if exceptions.is_html(response.text, response.headers.get("content-type")):
            raise exceptions.ConnectionFailure(
                f"{mask_url_userinfo(response.url.split('?')[0])} does not look like a LiteLLM "
                f"proxy: {where} answered with an HTML page "
                "(check --base-url or LITELLM_PROXY_URL)") from None
        raise exceptions.UnexpectedAnswer(
            f"the proxy answered {where} with a body that is not JSON: "
            f"{exceptions.message_from_body(response.text)[:200]!r}") from None
