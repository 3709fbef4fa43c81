"""Chat completions through the proxy: one-shot, or streamed as server-sent events.

Usable without the CLI::

    api = ChatAPI(session)
    reply, cost = api.create({"model": "gpt-4o", "messages": [...]})
    for chunk in api.stream({"model": "gpt-4o", "messages": [...]}):
        ...
"""

import itertools
import json
import types

from litellm_cli import exceptions
from litellm_cli.api import API

PATH = "/chat/completions"
# The proxy reports what a (non-streamed) call cost, in USD, in this header.
COST_HEADER = "x-litellm-response-cost"
_READ_SIZE = 65536


class ChatAPI(API):
    def create(self, body):
        """Send one chat request; return ``(response, cost)``.

        ``cost`` is the price in USD the proxy reported, or None.
        """
        from litellm_cli.session import decode_json

        response = self._post(body, stream=False)
        return decode_json(response), response_cost(response.headers)

    def stream(self, body):
        """Send a streamed chat request and yield each chunk (a dict) as it arrives.

        Ends normally at the proxy's ``[DONE]``. An error event in the stream
        raises the matching ``HttpError``; a stream that stops before
        ``[DONE]`` raises ``ConnectionFailure``. The connection is closed
        however the iteration ends (including Ctrl-C).
        """
        response = self._post(dict(body, stream=True), stream=True)
        with response:
            yield from read_events(_chunks(response))

    def _post(self, body, stream):
        # A chat request is not idempotent (it costs money), so the session
        # resends it only if it never reached the proxy.
        try:
            return self.session.request("POST", PATH, json=body, stream=stream)
        except exceptions.BadRequest as exc:
            # The proxy answers an unknown model with 400 "Invalid model name".
            raise exceptions.not_found(exc, "invalid model name") from None


def response_cost(headers):
    """The cost the proxy reported in the response headers, as a float, or None."""
    try:
        return float(headers[COST_HEADER])
    except (KeyError, TypeError, ValueError):
        return None


def read_events(chunks):
    """Parse server-sent events from byte chunks; yield each event's JSON payload.

    Lines may be split anywhere across chunks. Comments (``: ping``) and
    fields other than ``data`` are ignored; the ``data`` lines of one event are
    joined, as the SSE format says.
    """
    data = []
    # A final blank line dispatches an event the proxy did not terminate.
    for line in itertools.chain(_lines(chunks), [b""]):
        if line:
            field, _, value = line.partition(b":")
            if field == b"data":
                data.append(value[1:] if value.startswith(b" ") else value)
            continue
        if not data:
            continue
        payload = b"\n".join(data).decode("utf-8", errors="replace")
        data = []
        if payload.strip() == "[DONE]":
            return
        yield _decode_event(payload)
    raise exceptions.ConnectionFailure(
        "the proxy closed the stream before the reply was complete")


def _decode_event(payload):
    try:
        event = json.loads(payload)
    except ValueError:
        # The proxy sends some failures as bare text in a data line.
        raise exceptions.CLIError(
            f"the stream failed: {exceptions.message_from_body(payload)}") from None
    if isinstance(event, dict) and event.get("error"):
        raise _stream_error(event)
    return event


def _stream_error(event):
    """The typed exception for an error event sent in the middle of a stream."""
    error = event["error"]
    try:
        status = int(error.get("code")) if isinstance(error, dict) else 500
    except (TypeError, ValueError):
        status = 500
    if not 400 <= status <= 599:
        status = 500
    # from_response only reads these attributes; reuse its status mapping and
    # message clean-up rather than repeating them.
    response = types.SimpleNamespace(status_code=status, text=json.dumps(event), reason="",
                                     headers={})
    exc = exceptions.from_response(response, "POST", PATH)
    exc.message = f"the stream failed: {exc.message}"
    return exc


def _lines(chunks):
    pending = b""
    for chunk in chunks:
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r")
    if pending:
        yield pending.rstrip(b"\r")


def _chunks(response):
    """The body's bytes as they arrive.

    ``read1`` returns whatever the socket has (at least one byte) instead of
    waiting to fill a buffer, so no chunk sits in a buffer while the next
    one is awaited (``iter_lines`` reads fixed-size blocks).
    """
    import urllib3

    raw = response.raw
    try:
        while True:
            data = raw.read1(_READ_SIZE, decode_content=True)
            if not data:
                return
            yield data
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise exceptions.ConnectionFailure(
            f"the connection to the proxy broke during the stream: {exc}") from None
