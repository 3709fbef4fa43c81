"""chat completions: message and parameter parsing, the SSE reader, and the command
end to end against a small local server that speaks the proxy's chat protocol."""

import http.server
import io
import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from litellm_cli import exceptions, shell
from litellm_cli.api.chat import ChatAPI, read_events
from litellm_cli.plugins import chat
from litellm_cli.session import Session

KEY = "sk-unit-chat-0001"


# -- a local server speaking the proxy's chat protocol -------------------------------------

def sse(*events):
    """Frames as the proxy writes them: ``data: {...}`` then a blank line."""
    return [f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n".encode() for e in events]


def delta(text, index=0):
    return {"object": "chat.completion.chunk",
            "choices": [{"index": index, "delta": {"content": text}}]}


def reply(*texts, usage=None):
    body = {"object": "chat.completion",
            "choices": [{"index": i, "message": {"role": "assistant", "content": t}}
                        for i, t in enumerate(texts)]}
    if usage:
        body["usage"] = usage
    return body


class _Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0 and no Content-Length: the body ends when the connection
    # closes, the case where a reader that fills fixed-size blocks stalls.
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(json.loads(body))
        status, headers, payload = self.server.script.pop(0)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if isinstance(payload, dict):
            payload = json.dumps(payload).encode()
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for item in payload:
            if callable(item):
                item()
                continue
            try:
                self.wfile.write(item)
                self.wfile.flush()
            except OSError:  # the client hung up (Ctrl-C)
                return


@pytest.fixture
def server(local_server):
    return local_server(_Handler)


@pytest.fixture
def run(server, monkeypatch, capsys):
    """Run the CLI in-process against the local server; returns (rc, out, err)."""
    monkeypatch.setenv("LITELLM_PROXY_URL", server.url)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", KEY)

    def _run(*argv, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        rc = shell.main(["chat", "completions", *argv])
        out, err = capsys.readouterr()
        return rc, out, err

    return _run


# -- messages -----------------------------------------------------------------------------

def test_message_splits_on_the_first_colon_only():
    assert chat.parse_message("user:Time is 10:30: ok?") == {
        "role": "user", "content": "Time is 10:30: ok?"}


@pytest.mark.parametrize("text", ["Hello there", ":Hello"])
def test_message_without_role_is_a_usage_error_naming_it(text):
    with pytest.raises(exceptions.UsageError) as exc:
        chat.parse_message(text)
    assert "has no role" in str(exc.value) and repr(text) in str(exc.value)


def test_message_with_unknown_role_is_a_usage_error_listing_the_roles():
    with pytest.raises(exceptions.UsageError) as exc:
        chat.parse_message("robot:beep")
    assert "unknown role 'robot'" in str(exc.value)
    assert "system, developer, user, assistant" in str(exc.value)


def test_message_with_empty_content_is_a_usage_error():
    with pytest.raises(exceptions.UsageError, match="has no content"):
        chat.parse_message("user:  ")


def test_without_messages_the_user_message_comes_from_stdin_after_the_system_prompt():
    messages = chat.build_messages([], "Summarise", lambda: "long notes\n")
    assert messages == [{"role": "system", "content": "Summarise"},
                        {"role": "user", "content": "long notes\n"}]


def test_dash_content_reads_stdin_in_place():
    messages = chat.build_messages(["system:Be brief", "user:-", "assistant:ok"], None,
                                   lambda: "from stdin")
    assert [m["content"] for m in messages] == ["Be brief", "from stdin", "ok"]


def test_stdin_is_not_read_when_messages_are_given():
    def read_stdin():
        raise AssertionError("stdin read")

    assert chat.build_messages(["user:hi"], None, read_stdin) == [
        {"role": "user", "content": "hi"}]


def test_empty_stdin_is_a_usage_error():
    with pytest.raises(exceptions.UsageError, match="stdin was empty"):
        chat.build_messages([], None, lambda: "  \n")


def test_stdin_can_be_read_only_once():
    with pytest.raises(exceptions.UsageError, match="only one --message"):
        chat.build_messages(["user:-", "user:-"], None, lambda: "x")


# -- parameters ----------------------------------------------------------------------------

def _parse(*argv):
    cmd = chat.CreateChatCompletion(None, None)
    return cmd.get_parser("chat completions").parse_args(["gpt-4o", *argv])


@pytest.mark.parametrize("argv", [
    ["-t", "2.01"], ["--temperature", "-0.1"], ["--top-p", "1.5"], ["--n", "0"],
    ["--max-tokens", "-3"], ["--max-tokens", "many"], ["--presence-penalty", "2.5"],
    ["--frequency-penalty", "-2.5"], ["-t", "warm"], ["-f", "yaml"],
])
def test_parameters_out_of_range_are_usage_errors_naming_the_option(argv):
    with pytest.raises(exceptions.UsageError) as exc:
        _parse(*argv)
    assert argv[0] in str(exc.value)


def test_only_the_parameters_given_are_sent():
    body = chat.build_body(_parse("-t", "0", "--max-tokens", "5"), [])
    assert body == {"model": "gpt-4o", "messages": [], "temperature": 0.0, "max_tokens": 5}


def test_every_parameter_lands_in_its_request_field():
    parsed = _parse("-t", "2", "--top-p", "1", "--n", "2", "--max-tokens", "9",
                    "--presence-penalty", "-2", "--frequency-penalty", "2", "--user", "u1",
                    "--param", "seed=7", "--param", 'stop=["\\n"]')
    body = chat.build_body(parsed, [])
    assert {k: v for k, v in body.items() if k not in ("model", "messages")} == {
        "temperature": 2.0, "top_p": 1.0, "n": 2, "max_tokens": 9, "presence_penalty": -2.0,
        "frequency_penalty": 2.0, "user": "u1", "seed": 7, "stop": ["\n"]}


@pytest.mark.parametrize("pair", ["temperature=9", "stream=true", "model=x", "messages=[]",
                                  "stream_options={}"])
def test_param_cannot_set_a_field_the_command_sets_and_checks(pair):
    parsed = _parse("--param", pair)
    with pytest.raises(exceptions.UsageError, match="set it with its own option"):
        chat.build_body(parsed, [])


def test_streamed_usage_asks_the_proxy_to_include_token_counts():
    body = chat.build_body(_parse("--stream", "--usage"), [])
    assert body["stream_options"] == {"include_usage": True}
    assert "stream_options" not in chat.build_body(_parse("--stream"), [])


def test_usage_line_prefers_the_header_cost_and_falls_back_to_the_usage_cost():
    usage = {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12, "cost": 0.5}
    assert chat.format_usage(usage, 0.000225) == (
        "usage: prompt_tokens=10 completion_tokens=2 total_tokens=12 cost_usd=0.000225")
    assert chat.format_usage(usage, None).endswith("cost_usd=0.5")
    assert chat.format_usage(None, None) == "usage: the proxy reported no token counts"


# -- the SSE reader ------------------------------------------------------------------------

def test_events_survive_any_split_across_chunks():
    text = "data: " + json.dumps(delta("héllo ☃")) + "\r\n\r\n: ping\n\ndata: [DONE]\n\n"
    raw = text.encode()
    for size in (1, 2, 3, 7, len(raw)):
        chunks = [raw[i:i + size] for i in range(0, len(raw), size)]
        assert list(read_events(iter(chunks))) == [delta("héllo ☃")]


def test_data_lines_of_one_event_are_joined():
    chunks = [b'data: {"a":\ndata: 1}\n\n', b"data: [DONE]\n"]
    assert list(read_events(iter(chunks))) == [{"a": 1}]


def test_stream_cut_before_done_is_a_connection_failure_after_the_chunks_received():
    events = read_events(iter(sse(delta("par"))))
    assert next(events) == delta("par")
    with pytest.raises(exceptions.ConnectionFailure, match="before the reply was complete"):
        next(events)


@pytest.mark.parametrize("code, cls, exit_code", [
    ("429", exceptions.TooManyRequests, exceptions.EXIT_REJECTED),
    (529, exceptions.ServerError, exceptions.EXIT_SERVER),
    ("None", exceptions.ServerError, exceptions.EXIT_SERVER),
])
def test_error_event_mid_stream_raises_the_typed_error(code, cls, exit_code):
    error = {"error": {"message": "{'error': 'upstream overloaded'}", "type": "x", "code": code}}
    events = read_events(iter(sse(delta("a"), error, "[DONE]")))
    assert next(events) == delta("a")
    with pytest.raises(cls) as exc:
        next(events)
    assert exc.value.exit_code == exit_code
    assert str(exc.value).startswith("the stream failed: upstream overloaded (HTTP ")


def test_bare_text_error_in_a_data_line_is_reported():
    with pytest.raises(exceptions.CLIError, match="the stream failed: boom"):
        list(read_events(iter(sse("boom"))))


# -- the API client against the local server ----------------------------------------------

def test_each_chunk_is_yielded_before_the_next_one_is_sent(server):
    # The server holds the second chunk back until the client has the first:
    # a reader that waits to fill a buffer would never see it.
    got_first = threading.Event()
    released = []
    server.script.append((200, {}, sse(delta("one"))
                          + [lambda: released.append(got_first.wait(5))]
                          + sse(delta("two"), "[DONE]")))
    api = ChatAPI(Session(server.url, api_key=KEY, timeout=20))
    seen = []
    for chunk in api.stream({"model": "m", "messages": []}):
        seen.append(chunk)
        if len(seen) == 1:
            assert not got_first.is_set()
            got_first.set()
    assert seen == [delta("one"), delta("two")]
    assert released == [True], "the first chunk was held back until the server timed out"
    assert server.seen[0]["stream"] is True


def test_create_returns_the_reply_and_the_cost_header(server):
    server.script.append((200, {"x-litellm-response-cost": "0.0125"}, reply("hi")))
    response, cost = ChatAPI(Session(server.url, api_key=KEY)).create({"model": "m"})
    assert response == reply("hi") and cost == 0.0125


# -- the command, in-process ---------------------------------------------------------------

def test_reply_text_goes_to_stdout_and_usage_to_stderr(server, run):
    server.script.append((200, {"x-litellm-response-cost": "0.5"},
                          reply("hello", usage={"prompt_tokens": 3, "completion_tokens": 1,
                                                "total_tokens": 4})))
    rc, out, err = run("gpt-4o", "-m", "user:hi", "--usage")
    assert (rc, out) == (0, "hello\n")
    assert err == "usage: prompt_tokens=3 completion_tokens=1 total_tokens=4 cost_usd=0.5\n"


def test_json_format_prints_the_whole_response_object(server, run):
    body = reply("hello", usage={"total_tokens": 4})
    body["system_fingerprint"] = {"nested": [1, 2]}
    server.script.append((200, {}, body))
    rc, out, _ = run("gpt-4o", "-m", "user:hi", "--format", "json")
    assert rc == 0 and json.loads(out) == body


def test_several_choices_are_printed_each_under_its_own_header(server, run):
    server.script.append((200, {}, reply("first", "second\n")))
    rc, out, _ = run("gpt-4o", "-m", "user:hi", "--n", "2")
    assert rc == 0
    assert out == "--- choice 1 of 2 ---\nfirst\n--- choice 2 of 2 ---\nsecond\n"


def test_stdin_and_system_prompt_are_sent_as_messages(server, run):
    server.script.append((200, {}, reply("ok")))
    rc, _, _ = run("gpt-4o", "-s", "Summarise", stdin="line 1\nline 2\n")
    assert rc == 0
    assert server.seen[0]["messages"] == [{"role": "system", "content": "Summarise"},
                                          {"role": "user", "content": "line 1\nline 2\n"}]


def test_streamed_text_equals_the_concatenated_deltas(server, run):
    server.script.append((200, {}, sse(delta("hel"), delta("lo"), delta("", 0), "[DONE]")))
    rc, out, err = run("gpt-4o", "-m", "user:hi", "--stream")
    assert (rc, out, err) == (0, "hello\n", "")


def test_streamed_choices_after_the_first_are_printed_when_the_stream_ends(server, run):
    server.script.append((200, {}, sse(delta("a", 0), delta("x", 1), delta("b", 0),
                                       delta("y", 1), "[DONE]")))
    rc, out, _ = run("gpt-4o", "-m", "user:hi", "--stream", "--n", "2")
    assert rc == 0
    assert out == "--- choice 1 of 2 ---\nab\n--- choice 2 of 2 ---\nxy\n"


def test_streamed_json_is_one_chunk_object_per_line(server, run):
    server.script.append((200, {}, sse(delta("a"), delta("b"), "[DONE]")))
    rc, out, _ = run("gpt-4o", "-m", "user:hi", "--stream", "-f", "json")
    assert rc == 0
    assert [json.loads(line) for line in out.splitlines()] == [delta("a"), delta("b")]


def test_streamed_usage_comes_from_the_usage_chunk(server, run):
    usage_chunk = {"choices": [], "usage": {"prompt_tokens": 8, "completion_tokens": 1,
                                            "total_tokens": 9, "cost": 3e-05}}
    server.script.append((200, {}, sse(delta("hi"), usage_chunk, "[DONE]")))
    rc, out, err = run("gpt-4o", "-m", "user:hi", "--stream", "--usage")
    assert (rc, out) == (0, "hi\n")
    assert err == "usage: prompt_tokens=8 completion_tokens=1 total_tokens=9 cost_usd=3e-05\n"
    assert server.seen[0]["stream_options"] == {"include_usage": True}


def test_error_mid_stream_keeps_the_text_and_fails_with_one_line(server, run):
    error = {"error": {"message": "rate limited", "type": "rate_limit", "code": "429"}}
    server.script.append((200, {}, sse(delta("partial"), error)))
    rc, out, err = run("gpt-4o", "-m", "user:hi", "--stream")
    assert rc == exceptions.EXIT_REJECTED
    assert out == "partial\n"
    assert err == "Error: the stream failed: rate limited (HTTP 429)\n"


def test_unknown_model_is_not_found_with_the_proxys_message(server, run):
    message = "/chat/completions: Invalid model name passed in model=nope."
    server.script.append((400, {}, {"error": {"message": message, "code": "400"}}))
    rc, out, err = run("nope", "-m", "user:hi")
    assert rc == exceptions.EXIT_NOT_FOUND and out == ""
    assert err == f"Error: {message} (HTTP 400)\n"


def test_other_bad_requests_stay_rejections(server, run):
    server.script.append((400, {}, {"error": {"message": "bad temperature", "code": "400"}}))
    rc, _, err = run("gpt-4o", "-m", "user:hi")
    assert rc == exceptions.EXIT_REJECTED and "bad temperature" in err


def test_bad_message_fails_before_anything_is_sent(server, run):
    rc, out, err = run("gpt-4o", "-m", "hello")
    assert rc == exceptions.EXIT_USAGE and out == "" and server.seen == []
    assert len(err.strip().splitlines()) == 1


# -- in a real process ---------------------------------------------------------------------

def _cli(url, *argv, **kwargs):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LITELLM_PROXY_URL": url,
           "LITELLM_PROXY_API_KEY": KEY, "NO_PROXY": "127.0.0.1"}
    return subprocess.Popen([sys.executable, "-m", "litellm_cli", "chat", "completions", *argv],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def test_ctrl_c_during_a_stream_keeps_the_text_and_exits_130(server):
    release = threading.Event()
    server.script.append((200, {}, sse(delta("partial")) + [lambda: release.wait(30)]
                          + sse(delta(" never"), "[DONE]")))
    proc = _cli(server.url, "gpt-4o", "-m", "user:hi", "--stream")
    try:
        # The first delta arrives flushed while the stream is still open.
        assert proc.stdout.read(len("partial")) == b"partial"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == exceptions.EXIT_INTERRUPTED
    assert out == b"\n"  # the line is ended; "partial" was read above
    assert err.decode().strip() == "Interrupted"


def test_help_imports_neither_requests_nor_yaml():
    probe = ("import sys\nfrom litellm_cli import shell\nshell.main(['chat', 'completions', "
             "'--help'])\nassert 'requests' not in sys.modules and 'yaml' not in sys.modules, "
             "sorted(m for m in sys.modules if m in ('requests', 'yaml'))\n")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    assert "--temperature 0..2" in res.stdout


def test_stream_reaches_stdout_while_the_server_is_still_sending(server):
    # End to end through a pipe: the first delta must be readable before the
    # server sends the rest, so the command flushes per chunk.
    release = threading.Event()
    released = []
    server.script.append((200, {}, sse(delta("first"))
                          + [lambda: released.append(release.wait(5))]
                          + sse(delta(" second"), "[DONE]")))
    proc = _cli(server.url, "gpt-4o", "-m", "user:hi", "--stream")
    try:
        assert proc.stdout.read(len("first")) == b"first"
        release.set()
        out, _ = proc.communicate(timeout=20)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and out == b" second\n"
    assert released == [True], "the first delta was held back until the server timed out"


def test_stream_cut_off_by_the_proxy_keeps_the_text_and_is_a_connection_failure(server, run):
    server.script.append((200, {}, sse(delta("half a rep"))))
    rc, out, err = run("gpt-4o", "-m", "user:hi", "--stream")
    assert (rc, out) == (exceptions.EXIT_CONNECTION, "half a rep\n")
    assert err == "Error: the proxy closed the stream before the reply was complete\n"


# -- terminal safety (issue 21) ------------------------------------------------------------

HOSTILE = "\x1b]0;owned\x07\x1b[2Jred\rline\u202eevil\ttab\n"
ESCAPED = "\\x1b]0;owned\\x07\\x1b[2Jred\\rline\\u202eevil\ttab\n"


class _Terminal(io.StringIO):
    """stdout as a terminal; ``first`` is set by the first write."""

    def __init__(self):
        super().__init__()
        self.first = threading.Event()

    def isatty(self):
        return True

    def write(self, text):
        self.first.set()
        return super().write(text)


@pytest.fixture
def terminal(server, monkeypatch):
    """Run the CLI in-process with stdout a terminal; returns (rc, out)."""
    monkeypatch.setenv("LITELLM_PROXY_URL", server.url)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", KEY)
    out = _Terminal()

    def _run(*argv):
        # Set here: pytest puts its own capture back after fixtures are set up.
        monkeypatch.setattr(sys, "stdout", out)
        rc = shell.main(["chat", "completions", *argv])
        return rc, out.getvalue()

    _run.out = out
    return _run


@pytest.mark.parametrize("argv", [[], ["--stream"]])
def test_a_reply_on_a_terminal_has_its_control_characters_escaped(server, terminal, argv):
    server.script.append((200, {}, sse(delta(HOSTILE), "[DONE]") if argv else reply(HOSTILE)))
    assert terminal("gpt-4o", "-m", "user:hi", *argv) == (0, ESCAPED)


@pytest.mark.parametrize("argv", [[], ["--stream"]])
def test_a_reply_on_a_pipe_is_the_exact_text(server, run, argv):
    server.script.append((200, {}, sse(delta(HOSTILE), "[DONE]") if argv else reply(HOSTILE)))
    assert run("gpt-4o", "-m", "user:hi", *argv)[:2] == (0, HOSTILE)


def test_json_on_a_terminal_escapes_what_json_leaves_raw(server, terminal):
    server.script.append((200, {}, reply("bidi\u202eevil")))
    rc, out = terminal("gpt-4o", "-m", "user:hi", "-f", "json")
    assert rc == 0 and "\u202e" not in out and "bidi\\u202eevil" in out


def test_an_escaped_stream_still_prints_each_piece_as_it_arrives(server, terminal):
    released = []
    server.script.append((200, {}, sse(delta("\x1b[31mone"))
                          + [lambda: released.append(terminal.out.first.wait(5))]
                          + sse(delta("two"), "[DONE]")))
    assert terminal("gpt-4o", "-m", "user:hi", "--stream") == (0, "\\x1b[31monetwo\n")
    assert released == [True], "the first piece was held back until the stream ended"
