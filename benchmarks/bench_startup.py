#!/usr/bin/env python3
"""Start-up cost: median wall time and peak memory of the commands people run most.

    python benchmarks/bench_startup.py [--url URL --key KEY --runs N --cli PATH]

`--help` needs no proxy; `--version` and `http request` talk to the proxy at --url.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cli_env, measure, proxy_arguments  # noqa: E402

CASES = [
    ("--help", ["--help"]),
    ("--version", ["--version"]),
    ("http request GET /v1/models", ["http", "request", "GET", "/v1/models"]),
]


def main():
    args = proxy_arguments(__doc__).parse_args()
    env = cli_env(args.url, args.key)
    print(f"{'command':<32} {'median ms':>10} {'peak MiB':>9} {'exit':>5}")
    for label, argv in CASES:
        wall, peak, rc = measure([args.cli, *argv], runs=args.runs, env=env)
        print(f"{label:<32} {wall:>10.1f} {peak:>9.1f} {rc:>5}")


if __name__ == "__main__":
    main()
