#!/usr/bin/env python3
"""What the security measures cost: reporting a refused connection, and masking output.

    python benchmarks/bench_security.py [--runs N --cli PATH]

A refused connection is retried once after 0.1 s, then reported (before: three
retries with backoff, about 2 s). Every printed value is checked against the
secrets the user handed in; this times that for a large listing.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from common import cli_env, measure, proxy_arguments  # noqa: E402
from proxy_sandbox import free_port as closed_port  # noqa: E402

ROWS, SECRETS = 20000, 5


def main():
    args = proxy_arguments(__doc__).parse_args()
    env = cli_env(f"http://127.0.0.1:{closed_port()}", args.key)
    for argv in (["keys", "list"], ["keys", "generate"]):
        wall, _, rc = measure([args.cli, *argv], runs=args.runs, env=env)
        print(f"refused connection, {' '.join(argv)}: {wall:.0f} ms to exit {rc}")

    from litellm_cli import exceptions, redact
    from litellm_cli.session import Session

    session = Session(f"http://127.0.0.1:{closed_port()}", api_key=args.key)
    start = time.perf_counter()
    try:
        session.get("/key/list")
    except exceptions.ConnectionFailure:
        pass
    print(f"refused connection inside the session: {(time.perf_counter() - start) * 1000:.0f} ms "
          "(the command's start-up not counted)")

    for i in range(SECRETS):
        redact.remember(f"user-secret-value-{i}")
    rows = [(f"sk-...{i:04d}", f"alias-{i}", f"user{i}@example.com", i * 0.5,
             {"team": f"t{i}", "url": "https://h/v1"}) for i in range(ROWS)]
    start = time.perf_counter()
    for row in rows:
        redact.mask_output(row)
    took = (time.perf_counter() - start) * 1000
    print(f"masking {ROWS} rows of 5 values against {SECRETS} secrets: {took:.0f} ms "
          f"({took * 1000 / ROWS:.1f} us a row)")

    # Hostile 1 MB texts: masking and error-body summaries must stay linear.
    hostile = {"URL-like text": "a." * 500000 + "x://@",
               "nested userinfo": "http://" + "a@" * 500000,
               "unclosed HTML tags": "<html><body>" + "<" * 1000000,
               "repeated <title>": "<html>" + "<title>" * 150000}
    for name, text in hostile.items():
        start = time.perf_counter()
        redact.REDACTOR.text(text)
        exceptions.message_from_body(text)
        print(f"1 MB of {name}: masked and summarised in "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
