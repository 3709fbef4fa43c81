#!/usr/bin/env python3
"""Benchmark ``litellm-proxy audit`` on a proxy with many keys.

Creates N keys (default 200; ``--keys 10000`` for the issue's target) owned by
one throw-away user with a unique alias prefix, then measures ``audit -f
json`` (median wall time, peak RSS) beside a plain sequential script that
reads the same list endpoints and judges nothing. Everything it created is
deleted at the end, also when interrupted.

    LITELLM_PROXY_URL=... LITELLM_PROXY_API_KEY=... python benchmarks/bench_audit.py [--keys N]
"""

import concurrent.futures
import sys
import time
import uuid

import requests

from common import cli_env, measure, proxy_arguments

PLAIN_READS = """
import sys, requests
url, key = sys.argv[1:3]
http = requests.Session()
http.headers["Authorization"] = "Bearer " + key
for path, items in (("/key/list", "keys"), ("/user/list", "users")):
    page = 1
    while True:
        body = http.get(url + path, params={"page": page, "size": 100,
                        "page_size": 100, "return_full_object": "true"}, timeout=120).json()
        if not body[items] or page >= body.get("total_pages", 0):
            break
        page += 1
for path in ("/team/list", "/model/info", "/credentials", "/budget/list", "/customer/list"):
    http.get(url + path, timeout=120).json()
"""


def main():
    parser = proxy_arguments(__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200, help="how many keys to create")
    parser.add_argument("--workers", type=int, default=4, help="parallel key creation")
    parser.set_defaults(runs=3)
    args = parser.parse_args()
    url = args.url.rstrip("/")
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {args.key}"
    prefix = f"bench-audit-{uuid.uuid4().hex[:8]}"
    user = f"{prefix}-owner"
    tokens = []

    def generate(i):
        response = http.post(f"{url}/key/generate", timeout=120,
                             json={"user_id": user, "key_alias": f"{prefix}-{i}"})
        response.raise_for_status()
        return response.json()["token"]

    http.post(f"{url}/user/new", json={"user_id": user, "auto_create_key": False},
              timeout=60).raise_for_status()
    try:
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
            for token in pool.map(generate, range(args.keys)):
                tokens.append(token)
        print(f"{args.keys} keys created in {time.perf_counter() - started:.1f} s "
              f"(alias prefix {prefix}); {args.runs} runs each")
        env = cli_env(url, args.key)
        cases = {"litellm-proxy audit -f json": [args.cli, "audit", "-f", "json"],
                 "plain sequential reads": [sys.executable, "-c", PLAIN_READS, url, args.key]}
        for name, argv in cases.items():
            wall, peak, rc = measure(argv, runs=args.runs, env=env)
            print(f"  {name:<30} {wall / 1000:7.2f} s  {peak:7.1f} MiB  (exit {rc})")
            if rc not in (0, 1):  # audit exits 1 when it finds something; else it did not run
                sys.exit(f"{name} failed (exit {rc}): the figure above is not a measurement")
    finally:
        for i in range(0, len(tokens), 100):
            http.post(f"{url}/key/delete", json={"keys": tokens[i:i + 100]}, timeout=300)
        http.post(f"{url}/user/delete", json={"user_ids": [user]}, timeout=60)
        print(f"deleted {len(tokens)} keys and user {user}", file=sys.stderr)


if __name__ == "__main__":
    main()
