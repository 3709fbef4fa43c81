"""Unit test helpers."""

import http.server
import threading

import pytest


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
