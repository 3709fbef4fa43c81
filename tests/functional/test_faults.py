"""Fault injection: a fault-injecting HTTP proxy on 127.0.0.1 in front of the real one."""

import json
import time

import pytest

from tests.functional.conftest import run_cli
from tests.functional.faultproxy import FaultProxy


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
