"""Exceptions and the exit codes they map to.

Every failure the CLI reports is a ``CLIError``: the shell prints
``Error: <message>`` on one line and exits with ``exit_code``. The table of
exit codes is documented in the README; keep the two in step.
"""

import json
import re

EXIT_OK = 0
EXIT_FAILURE = 1  # general failure, including "N of M failed", and output that cannot be written
EXIT_USAGE = 2  # bad command line or bad input file
EXIT_CONNECTION = 3  # cannot reach the proxy (or lost it), TLS, redirected off it, not a proxy
EXIT_AUTH = 4  # 401 / 403
EXIT_NOT_FOUND = 5  # the named object does not exist
EXIT_REJECTED = 6  # the proxy rejected the request (400, 409, 422, 429...), or lacks the route
EXIT_SERVER = 7  # the proxy failed (5xx), or sent an answer the CLI cannot read
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_BROKEN_PIPE = 141  # stdout closed early (e.g. piped into head)


class CLIError(Exception):
    """An error that ends the command with a one-line message."""

    exit_code = EXIT_FAILURE

    def __init__(self, message, exit_code=None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self):
        return self.message


class UsageError(CLIError):
    """The command line or an input file is invalid."""

    exit_code = EXIT_USAGE


class ConnectionFailure(CLIError):
    """The proxy could not be reached or did not answer in time.

    ``maybe_received`` is False only when the request provably never reached
    the proxy (the connection was refused), so a write surely did not happen.
    """

    exit_code = EXIT_CONNECTION
    maybe_received = True


class OutputError(CLIError):
    """Standard output could not be written (disk full, a closed descriptor...).

    Not an ``OSError``: code that handles its own files' errors must not take
    it for one of them, and argparse, which swallows ``OSError`` while it
    prints help, lets it through.
    """


class UnexpectedAnswer(CLIError):
    """The proxy answered a request with something the CLI cannot read: not
    JSON, or JSON of another shape than the request's documented one."""

    exit_code = EXIT_SERVER


class HttpError(CLIError):
    """The proxy answered with an HTTP error status.

    The message ends with ``(HTTP <status>)`` and, when the proxy gave one,
    ``(request id: <id>)``. Any 5xx status exits 7, whatever the class: a
    command may recast an error to say something more useful, but never hides
    that the proxy failed.
    """

    exit_code = EXIT_REJECTED
    http_status = None
    #: What an error keeps of the request and the answer; each may be None.
    FIELDS = ("request_id", "retry_after", "method", "url", "body")

    def __init_subclass__(cls, status=None, exit_code=None, **kwargs):
        # class NotFound(HttpError, status=404, exit_code=EXIT_NOT_FOUND)
        super().__init_subclass__(**kwargs)
        cls.http_status = status or cls.http_status
        cls.exit_code = exit_code or cls.exit_code

    def __init__(self, message, http_status=None, **fields):
        unknown = set(fields) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"unknown HttpError fields: {', '.join(sorted(unknown))}")
        self.http_status = http_status or self.http_status
        self.details = message
        for name in self.FIELDS:
            setattr(self, name, fields.get(name))
        suffix = f" (HTTP {self.http_status})" if self.http_status else ""
        if self.request_id:
            suffix += f" (request id: {self.request_id})"
        super().__init__(f"{message}{suffix}",
                         EXIT_SERVER if (self.http_status or 0) >= 500 else None)

    def recast(self, cls, message=None):
        """This error as a ``cls`` with the same status, request id and request."""
        return cls(self.details if message is None else message, http_status=self.http_status,
                   **{name: getattr(self, name) for name in self.FIELDS})


def not_found(error, *phrases):
    """``error`` as a NotFound (exit 5) when it is a 400 whose text has one of
    ``phrases`` (default "not found"): the proxy answers some unknown ids with
    400. Any other error is returned as it is."""
    text = error.details.lower()
    if isinstance(error, BadRequest) and any(p in text for p in phrases or ("not found",)):
        return error.recast(NotFound)
    return error


class BadRequest(HttpError, status=400):
    """The proxy found the request malformed or invalid."""


class Unauthorized(HttpError, status=401, exit_code=EXIT_AUTH):
    """No API key, or one the proxy does not know."""


class Forbidden(HttpError, status=403, exit_code=EXIT_AUTH):
    """The API key may not do this."""


class NotFound(HttpError, status=404, exit_code=EXIT_NOT_FOUND):
    """The object named does not exist."""


class Conflict(HttpError, status=409):
    """The object exists already, or is in use."""


class UnprocessableEntity(HttpError, status=422):
    """The request's fields failed the proxy's validation."""


class TooManyRequests(HttpError, status=429):
    """A rate limit of the proxy refused the call (after the retries)."""


class ServerError(HttpError, status=500, exit_code=EXIT_SERVER):
    """The proxy failed (any 5xx)."""


class MissingRoute(HttpError, status=404):
    """A LiteLLM proxy answered 404 for the route itself: its release does
    not have it (exit 6, not 5: no object was looked up)."""


class TooOld(CLIError):
    """The proxy's release is older than a feature needs (exit 6, nothing sent)."""

    exit_code = EXIT_REJECTED


class EnterpriseOnly(Forbidden):
    """The proxy reserves the feature for licensed (Enterprise) installs.

    It says so with 400, 403 or 500 depending on the endpoint; all are a
    Forbidden (exit 4), keeping the status the proxy sent; a 500 still exits
    7, like every 5xx.
    """


# How the proxy words its refusals of unlicensed features.
_ENTERPRISE_MARKERS = ("LiteLLM Enterprise user", "Enterprise feature", "premium feature")


_BY_STATUS = {cls.http_status: cls for cls in (BadRequest, Unauthorized, Forbidden, NotFound,
                                                Conflict, UnprocessableEntity, TooManyRequests)}


def _unwrap(message):
    """The proxy sometimes puts a stringified Python dict in ``message``."""
    text = message.strip()
    if text.startswith("{") and text.endswith("}"):
        import ast  # only some error messages need it

        try:
            inner = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return message
        if isinstance(inner, dict):
            for field in ("error", "message", "detail"):
                if inner.get(field):
                    return _unwrap(str(inner[field]))
    return message


def _from_detail(detail):
    if isinstance(detail, str):
        return detail
    if isinstance(detail, dict):
        for field in ("error", "message", "msg"):
            if detail.get(field):
                value = detail[field]
                return value if isinstance(value, str) else json.dumps(value)
        return json.dumps(detail)
    if isinstance(detail, list):
        # FastAPI validation errors: [{"loc": [...], "msg": "...", ...}]
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                msg = item.get("msg", json.dumps(item))
                parts.append(f"{loc}: {msg}" if loc else msg)
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return json.dumps(detail)


HTML_SUMMARY_LENGTH = 120
HTML_SCAN_LENGTH = 20000


def is_html(text, content_type=None):
    """True for an HTML page (a web server's or a login portal's, not the API's)."""
    if content_type and "html" in content_type.lower():
        return True
    start = (text or "")[:200].lstrip().lower()
    return start.startswith(("<!doctype html", "<html", "<head", "<body", "<title", "<h1"))


def _html_summary(text):
    """An HTML page in a few words: its title (or first heading), else its text."""
    import html

    text = text[:HTML_SCAN_LENGTH]  # the title is near the top; bounds the work
    lower = text.lower()
    summary = text
    for tag in ("title", "h1"):  # str.find, not a regex: linear on hostile pages
        opened = lower.find(">", lower.find(f"<{tag}") + 1) if f"<{tag}" in lower else -1
        closed = lower.find(f"</{tag}", opened) if opened >= 0 else -1
        if closed >= 0:
            summary = text[opened + 1:closed]
            break
    summary = " ".join(html.unescape(re.sub(r"<[^<>]*>", " ", summary)).split())
    summary = summary or "an HTML page"
    if len(summary) > HTML_SUMMARY_LENGTH:
        summary = summary[:HTML_SUMMARY_LENGTH - 3] + "..."
    return f"{summary} (an HTML page)"


def message_from_body(text, reason=""):
    """Turn any of the proxy's three error body shapes into one readable line."""
    if is_html(text):
        return _html_summary(text)
    message = None
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            message = error.get("message") or error.get("type")
            if message is not None and not isinstance(message, str):
                message = json.dumps(message)
        elif isinstance(error, str):
            message = error
        if not message and "detail" in body:
            message = _from_detail(body["detail"])
        if not message and isinstance(body.get("message"), str):
            message = body["message"]
    elif body is not None and not isinstance(body, (dict, list)):
        message = str(body)
    if not message:
        message = (text or "").strip() or reason or "no details given"
    message = _unwrap(message)
    # One line, and not a wall of HTML.
    message = " ".join(message.split())
    if len(message) > 500:
        message = message[:497] + "..."
    return message


def retry_after_seconds(value):
    """A ``Retry-After`` header (seconds or an HTTP date) in seconds from now, or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime
    import datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" (email.utils.formatdate) reads as naive: it is UTC
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


def request_id(headers):
    """The id the proxy gave a request (to find it in the proxy's logs), or None."""
    return headers.get("x-litellm-call-id") or headers.get("x-request-id")


def from_response(response, method=None, url=None):
    """Build the typed exception for an HTTP error response."""
    status = response.status_code
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else HttpError
    text = response.text
    message = message_from_body(text, response.reason or "")
    if any(marker in message for marker in _ENTERPRISE_MARKERS):
        cls = EnterpriseOnly
    return cls(
        message,
        http_status=status,
        request_id=request_id(response.headers),
        retry_after=retry_after_seconds(response.headers.get("retry-after")),
        method=method,
        url=url,
        body=text,
    )
