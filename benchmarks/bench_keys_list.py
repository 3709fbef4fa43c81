#!/usr/bin/env python3
"""Benchmark ``litellm-proxy keys list --all`` against plain HTTP paging.

Creates keys owned by one throw-away user (unique alias prefix), then for a
growing number of keys (default 500, 1000, 2000) measures, over several runs:

- ``keys list --all --user-id U`` with ``-f value -c token``, ``-f csv``,
  ``-f json`` and the default table;
- a plain ``requests`` loop fetching the same pages (100 full key objects per
  page) and printing each token as it arrives.

Wall time is the median; peak memory is each child's own max RSS (from
``os.wait4``). Everything created is deleted at the end, keys in batches
through ``/key/delete``.

    python benchmarks/bench_keys_list.py [--url URL] [--key KEY] [--counts 500,1000,2000]
"""

import argparse
import concurrent.futures
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid

import requests

PLAIN_HTTP = """
import sys, requests
url, key, user = sys.argv[1:4]
session = requests.Session()
session.headers["Authorization"] = "Bearer " + key
page = 1
while True:
    body = session.get(url + "/key/list", params={"page": page, "size": 100, "user_id": user,
                       "return_full_object": "true"}, timeout=60).json()
    for item in body["keys"]:
        sys.stdout.write(item["token"] + "\\n")
    if not body["keys"] or page >= body["total_pages"]:
        break
    page += 1
"""


def measure(argv, env):
    """Run once; return (seconds, peak RSS in MiB) of that child alone."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}: {child.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("LITELLM_PROXY_URL",
                                                        "http://localhost:4000"))
    parser.add_argument("--key", default=os.environ.get("LITELLM_PROXY_API_KEY"))
    parser.add_argument("--counts", default="500,1000,2000",
                        help="comma-separated key counts to measure at (ascending)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=8, help="parallel key creation")
    args = parser.parse_args()
    counts = sorted(int(c) for c in args.counts.split(","))
    cli = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable)) or "litellm-proxy"
    url = args.url.rstrip("/")
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {args.key}"
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    user = f"{prefix}-owner"
    env = dict(os.environ, LITELLM_PROXY_URL=url, LITELLM_PROXY_API_KEY=args.key or "")
    tokens = []

    def generate(i):
        response = http.post(f"{url}/key/generate", timeout=60,
                             json={"user_id": user, "key_alias": f"{prefix}-{i}"})
        response.raise_for_status()
        return response.json()["token"]

    http.post(f"{url}/user/new", json={"user_id": user, "auto_create_key": False},
              timeout=60).raise_for_status()
    cases = {
        "cli -f value -c token": [cli, "keys", "list", "--all", "--user-id", user,
                                  "-f", "value", "-c", "token"],
        "cli -f csv": [cli, "keys", "list", "--all", "--user-id", user, "-f", "csv"],
        "cli -f json": [cli, "keys", "list", "--all", "--user-id", user, "-f", "json"],
        "cli (table)": [cli, "keys", "list", "--all", "--user-id", user],
        "plain requests loop": [sys.executable, "-c", PLAIN_HTTP, url, args.key or "", user],
    }
    print(f"alias prefix {prefix}; {args.runs} runs each; median wall time, peak RSS")
    try:
        for count in counts:
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
                tokens += pool.map(generate, range(len(tokens), count))
            print(f"\n{count} keys (created in {time.perf_counter() - started:.1f}s)")
            for name, argv in cases.items():
                runs = [measure(argv, env) for _ in range(args.runs)]
                wall = statistics.median(r[0] for r in runs)
                rss = max(r[1] for r in runs)
                print(f"  {name:<24} {wall:6.2f} s  {rss:7.1f} MiB")
    finally:
        for i in range(0, len(tokens), 100):
            http.post(f"{url}/key/delete", json={"keys": tokens[i:i + 100]}, timeout=120)
        http.post(f"{url}/user/delete", json={"user_ids": [user]}, timeout=60)
        print(f"\ndeleted {len(tokens)} keys and user {user}", file=sys.stderr)


if __name__ == "__main__":
    main()
