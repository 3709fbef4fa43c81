#!/usr/bin/env python3
"""`models import` of many models: concurrent against one at a time.

    python benchmarks/bench_import.py [--count 200 --runs 3 --concurrency 8 --url URL --key KEY]

Each run writes a model_list of COUNT models (fake loopback upstreams with a
canned mock_response), imports it with `--concurrency 1` and with
`--concurrency N`, and deletes every model it created before the next run.
All names start with "bench-import-<random>-", and whatever the outcome, every
model with that prefix is deleted at the end. Prints median wall time and peak
memory of the CLI process for each mode, and the speed-up ratio.
"""

import os
import shutil
import statistics
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import cli_env, measure, proxy_arguments  # noqa: E402

from litellm_cli.api.models import ModelsAPI  # noqa: E402
from litellm_cli.session import Session  # noqa: E402


def write_model_list(path, prefix, count):
    import yaml

    models = [{"model_name": f"{prefix}{i:04d}",
               "litellm_params": {"model": "openai/gpt-4o", "api_base": "http://127.0.0.1:9/v1",
                                  "api_key": "fake", "mock_response": "hello"},
               "model_info": {"access_groups": ["bench"]}} for i in range(count)]
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"model_list": models}, handle)


def delete_models_named(api, prefix):
    """Delete every deployment whose name starts with prefix; return how many."""
    ids = [m["model_info"]["id"] for m in api.info() if m["model_name"].startswith(prefix)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(api.delete, ids))
    return len(ids)


def main():
    parser = proxy_arguments(__doc__)
    parser.set_defaults(runs=3)
    parser.add_argument("--count", type=int, default=200, help="models per import")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="--concurrency of the concurrent import")
    args = parser.parse_args()
    cli = shutil.which(args.cli) or args.cli
    env = cli_env(args.url, args.key)
    api = ModelsAPI(Session(args.url, api_key=args.key))
    run_prefix = f"bench-import-{uuid.uuid4().hex[:8]}-"
    modes = {"sequential": 1, "concurrent": args.concurrency}
    walls = {mode: [] for mode in modes}
    peaks = {mode: 0.0 for mode in modes}
    print(f"importing {args.count} models, {args.runs} runs per mode, into {args.url}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                for mode, concurrency in modes.items():
                    prefix = f"{run_prefix}{mode}-{run}-"
                    path = os.path.join(tmp, f"{mode}-{run}.yaml")
                    write_model_list(path, prefix, args.count)
                    wall, peak, rc = measure(
                        [cli, "models", "import", path, "--concurrency", str(concurrency)],
                        runs=1, env=env)
                    created = delete_models_named(api, prefix)
                    if rc != 0 or created != args.count:
                        sys.exit(f"{mode} run {run}: exit code {rc}, "
                                 f"{created} of {args.count} models created")
                    walls[mode].append(wall)
                    peaks[mode] = max(peaks[mode], peak)
                    print(f"  run {run + 1} {mode:<10} {wall / 1000:6.2f} s", flush=True)
    finally:
        left = delete_models_named(api, run_prefix)
        if left:
            print(f"cleaned up {left} models left by an interrupted run")
    medians = {mode: statistics.median(values) for mode, values in walls.items()}
    for mode, concurrency in modes.items():
        per_model = medians[mode] / args.count
        print(f"{mode:<10} (--concurrency {concurrency}): median {medians[mode] / 1000:.2f} s "
              f"({per_model:.1f} ms per model), peak RSS {peaks[mode]:.1f} MiB")
    print(f"speed-up (sequential / concurrent median): "
          f"{medians['sequential'] / medians['concurrent']:.2f}x")


if __name__ == "__main__":
    main()
