#!/usr/bin/env python3
"""Config as code: `models import` and `models apply` of new models against a
plain HTTP loop doing the same creates, and read-only `diff` / unchanged
`apply` over every deployment on the proxy.

    python benchmarks/bench_sync.py [--count 200 --runs 1 --url URL --key KEY]

Creates: for each run, the same COUNT models (fake loopback upstreams, a
canned mock_response) are created three ways, each starting from the same
proxy state: a plain `requests` loop posting /model/new one by one (the
floor: the proxy serialises creates), `models import FILE` and `models apply
FILE`. After each, /model/info must hold exactly COUNT deployments with the
run's prefix (0 lost, 0 duplicated); they are deleted before the next.

Read-only: `models export` of the proxy, then `models diff` of the export
and `models apply` of it (nothing to do), timed with the number of
deployments; a --debug run of the apply must send no write request.

All names start with "bench-sync-<random>-"; whatever the outcome, every model
with that prefix is deleted at the end. Use a proxy of your own: --count
models are created and deleted several times.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import cli_env, measure, proxy_arguments  # noqa: E402

from litellm_cli.api.models import ModelsAPI  # noqa: E402
from litellm_cli.session import Session  # noqa: E402

PARAMS = {"model": "openai/gpt-4o", "api_base": "http://127.0.0.1:9/v1", "api_key": "fake",
          "mock_response": "hello"}


def entries(prefix, count):
    return [{"model_name": f"{prefix}{i:04d}", "litellm_params": dict(PARAMS),
             "model_info": {"access_groups": ["bench"]}} for i in range(count)]


def write_config(path, prefix, count):
    import yaml

    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"model_list": entries(prefix, count)}, handle)


def plain_loop(url, key, prefix, count):
    """The floor: one POST /model/new after the other, nothing else."""
    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    start = time.perf_counter()
    for entry in entries(prefix, count):
        http.post(f"{url}/model/new", json=entry, timeout=120).raise_for_status()
    return (time.perf_counter() - start) * 1000


def named(api, prefix):
    return [m for m in api.info() if m["model_name"].startswith(prefix)]


def delete_named(api, prefix):
    ids = [m["model_info"]["id"] for m in named(api, prefix)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(api.delete, ids))
    return len(ids)


def check(api, prefix, count, what):
    found = named(api, prefix)
    names = [m["model_name"] for m in found]
    lost, doubled = count - len(set(names)), len(names) - len(set(names))
    if lost or doubled:
        sys.exit(f"{what}: {lost} lost, {doubled} duplicated")


def main():
    parser = proxy_arguments(__doc__)
    parser.set_defaults(runs=1)
    parser.add_argument("--count", type=int, default=200, help="models per create run")
    parser.add_argument("--skip-creates", action="store_true", help="only the read-only part")
    args = parser.parse_args()
    cli = shutil.which(args.cli) or args.cli
    env = cli_env(args.url, args.key)
    api = ModelsAPI(Session(args.url, api_key=args.key, timeout=300))
    run_prefix = f"bench-sync-{uuid.uuid4().hex[:8]}-"
    times = {"plain HTTP loop": [], "models import": [], "models apply": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(0 if args.skip_creates else args.runs):
                before = len(api.info())
                for way in times:
                    prefix = f"{run_prefix}{run}-{way.split()[-1]}-"
                    if way == "plain HTTP loop":
                        wall = plain_loop(args.url, args.key, prefix, args.count)
                    else:
                        path = os.path.join(tmp, f"{prefix}.yaml")
                        write_config(path, prefix, args.count)
                        wall, _, rc = measure([cli, *way.split(), path], runs=1, env=env)
                        if rc != 0:
                            sys.exit(f"{way}: exit code {rc}")
                    check(api, prefix, args.count, way)
                    times[way].append(wall)
                    print(f"  run {run + 1}: {way:<16} {args.count} creates on a proxy with "
                          f"{before} deployments: {wall / 1000:6.1f} s", flush=True)
                    delete_named(api, prefix)
            if not args.skip_creates:
                floor = statistics.median(times["plain HTTP loop"])
                for way, walls in times.items():
                    print(f"{way:<16}: median {statistics.median(walls) / 1000:6.1f} s, "
                          f"{statistics.median(walls) / floor:.2f}x the plain loop "
                          "(0 lost, 0 duplicated)")
            export = os.path.join(tmp, "export.yaml")
            wall, peak, rc = measure([cli, "models", "export", "-o", export], runs=1, env=env)
            deployments = len(api.info())
            print(f"models export of {deployments} deployments: {wall / 1000:.2f} s, "
                  f"peak RSS {peak:.1f} MiB")
            for command in (["models", "diff", export], ["models", "apply", export]):
                wall, peak, rc = measure([cli, *command], runs=3, env=env)
                if rc != 0:
                    sys.exit(f"{' '.join(command)}: exit code {rc} (expected 0: nothing to do)")
                print(f"{' '.join(command[:2])} (nothing to do) over {deployments} "
                      f"deployments: median {wall / 1000:.2f} s, peak RSS {peak:.1f} MiB")
            debug = subprocess.run([cli, "--debug", "models", "apply", export], env=env,
                                   capture_output=True, text=True)
            writes = [line for line in debug.stderr.splitlines()
                      if line.startswith("REQ: curl") and " -X GET " not in line]
            print(f"unchanged apply sent {len(writes)} write requests")
    finally:
        left = delete_named(api, run_prefix)
        if left:
            print(f"cleaned up {left} models left by an interrupted run")


if __name__ == "__main__":
    main()
