"""chat completions against the real proxy, whose mock models answer with fixed text:
gpt-4o says "hello", mistral-mock says "hi from mistral mock"."""

import json
import shlex

import pytest

from tests.functional.conftest import older, wait_for

REPLIES = {"gpt-4o": "hello", "mistral-mock": "hi from mistral mock"}


def sent_body(err):
    """The request body the CLI sent, from its --debug log (a curl command)."""
    for line in err.splitlines():
        if line.startswith("REQ: ") and "/chat/completions" in line:
            words = shlex.split(line[len("REQ: "):])
            return json.loads(words[words.index("-d") + 1])
    raise AssertionError(f"no chat request in the debug log:\n{err}")


def proxy_json(cli, method, path, body=None):
    args = ["http", "request", method, path] + (["-j", json.dumps(body)] if body else [])
    res = cli(*args)
    assert res.rc == 0, res
    return res.json()


@pytest.fixture
def virtual_key(cli, unique):
    """Make virtual keys for a test (unique aliases) and delete them afterwards."""
    made = []

    def make(**fields):
        alias = f"{unique}-{len(made)}"
        made_now = cli("http", "request", "POST", "/key/generate", "--show-secret", "key",
                       "-j", json.dumps(dict(fields, key_alias=alias)))
        assert made_now.rc == 0, made_now
        key = made_now.json()["key"]
        made.append(key)
        return key

    yield make
    if made:
        cli("http", "request", "POST", "/key/delete", "-j", json.dumps({"keys": made}))


# -- the documented examples, with gpt-4o for gpt-4 ------------------------------------------

def test_simple_completion_prints_the_reply(cli):
    res = cli("chat", "completions", "gpt-4o", "-m", "user:Hello, how are you?")
    assert (res.rc, res.out, res.err) == (0, "hello\n", "")


def test_multi_message_conversation_sends_every_message_in_order(cli):
    res = cli("--debug", "chat", "completions", "gpt-4o",
              "-m", "system:You are a helpful assistant",
              "-m", "user:What's the capital of France?",
              "-m", "assistant:The capital of France is Paris.",
              "-m", "user:What's its population?")
    assert (res.rc, res.out) == (0, "hello\n"), res
    assert sent_body(res.err)["messages"] == [
        {"role": "system", "content": "You are a helpful assistant"},
        {"role": "user", "content": "What's the capital of France?"},
        {"role": "assistant", "content": "The capital of France is Paris."},
        {"role": "user", "content": "What's its population?"},
    ]


def test_generation_parameters_example_sends_them(cli):
    res = cli("--debug", "chat", "completions", "gpt-4o", "-m", "user:Write a story",
              "--temperature", "0.7", "--max-tokens", "500", "--top-p", "0.9")
    assert (res.rc, res.out) == (0, "hello\n"), res
    body = sent_body(res.err)
    assert (body["temperature"], body["max_tokens"], body["top_p"]) == (0.7, 500, 0.9)


# -- parameters ---------------------------------------------------------------------------

def test_every_parameter_reaches_the_proxy_and_only_those_given(cli):
    res = cli("--debug", "chat", "completions", "gpt-4o", "-m", "user:hi",
              "-t", "1.5", "--top-p", "0.5", "--n", "2", "--max-tokens", "7",
              "--presence-penalty", "-1.5", "--frequency-penalty", "1.25", "--user", "u-1",
              "--param", "seed=42", "-f", "json")
    assert res.rc == 0, res
    assert sent_body(res.err) == {
        "model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}],
        "temperature": 1.5, "top_p": 0.5, "n": 2, "max_tokens": 7,
        "presence_penalty": -1.5, "frequency_penalty": 1.25, "user": "u-1", "seed": 42}
    # The proxy acted on n: two choices came back.
    assert [c["message"]["content"] for c in res.json()["choices"]] == ["hello", "hello"]


def test_proxy_names_the_parameters_it_received_that_the_provider_lacks(cli):
    # The proxy checks parameters per provider: mistral has no n or penalties,
    # so its refusal shows those parameters arrived.
    res = cli("chat", "completions", "mistral-mock", "-m", "user:hi", "--n", "2",
              "--presence-penalty", "0.5", "--frequency-penalty", "0.5")
    assert res.rc == 6 and res.out == "", res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "does not support parameters" in lines[0]
    for name in ("'n'", "'presence_penalty'", "'frequency_penalty'"):
        assert name in lines[0]


def test_user_reaches_the_proxy_as_a_tracked_end_user(cli, unique):
    res = cli("chat", "completions", "gpt-4o", "-m", "user:hi", "--user", unique)
    assert res.rc == 0, res
    try:
        def end_user():
            found = cli("http", "request", "GET", f"/customer/info?end_user_id={unique}")
            return found.json() if found.rc == 0 else None

        info = wait_for(end_user)
        assert info and info["user_id"] == unique and info["spend"] > 0
    finally:
        cli("http", "request", "POST", "/customer/delete", "-j",
            json.dumps({"user_ids": [unique]}))


def test_several_choices_are_printed_separately(cli):
    res = cli("chat", "completions", "gpt-4o", "-m", "user:hi", "--n", "2")
    assert res.rc == 0, res
    assert res.out == "--- choice 1 of 2 ---\nhello\n--- choice 2 of 2 ---\nhello\n"


@pytest.mark.parametrize("flag", ["-f", "--format"])
def test_json_format_prints_the_whole_response(cli, flag):
    res = cli("chat", "completions", "gpt-4o", "-m", "user:hi", flag, "json")
    assert res.rc == 0, res
    data = res.json()
    assert data["object"] == "chat.completion" and data["id"].startswith("chatcmpl-")
    assert data["choices"][0]["message"] == {"content": "hello", "role": "assistant"}
    assert data["usage"]["total_tokens"] > 0


# -- streaming ----------------------------------------------------------------------------

@pytest.mark.parametrize("model", sorted(REPLIES))
def test_streamed_output_equals_the_non_streamed_text(cli, model):
    plain = cli("chat", "completions", model, "-m", "user:hi")
    streamed = cli("chat", "completions", model, "-m", "user:hi", "--stream")
    assert plain.rc == streamed.rc == 0, (plain, streamed)
    assert streamed.out == plain.out == REPLIES[model] + "\n"
    assert streamed.err == ""


def test_streamed_choices_equal_the_non_streamed_ones(cli):
    plain = cli("chat", "completions", "gpt-4o", "-m", "user:hi", "--n", "2")
    streamed = cli("chat", "completions", "gpt-4o", "-m", "user:hi", "--n", "2", "--stream")
    assert plain.rc == streamed.rc == 0, (plain, streamed)
    assert streamed.out == plain.out


def test_streamed_json_is_the_proxys_chunks_one_per_line(cli):
    res = cli("chat", "completions", "mistral-mock", "-m", "user:hi", "--stream", "-f", "json")
    assert res.rc == 0, res
    chunks = [json.loads(line) for line in res.out.splitlines()]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == REPLIES["mistral-mock"]


# -- stdin --------------------------------------------------------------------------------

def test_piped_text_with_a_system_prompt_becomes_the_conversation(cli):
    notes = "line one: with a colon\nline two\n"
    res = cli("--debug", "chat", "completions", "gpt-4o", "-s", "Summarise", input=notes)
    assert (res.rc, res.out) == (0, "hello\n"), res
    assert sent_body(res.err)["messages"] == [
        {"role": "system", "content": "Summarise"}, {"role": "user", "content": notes}]


def test_dash_message_reads_stdin_at_its_place(cli):
    res = cli("--debug", "chat", "completions", "gpt-4o", "-m", "system:Be terse",
              "-m", "user:-", "--stream", input="from the pipe")
    assert (res.rc, res.out) == (0, "hello\n"), res
    assert sent_body(res.err)["messages"] == [
        {"role": "system", "content": "Be terse"}, {"role": "user", "content": "from the pipe"}]


def test_empty_stdin_is_a_usage_error(cli):
    res = cli("chat", "completions", "gpt-4o", input="")
    assert res.rc == 2 and res.out == "" and "stdin was empty" in res.err


# -- usage ----------------------------------------------------------------------------------

def _usage(err):
    line = [ln for ln in err.splitlines() if ln.startswith("usage: ")]
    assert len(line) == 1, err
    return dict(pair.split("=") for pair in line[0][len("usage: "):].split())


def test_usage_reports_tokens_and_the_cost_the_proxy_charged_the_key(cli, virtual_key):
    key = virtual_key(models=["gpt-4o"])
    res = cli("chat", "completions", "gpt-4o", "-m", "user:hi", "--usage", "-f", "json", key=key)
    assert res.rc == 0, res
    usage = _usage(res.err)
    reported = res.json()["usage"]
    assert {k: int(usage[k]) for k in ("prompt_tokens", "completion_tokens", "total_tokens")} == {
        k: reported[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
    cost = float(usage["cost_usd"])
    assert cost > 0

    def spend():
        return proxy_json(cli, "GET", f"/key/info?key={key}")["info"]["spend"]

    assert wait_for(lambda: spend() > 0) and spend() == pytest.approx(cost, rel=1e-6)


def test_streamed_usage_reports_tokens_and_cost(cli, proxy_version):
    res = cli("chat", "completions", "gpt-4o", "-m", "user:hi", "--stream", "--usage")
    assert (res.rc, res.out) == (0, "hello\n"), res
    usage = _usage(res.err)
    assert int(usage["total_tokens"]) == int(usage["prompt_tokens"]) + int(
        usage["completion_tokens"]) > 0
    if older(proxy_version, "1.108"):  # a stream's usage carries no cost: none is made up
        assert "cost_usd" not in usage
    else:
        assert float(usage["cost_usd"]) > 0


# -- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_unknown_model_is_one_line_not_found(cli, unique, stream):
    res = cli("chat", "completions", unique, "-m", "user:hi", *stream)
    assert res.rc == 5, res
    assert res.out == ""
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and unique in lines[0]
    assert "Invalid model name" in lines[0]


def test_key_not_allowed_the_model_is_an_auth_error(cli, virtual_key, proxy_version):
    key = virtual_key(models=["mistral-mock"])
    allowed = cli("chat", "completions", "mistral-mock", "-m", "user:hi", key=key)
    denied = cli("chat", "completions", "gpt-4o", "-m", "user:hi", key=key)
    assert (allowed.rc, allowed.out) == (0, REPLIES["mistral-mock"] + "\n"), allowed
    assert denied.rc == 4 and denied.out == "", denied
    lines = denied.err.strip().splitlines()
    # The proxy's words: from LiteLLM 1.103 they do not list the key's models.
    words = ("key not allowed to access model" if older(proxy_version, "1.103")
             else "not available for this API key")
    # LiteLLM 1.80.17 answers 401 (1.90.7: 403): an authenticated key all the same.
    status = 401 if older(proxy_version, "1.90") else 403
    assert len(lines) == 1 and words in lines[0] and lines[0].endswith(f"(HTTP {status})"), denied
    assert key not in denied.err


def test_rate_limit_is_a_rejection_with_the_proxys_message(cli, virtual_key):
    key = virtual_key(models=["gpt-4o"], rpm_limit=1)
    first = cli("chat", "completions", "gpt-4o", "-m", "user:hi", key=key)
    second = cli("chat", "completions", "gpt-4o", "-m", "user:hi", key=key)
    assert first.rc == 0, first
    assert second.rc == 6 and second.out == "", second
    lines = second.err.strip().splitlines()
    assert len(lines) == 1 and "Rate limit exceeded" in lines[0] and "(HTTP 429)" in lines[0]


@pytest.mark.parametrize("args, named", [
    (["-m", "Hello"], "has no role"),
    (["-m", "bot:Hello"], "unknown role 'bot'"),
    (["-m", "user:hi", "-t", "2.5"], "--temperature"),
    (["-m", "user:hi", "--top-p", "1.1"], "--top-p"),
    (["-m", "user:hi", "--presence-penalty", "-3"], "--presence-penalty"),
])
def test_bad_input_is_a_usage_error_and_sends_nothing(cli, args, named):
    res = cli("--debug", "chat", "completions", "gpt-4o", *args)
    assert res.rc == 2, res
    assert named in res.err and "REQ: " not in res.err
