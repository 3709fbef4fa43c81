"""Issue 21, transport, against the real proxy (faults injected in front of it)."""

import email.utils
import json
import socket
import time

import pytest

from tests.functional.conftest import run_cli
from tests.functional.faultproxy import FaultProxy

NOT_FOUND = json.dumps({"detail": "Not Found"})  # FastAPI's answer for an unknown route


@pytest.fixture
def faults(proxy):
    with FaultProxy(proxy.url) as fault_proxy:
        yield fault_proxy


def _via(faults, proxy, *args, **kwargs):
    return run_cli(list(args), faults.url, key=proxy.key, **kwargs)


def _error_line(res):
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in res.err, res
    return lines[0]


def test_a_route_the_proxy_lacks_is_named_with_the_proxy_s_real_version(faults, proxy):
    faults.add("GET", "/key/list", 1, "status", 404, {"Content-Type": "application/json"},
               NOT_FOUND)
    res = _via(faults, proxy, "keys", "list")
    assert res.rc == 6, res
    assert _error_line(res).startswith("Error: this proxy (LiteLLM 1.108.7) has no GET /key/list")


def test_a_retry_after_date_as_formatdate_writes_it_is_honoured(faults, proxy):
    faults.add("GET", "/key/list", 1, "status", 429,
               {"Retry-After": email.utils.formatdate(time.time()),
                "Content-Type": "application/json"},
               json.dumps({"error": {"message": "rate limited"}}))
    res = _via(faults, proxy, "keys", "list", "-f", "json")
    assert res.rc == 0, res
    assert sum(1 for _, path in faults.seen if path.startswith("/key/list")) == 2


def test_a_redirect_off_the_proxy_sends_no_credential_values_there(faults, proxy, api, unique):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    elsewhere = f"http://127.0.0.1:{listener.getsockname()[1]}/credentials"
    faults.add("POST", "/credentials", 1, "status", 307, {"Location": elsewhere}, "")
    try:
        res = _via(faults, proxy, "credentials", "create", unique, "--info",
                   '{"custom_llm_provider": "openai"}', "--values",
                   '{"api_key": "sk-upstream-never-elsewhere-1"}')
        with pytest.raises(socket.timeout):
            listener.accept()  # nothing ever connected
    finally:
        listener.close()
    assert res.rc == 3, res
    assert f"redirected POST /credentials to {elsewhere}: not followed" in _error_line(res)
    assert "sk-upstream-never-elsewhere-1" not in res.err
    names = [c["credential_name"] for c in api.ok("GET", "/credentials")["credentials"]]
    assert unique not in names


def test_an_answer_of_another_shape_names_the_request(faults, proxy):
    faults.add("GET", "/model/info", 1, "status", 200, {"Content-Type": "application/json"},
               json.dumps({"data": []}))
    res = _via(faults, proxy, "models", "get", "--id", "no-such-shape")
    assert res.rc == 7, res
    assert "the proxy's answer to GET /model/info is not what this command expects" in \
        _error_line(res)


def test_no_api_key_says_how_to_give_one(proxy):
    res = run_cli(["keys", "list"], proxy.url)
    assert res.rc == 4, res
    line = _error_line(res)
    assert "No api key passed in" in line
    assert "--api-key" in line and "LITELLM_PROXY_API_KEY" in line and "profile" in line


def test_https_to_the_plain_http_proxy_suggests_http(proxy):
    res = run_cli(["keys", "list"], proxy.url.replace("http://", "https://"), key=proxy.key)
    assert res.rc == 3, res
    assert "try the URL with http:// instead of https://" in _error_line(res)
