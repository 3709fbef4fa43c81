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
     "Authentication Error, Invalid proxy server token passed (HTTP 401); the proxy refused the "
     "API key in use ('litellm-proxy profile show' says where it comes from)",
     exceptions.Unauthorized),
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


def test_a_401_about_another_key_does_not_blame_the_key_in_use(server, session_for):
    # LiteLLM 1.80.17 answers 401 for an unknown key named in the request, while
    # the key in use is fine: /v1/models, asked once, takes it.
    server.script = [(401, {}, {"error": {"message": "Authentication Error, Invalid proxy "
                                                     "server token passed. key=abc"}}),
                     (200, {}, {"data": [], "object": "list"})]
    with pytest.raises(exceptions.Unauthorized) as err:
        session_for(server.url).post("/key/block", json={"key": "sk-unknown"})
    assert str(err.value) == ("Authentication Error, Invalid proxy server token passed. key=abc "
                              "(HTTP 401)")
    assert [seen[:2] for seen in server.seen] == [("POST", "/key/block"), ("GET", "/v1/models")]


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


# -- credentials go only to the proxy (issue 10 item 1) ----------------------

def test_absolute_url_to_another_host_is_refused_and_nothing_is_sent(local_server,
                                                                     session_for):
    proxy, other = local_server(_Handler), local_server(_Handler)
    with pytest.raises(exceptions.UsageError) as err:
        session_for(proxy.url).get(f"{other.url}/steal")
    assert other.seen == [] and proxy.seen == []
    assert "is not on the proxy" in str(err.value)
    assert err.value.exit_code == exceptions.EXIT_USAGE


def test_absolute_url_on_the_proxy_itself_is_allowed(server, session_for):
    session_for(server.url).get(server.url + "/v1/models")
    assert server.seen[0][1] == "/v1/models"
    assert server.seen[0][2]["Authorization"] == f"Bearer {MASTER}"


# -- redirects: only on the proxy, with the same method and body (issue 21) ---

@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_off_the_proxy_is_refused_and_sends_nothing_there(local_server, session_for,
                                                                     status):
    proxy, other = local_server(_Handler), local_server(_Handler)
    proxy.script = [(status, {"Location": f"{other.url}/landing"}, b"")]
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for(proxy.url).post("/credentials", json={"credential_values": {
            "api_key": "cred-secret-1"}}, headers={"x-goog-api-key": "goog-secret-1"})
    assert other.seen == []  # neither the body nor any header went there
    assert err.value.exit_code == exceptions.EXIT_CONNECTION
    assert str(err.value).startswith(
        f"the LiteLLM proxy at {proxy.url} redirected POST /credentials to {other.url}/landing: "
        "not followed")
    assert f"use --base-url {other.url}" in str(err.value) and "\n" not in str(err.value)


def test_a_redirect_from_http_to_https_suggests_the_https_url(server, session_for):
    target = server.url.replace("http://", "https://") + "/x"
    server.script = [(301, {"Location": target}, b"")]
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for(server.url).get("/x")
    assert f"use --base-url {server.url.replace('http://', 'https://')}" in str(err.value)
    assert len(server.seen) == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_on_the_proxy_keeps_the_method_the_body_and_the_key(server, session_for,
                                                                       status):
    server.script = [(status, {"Location": "/v2/moved?a=1"}, b""), (200, {}, {"ok": True})]
    answer = session_for(server.url).post_json("/moved", {"name": "n1"})
    assert answer == {"ok": True}
    method, path, headers, body = server.seen[1]
    assert (method, path, json.loads(body)) == ("POST", "/v2/moved?a=1", {"name": "n1"})
    assert headers["Authorization"] == f"Bearer {MASTER}"


def test_a_redirect_loop_on_the_proxy_ends_with_one_clear_error(server, session_for):
    server.script = [(302, {"Location": "/x"}, b"")] * 10
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for(server.url).get("/x")
    assert "redirected GET /x more than 5 times" in str(err.value)
    assert len(server.seen) == 6


def test_unresolvable_host_is_named_and_not_retried(session_for, sleeps, monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "nowhere.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for("http://nowhere.example:4000").get("/x")
    assert "cannot resolve host 'nowhere.example'" in str(err.value) and sleeps == []


def test_requests_ca_bundle_is_honoured_unless_a_bundle_or_insecure_is_given(
        server, session_for, monkeypatch, tmp_path):
    import requests.adapters

    seen = []
    real_send = requests.adapters.HTTPAdapter.send

    def send(self, request, **kwargs):
        seen.append(kwargs["verify"])
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "corp.pem"))
    session_for(server.url).get("/x")
    session_for(server.url, verify="/explicit.pem").get("/x")
    session_for(server.url, verify=False).get("/x")
    assert seen == [str(tmp_path / "corp.pem"), "/explicit.pem", False]


# -- exit codes and messages tell the truth (issue 10 item 12) ---------------

def test_a_5xx_exits_7_even_when_a_command_recasts_it():
    assert exceptions.HttpError("rewritten", http_status=500).exit_code == exceptions.EXIT_SERVER
    assert exceptions.NotFound("x", http_status=503).exit_code == exceptions.EXIT_SERVER
    assert exceptions.NotFound("x", http_status=400).exit_code == exceptions.EXIT_NOT_FOUND
    assert exceptions.HttpError("x", http_status=418).exit_code == exceptions.EXIT_REJECTED


HTML = ("<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{}</style>"
        "</head><body>" + "<p>nginx says no</p>" * 5000 + "</body></html>").encode()


def test_an_html_error_page_becomes_its_title_on_one_short_line(server, session_for):
    server.script = [(500, {"Content-Type": "text/html"}, HTML)]
    with pytest.raises(exceptions.ServerError) as err:
        session_for(server.url).post("/x", json={})
    assert str(err.value) == "502 Bad Gateway (an HTML page) (HTTP 500)"
    assert err.value.exit_code == exceptions.EXIT_SERVER


def test_a_404_for_the_route_says_the_url_is_not_a_litellm_proxy(server, session_for):
    server.script = [(404, {}, {"detail": "Not Found"})]
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for(server.url + "/api").get("/key/list")
    assert str(err.value).startswith(f"{server.url}/api does not look like a LiteLLM proxy: "
                                     "GET /api/key/list answered HTTP 404 'Not Found'")
    assert err.value.exit_code == exceptions.EXIT_CONNECTION
    server.script = [(404, {}, {"detail": "Not Found"})]
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for(server.url + "/v1").get("/key/list")
    assert "without /v1" in str(err.value)


def test_a_404_for_an_object_stays_not_found(server, session_for):
    server.script = [(404, {}, {"error": {"message": "Team not found"}})]
    with pytest.raises(exceptions.NotFound) as err:
        session_for(server.url).get("/team/info")
    assert err.value.exit_code == exceptions.EXIT_NOT_FOUND


def test_an_html_page_instead_of_json_is_not_a_litellm_proxy(server, session_for):
    server.script = [(200, {"Content-Type": "text/html"}, b"<html><title>Login</title></html>")]
    with pytest.raises(exceptions.ConnectionFailure) as err:
        session_for(server.url).get_json("/key/list")
    assert "does not look like a LiteLLM proxy" in str(err.value) and "<html>" not in str(
        err.value)


def test_the_request_id_is_in_the_error_line_and_the_debug_log(server, session_for, caplog):
    server.script = [(400, {"x-litellm-call-id": "call-123"}, {"error": {"message": "bad"}})]
    with caplog.at_level(logging.DEBUG, logger="litellm_cli.http"):
        with pytest.raises(exceptions.BadRequest) as err:
            session_for(server.url).post("/x", json={})
    assert str(err.value) == "bad (HTTP 400) (request id: call-123)"
    assert "request id: call-123" in caplog.text


# -- --debug masking (issue 10 item 3) ----------------------------------------

def test_debug_masks_every_header_ending_in_key_token_secret_or_auth(server, session_for,
                                                                     caplog):
    headers = {"x-goog-api-key": "hv-1", "x-custom-token": "hv-2", "X-My-Secret": "hv-3",
               "x-corp-auth": "hv-4", "x-plain": "visible-5"}
    with caplog.at_level(logging.DEBUG, logger="litellm_cli.http"):
        session_for(server.url).get("/x", headers=headers)
    for value in ("hv-1", "hv-2", "hv-3", "hv-4"):
        assert value not in caplog.text
    assert "visible-5" in caplog.text


def test_a_base_url_with_userinfo_is_refused_and_masked(session_for):
    with pytest.raises(exceptions.UsageError) as err:
        session_for("http://admin:pa55word-x@127.0.0.1:9")
    assert "pa55word-x" not in str(err.value) and "http://***@127.0.0.1:9" in str(err.value)


def test_netrc_never_replaces_the_api_key(server, session_for, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password netrc-pass\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    session_for(server.url).get("/x")
    assert server.seen[0][2]["Authorization"] == f"Bearer {MASTER}"


def test_url_userinfo_is_masked_in_debug_and_errors(server, session_for, caplog):
    server.script = [(302, {"Location": "http://bob:pa55word-y@127.0.0.1:9/x"}, b"")] * 2
    with caplog.at_level(logging.DEBUG, logger="litellm_cli.http"):
        with pytest.raises(exceptions.ConnectionFailure) as err:
            session_for(server.url).get("/x")
    assert "pa55word-y" not in str(err.value) and "pa55word-y" not in caplog.text
    assert "http://***@127.0.0.1:9/x" in str(err.value)


@pytest.mark.parametrize("trick", ["{other}#@{proxy_host}/x", "{other}?@{proxy_host}/x",
                                   "{other}\\@{proxy_host}/x", "{other}/x"])
def test_urls_that_parse_two_ways_never_take_the_key_elsewhere(local_server, session_for,
                                                               trick):
    proxy, other = local_server(_Handler), local_server(_Handler)
    url = trick.format(other=other.url, proxy_host=proxy.url.split("//")[1])
    with pytest.raises(exceptions.UsageError):
        session_for(proxy.url).get(url)
    assert other.seen == [] and proxy.seen == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://[::1"])
def test_an_invalid_base_url_is_a_usage_error(url):
    with pytest.raises(exceptions.UsageError) as err:
        Session(url)
    assert "is not a valid URL" in str(err.value)


def test_the_unit_tests_fake_session_cannot_drift_from_session(monkeypatch):
    from tests.unit.conftest import FakeSession

    methods = [name for name in vars(FakeSession) if not name.startswith("_")]
    assert methods and all(callable(getattr(Session, name, None)) for name in methods)
    fake = FakeSession({("GET", "/x"): {"ok": 1}, ("POST", "/x"): {}})
    assert fake.get_json("/x", params={"a": 1}) == {"ok": 1}
    # Were Session.request to stop taking params, or post_json its body, the fake refuses too.
    monkeypatch.setattr(Session, "request", lambda self, method, path, *, json=None: None)
    with pytest.raises(TypeError):
        fake.get_json("/x", params={"a": 1})
    monkeypatch.setattr(Session, "post_json", lambda self, path, **kwargs: None)
    with pytest.raises(TypeError):
        fake.post_json("/x", {})


def test_query_spaces_are_sent_as_percent_20_and_none_is_left_out(server, session_for):
    # The proxy reads a + in a query as itself: /user/info?user_id=a+b finds no "a b".
    session_for(server.url).get("/user/info", params={"user_id": "a b+c/é", "page": None,
                                                     "ids": ["x", "y"]})
    assert server.seen[0][1] == "/user/info?user_id=a%20b%2Bc%2F%C3%A9&ids=x&ids=y"
