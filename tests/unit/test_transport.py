"""Issue 21, transport: redirects, Retry-After dates, every requests failure,
write failures on stdout, routes an older proxy lacks, answers of an unexpected
shape and messages that say what to do. Run through the CLI (``shell.main``)
or the session, against stub HTTP servers on 127.0.0.1."""

import email.utils
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
import requests
import urllib3

from litellm_cli import exceptions, shell, versions
from litellm_cli.session import Session

KEY = "sk-transport-unit-0001"


class _Routes(http.server.BaseHTTPRequestHandler):
    """Answers each path (query left out) from ``server.routes``: (status,
    headers, body); a callable route writes the answer itself. Anything else
    is FastAPI's 404."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        route = self.server.routes.get(self.path.split("?")[0],
                                       (404, {}, {"detail": "Not Found"}))
        if callable(route):
            route(self)
            return
        status, headers, payload = route
        if not isinstance(payload, bytes):
            payload = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer


@pytest.fixture
def stub(local_server):
    def start(routes):
        server = local_server(_Routes)
        server.routes = routes
        return server

    return start


@pytest.fixture
def cli(monkeypatch, tmp_path, capsys):
    """``cli(url, *argv)`` runs the CLI in this process: (exit code, stdout, stderr)."""
    for name in ("LITELLM_PROXY_URL", "LITELLM_PROXY_API_KEY", "LITELLM_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(tmp_path / "config.yaml"))

    def run(url, *argv, key=KEY):
        keys = ["--api-key", key] if key else []
        code = shell.main(["--base-url", url, *keys, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _one_error_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "Traceback" not in err
    return lines[0]


# -- 1. redirects --------------------------------------------------------------

def test_a_307_with_credential_values_to_another_origin_is_refused_exit_3(stub, cli):
    other = stub({})
    proxy = stub({"/credentials": (307, {"Location": f"{other.url}/credentials"}, b"")})
    code, out, err = cli(proxy.url, "http", "request", "POST", "/credentials",
                         "-j", '{"credential_values": {"api_key": "cred-secret-77"}}')
    assert other.seen == [] and out == ""
    assert code == exceptions.EXIT_CONNECTION
    line = _one_error_line(err)
    assert f"redirected POST /credentials to {other.url}/credentials: not followed" in line
    assert "cred-secret-77" not in err


def test_a_302_on_the_proxy_keeps_post_and_its_body(stub, cli):
    proxy = stub({"/old": (302, {"Location": "/new"}, b""), "/new": (200, {}, {"ok": True})})
    code, out, _ = cli(proxy.url, "http", "request", "POST", "/old", "-j", '{"n": 1}')
    assert code == 0 and json.loads(out) == {"ok": True}
    method, path, _, body = proxy.seen[1]
    assert (method, path, json.loads(body)) == ("POST", "/new", {"n": 1})


# -- 2. Retry-After as an HTTP date -------------------------------------------

@pytest.mark.parametrize("usegmt", [False, True])  # "-0000" (naive) and "GMT" (aware)
def test_retry_after_http_dates_in_every_zone_form_are_seconds(usegmt):
    future = email.utils.formatdate(time.time() + 100, usegmt=usegmt)
    assert 50 < exceptions.retry_after_seconds(future) <= 100
    assert exceptions.retry_after_seconds(email.utils.formatdate(0, usegmt=usegmt)) == 0.0


def test_a_retry_after_date_with_a_minus_0000_zone_is_waited_for_on_get(stub, cli):
    when = email.utils.formatdate(time.time() - 10)  # what formatdate() writes: -0000
    calls = []

    def busy_then_fine(handler):
        calls.append(1)
        status, payload = (429, b'{"error": {"message": "slow down"}}') if len(calls) == 1 \
            else (200, b'{"ok": true}')
        handler.send_response(status)
        handler.send_header("Retry-After", when)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    proxy = stub({"/x": busy_then_fine})
    code, out, err = cli(proxy.url, "http", "request", "GET", "/x")
    assert code == 0 and json.loads(out) == {"ok": True}, err
    assert len(calls) == 2  # retried once, after the date (already past: no wait)


def test_a_retry_after_date_beyond_the_bound_exits_6_as_rate_limited(stub, cli):
    later = email.utils.formatdate(time.time() + 3600)
    proxy = stub({"/key/list": (429, {"Retry-After": later}, {"error": {"message": "slow"}})})
    code, _, err = cli(proxy.url, "keys", "list")
    assert code == exceptions.EXIT_REJECTED
    assert _one_error_line(err).startswith("Error: slow (HTTP 429); the proxy asks to wait ")
    assert _one_error_line(err).endswith("s before a retry")
    assert len(proxy.seen) == 1  # not waited for an hour


# -- 3. every requests failure has its exit code --------------------------------

def _transport_errors():
    found = {urllib3.exceptions.LocationParseError, urllib3.exceptions.ProtocolError}
    for value in vars(requests.exceptions).values():
        # JSONDecodeError comes from response.json(), a ValueError the session handles.
        if (isinstance(value, type) and issubclass(value, requests.RequestException)
                and not issubclass(value, requests.exceptions.JSONDecodeError)):
            found.add(value)
    return sorted(found, key=lambda cls: cls.__name__)


@pytest.mark.parametrize("error", _transport_errors(), ids=lambda cls: cls.__name__)
def test_every_requests_exception_ends_with_a_documented_code_and_one_line(
        stub, cli, monkeypatch, error):
    proxy = stub({})

    def send(self, request, **kwargs):
        raise error("boom http://127.0.0.1/x?key=sk-in-an-error-text-1")

    monkeypatch.setattr(requests.Session, "send", send)
    code, _, err = cli(proxy.url, "keys", "list")
    line = _one_error_line(err)
    assert code in (exceptions.EXIT_USAGE, exceptions.EXIT_CONNECTION), line
    assert not line.startswith(f"Error: {error.__name__}")
    assert "sk-in-an-error-text-1" not in err


def test_an_answer_cut_off_mid_body_exits_3_naming_the_request(stub, cli):
    def cut_off(handler):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.write(b"5\r\n[1, 2\r\n")  # then the connection closes
        handler.close_connection = True

    proxy = stub({"/x": cut_off})
    code, out, err = cli(proxy.url, "http", "request", "POST", "/x")
    assert code == exceptions.EXIT_CONNECTION and out == ""
    assert "broke while it sent its answer to POST /x" in _one_error_line(err)
    assert len(proxy.seen) == 1  # it may have acted: never sent twice


def test_a_get_whose_answer_broke_off_is_retried_like_a_dropped_connection(stub):
    calls = []

    def cut_off_once(handler):
        calls.append(1)
        handler.send_response(200)
        if len(calls) == 1:
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            handler.wfile.write(b"5\r\n[1, 2\r\n")
            handler.close_connection = True
            return
        handler.send_header("Content-Length", "6")
        handler.end_headers()
        handler.wfile.write(b"[1, 2]")

    proxy, sleeps = stub({"/x": cut_off_once}), []
    assert Session(proxy.url, sleep=sleeps.append).get_json("/x") == [1, 2]
    assert len(calls) == 2 and sleeps == [0.25]


def test_a_stream_cut_off_while_it_is_read_exits_3_not_1(stub, cli):
    def cut_off(handler):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        part = b'{"data": [{"model_name": "m1",'
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        handler.close_connection = True

    proxy = stub({"/credentials": (200, {}, {"credentials": []}), "/model/info": cut_off})
    code, _, err = cli(proxy.url, "models", "export")
    assert code == exceptions.EXIT_CONNECTION
    assert "broke while it sent its answer to GET /model/info" in _one_error_line(err)


def test_a_header_that_http_cannot_carry_is_a_usage_error_without_its_value():
    with pytest.raises(exceptions.UsageError) as err:
        Session("http://127.0.0.1:9", api_key=KEY).get(
            "/x", headers={"X-Corp-Auth": " leading-space-secret"})
    assert "header value" in str(err.value) and "leading-space-secret" not in str(err.value)


def test_a_host_name_that_cannot_be_encoded_is_a_usage_error(cli):
    code, _, err = cli("http://exa\u00e4mple..com:4000", "keys", "list")
    assert code == exceptions.EXIT_USAGE
    assert "label empty or too long" in _one_error_line(err)


# -- 4. stdout that cannot be written --------------------------------------------

def _cli_with_stdout(stdout, *argv):
    exe = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable))
    env = dict(os.environ, LITELLM_PROXY_URL="http://127.0.0.1:9")
    return subprocess.run([exe, *argv], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          env=env)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["--help"], [], ["models"], ["models", "--help"],
                                  ["models", "list", "--help"], ["help", "models", "list"],
                                  ["--version"], ["completion", "bash"]])
def test_help_and_output_to_a_full_disk_end_with_one_line_and_exit_1(argv):
    with open("/dev/full", "w") as full:
        res = _cli_with_stdout(full, *argv)
    assert res.returncode == exceptions.EXIT_FAILURE, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines()[-1] == (
        "Error: cannot write the output: No space left on device")


def test_stdout_open_only_for_reading_ends_with_one_line_and_exit_1():
    with open(os.devnull) as read_only:
        res = _cli_with_stdout(read_only, "--help")
    assert res.returncode == exceptions.EXIT_FAILURE
    assert res.stderr == "Error: cannot write the output: Bad file descriptor\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stderr_on_a_full_disk_does_not_change_the_exit_code():
    exe = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable))
    with open("/dev/full", "w") as full:
        res = subprocess.run([exe, "no-such-command"], stdout=subprocess.PIPE, stderr=full)
    assert res.returncode == exceptions.EXIT_USAGE


# -- 5. a route the proxy's release lacks ----------------------------------------

def test_a_missing_route_on_a_proxy_that_says_its_version_names_both(stub, cli):
    proxy = stub({"/public/model_hub/info": (200, {}, {"litellm_version": "1.90.7"}),
                  "/health/liveliness": (200, {}, "I'm alive!")})
    code, _, err = cli(proxy.url, "spend", "logs")
    assert code == exceptions.EXIT_REJECTED
    line = _one_error_line(err)
    assert line.startswith("Error: this proxy (LiteLLM 1.90.7) has no GET /spend/logs")
    assert "does not look like" not in line


def test_an_older_proxy_says_its_version_in_readiness(stub):
    proxy = stub({"/health/readiness": (200, {}, {"status": "healthy",
                                                  "litellm_version": "1.60.2"})})
    session = Session(proxy.url)
    with pytest.raises(exceptions.MissingRoute) as err:
        session.get("/spend/logs/v2")
    assert "this proxy (LiteLLM 1.60.2) has no GET /spend/logs/v2" in str(err.value)


def test_a_missing_route_on_a_proxy_that_keeps_its_version_quiet(stub):
    proxy = stub({"/health/readiness": (200, {}, {"status": "healthy", "db": "connected"}),
                  "/health/liveliness": (200, {}, "I'm alive!")})
    with pytest.raises(exceptions.MissingRoute) as err:
        Session(proxy.url).get("/spend/logs/v2")
    assert "a LiteLLM release that does not say" in str(err.value)
    assert err.value.exit_code == exceptions.EXIT_REJECTED


def test_a_404_where_no_proxy_answers_still_says_check_the_url(stub, cli):
    proxy = stub({})
    code, _, err = cli(proxy.url + "/api", "keys", "list")
    assert code == exceptions.EXIT_CONNECTION
    assert "/api does not look like a LiteLLM proxy" in _one_error_line(err)


def test_the_version_is_asked_once_per_run_and_only_when_needed(stub):
    proxy = stub({"/public/model_hub/info": (200, {}, {"litellm_version": "1.108.7"}),
                  "/x": (200, {}, {"ok": True})})
    session = Session(proxy.url, api_key=KEY)
    session.get("/x")
    assert [seen[1] for seen in proxy.seen] == ["/x"]  # nothing asked it
    assert versions.server_version(session) == "1.108.7"
    assert versions.at_least(session, "1.108") and versions.at_least(session, "1.108.7")
    assert not versions.at_least(session, "1.110")
    assert [seen[1] for seen in proxy.seen] == ["/x", "/public/model_hub/info"]
    assert "Authorization" not in proxy.seen[1][2]  # the version needs no key


def test_an_unknown_version_is_remembered_too_and_is_never_at_least(stub):
    proxy = stub({})
    session = Session(proxy.url)
    assert versions.server_version(session) is None
    assert not versions.at_least(session, "0.1")
    assert len(proxy.seen) == len(versions.SOURCES)


@pytest.mark.parametrize("text,parsed", [("1.108.7", (1, 108, 7)), ("v1.82.0-stable", (1, 82, 0)),
                                         ("1.90.7.dev1", (1, 90, 7)), ("1.110", (1, 110)),
                                         ("", ()), (None, ()), ("main", ())])
def test_parse_reads_the_dotted_numbers(text, parsed):
    assert versions.parse(text) == parsed


# -- 6. answers of an unexpected shape --------------------------------------------

@pytest.mark.parametrize("argv,route,answer,request_line", [
    (["models", "get", "--id", "m1"], "/model/info", {"data": []}, "GET /model/info"),
    (["users", "update", "u1", "--max-budget", "5"], "/user/update", {"user_id": "u1"},
     "POST /user/update"),
    (["keys", "list"], "/key/list", ["not", "an", "object"], "GET /key/list"),
])
def test_an_answer_of_another_shape_is_one_error_naming_the_request(stub, cli, argv, route,
                                                                    answer, request_line):
    routes = {path: (200, {}, {"user_id": "u1", "user_info": {"user_id": "u1"}})
              for path in ("/user/info",)}
    routes[route] = (200, {}, answer)
    proxy = stub(routes)
    code, _, err = cli(proxy.url, *argv)
    assert code == exceptions.EXIT_SERVER
    line = _one_error_line(err)
    assert f"the proxy's answer to {request_line} is not what this command expects" in line


def test_a_body_that_is_not_json_is_an_unexpected_answer(stub):
    proxy = stub({"/key/list": (200, {"Content-Type": "text/plain"}, b"all good")})
    with pytest.raises(exceptions.UnexpectedAnswer) as err:
        Session(proxy.url).get_json("/key/list")
    assert "GET /key/list with a body that is not JSON: 'all good'" in str(err.value)
    assert err.value.exit_code == exceptions.EXIT_SERVER


def test_a_programming_error_before_any_request_is_not_blamed_on_the_proxy():
    session = Session("http://127.0.0.1:9")
    assert session.failure_for(KeyError("x")) is None


# -- 7. messages that say what to do -------------------------------------------------

NO_KEY = {"error": {"message": "Authentication Error, No api key passed in.",
                    "type": "auth_error", "code": "401"}}


def test_no_api_key_names_the_option_the_variable_and_profiles(stub, cli):
    proxy = stub({"/key/list": (401, {}, NO_KEY)})
    code, _, err = cli(proxy.url, "keys", "list", key=None)
    assert code == exceptions.EXIT_AUTH
    line = _one_error_line(err)
    for hint in ("No api key passed in", "--api-key", "LITELLM_PROXY_API_KEY", "profile"):
        assert hint in line


def test_a_refused_key_says_how_to_find_where_it_comes_from(stub, cli):
    proxy = stub({"/key/list": (401, {}, {"error": {"message": "Invalid API key provided."}})})
    code, _, err = cli(proxy.url, "keys", "list")
    assert code == exceptions.EXIT_AUTH and "profile show" in _one_error_line(err)
    assert KEY not in err


def test_https_to_a_plain_http_port_suggests_http(stub, cli):
    proxy = stub({})
    code, _, err = cli(proxy.url.replace("http://", "https://"), "keys", "list")
    assert code == exceptions.EXIT_CONNECTION
    line = _one_error_line(err)
    assert "http:// instead of https://" in line and "--insecure" not in line
    assert "_ssl.c" not in line  # the ssl module's source line says nothing to a user


def test_an_http_proxy_from_the_environment_that_refuses_is_named_as_such(stub, cli,
                                                                          monkeypatch):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    proxy = stub({})
    code, _, err = cli(proxy.url, "keys", "list")
    assert code == exceptions.EXIT_CONNECTION and proxy.seen == []
    line = _one_error_line(err)
    assert "through the HTTP proxy that HTTPS_PROXY, HTTP_PROXY or ALL_PROXY names" in line
    assert "NO_PROXY=127.0.0.1 would go around it" in line


def test_a_refused_connection_asks_whether_the_proxy_runs_there(cli):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    code, _, err = cli(f"http://127.0.0.1:{port}", "keys", "list")
    assert code == exceptions.EXIT_CONNECTION
    assert "connection refused: is the proxy running there?" in _one_error_line(err)


def test_a_host_that_does_not_resolve_says_to_check_the_name(cli, monkeypatch):
    def getaddrinfo(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    code, _, err = cli("http://nowhere.example:4000", "keys", "list")
    assert code == exceptions.EXIT_CONNECTION
    assert _one_error_line(err).endswith(
        "(cannot resolve host 'nowhere.example': check the host name in the URL)")
