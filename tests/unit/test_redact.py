"""Secrets the user hands in are masked everywhere: by name, by value, and URL userinfo."""

import io
import json

import pytest

from litellm_cli import command, config, display, exceptions, redact, shell, utils
from litellm_cli.plugins import http, keys
from tests.unit.conftest import FakeSession, run
from tests.unit.output import render
from tests.unit.test_session import _Handler


@pytest.mark.parametrize("name", [
    "api_key", "aws_access_key_id", "aws_secret_access_key", "vertex_credentials",
    "azure_ad_token", "password", "db_password", "client_secret", "authorization",
    "x-goog-api-key", "x-custom-token", "token", "refresh_token", "credential_values",
    "master_key", "private_key"])
def test_secret_field_names(name):
    assert redact.is_secret_field(name)


@pytest.mark.parametrize("name", [
    "model", "api_base", "max_tokens", "input_cost_per_token", "output_cost_per_token",
    "litellm_credential_name", "credential_info", "key_alias", "key_name", "tpm",
    "max_input_tokens", "use_xai_oauth"])
def test_ordinary_field_names(name):
    assert not redact.is_secret_field(name)


@pytest.mark.parametrize("name", [
    "cache_read_input_token_cost", "cache_creation_input_token_cost_above_200k_tokens",
    "output_cost_per_reasoning_token", "input_cost_per_audio_token_batches",
    "cache_read_input_audio_token_cost_priority", "token_price"])
def test_token_prices_are_not_secrets(name):
    assert not redact.is_secret_field(name)


@pytest.mark.parametrize("name", ["Authorization", "x-goog-api-key", "X-Custom-Token",
                                  "x-my-secret", "x-corp-auth", "api-key", "Cookie"])
def test_secret_header_names(name):
    assert redact.is_secret_header(name)


@pytest.mark.parametrize("name", ["content-type", "x-litellm-call-id", "x-litellm-key-spend"])
def test_ordinary_header_names(name):
    assert not redact.is_secret_header(name)


def test_a_remembered_value_is_masked_under_any_name_and_at_any_depth():
    redact.remember("hunter2-secret")
    data = {"description": "uses hunter2-secret here", "n": [{"x": "hunter2-secret"}], "k": 3}
    assert redact.mask_output(data) == {"description": "uses *** here", "n": [{"x": "***"}],
                                        "k": 3}


def test_a_secret_json_value_masks_each_of_its_strings():
    redact.remember({"type": "service_account", "private_key": "-----BEGIN KEY-----\nabc"})
    assert redact.mask_output("key: -----BEGIN KEY-----\nabc") == "key: ***"


def test_short_values_are_masked_by_name_only():
    redact.remember_fields({"api_key": "abc"})
    assert redact.mask_output({"api_key": "abc", "x": "abc"}) == {"api_key": "***", "x": "abc"}


@pytest.mark.parametrize("text,expected", [
    ("https://user:p%40ss@host/v1", "https://***@host/v1"),
    ("see http://u:p@h:1/x and ftp://a@b", "see http://***@h:1/x and ftp://***@b"),
    ('{"a":"http://h/x","email":"u@example.com"}', '{"a":"http://h/x","email":"u@example.com"}'),
    ("mail u@example.com", "mail u@example.com"),
])
def test_url_userinfo_is_masked_and_nothing_else(text, expected):
    assert redact.mask_output(text) == expected


def test_the_password_of_a_url_is_remembered_too():
    redact.remember_fields({"api_base": "https://bob:pw-longer-1@host"})
    assert redact.mask_output("pw-longer-1 leaked") == "*** leaked"


def test_sk_keys_are_masked_in_logs_but_not_in_output():
    assert redact.REDACTOR.text("key sk-abcdef123") == "key sk-***"
    assert redact.mask_output("key sk-abcdef123") == "key sk-abcdef123"


# -- secrets from files and stdin (issue 10 item 11) --------------------------

def test_param_secret_is_read_from_a_file_and_remembered(tmp_path):
    path = tmp_path / "key"
    path.write_text("file-secret-1\n")
    params = utils.parse_pairs([f"api_key=@{path}", "model=@not-a-file"], "--param")
    assert params == {"api_key": "file-secret-1", "model": "@not-a-file"}
    assert redact.mask_output("x file-secret-1") == "x ***"


def test_param_secret_is_read_from_stdin_once(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("stdin-secret-2\n"))
    assert utils.parse_pairs(["aws_secret_access_key=@-"], "-p") == {
        "aws_secret_access_key": "stdin-secret-2"}
    with pytest.raises(exceptions.UsageError) as err:
        utils.parse_pairs(["api_key=@-"], "-p")
    assert "stdin was already read for -p aws_secret_access_key" in str(err.value)


def test_missing_or_empty_secret_file_is_a_usage_error(tmp_path):
    (tmp_path / "empty").write_text("\n")
    for value in (f"@{tmp_path}/missing", f"@{tmp_path}/empty"):
        with pytest.raises(exceptions.UsageError):
            utils.read_secret(value, "--api-key")


def test_api_key_flag_reads_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(tmp_path / "none.yaml"))
    monkeypatch.delenv("LITELLM_PROXY_API_KEY", raising=False)
    (tmp_path / "k").write_text("sk-from-file-123\n")
    options = shell.build_parser().parse_args(["--api-key", f"@{tmp_path}/k"])
    assert config.resolve(options).api_key == "sk-from-file-123"


def test_secret_header_reads_a_file_and_is_remembered(tmp_path):
    (tmp_path / "auth").write_text("Bearer hdr-token-3\n")
    assert http.parse_header(f"Authorization: @{tmp_path}/auth") == (
        "Authorization", "Bearer hdr-token-3")
    assert http.parse_header("X-Note: @literal") == ("X-Note", "@literal")
    assert redact.mask_output("hdr-token-3") == "***"


def test_keys_info_and_delete_read_keys_from_a_file(tmp_path):
    (tmp_path / "one").write_text("sk-info-key-4\n")
    (tmp_path / "many").write_text("sk-del-key-5\nsk-del-key-6\n")
    session = FakeSession({("GET", "/key/info"): {"key": "sk-info-key-4", "info": {}},
                           ("POST", "/key/delete"): {}})
    run(keys.ShowKey, ["--key", f"@{tmp_path}/one"], session)
    run(keys.DeleteKey, ["--keys", f"@{tmp_path}/many"], session)
    assert [c[2] for c in session.calls] == [
        {"params": {"key": keys.hash_key("sk-info-key-4")}},
        {"body": {"keys": ["sk-del-key-5"]}}, {"body": {"keys": ["sk-del-key-6"]}}]


# -- command output (issue 10 item 3) ----------------------------------------

def test_models_add_output_masks_every_secret_it_was_given(local_server, tmp_path, capsys,
                                                            monkeypatch):
    server = local_server(_Handler)
    server.script = [(200, {}, {"litellm_version": "1.108.7"}),  # asked before the create
                     (200, {}, {"model_id": "m-1", "model_name": "m",
                                "model_info": {"echo": "vals-secret-8"}})]
    (tmp_path / "sa.json").write_text('{"type": "service_account", "pk": "sa-secret-7"}')
    monkeypatch.setenv("LITELLM_CLI_CONFIG", str(tmp_path / "none.yaml"))
    code = shell.main([
        "--base-url", server.url, "--api-key", "sk-master-unit-9", "models", "add", "m",
        "-p", "model=openai/x", "-p", f"vertex_credentials=@{tmp_path}/sa.json",
        "-p", "aws_access_key_id=AKIA-unit-6", "-p", "aws_secret_access_key=vals-secret-8",
        "-p", "api_base=https://bob:url-pass-9@h/v1", "-i", "client_secret=info-secret-10",
        "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    shown = json.loads(out)
    assert shown["litellm_params"]["api_base"] == "https://***@h/v1"
    assert shown["model_info"]["echo"] == "***"  # masked by value, under an ordinary name
    for secret in ("sa-secret-7", "AKIA-unit-6", "vals-secret-8", "url-pass-9",
                   "info-secret-10", "sk-master-unit-9"):
        assert secret not in out and secret not in err
    sent = json.loads(server.seen[1][3])
    assert sent["litellm_params"]["vertex_credentials"]["pk"] == "sa-secret-7"


def test_keys_given_are_masked_but_key_hashes_are_not():
    session = FakeSession({("GET", "/key/info"): {"key": "hash-or-key", "info": {}}})
    hashed = "ab" * 32
    run(keys.ShowKey, ["--key", "sk-given-key-11"], session)
    run(keys.ShowKey, ["--key", hashed], session)
    assert redact.mask_output(f"sk-given-key-11 {hashed}") == f"*** {hashed}"


def test_a_yaml_alias_bomb_is_remembered_without_expanding_it():
    levels = ['a: &a ["lols", "lols", "lols", "lols", "lols", "lols", "lols", "lols", "lols"]']
    for prev, name in zip("abcdefghi", "bcdefghij"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    levels.append("api_key: [*j, *j, *j, *j, *j, *j, *j, *j, *j]")  # 9**10 strings if expanded
    import yaml

    # parse_yaml refuses such a document (tests/unit/test_utils.py); remembering
    # must not expand one either, whoever hands it the data.
    redact.remember_fields(yaml.safe_load("\n".join(levels)))
    assert redact.mask_output("lols") == "***"
    with pytest.raises(exceptions.UsageError, match="alias bomb"):
        utils.parse_yaml("\n".join(levels), "bomb.yaml")


def test_spend_key_filter_reads_a_file_and_masks_the_key(tmp_path):
    from litellm_cli.plugins import spend

    (tmp_path / "k").write_text("sk-spend-key-12\n")
    parsed = spend.ListSpendLog(None, None).get_parser("x").parse_args(
        ["--key", f"@{tmp_path}/k"])
    assert spend._filters(parsed)["key"] == "sk-spend-key-12"
    assert redact.mask_output("sk-spend-key-12") == "***"
    with pytest.raises(exceptions.UsageError):
        utils.read_key("sk-a,sk-b", "--key")


def test_a_state_files_keys_are_records_walked_by_field_not_secrets():
    redact.remember_fields({"keys": [{"key_alias": "wide-open-alias", "api_key": "s3cr3t-value"}],
                            "delete": {"keys": ["sk-given-key-1"]}})
    assert redact.mask_output("wide-open-alias") == "wide-open-alias"
    assert redact.mask_output("s3cr3t-value") == "***"
    assert redact.mask_output("sk-given-key-1") == "***"


# -- issue 21 --------------------------------------------------------------

@pytest.mark.parametrize("pair,sent", [
    ("password=12345678", "12345678"), ("client_secret=123e4", "123e4"),
    ("api_key=true", "true"), ("aws_session_token=null", "null"),
    ("api_key=\"quoted\"", "\"quoted\""),
    ("vertex_credentials={\"type\": \"service_account\"}", {"type": "service_account"})])
def test_a_secret_pair_value_is_sent_as_text(pair, sent):
    assert utils.parse_pairs([pair], "--param") == {pair.partition("=")[0]: sent}


def test_an_ordinary_pair_value_is_still_typed():
    assert utils.parse_pairs(["rpm=12345678", "temperature=0.5"], "-p") == {
        "rpm": 12345678, "temperature": 0.5}


@pytest.mark.parametrize("header", ["X-Api-Key:", "X-Api-Key:   ", "X-Note:"])
def test_an_empty_header_value_is_a_usage_error(header):
    with pytest.raises(exceptions.UsageError, match="value is empty"):
        http.parse_header(header)


def test_debug_masks_secret_headers_inside_json_bodies(local_server, caplog):
    import logging

    from litellm_cli.session import Session

    params = {"model": "openai/x", "extra_headers": {
        "X-Corp-Auth": "hdr-auth-21", "Authorization": "Bearer hdr-bearer-22",
        "api-key": "hdr-apikey-23", "X-Trace": "visible-24"}}
    server = local_server(_Handler)
    server.script = [(200, {}, {"litellm_params": params})]
    with caplog.at_level(logging.DEBUG, logger="litellm_cli.http"):
        Session(server.url, api_key="sk-unit-master-25").post(
            "/model/new", json={"litellm_params": params})
    request, response = [r.getMessage() for r in caplog.records
                         if r.getMessage().startswith(("REQ:", "RESP BODY:"))]
    for logged in (request, response):
        assert "visible-24" in logged
        for value in ("hdr-auth-21", "hdr-bearer-22", "hdr-apikey-23"):
            assert value not in logged


def test_header_values_given_in_a_body_are_remembered():
    redact.remember_fields({"extra_headers": {"X-Corp-Auth": "hdr-auth-26"}})
    assert redact.mask_output("echo hdr-auth-26") == "echo ***"


class _PluginShow(command.ShowOne):
    def take_action(self, parsed_args):
        return ("name", "client_secret", "token", "nested"), (
            "n", "cs-plugin-27", "hash-28",
            display.JSONColumn({"password": "pw-plugin-29", "list": [{"api_key": "ak-30"}],
                                "headers": {"x-corp-auth": "ha-31"}, "price_per_token": 1}))


class _PluginList(command.Lister):
    shown_secrets = ("client_secret",)

    def take_action(self, parsed_args):
        return ("name", "client_secret", "password"), [("n", "cs-plugin-27", "pw-plugin-29")]


def test_every_shown_secret_named_field_is_masked_at_any_depth_for_any_command():
    out = json.loads(render(_PluginShow, ["-f", "json"], FakeSession())[1])
    assert out == {"name": "n", "client_secret": "***", "token": "hash-28",
                   "nested": {"password": "***", "list": [{"api_key": "***"}],
                              "headers": {"x-corp-auth": "***"}, "price_per_token": 1}}


def test_a_command_names_the_secret_fields_it_exists_to_show():
    out = json.loads(render(_PluginList, ["-f", "json"], FakeSession())[1])
    assert out == [{"name": "n", "client_secret": "cs-plugin-27", "password": "***"}]


# -- http request (issue 21) ----------------------------------------------------------------

def _http(local_server, answer, *argv, tty=False):
    from litellm_cli.session import Session

    server = local_server(_Handler)
    server.script = [answer]
    session = Session(server.url, api_key="sk-unit-master-32")
    return render(http.SendRequest, list(argv), session, tty=tty)


def test_http_request_masks_a_key_given_in_the_uri_and_says_urls_are_logged(local_server):
    status, out, err = _http(local_server, (200, {}, {"key": "sk-in-url-33", "info": {}}),
                             "GET", "/key/info?key=sk-in-url-33")
    assert status == 0 and "sk-in-url-33" not in out and json.loads(out)["key"] == "***"
    assert "access logs" in err and "sk-in-url-33" not in err


def test_http_request_masks_secret_named_query_values_of_any_shape(local_server):
    _, out, _ = _http(local_server, (200, {}, {"echo": "plain-secret-34"}),
                      "GET", "/x?client_secret=plain-secret-34&page=2")
    assert json.loads(out) == {"echo": "***"}


def test_http_request_masks_secret_named_fields_of_the_answer(local_server):
    _, out, _ = _http(local_server, (200, {}, {"key": "sk-brand-new-35", "model_info": {
        "client_secret": "upstream-36", "key": "gpt-4o"}, "token": "hash-37"}),
                      "GET", "/model/info")
    assert json.loads(out) == {"key": "***", "model_info": {"client_secret": "***",
                                                            "key": "gpt-4o"},
                               "token": "hash-37"}


def test_http_request_prints_the_secret_fields_asked_for(local_server):
    _, out, err = _http(local_server, (200, {}, {"key": "sk-brand-new-35",
                                                 "metadata": {"api_key": "upstream-38"}}),
                        "POST", "/key/generate", "-j", "{}", "--show-secret", "key")
    assert json.loads(out) == {"key": "sk-brand-new-35", "metadata": {"api_key": "***"}}
    assert err == ""


@pytest.mark.parametrize("tty,expected", [
    (True, "\\x1b]0;owned\\x07\\x1b[2Jbody\\u202e\ttab\nline\n"),
    (False, "\x1b]0;owned\x07\x1b[2Jbody\u202e\ttab\nline\n")])
def test_http_request_escapes_a_text_body_on_a_terminal_only(local_server, tty, expected):
    body = "\x1b]0;owned\x07\x1b[2Jbody\u202e\ttab\nline\n".encode()
    _, out, _ = _http(local_server, (200, {"Content-Type": "text/plain"}, body),
                      "GET", "/x", tty=tty)
    assert out == expected


def test_http_request_escapes_what_json_leaves_raw_on_a_terminal(local_server):
    _, out, _ = _http(local_server, (200, {}, {"name": "bidi\u202eevil"}), "GET", "/x",
                      tty=True)
    assert "\u202e" not in out and json.loads(out.replace("\\u202e", "")) == {
        "name": "bidievil"}


@pytest.mark.parametrize("value, masked", [
    ("sk****23", True), ("*****", True), ("***", True), ("sk-***", True), (" ab********yz ", True),
    ("sk-real-key", False), ("sk-ab***cd-real", False), ("a***b***c", False), ("**", False),
    (None, False), (5, False),
])
def test_looks_masked(value, masked):
    assert redact.looks_masked(value) is masked


def test_masked_fields_names_nested_fields():
    assert redact.masked_fields({"api_key": "sk****23", "api_base": "https://x",
                                 "aws": {"secret": "*****", "region": "eu"}}) == \
        ["api_key", "aws.secret"]


def test_a_known_secret_is_masked_whatever_case_the_proxy_echoes_it_in():
    # LiteLLM lowercases a bad enum value in its error ("'envsecret_a1' is not a
    # valid GuardrailEventHooks"): the secret handed in must not show that way.
    redactor = redact.Redactor(["EnvSecret_A1"])
    shown = redactor.text("'envsecret_a1' is not valid; ENVSECRET_A1")
    assert "secret_a1" not in shown.lower() and shown.count(redact.MASK) == 2


def test_static_headers_are_secret_whatever_each_header_is_named():
    # An MCP server's or an agent's headers sent upstream: the proxy shows them in clear.
    data = {"agent_name": "a", "static_headers": {"x-other": "upstream-value-123"},
            "extra_headers": ["x-trace"]}
    assert redact.without_secrets(data) == {"agent_name": "a", "extra_headers": ["x-trace"]}
    redactor = redact.Redactor()
    redactor.add_fields(data)
    assert "upstream-value-123" not in redactor.text('{"x-other": "upstream-value-123"}')
    assert "upstream-value-123" not in json.dumps(redactor.data(data))
