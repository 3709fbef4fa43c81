"""The session against a small local HTTP server: retries, errors, debug log masking."""

import http.server
import json
import logging
import socket

import pytest

from litellm_cli import exceptions
from litellm_cli.session import Session

MASTER = "sk-master-unit-0001"


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server.seen.append((self.command, self.path, dict(self.headers), body))
        status, headers, payload = server.script.pop(0) if server.script else (200, {}, b"{}")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer


@pytest.fixture
def server(local_server):
    return local_server(_Handler)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def session_for(sleeps):
    def make(url, **kwargs):
        return Session(url, api_key=MASTER, timeout=5, sleep=sleeps.append, **kwargs)

    return make


def test_request_joins_url_and_sends_bearer_and_user_agent(server, session_for):
    session_for(server.url + "/").get("/v1/models")
    method, path, headers, _ = server.seen[0]
    assert (method, path) == ("GET", "/v1/models")
    assert headers["Authorization"] == f"Bearer {MASTER}"
    assert headers["User-Agent"].startswith("litellm-cli/")


def test_get_is_retried_on_503_then_succeeds(server, session_for, sleeps):
    server.script = [(503, {}, b"busy"), (503, {}, b"busy"), (200, {}, {"ok": True})]
    assert session_for(server.url).get_json("/x") == {"ok": True}
    assert len(server.seen) == 3
    assert sleeps == [0.25, 0.5]


def test_429_retry_after_is_honoured(server, session_for, sleeps):
    server.script = [(429, {"Retry-After": "7"}, b"slow down"), (200, {}, {})]
    session_for(server.url).get("/x")
    assert sleeps == [7.0]


def test_retry_after_beyond_the_bound_is_not_waited_for(server, session_for, sleeps):
    server.script = [(429, {"Retry-After": "3600"}, {"error": {"message": "rate limited"}})]
    with pytest.raises(exceptions.TooManyRequests) as err:
        session_for(server.url).get("/x")
    assert sleeps == []
    assert err.value.retry_after == 3600
    assert err.value.exit_code == exceptions.EXIT_REJECTED


def test_retries_give_up_after_the_limit(server, session_for, sleeps):
    server.script = [(502, {}, b"bad gateway")] * 4
    with pytest.raises(exceptions.ServerError):
        session_for(server.url).get("/x")
    assert len(server.seen) == 4 and len(sleeps) == 3


def test_post_that_reached_the_server_is_never_resent(server, session_for, sleeps):
    server.script = [(503, {}, b"busy"), (200, {}, {})]
    with pytest.raises(exceptions.ServerError):
        session_for(server.url).post("/key/generate", json={})
    assert len(server.seen) == 1 and sleeps == []


def test_refused_connection_is_retried_once_quickly_even_for_a_post(session_for, sleeps):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for(f"http://127.0.0.1:{port}").post("/key/generate", json={})
    assert sleeps == [0.1]
    assert "connection refused" in str(err.value)
    assert err.value.exit_code == exceptions.EXIT_CONNECTION
    assert err.value.maybe_received is False  # provably never reached a server


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_timeout_is_not_retried_so_it_bounds_the_wait(sleeps, method):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts connections, never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with pytest.raises(exceptions.ConnectionFailure) as err:
            Session(url, timeout=0.3, sleep=sleeps.append).request(method, "/x")
    finally:
        listener.close()
    assert sleeps == []
    assert "did not answer within 0.3s" in str(err.value)
    assert err.value.maybe_received is True


@pytest.mark.parametrize("status,body,expected,cls", [
    (401, {"error": {"message": "Authentication Error, Invalid proxy server token passed",
                     "type": "auth_error", "param": "None", "code": "401"}},
     "Authentication Error, Invalid proxy server token passed (HTTP 401)", exceptions.Unauthorized),
    (404, {"error": {"message": "{'error': 'No keys found'}", "type": "internal_server_error",
                     "code": "404"}}, "No keys found (HTTP 404)", exceptions.NotFound),
    (400, {"detail": {"error": "Model id = x not found on litellm proxy"}},
     "Model id = x not found on litellm proxy (HTTP 400)", exceptions.BadRequest),
    (422, {"detail": [{"type": "less_than_equal", "loc": ["query", "size"],
                       "msg": "Input should be less than or equal to 100"}]},
     "query.size: Input should be less than or equal to 100 (HTTP 422)",
     exceptions.UnprocessableEntity),
    (409, {"detail": "User already exists"}, "User already exists (HTTP 409)", exceptions.Conflict),
    (500, b"Internal Server Error", "Internal Server Error (HTTP 500)", exceptions.ServerError),
    (403, b"", "Forbidden (HTTP 403)", exceptions.Forbidden),
])
def test_every_error_body_shape_gives_a_readable_line(server, session_for, status, body,
                                                      expected, cls):
    server.script = [(status, {}, body)]
    with pytest.raises(cls) as err:
        session_for(server.url).post("/x", json={})
    assert str(err.value) == expected


def test_error_messages_never_carry_the_api_key(server, session_for):
    server.script = [(400, {}, {"error": {"message": f"bad key {MASTER}"}})]
    with pytest.raises(exceptions.BadRequest) as err:
        session_for(server.url).post("/x", json={})
    assert MASTER not in str(err.value)


def test_debug_log_is_a_curl_command_with_secrets_masked(server, session_for, caplog):
    generated = "sk-newly-generated-key-42"
    server.script = [(200, {"Set-Cookie": "session=abc"},
                      {"key": generated, "token": "hash", "key_alias": "visible-alias",
                       "litellm_params": {"api_key": "upstream-secret-1", "aws_secret_access_key": "AKS"}})]
    with caplog.at_level(logging.DEBUG, logger="litellm_cli.http"):
        session_for(server.url).post(
            "/credentials", json={"credential_values": {"api_key": "cred-secret-9"},
                                  "credential_name": "c1"},
            headers={"x-litellm-api-key": "sk-other-header-key"})
    log = caplog.text
    assert "REQ: curl -g -i -X POST" in log and f"{server.url}/credentials" in log
    assert "RESP: [200]" in log and "visible-alias" in log and '"credential_name": "c1"' in log
    for secret in (MASTER, generated, "upstream-secret-1", "AKS", "cred-secret-9",
                   "sk-other-header-key", "session=abc"):
        assert secret not in log, secret


def test_debug_log_masks_secret_query_parameters(server, session_for, caplog):
    with caplog.at_level(logging.DEBUG, logger="litellm_cli.http"):
        session_for(server.url).get("/key/info", params={"key": "sk-queried-key-77"})
    assert "sk-queried-key-77" not in caplog.text
    assert "key=***" in caplog.text
