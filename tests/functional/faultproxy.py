"""A small fault-injecting HTTP proxy on 127.0.0.1, in front of the real LiteLLM proxy.

Each request is matched against ``rules`` in order; a rule is
``(method, path_prefix, after, times, action)``: it lets the first ``after``
matching requests through, then fires for the next ``times``. Actions:

- ``("status", code, headers, body)``: answer without forwarding;
- ``("drop_after_forward",)``: forward to the real proxy, read its answer,
  then close the connection without replying (the request did reach it);
- ``("stall", seconds)``: accept the request and answer nothing for a while;
- ``("delay", seconds)``: wait, then forward as usual;
- ``("die",)``: the proxy goes away: this request is dropped unanswered and
  every later connection is refused.

Requests that match no rule are forwarded unchanged. ``seen`` records every
``(method, path)`` that arrived.
"""

import http.client
import http.server
import socket
import threading
import time
from urllib.parse import urlsplit


class FaultProxy:
    def __init__(self, upstream):
        self.upstream = urlsplit(upstream)
        self.rules = []
        self.seen = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, method, path_prefix, times, *action, after=0):
        self.rules.append([method, path_prefix, after, times, action])

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        if not self._stop.is_set():
            self._stop.set()
            self._server.shutdown()
        self._server.server_close()

    def _match(self, method, path):
        with self._lock:
            self.seen.append((method, path))
            for rule in self.rules:
                if rule[0] != method or not path.startswith(rule[1]):
                    continue
                if rule[2] > 0:
                    rule[2] -= 1
                elif rule[3] > 0:
                    rule[3] -= 1
                    return rule[4]
        return None

    def die(self):
        """Close the listening socket: new connections are refused from now on."""
        self._stop.set()
        threading.Thread(target=self._server.shutdown, daemon=True).start()
        try:
            self._server.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._server.socket.close()

    def _forward(self, method, path, headers, body):
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def _handler(self):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                action = proxy._match(self.command, self.path)
                if action and action[0] == "stall":
                    proxy._stop.wait(action[1])
                    self.close_connection = True
                    return
                if action and action[0] == "die":
                    self.close_connection = True
                    proxy.die()
                    return
                if action and action[0] == "delay":
                    time.sleep(action[1])
                if action and action[0] == "status":
                    _, code, headers, payload = action
                    self._reply(code, list(headers.items()), payload)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                status, out_headers, payload = proxy._forward(self.command, self.path, headers, body)
                if action and action[0] == "drop_after_forward":
                    self.close_connection = True
                    return
                skip = {"transfer-encoding", "content-length", "connection"}
                self._reply(status, [(k, v) for k, v in out_headers if k.lower() not in skip],
                            payload)

            def _reply(self, code, headers, payload):
                payload = payload if isinstance(payload, bytes) else payload.encode()
                self.send_response(code)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        return Handler


def wait_until(predicate, timeout=10.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
