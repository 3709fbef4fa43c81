"""The shell, the session and errors, end to end against the real proxy."""


from tests.functional.conftest import RELEASE, closed_port, run_cli


def test_version_reports_client_and_live_server(cli):
    res = cli("version", "-f", "json")
    assert res.rc == 0, res
    data = res.json()
    assert data["client_version"]
    assert data["server_version"] == RELEASE


def test_dash_v_and_double_dash_version_print_both_versions(cli):
    for flag in ("-v", "--version"):
        res = cli(flag)
        assert res.rc == 0, res
        assert RELEASE in res.out and "client_version" in res.out


def test_version_with_unreachable_server_still_prints_client_version_and_succeeds():
    res = run_cli(["version"], f"http://127.0.0.1:{closed_port()}", key="sk-x")
    assert res.rc == 0, res
    assert "client_version" in res.out and RELEASE not in res.out
    assert res.err.strip().startswith("note: no server version: cannot reach the LiteLLM proxy")
    assert "Traceback" not in res.err


def test_http_get_prints_pretty_json(cli):
    res = cli("http", "request", "GET", "/models")
    assert res.rc == 0, res
    assert '\n  "data": [' in res.out
    assert {m["id"] for m in __import__("json").loads(res.out)["data"]} >= {"gpt-4o"}


def test_http_post_json_reaches_chat(cli):
    res = cli("http", "request", "POST", "/chat/completions", "-j",
              '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}',
              "-H", "X-Custom-Header:value")
    assert res.rc == 0, res
    assert res.json()["choices"][0]["message"]["content"] == "hello"


def test_http_data_that_is_json_is_sent_as_json(cli):
    res = cli("http", "request", "POST", "/chat/completions", "-d",
              '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}')
    assert res.rc == 0, res
    assert res.json()["choices"][0]["message"]["content"] == "hello"


def test_http_invalid_json_is_a_usage_error_naming_the_option():
    res = run_cli(["http", "request", "POST", "/chat/completions", "-j", "{not json"],
                  f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 2, res
    assert "--json" in res.err and len(res.err.strip().splitlines()) == 1


def test_wrong_key_is_one_line_auth_error(proxy):
    res = run_cli(["http", "request", "GET", "/key/list"], proxy.url, key="sk-wrong-key-123")
    assert res.rc == 4, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "(HTTP 401)" in lines[0]
    assert "sk-wrong-key-123" not in res.err + res.out


def test_unreachable_port_is_one_line_connection_error():
    res = run_cli(["http", "request", "GET", "/models"], f"http://127.0.0.1:{closed_port()}",
                  key="sk-x")
    assert res.rc == 3, res
    assert res.err.strip().splitlines() == [
        res.err.strip().splitlines()[0]] and "connection refused" in res.err
    assert "Traceback" not in res.err


def test_debug_logs_curl_and_never_the_master_key(cli, proxy):
    res = cli("--debug", "http", "request", "POST", "/key/generate", "--show-secret", "key",
              "-j", "{}")
    assert res.rc == 0, res
    assert "REQ: curl -g -i -X POST" in res.err
    assert "RESP: [200]" in res.err
    assert proxy.key not in res.err
    new_key = res.json()["key"]
    # The key the user asked for is printed on stdout, never in the debug log.
    assert new_key not in res.err
    cli("http", "request", "POST", "/key/delete", "-j", f'{{"keys": ["{new_key}"]}}')


def test_unknown_command_suggests_and_exits_2():
    res = run_cli(["models", "lsit"], f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 2, res
    assert "models list" in res.err


def test_empty_command_line_prints_help_and_exits_0():
    res = run_cli([], f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 0
    assert "Commands:" in res.out and "models" in res.out
