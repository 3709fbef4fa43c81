#!/usr/bin/env python3
"""Benchmark ``litellm-proxy keys import`` between two real proxies.

Creates N keys (default 200) on the source, owned by one throw-away user in
one throw-away team, then times:

- ``keys import --team-id T --dry-run`` (reads both proxies, writes nothing);
- the import itself (creates the team, the user and N keys on the destination);
- the same import again (everything skipped).

Prints the wall time and the CLI's peak memory for each. Everything created
is deleted from both proxies at the end.

    python benchmarks/bench_keys_import.py --url SRC --key SRC_KEY \
        --dest-url DST --dest-key DST_KEY [--count 200]
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import requests


def measure(argv, env, stdin):
    """Run once; return (seconds, peak RSS in MiB) of that child alone."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    child.stdin.write(stdin.encode())
    child.stdin.close()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}: {child.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("LITELLM_PROXY_URL"))
    parser.add_argument("--key", default=os.environ.get("LITELLM_PROXY_API_KEY"))
    parser.add_argument("--dest-url", required=True)
    parser.add_argument("--dest-key", required=True)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    cli = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable)) or "litellm-proxy"
    prefix = f"bench-import-{uuid.uuid4().hex[:8]}"
    team, user = f"{prefix}-team", f"{prefix}-user"
    source = requests.Session()
    source.headers["Authorization"] = f"Bearer {args.key}"
    dest = requests.Session()
    dest.headers["Authorization"] = f"Bearer {args.dest_key}"

    source.post(f"{args.url}/team/new", json={"team_id": team}, timeout=60).raise_for_status()
    source.post(f"{args.url}/user/new", json={"user_id": user, "teams": [team],
                                               "auto_create_key": False},
                timeout=60).raise_for_status()

    def make(i):
        source.post(f"{args.url}/key/generate", json={
            "key_alias": f"{prefix}-{i}", "team_id": team, "user_id": user, "max_budget": 5,
            "rpm_limit": 10, "metadata": {"i": i}}, timeout=60).raise_for_status()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(make, range(args.count)))

    env = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM_")}
    env.update(LITELLM_PROXY_URL=args.dest_url, LITELLM_PROXY_API_KEY=args.dest_key,
               LITELLM_CLI_CONFIG="/nonexistent/bench/config.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        base = [cli, "keys", "import", "--source-base-url", args.url, "--source-api-key", "@-",
                "--team-id", team, "-f", "value"]
        secrets = ["--secrets-out", os.path.join(tmp, "secrets.jsonl")]
        try:
            for label, extra in (("dry run", ["--dry-run"]), ("import", secrets),
                                 ("again (all skipped)", secrets)):
                seconds, peak = measure(base + extra, env, args.key + "\n")
                print(f"{label:22} {args.count} keys: {seconds:6.2f} s  "
                      f"({seconds / args.count * 1000:5.1f} ms a key), peak {peak:5.1f} MiB")
        finally:
            for session, url in ((source, args.url), (dest, args.dest_url)):
                aliases = [f"{prefix}-{i}" for i in range(args.count)]
                for start in range(0, len(aliases), 50):
                    session.post(f"{url}/key/delete",
                                 json={"key_aliases": aliases[start:start + 50]}, timeout=120)
                session.post(f"{url}/team/delete", json={"team_ids": [team]}, timeout=60)
                session.post(f"{url}/user/delete", json={"user_ids": [user]}, timeout=60)


if __name__ == "__main__":
    main()
