"""Unit test helpers: a local HTTP server, and ``FakeSession``, ``run`` and
``shown`` for the command and API client tests."""

import http.server
import inspect
import io
import json
import threading
import types

import pytest

from litellm_cli.clientmanager import ClientManager
from litellm_cli.session import Session

def _as_session_takes(name, *args, **kwargs):
    """Fail (TypeError) on a call the real ``Session.<name>`` would refuse,
    including keywords its ``**kwargs`` pass on to ``Session.request``."""
    signature = inspect.signature(getattr(Session, name))
    bound = signature.bind(None, *args, **kwargs)
    passed_on = {param.name for param in signature.parameters.values()
                 if param.kind is param.VAR_KEYWORD}
    for extra in passed_on:
        inspect.signature(Session.request).bind(None, "GET", "/",
                                                **bound.arguments.get(extra, {}))


class FakeSession:
    """Answers (method, path) with canned data or exceptions; records every call.

    Autospecced from ``Session``: it has only methods the real one has, and
    each call is checked against the real signature, so it cannot drift.
    """

    def __init__(self, answers=None):
        self.answers = answers or {}
        self.calls = []
        self.lock = threading.Lock()

    def _answer(self, method, path, **kwargs):
        with self.lock:
            self.calls.append((method, path, kwargs))
        answer = self.answers[(method, path)]
        if callable(answer):
            answer = answer(**kwargs)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_json(self, path, params=None, **kwargs):
        _as_session_takes("get_json", path, params=params, **kwargs)
        return self._answer("GET", path, params=params, **kwargs)

    def get(self, path, params=None, stream=False):
        """A streamed answer, sent in small chunks so parsing must wait for the rest."""
        _as_session_takes("get", path, params=params, stream=stream)
        body = json.dumps(self._answer("GET", path, params=params)).encode()
        return types.SimpleNamespace(
            iter_content=lambda size: (body[i:i + 7] for i in range(0, len(body), 7)),
            close=lambda: None)

    def post_json(self, path, body=None):
        _as_session_takes("post_json", path, body)
        return self._answer("POST", path, body=body)

    def post(self, path, json=None):
        _as_session_takes("post", path, json=json)
        return _response(self._answer("POST", path, body=json))

    def put(self, path, json=None):
        _as_session_takes("put", path, json=json)
        return _response(self._answer("PUT", path, body=json))

    def patch(self, path, json=None, idempotent=None):
        _as_session_takes("patch", path, json=json, idempotent=idempotent)
        return _response(self._answer("PATCH", path, body=json))

    def delete(self, path, json=None, params=None):
        _as_session_takes("delete", path, json=json, params=params)
        query = {"params": params} if params is not None else {}
        return _response(self._answer("DELETE", path, body=json, **query))


PINNED = "1.108.7"  # the release the functional tests run against


def release(version):
    """The FakeSession answer by which a proxy says its LiteLLM ``version``
    (what ``litellm_cli.versions.server_version`` asks first)."""
    return {("GET", "/public/model_hub/info"):
            lambda **kwargs: {"litellm_version": version}}


def _response(body):
    return types.SimpleNamespace(content=b"{}", json=lambda: body)


def run(command_class, argv, session):
    """Parse ``argv`` and run the command's ``take_action`` on ``session``:
    ``(result, app)``, the app holding stdin/stdout/stderr as StringIO."""
    app = types.SimpleNamespace(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(),
                                client_manager=ClientManager(session=session))
    cmd = command_class(app, None)
    parsed = cmd.get_parser("litellm-proxy test").parse_args(argv)
    return cmd.take_action(parsed), app


def shown(result):
    """A ShowOne's ``(columns, values)`` as a dict of machine-readable values."""
    columns, values = result
    return {c: getattr(v, "machine_readable", lambda v=v: v)() for c, v in zip(columns, values)}


@pytest.fixture
def local_server():
    """``local_server(Handler)`` serves Handler on 127.0.0.1 for the test.

    The server gets ``seen`` and ``script`` lists for the handler to use, and
    ``url``; it is shut down when the test ends.
    """
    servers = []

    def start(handler):
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        httpd.seen = []
        httpd.script = []
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        servers.append(httpd)
        return httpd

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts like a new process: no remembered secrets, stdin unread."""
    from litellm_cli import redact, utils

    redact.REDACTOR.__init__()
    utils._stdin_reader.clear()
    yield
