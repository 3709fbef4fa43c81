"""Fault injection: a fault-injecting HTTP proxy on 127.0.0.1 in front of the real one."""

import email.utils
import json
import signal
import socket
import subprocess
import time

import pytest

from tests.functional.conftest import CLI, RELEASE, cli_env, run_cli
from tests.functional.faultproxy import FaultProxy, wait_until


@pytest.fixture
def faults(proxy):
    with FaultProxy(proxy.url) as fault_proxy:
        yield fault_proxy


def _via(faults, proxy, *args, **kwargs):
    return run_cli(list(args), faults.url, key=proxy.key, **kwargs)


def test_get_is_retried_after_503_and_succeeds(faults, proxy):
    faults.add("GET", "/v1/models", 2, "status", 503, {}, "upstream busy")
    res = _via(faults, proxy, "http", "request", "GET", "/v1/models")
    assert res.rc == 0, res
    assert "gpt-4o" in res.out
    assert faults.seen.count(("GET", "/v1/models")) == 3


def test_429_with_retry_after_is_waited_for_then_succeeds(faults, proxy):
    faults.add("GET", "/v1/models", 1, "status", 429, {"Retry-After": "1"},
               json.dumps({"error": {"message": "rate limited"}}))
    started = time.monotonic()
    res = _via(faults, proxy, "http", "request", "GET", "/v1/models")
    assert res.rc == 0, res
    assert time.monotonic() - started >= 1.0
    assert faults.seen.count(("GET", "/v1/models")) == 2


def test_post_that_reached_the_proxy_is_not_resent(faults, proxy, unique):
    faults.add("POST", "/key/generate", 1, "drop_after_forward")
    res = _via(faults, proxy, "keys", "generate", "--key-alias", unique)
    assert res.rc == 3, res
    assert faults.seen.count(("POST", "/key/generate")) == 1
    listed = run_cli(["keys", "list", "--key-alias", unique, "-f", "json"], proxy.url,
                     key=proxy.key)
    keys = listed.json()
    try:
        assert len(keys) == 1, keys  # created exactly once, never duplicated
    finally:
        run_cli(["keys", "delete", "--key-aliases", unique], proxy.url, key=proxy.key)


def test_proxy_that_stops_answering_gives_timeout_error_in_time(faults, proxy):
    faults.add("GET", "/v1/models", 5, "stall", 30)
    started = time.monotonic()
    res = _via(faults, proxy, "--timeout", "1", "http", "request", "GET", "/v1/models")
    elapsed = time.monotonic() - started
    assert res.rc == 3, res
    assert "did not answer within 1s" in res.err and "Traceback" not in res.err
    assert elapsed < 6, elapsed  # one timeout, not one per retry
    assert faults.seen.count(("GET", "/v1/models")) == 1


def test_server_errors_on_post_are_reported_once(faults, proxy):
    faults.add("POST", "/chat/completions", 1, "status", 503, {}, "overloaded")
    res = _via(faults, proxy, "http", "request", "POST", "/chat/completions", "-j",
               '{"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}')
    assert res.rc == 7, res
    assert res.err.strip() == "Error: overloaded (HTTP 503)"
    assert faults.seen.count(("POST", "/chat/completions")) == 1


def _model_file(tmp_path, prefix, count):
    lines = ["model_list:"]
    for i in range(count):
        lines += [f"  - model_name: {prefix}-{i:02d}", "    litellm_params:",
                  "      model: openai/gpt-4o", "      api_base: http://127.0.0.1:9/v1",
                  "      api_key: fake", "      mock_response: hi"]
    path = tmp_path / "models.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _deployed(proxy, prefix):
    res = run_cli(["models", "info", "-f", "json", "--columns", "public_model,id"], proxy.url,
                  key=proxy.key)
    return [m for m in res.json() if m["public_model"].startswith(prefix)]


@pytest.fixture
def model_prefix(proxy, unique):
    prefix = f"{unique}-import"
    yield prefix
    for model in _deployed(proxy, prefix):
        run_cli(["models", "delete", model["id"]], proxy.url, key=proxy.key)


def _assert_rerun_completes_without_duplicates(proxy, path, prefix, count, already):
    again = run_cli(["models", "import", str(path), "-f", "json"], proxy.url, key=proxy.key)
    assert again.rc == 0, again
    statuses = [row["status"] for row in again.json()]
    assert statuses.count("skipped") == already and statuses.count("created") == count - already
    names = [m["public_model"] for m in _deployed(proxy, prefix)]
    assert len(names) == count and len(set(names)) == count


def test_import_cut_off_by_a_dying_proxy_reports_exactly_what_was_created(
        faults, proxy, model_prefix, tmp_path):
    path = _model_file(tmp_path, model_prefix, 10)
    faults.add("POST", "/model/new", 1, "die", after=4)
    res = _via(faults, proxy, "models", "import", str(path), "--workers", "1", "-f", "json")
    assert res.rc == 3, res
    assert res.err.strip().splitlines()[-1].startswith("Error: cannot reach")
    rows = {row["name"]: row["status"] for row in res.json()}
    created = {name for name, status in rows.items() if status == "created"}
    assert created == {m["public_model"] for m in _deployed(proxy, model_prefix)}
    assert len(created) == 4
    assert sorted(rows.values()) == sorted(["created"] * 4 + ["unknown"] + ["not imported"] * 5)
    _assert_rerun_completes_without_duplicates(proxy, path, model_prefix, 10, already=4)


def test_ctrl_c_during_import_reports_what_was_created_and_exits_130(
        faults, proxy, model_prefix, tmp_path):
    path = _model_file(tmp_path, model_prefix, 20)
    faults.add("POST", "/model/new", 100, "delay", 0.3)
    proc = subprocess.Popen([CLI, "models", "import", str(path), "--workers", "2", "-f", "json"],
                            env=cli_env(faults.url, proxy.key), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: len(_deployed(proxy, model_prefix)) >= 3, timeout=60)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "Interrupted" in err and "Stopped early" in err and "Traceback" not in err
    rows = json.loads(out)
    created = {row["name"] for row in rows if row["status"] == "created"}
    assert created == {m["public_model"] for m in _deployed(proxy, model_prefix)}
    assert 3 <= len(created) < 20
    _assert_rerun_completes_without_duplicates(proxy, path, model_prefix, 20,
                                               already=len(created))


# -- issue 21, transport: redirects, Retry-After dates, missing routes, answers of
# another shape, messages that say what to do

NOT_FOUND = json.dumps({"detail": "Not Found"})  # FastAPI's answer for an unknown route


def _error_line(res):
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in res.err, res
    return lines[0]


def test_a_route_the_proxy_lacks_is_named_with_the_proxy_s_real_version(faults, proxy):
    faults.add("GET", "/key/list", 1, "status", 404, {"Content-Type": "application/json"},
               NOT_FOUND)
    res = _via(faults, proxy, "keys", "list")
    assert res.rc == 6, res
    assert _error_line(res).startswith(f"Error: this proxy (LiteLLM {RELEASE}) has no GET /key/list")


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
